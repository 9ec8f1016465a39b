package jrkt.core;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;

/**
 * Random bytes from the kernel's random source, {@code /dev/urandom}: what the JDK's default
 * {@code SecureRandom} reads on Linux too, without setting up the JDK's security providers first
 * (about 20 ms of a cold JVM, paid by every pod's preparation when a pod UUID or key needed them).
 */
public final class KernelRandom {
    private KernelRandom() {}

    /** count random bytes as lowercase hex: a name of work in progress that no other can have. */
    public static String hex(int count, String forWhat) {
        byte[] random = new byte[count];
        fill(random, forWhat);
        return HexFormat.of().formatHex(random);
    }

    /** Fills into; forWhat names the use in the error ("a pod UUID"). */
    public static void fill(byte[] into, String forWhat) {
        try (InputStream in = new FileInputStream("/dev/urandom")) {
            if (in.readNBytes(into, 0, into.length) != into.length) throw new IOException("short read");
        } catch (IOException e) {
            throw new JrktException("cannot read /dev/urandom for " + forWhat + ": " + e.getMessage(), e);
        }
    }
}
