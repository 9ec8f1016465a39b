package jrkt.core.store;

import java.util.List;

/** What image gc removed. */
public record GcReport(List<String> removedImages, List<String> removedTrees, long bytesFreed) {}
