package jrkt.core.image.oci;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** OCI content digests: only sha256 ("sha256:<64 lowercase hex>") is accepted, as registries use. */
public final class Digests {
    private Digests() {}

    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    public static boolean isValid(String digest) { return digest != null && SHA256.matcher(digest).matches(); }

    /** The hex part of a valid digest. */
    public static String hex(String digest) {
        if (!isValid(digest)) throw new IllegalArgumentException("not a sha256 digest: " + digest);
        return digest.substring("sha256:".length());
    }

    /** SHA-256, by libcrypto when it is there (see {@link jrkt.sys.crypto.NativeDigest}). */
    public static MessageDigest sha256() { return jrkt.sys.crypto.NativeDigest.sha256(); }

    public static String of(byte[] data) { return "sha256:" + HexFormat.of().formatHex(sha256().digest(data)); }

    public static String of(MessageDigest finished) { return "sha256:" + HexFormat.of().formatHex(finished.digest()); }
}
