package jrkt.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A rendered image tree: {@code rootfs} holds the image with its dependencies applied, and its
 * hash file the hash of that tree. A tree found rendered is known complete by its hash file being
 * there and not empty; the hash itself is read only when asked for (a start never asks: reading
 * it was a file's open and read, interpreted, for each of a run's two trees).
 */
public final class RenderedTree {
    private final String treeId;
    private final Path rootfs;
    private String hash;

    /** hash: null to read it from the tree's hash file when asked for. */
    RenderedTree(String treeId, Path rootfs, String hash) {
        this.treeId = treeId;
        this.rootfs = rootfs;
        this.hash = hash;
    }

    public String treeId() { return treeId; }

    public Path rootfs() { return rootfs; }

    /** The tree's hash, as its render recorded it. */
    public synchronized String hash() {
        if (hash == null) {
            try {
                hash = Store.readHash(rootfs.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the hash of tree " + treeId, e);
            }
        }
        return hash;
    }

    @Override public String toString() { return "RenderedTree[" + treeId + ", " + rootfs + "]"; }
}
