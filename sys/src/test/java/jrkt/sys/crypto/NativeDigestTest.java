package jrkt.sys.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class NativeDigestTest {
    @Test
    void libcryptosSha256EqualsTheJdksForEmptySmallAndMultiChunkInput() throws Exception {
        sameAsTheJdk(NativeDigest.sha256(), "SHA-256");
    }

    @Test
    void libcryptosSha512EqualsTheJdksForEmptySmallAndMultiChunkInput() throws Exception {
        sameAsTheJdk(NativeDigest.sha512(), "SHA-512");
    }

    private static void sameAsTheJdk(MessageDigest nativeSha, String algorithm) throws Exception {
        assertEquals(NativeDigest.class, nativeSha.getClass(), "libcrypto3 is installed on jrkt's hosts");
        assertEquals(algorithm, nativeSha.getAlgorithm());
        assertEquals(MessageDigest.getInstance(algorithm).getDigestLength(), nativeSha.getDigestLength());
        byte[] big = new byte[200_000]; // three 64 KiB chunks and a bit
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7 + 3);
        for (byte[] input : new byte[][] {new byte[0], "abc".getBytes(), big}) {
            assertArrayEquals(MessageDigest.getInstance(algorithm).digest(input), nativeSha.digest(input));
        }
        // updates of odd sizes and single bytes, then a reset and reuse
        MessageDigest jdk = MessageDigest.getInstance(algorithm);
        nativeSha.update(big, 1, 70_001);
        nativeSha.update((byte) 9);
        jdk.update(big, 1, 70_001);
        jdk.update((byte) 9);
        assertArrayEquals(jdk.digest(), nativeSha.digest());
        nativeSha.update(big);
        nativeSha.reset();
        assertArrayEquals(MessageDigest.getInstance(algorithm).digest("abc".getBytes()), nativeSha.digest("abc".getBytes()));
    }
}
