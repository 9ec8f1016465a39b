package jrkt.core.store;

/** Result of verifying a rendered tree: whether its hash matched, and whether it was repaired. */
public record TreeCheck(String imageId, String treeId, boolean ok, boolean repaired, String expectedHash, String actualHash) {}
