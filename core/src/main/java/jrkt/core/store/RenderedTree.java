package jrkt.core.store;

import java.nio.file.Path;

/** A rendered image tree: {@code rootfs} holds the image with its dependencies applied. */
public record RenderedTree(String treeId, Path rootfs, String hash) {}
