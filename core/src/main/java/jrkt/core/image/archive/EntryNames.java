package jrkt.core.image.archive;

import java.util.ArrayList;
import java.util.List;

/**
 * The one reading of tar entry names that all archive checks share: "./a//b/" is "a/b",
 * "./" is "" (the archive's root). Absolute names and any ".." component are refused,
 * even a harmless "a/../b": which way ".." leads depends on what "a" turns out to be.
 */
public final class EntryNames {
    private EntryNames() {}

    /** The normalized name, or null when raw is absolute or has a ".." component. */
    public static String normalizeOrNull(String raw) {
        if (raw.startsWith("/")) return null;
        List<String> parts = new ArrayList<>();
        for (String part : raw.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) return null;
            parts.add(part);
        }
        return String.join("/", parts);
    }

    /** The normalized name of an entry; throws naming the entry when it is absolute or has "..". */
    public static String normalize(String raw) {
        String normalized = normalizeOrNull(raw);
        if (normalized != null) return normalized;
        if (raw.startsWith("/")) throw new UnsafeArchiveException("archive entry \"" + raw + "\" has an absolute name");
        throw new UnsafeArchiveException("archive entry \"" + raw + "\" has a \"..\" component");
    }

    /** The parent of a normalized name, "" for a top-level name. */
    static String parent(String normalized) {
        int slash = normalized.lastIndexOf('/');
        return slash < 0 ? "" : normalized.substring(0, slash);
    }

    /** The last component of a normalized name. */
    static String baseName(String normalized) {
        return normalized.substring(normalized.lastIndexOf('/') + 1);
    }

    static String child(String parent, String name) {
        return parent.isEmpty() ? name : parent + "/" + name;
    }
}
