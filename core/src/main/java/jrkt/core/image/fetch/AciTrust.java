package jrkt.core.image.fetch;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.image.archive.Compression;
import jrkt.core.image.archive.EntryNames;
import jrkt.core.image.archive.SafeExtractor;
import jrkt.core.image.archive.TarReader;
import jrkt.core.trust.SignatureCheck;
import jrkt.core.trust.TrustedKeys;

/**
 * Checks an ACI file against its detached signature before it enters the store: the keys trusted
 * for the image's name (read from its manifest) must include the signer. The OpenPGP classes load
 * only here.
 */
final class AciTrust {
    /** Where the manifest must be found: an ACI starts with it, and a bomb in front of it stops here. */
    private static final long MANIFEST_WITHIN = 64L << 20;

    private final TrustedKeys keys;

    AciTrust(TrustedKeys keys) { this.keys = keys; }

    void verify(Path aci, byte[] signature, String what) throws IOException {
        String name = imageName(aci, what);
        SignatureCheck.verify(aci, signature, name, keys, what);
    }

    /** The name in the ACI's manifest. */
    static String imageName(Path aci, String what) throws IOException {
        try (InputStream raw = Files.newInputStream(aci);
             InputStream in = new Capped(Compression.decompress(new BufferedInputStream(raw, 1 << 16)), what)) {
            TarReader tar = new TarReader(in, SafeExtractor.MAX_METADATA);
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                if (e.isRegularFile() && "manifest".equals(EntryNames.normalizeOrNull(e.name()))) {
                    if (e.size() > 1 << 20) break;
                    return ImageManifest.parse(tar.content().readNBytes((int) e.size())).name();
                }
            }
        } catch (JrktException e) {
            throw new JrktException(what + ": " + e.getMessage(), e);
        }
        throw new JrktException(what + ": no manifest in the image to tell whose keys to trust");
    }

    private static final class Capped extends FilterInputStream {
        private final String what;
        private long count;

        Capped(InputStream in, String what) {
            super(in);
            this.what = what;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0 && (count += n) > MANIFEST_WITHIN) throw new JrktException(what + ": no manifest in the first 64MiB");
            return n;
        }

        @Override public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }
}
