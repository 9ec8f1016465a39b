package jrkt.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha512Test {
    @Test
    void matchesTheStandardsTestVectors() {
        assertEquals("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
            HexFormat.of().formatHex(Sha512.digest(new byte[0])));
        assertEquals("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            HexFormat.of().formatHex(Sha512.digest("abc".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void matchesTheJdksSha512AtEveryLengthAroundTheBlockBoundaries() throws Exception {
        Random random = new Random(7);
        MessageDigest jdk = MessageDigest.getInstance("SHA-512");
        for (int length = 0; length <= 600; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            assertArrayEquals(jdk.digest(data), Sha512.digest(data), "length " + length);
        }
    }
}
