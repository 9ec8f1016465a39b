package jrkt.sys.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class NativeSha256Test {
    @Test
    void libcryptosDigestsEqualTheJdksForEmptySmallAndMultiChunkInput() throws Exception {
        MessageDigest nativeSha = NativeSha256.create();
        assertEquals(NativeSha256.class, nativeSha.getClass(), "libcrypto3 is installed on jrkt's hosts");
        byte[] big = new byte[200_000]; // three 64 KiB chunks and a bit
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7 + 3);
        for (byte[] input : new byte[][] {new byte[0], "abc".getBytes(), big}) {
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(input), nativeSha.digest(input));
        }
        // updates of odd sizes and single bytes, then a reset and reuse
        MessageDigest jdk = MessageDigest.getInstance("SHA-256");
        nativeSha.update(big, 1, 70_001);
        nativeSha.update((byte) 9);
        jdk.update(big, 1, 70_001);
        jdk.update((byte) 9);
        assertArrayEquals(jdk.digest(), nativeSha.digest());
        nativeSha.update(big);
        nativeSha.reset();
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest("abc".getBytes()), nativeSha.digest("abc".getBytes()));
    }
}
