package jrkt.core;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Random bytes from the kernel's random source, {@code /dev/urandom}: what the JDK's default
 * {@code SecureRandom} reads on Linux too, without setting up the JDK's security providers first
 * (about 20 ms of a cold JVM, paid by every pod's preparation when a pod UUID or key needed them).
 */
public final class KernelRandom {
    private KernelRandom() {}

    /** Fills into; forWhat names the use in the error ("a pod UUID"). */
    public static void fill(byte[] into, String forWhat) {
        try (InputStream in = new FileInputStream("/dev/urandom")) {
            if (in.readNBytes(into, 0, into.length) != into.length) throw new IOException("short read");
        } catch (IOException e) {
            throw new JrktException("cannot read /dev/urandom for " + forWhat + ": " + e.getMessage(), e);
        }
    }
}
