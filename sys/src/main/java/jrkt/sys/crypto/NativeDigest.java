package jrkt.sys.crypto;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import jrkt.sys.Downcall;
import jrkt.sys.Scratch;

/**
 * SHA-256 and SHA-512 by the system's libcrypto (OpenSSL 3, through {@link Downcall}'s one call
 * shape). With the CPU's SHA instructions it hashes several times faster than the JDK's Java
 * code, which a short-lived JVM running C1 only never gets to intrinsify: fetching an image hashes
 * every byte twice (the blob and the uncompressed layer). And it needs none of the JDK's
 * security providers, whose first {@code MessageDigest.getInstance} in a JVM loads and configures
 * them (10-70 ms, and some 70 classes in the run group's AOT cache, loaded at every start, when
 * the store's SHA-512 of imports and rendered trees went through them). {@link #sha256} and
 * {@link #sha512} give the JDK's own when libcrypto is not there. Input is copied, a chunk at a
 * time, into a native buffer of the digest's own: a memcpy per 64 KiB, small beside the hashing.
 */
public final class NativeDigest extends MessageDigest {
    private static final int CHUNK = 1 << 16;

    private static final class Lib {
        static final Downcall.Function NEW, SHA256, SHA512, INIT, UPDATE, FINAL;
        static final boolean OK;
        static {
            Downcall.Function n = null, s256 = null, s512 = null, i = null, u = null, fi = null;
            boolean ok = false;
            try {
                String name = "libcrypto.so.3";
                long lib = Downcall.openLibrary(name);
                n = Downcall.find(lib, name, "EVP_MD_CTX_new");      // EVP_MD_CTX* (void)
                s256 = Downcall.find(lib, name, "EVP_sha256");       // const EVP_MD* (void)
                s512 = Downcall.find(lib, name, "EVP_sha512");       // const EVP_MD* (void)
                i = Downcall.find(lib, name, "EVP_DigestInit_ex");   // int (EVP_MD_CTX*, const EVP_MD*, ENGINE*)
                u = Downcall.find(lib, name, "EVP_DigestUpdate");    // int (EVP_MD_CTX*, const void*, size_t)
                fi = Downcall.find(lib, name, "EVP_DigestFinal_ex"); // int (EVP_MD_CTX*, unsigned char*, unsigned int*)
                ok = true;
            } catch (UnsatisfiedLinkError e) {
                ok = false;
            }
            NEW = n; SHA256 = s256; SHA512 = s512; INIT = i; UPDATE = u; FINAL = fi; OK = ok;
        }

        static long call(Downcall.Function function, long a, long b, long c) {
            return Downcall.call(function, Downcall.ignoredErrno(), a, b, c);
        }
    }

    /** The EVP_MD_CTX*, never freed (as before): a process makes a few digests, one or two per blob it fetches. */
    private final long ctx;
    private final Downcall.Function evp;
    private final int length;
    private final ByteBuffer chunk = Scratch.direct(CHUNK);
    private final long chunkAddress = Downcall.address(chunk);

    private NativeDigest(String algorithm, Downcall.Function evp, int length) {
        super(algorithm);
        this.evp = evp;
        this.length = length;
        ctx = Lib.call(Lib.NEW, 0, 0, 0);
        if (ctx == 0) throw new IllegalStateException("libcrypto " + algorithm + ": EVP_MD_CTX_new failed");
        init();
    }

    /** libcrypto's SHA-256 when the library is there, else the JDK's. */
    public static MessageDigest sha256() { return create("SHA-256"); }

    /** libcrypto's SHA-512 when the library is there, else the JDK's. */
    public static MessageDigest sha512() { return create("SHA-512"); }

    private static MessageDigest create(String algorithm) {
        if (Lib.OK) {
            try {
                return algorithm.equals("SHA-256") ? new NativeDigest(algorithm, Lib.SHA256, 32) : new NativeDigest(algorithm, Lib.SHA512, 64);
            } catch (IllegalStateException e) {
                // the JDK's below
            }
        }
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void init() {
        long md = Lib.call(evp, 0, 0, 0);
        if ((int) Lib.call(Lib.INIT, ctx, md, 0) != 1) throw new IllegalStateException("libcrypto " + getAlgorithm() + ": EVP_DigestInit_ex failed");
    }

    @Override protected void engineUpdate(byte input) { engineUpdate(new byte[] {input}, 0, 1); }

    @Override protected void engineUpdate(byte[] input, int offset, int len) {
        while (len > 0) {
            int n = Math.min(len, CHUNK);
            chunk.put(0, input, offset, n);
            if ((int) Lib.call(Lib.UPDATE, ctx, chunkAddress, n) != 1) throw new IllegalStateException("EVP_DigestUpdate failed");
            offset += n;
            len -= n;
        }
    }

    @Override protected byte[] engineDigest() {
        if ((int) Lib.call(Lib.FINAL, ctx, chunkAddress, 0) != 1) throw new IllegalStateException("EVP_DigestFinal_ex failed");
        byte[] out = new byte[length];
        chunk.get(0, out);
        init();
        return out;
    }

    @Override protected void engineReset() { init(); }

    @Override protected int engineGetDigestLength() { return length; }
}
