package jrkt.core.trust;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.image.aci.AcName;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * The trusted keys, as rkt kept them: {@code trustedkeys/root.d/<fingerprint>} (trusted for every
 * image) and {@code trustedkeys/prefix.d/<prefix>/<fingerprint>} (for images whose name is the
 * prefix or lies below it, by whole path components), in the system config directory and in the
 * local one; the local one wins where both hold a file of the same name. A file holds one
 * armored (or binary) OpenPGP public key, named by its primary key's fingerprint in lowercase hex.
 */
public final class TrustedKeys {
    private final List<Path> configDirs; // increasing precedence: system, then local

    public TrustedKeys(List<Path> configDirs) { this.configDirs = List.copyOf(configDirs); }

    /** A key ring read from a file, with its fingerprint and user IDs for review. */
    public record Key(PGPPublicKeyRing ring, String fingerprint, List<String> userIds, String source) {}

    /** The keys trusted for an image name: root keys and the keys of every prefix of it. */
    public List<Key> forImage(String imageName) {
        List<Key> keys = new ArrayList<>();
        java.util.Map<String, Key> byRelative = new java.util.LinkedHashMap<>();
        for (Path dir : configDirs) {
            Path base = dir.resolve("trustedkeys");
            collect(base, base.resolve("root.d"), byRelative);
            for (String prefix = imageName; !prefix.isEmpty(); prefix = parent(prefix)) {
                collect(base, base.resolve("prefix.d").resolve(prefix), byRelative);
            }
        }
        keys.addAll(byRelative.values());
        return keys;
    }

    private static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    private static void collect(Path base, Path dir, java.util.Map<String, Key> into) {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (!Files.isRegularFile(f)) continue;
                for (Key k : read(Files.readAllBytes(f), f.toString())) into.put(base.relativize(f).toString(), k);
            }
        } catch (IOException e) {
            throw new JrktException(dir + ": cannot read trusted keys: " + IoErrors.reason(e), e);
        }
    }

    /** The key rings in an armored or binary key file; source names it in messages (a path, a URL). */
    public static List<Key> read(byte[] data, String source) {
        List<Key> keys = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(data))) {
            PGPPublicKeyRingCollection rings = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
            for (Iterator<PGPPublicKeyRing> it = rings.getKeyRings(); it.hasNext(); ) {
                PGPPublicKeyRing ring = it.next();
                PGPPublicKey primary = ring.getPublicKey();
                List<String> ids = new ArrayList<>();
                primary.getUserIDs().forEachRemaining(ids::add);
                keys.add(new Key(ring, HexFormat.of().formatHex(primary.getFingerprint()), ids, source));
            }
        } catch (IOException | PGPException | RuntimeException e) {
            throw new JrktException(source + ": not an OpenPGP public key: " + e.getMessage(), e);
        }
        if (keys.isEmpty()) throw new JrktException(source + ": holds no OpenPGP public key");
        return keys;
    }

    /**
     * Stores a key in the local config directory: as a root key (prefix null) or for a prefix;
     * returns the file written. The file is written whole (a temporary file renamed into place).
     */
    public static Path store(Path localConfig, String prefix, Key key, byte[] armored) throws IOException {
        Path dir = localConfig.resolve("trustedkeys");
        if (prefix == null) {
            dir = dir.resolve("root.d");
        } else {
            if (!AcName.isIdentifier(prefix) || prefix.contains("..")) {
                throw new JrktException("--prefix " + prefix + ": not an image name prefix (" + AcName.IDENTIFIER_RULE + ")");
            }
            dir = dir.resolve("prefix.d").resolve(prefix);
        }
        Files.createDirectories(dir);
        Path target = dir.resolve(key.fingerprint().toLowerCase(Locale.ROOT));
        Path staged = dir.resolve("." + key.fingerprint() + ".tmp-" + ProcessHandle.current().pid());
        Files.write(staged, armored);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
