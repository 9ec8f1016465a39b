package jrkt.sys.crypto;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.security.MessageDigest;

/**
 * SHA-256 by the system's libcrypto (OpenSSL 3, through FFM): with the CPU's SHA instructions it
 * hashes several times faster than the JDK's Java code, which a short-lived JVM running C1 only
 * never gets to intrinsify. Fetching an image hashes every byte twice (the blob and the
 * uncompressed layer). {@link #create} gives the JDK's own when libcrypto is not there.
 */
public final class NativeSha256 extends MessageDigest {
    private static final int CHUNK = 1 << 16;

    private static final class Lib {
        static final MethodHandle NEW, FREE, SHA256, INIT, UPDATE, FINAL;
        static final boolean OK;
        static {
            MethodHandle n = null, f = null, s = null, i = null, u = null, fi = null;
            boolean ok = false;
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup lib = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
                n = linker.downcallHandle(lib.findOrThrow("EVP_MD_CTX_new"), FunctionDescriptor.of(ADDRESS));
                f = linker.downcallHandle(lib.findOrThrow("EVP_MD_CTX_free"), FunctionDescriptor.ofVoid(ADDRESS));
                s = linker.downcallHandle(lib.findOrThrow("EVP_sha256"), FunctionDescriptor.of(ADDRESS));
                i = linker.downcallHandle(lib.findOrThrow("EVP_DigestInit_ex"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
                // heap arrays go straight to the call: no copy per chunk
                u = linker.downcallHandle(lib.findOrThrow("EVP_DigestUpdate"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG),
                    Linker.Option.critical(true));
                fi = linker.downcallHandle(lib.findOrThrow("EVP_DigestFinal_ex"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                    Linker.Option.critical(true));
                ok = true;
            } catch (IllegalArgumentException | java.util.NoSuchElementException | UnsupportedOperationException e) {
                ok = false;
            }
            NEW = n; FREE = f; SHA256 = s; INIT = i; UPDATE = u; FINAL = fi; OK = ok;
        }
    }

    private MemorySegment ctx;

    private NativeSha256() {
        super("SHA-256");
        try {
            ctx = (MemorySegment) Lib.NEW.invokeExact();
            if (ctx.address() == 0) throw new IllegalStateException("EVP_MD_CTX_new failed");
            init();
        } catch (Throwable t) {
            throw new IllegalStateException("libcrypto SHA-256: " + t.getMessage(), t);
        }
    }

    /** libcrypto's SHA-256 when the library is there, else the JDK's. */
    public static MessageDigest create() {
        if (Lib.OK) {
            try {
                return new NativeSha256();
            } catch (IllegalStateException e) {
                // the JDK's below
            }
        }
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void init() throws Throwable {
        MemorySegment md = (MemorySegment) Lib.SHA256.invokeExact();
        if ((int) Lib.INIT.invokeExact(ctx, md, MemorySegment.NULL) != 1) throw new IllegalStateException("EVP_DigestInit_ex failed");
    }

    @Override protected void engineUpdate(byte input) { engineUpdate(new byte[] {input}, 0, 1); }

    @Override protected void engineUpdate(byte[] input, int offset, int len) {
        try {
            while (len > 0) {
                int n = Math.min(len, CHUNK);
                MemorySegment heap = MemorySegment.ofArray(input).asSlice(offset, n);
                if ((int) Lib.UPDATE.invokeExact(ctx, heap, (long) n) != 1) throw new IllegalStateException("EVP_DigestUpdate failed");
                offset += n;
                len -= n;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override protected byte[] engineDigest() {
        try {
            byte[] out = new byte[32];
            if ((int) Lib.FINAL.invokeExact(ctx, MemorySegment.ofArray(out), MemorySegment.NULL) != 1) {
                throw new IllegalStateException("EVP_DigestFinal_ex failed");
            }
            init();
            return out;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override protected void engineReset() {
        try {
            init();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override protected int engineGetDigestLength() { return 32; }
}
