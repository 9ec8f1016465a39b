package jrkt.core.trust;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import jrkt.core.JrktException;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Checks an image file against a detached OpenPGP signature (armored, as {@code gpg --armor
 * --detach-sign} writes it): the signing key must be among the keys trusted for the image's name
 * (a root key or a key of a prefix of the name), not revoked or expired, and a signing subkey
 * must be bound to its trusted primary key. A refusal names what was missing: the signature, or
 * the key (by its ID) and the prefixes that would have trusted it.
 */
public final class SignatureCheck {
    private SignatureCheck() {}

    /** Returns the fingerprint of the primary key that signed; throws naming what failed. */
    public static String verify(Path image, byte[] signature, String imageName, TrustedKeys keys, String what) throws IOException {
        PGPSignature sig = parse(signature, what);
        long keyId = sig.getKeyID();
        String fingerprint = issuerFingerprint(sig);
        List<TrustedKeys.Key> trusted = keys.forImage(imageName);
        for (TrustedKeys.Key key : trusted) {
            for (Iterator<PGPPublicKey> it = key.ring().getPublicKeys(); it.hasNext(); ) {
                PGPPublicKey candidate = it.next();
                if (candidate.getKeyID() != keyId) continue;
                PGPPublicKey primary = key.ring().getPublicKey();
                checkUsable(primary, candidate, sig, what);
                try {
                    sig.init(new BcPGPContentVerifierBuilderProvider(), candidate);
                    try (InputStream in = new BufferedInputStream(Files.newInputStream(image), 1 << 16)) {
                        byte[] buffer = new byte[1 << 16];
                        for (int n; (n = in.read(buffer)) > 0; ) sig.update(buffer, 0, n);
                    }
                    if (!sig.verify()) {
                        throw new JrktException(what + ": the signature does not match the image (signed by key "
                            + Long.toHexString(keyId) + "): the image or the signature was changed");
                    }
                } catch (PGPException e) {
                    throw new JrktException(what + ": cannot check the signature: " + e.getMessage(), e);
                }
                return key.fingerprint();
            }
        }
        throw new JrktException(what + ": signed by key " + (fingerprint != null ? fingerprint : String.format("%016x", keyId))
            + ", which is not trusted for " + imageName + " (trust it with 'jrkt trust --prefix " + imageName
            + " KEYFILE', or use --insecure-options=image)");
    }

    private static PGPSignature parse(byte[] signature, String what) {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(signature))) {
            Object o = new BcPGPObjectFactory(in).nextObject();
            if (o instanceof PGPSignatureList list && !list.isEmpty()) return list.get(0);
        } catch (IOException | RuntimeException e) {
            // falls through
        }
        throw new JrktException(what + ": the signature is not a detached OpenPGP signature");
    }

    private static String issuerFingerprint(PGPSignature sig) {
        if (sig.getHashedSubPackets() == null) return null;
        IssuerFingerprint f = sig.getHashedSubPackets().getIssuerFingerprint();
        return f == null ? null : HexFormat.of().formatHex(f.getFingerprint());
    }

    private static void checkUsable(PGPPublicKey primary, PGPPublicKey key, PGPSignature sig, String what) {
        if (primary.hasRevocation() || key.hasRevocation()) {
            throw new JrktException(what + ": key " + Long.toHexString(key.getKeyID()) + " that signed it is revoked");
        }
        Date created = sig.getCreationTime();
        long validSeconds = primary.getValidSeconds();
        if (validSeconds > 0 && created.getTime() > primary.getCreationTime().getTime() + validSeconds * 1000) {
            throw new JrktException(what + ": key " + Long.toHexString(primary.getKeyID()) + " had expired when it signed");
        }
        if (key != primary && !boundTo(primary, key)) {
            throw new JrktException(what + ": subkey " + Long.toHexString(key.getKeyID()) + " is not bound to its primary key");
        }
    }

    private static boolean boundTo(PGPPublicKey primary, PGPPublicKey subkey) {
        for (Iterator<PGPSignature> it = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING); it.hasNext(); ) {
            PGPSignature binding = it.next();
            try {
                binding.init(new BcPGPContentVerifierBuilderProvider(), primary);
                if (binding.verifyCertification(primary, subkey)) return true;
            } catch (PGPException e) {
                // try the next one
            }
        }
        return false;
    }
}
