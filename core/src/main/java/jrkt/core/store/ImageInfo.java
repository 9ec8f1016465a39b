package jrkt.core.store;

import java.time.Instant;
import java.util.Map;

/** One row of the image index. */
public record ImageInfo(
        String id,                     // "sha512-<128 hex>"
        String name,
        Map<String, String> labels,    // in manifest order; includes "version" when set
        Instant importTime,
        Instant lastUsed,              // equals importTime until a pod uses it
        long size,                     // bytes of the stored (uncompressed) blob
        String sourceUrl,              // where it came from; null if unknown
        String etag,                   // remote metadata, filled by fetches over HTTP (later)
        long maxAgeSeconds) {}
