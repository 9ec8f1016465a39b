package jrkt.core.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jrkt.core.image.aci.ImageManifest;

/**
 * The image store under {@code <dir>/cas}: content-addressed blobs, the SQLite index and
 * rendered trees. Safe to use from several jrkt processes at once.
 */
public final class Store implements AutoCloseable {

    /** Opens (creating when absent) the store in {@code <dataDir>/cas}, and cleans leftovers of killed imports. */
    public static Store open(Path dataDir) throws IOException { throw new UnsupportedOperationException("TODO"); }

    /**
     * Imports an ACI from a local file (plain, gzip, bzip2, xz or zstd). Returns the stored
     * image; importing an image already present returns it unchanged (and records the new
     * source). {@code sourceUrl} is recorded as the image's remote (a file: URL for local files).
     */
    public ImageInfo importAci(Path file, String sourceUrl) throws IOException { throw new UnsupportedOperationException("TODO"); }

    public List<ImageInfo> listImages() { throw new UnsupportedOperationException("TODO"); }

    /**
     * Resolves what a user typed: a full ID ("sha512-<128 hex>"), an unambiguous ID prefix
     * ("sha512-1a2b" or "1a2b"...), or a name with labels ("name", "name:version",
     * "name,label=value,..."). Throws JrktException when nothing or more than one matches.
     */
    public ImageInfo resolve(String reference) { throw new UnsupportedOperationException("TODO"); }

    /** The manifest of a stored image. */
    public ImageManifest manifest(String imageId) { throw new UnsupportedOperationException("TODO"); }

    /** The manifest exactly as stored (bytes from the archive). */
    public byte[] manifestBytes(String imageId) { throw new UnsupportedOperationException("TODO"); }

    /** The uncompressed ACI tar of an image. */
    public Path blob(String imageId) { throw new UnsupportedOperationException("TODO"); }

    /** Removes an image from the index and its blob; trees stay until image gc. */
    public void removeImage(String imageId) throws IOException { throw new UnsupportedOperationException("TODO"); }

    /**
     * Renders an image with its dependencies (appc rules) into a tree, once; later calls
     * return the same tree. Marks the image used now.
     */
    public RenderedTree render(String imageId) throws IOException { throw new UnsupportedOperationException("TODO"); }

    /** Re-hashes a rendered tree; with repair, re-renders it when the hash differs. */
    public TreeCheck verifyTree(String imageId, boolean repair) throws IOException { throw new UnsupportedOperationException("TODO"); }

    /**
     * Removes images not used within gracePeriod, and rendered trees no pod references
     * (treesInUse: tree IDs of existing pods).
     */
    public GcReport gc(Duration gracePeriod, java.util.Set<String> treesInUse) throws IOException { throw new UnsupportedOperationException("TODO"); }

    /** Records that a pod used the image now (for image gc). */
    public void markUsed(String imageId) { throw new UnsupportedOperationException("TODO"); }

    @Override public void close() { }
}
