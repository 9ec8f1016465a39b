package jrkt.core.metadata;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import jrkt.core.pod.PodDirs;

/**
 * The identity endpoint's signatures: HMAC-SHA512 with the key of the signing pod over the
 * pod's UUID as 16 bytes followed by the content, as rkt signed with its one service-wide key.
 * stage1 computes the same in C (stage1/common/mds_sign.c); this side serves
 * {@code jrkt metadata-service} and the tests.
 */
public final class Signatures {
    private Signatures() {}

    public static byte[] sign(byte[] key, String uuid, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(key, "HmacSHA512"));
            mac.update(uuidBytes(uuid));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 is part of every JDK", e);
        }
    }

    /** Whether signature is the one pod uuid made of content; false when the pod (its key) is gone. */
    public static boolean verify(PodDirs dirs, String uuid, byte[] content, byte[] signature) {
        byte[] key = PodKeys.read(dirs, uuid);
        if (key == null) return false;
        try {
            return MessageDigest.isEqual(sign(key, uuid, content), signature); // constant time
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    public static String base64(byte[] signature) { return Base64.getEncoder().encodeToString(signature); }

    private static byte[] uuidBytes(String uuid) {
        UUID u = UUID.fromString(uuid);
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (u.getMostSignificantBits() >>> (56 - 8 * i));
            b[8 + i] = (byte) (u.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        return b;
    }
}
