package jrkt.core.image.aci;

import java.io.IOException;
import java.nio.file.Path;

/** The layout rules of an ACI tar: only "manifest" and "rootfs/..." at the top, no duplicate entries, rootfs a directory. */
public final class AciArchive {
    private AciArchive() {}

    /** Reads an uncompressed ACI tar, checks its layout, and returns the manifest's bytes (not yet validated). */
    public static byte[] checkLayoutAndReadManifest(Path uncompressedTar) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }
}
