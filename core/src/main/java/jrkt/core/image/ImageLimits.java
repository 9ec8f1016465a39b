package jrkt.core.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.json.Json;
import jrkt.core.json.JsonException;

/**
 * The limits that keep an image from exhausting the host (docs/limits.md, "Images"). Each has a
 * name, which is both its key in {@code limits.json} (in the system and then the local config
 * directory, the local one winning) and its name for the {@code --limit NAME=VALUE} flag, which
 * wins over both. Every limit is checked while the input is read, in one pass.
 *
 * @param maxImageSize        bytes of an image's uncompressed tar
 * @param maxCompressionRatio uncompressed bytes per compressed byte, checked once the image has
 *                            grown past {@link #RATIO_GRACE}; 0 turns the check off
 * @param minFreeSpace        bytes that must stay free on the store's file system while an image
 *                            is imported or rendered
 * @param maxEntries          tar entries of one image
 * @param maxPathLength       bytes of one entry's path inside the rootfs (and of a link target)
 * @param maxPathDepth        directories above one entry inside the rootfs
 * @param maxManifestSize     bytes of an image manifest
 * @param manifestJson        nesting depth, string and number sizes of an image manifest
 * @param maxDependencies     distinct images in an image's dependency graph, itself included
 */
public record ImageLimits(long maxImageSize, long maxCompressionRatio, long minFreeSpace, long maxEntries,
                          long maxPathLength, long maxPathDepth, long maxManifestSize, Json.Limits manifestJson,
                          long maxDependencies) {

    /** The compression ratio is not judged on the first bytes: headers and small files compress well. */
    public static final long RATIO_GRACE = 32L << 20;

    public static final ImageLimits DEFAULT = new ImageLimits(4L << 30, 100, 128L << 20, 1_000_000,
        1024, 128, 1L << 20, new Json.Limits(32, 64 << 10, 64), 256);

    /** The file in each config directory. */
    public static final String CONFIG_FILE = "limits.json";

    /** Every limit's name, in the order the docs and {@code jrkt config} list them. */
    public static final List<String> NAMES = List.of("max-image-size", "max-compression-ratio", "min-free-space",
        "max-entries", "max-path-length", "max-path-depth", "max-manifest-size", "max-manifest-depth",
        "max-manifest-string", "max-manifest-number", "max-dependencies");

    /**
     * The limits in force: defaults, then {@code limits.json} of each config directory in turn,
     * then the {@code --limit} flags ("NAME=VALUE"). A wrong name or value fails naming its source.
     */
    public static ImageLimits load(List<Path> configDirs, List<String> flags) {
        Map<String, Long> values = DEFAULT.asMap();
        for (Path dir : configDirs) {
            Path file = dir.resolve(CONFIG_FILE);
            Map<String, Object> json = readConfig(file);
            for (Map.Entry<String, Object> e : json.entrySet()) {
                Object v = e.getValue();
                String text = v instanceof String s ? s : v instanceof Long n ? n.toString() : null;
                if (text == null) throw new JrktException(file + ": " + e.getKey() + " must be a number or a size string like \"4GiB\"");
                put(values, e.getKey(), text, file.toString());
            }
        }
        for (String flag : flags) {
            int eq = flag.indexOf('=');
            if (eq < 0) throw new JrktException("--limit " + flag + ": expected NAME=VALUE (names: " + String.join(", ", NAMES) + ")");
            put(values, flag.substring(0, eq).trim(), flag.substring(eq + 1).trim(), "--limit " + flag);
        }
        return fromMap(values);
    }

    /** Every limit by name, as jrkt config shows them. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("max-image-size", maxImageSize);
        m.put("max-compression-ratio", maxCompressionRatio);
        m.put("min-free-space", minFreeSpace);
        m.put("max-entries", maxEntries);
        m.put("max-path-length", maxPathLength);
        m.put("max-path-depth", maxPathDepth);
        m.put("max-manifest-size", maxManifestSize);
        m.put("max-manifest-depth", (long) manifestJson.maxDepth());
        m.put("max-manifest-string", (long) manifestJson.maxStringLength());
        m.put("max-manifest-number", (long) manifestJson.maxNumberLength());
        m.put("max-dependencies", maxDependencies);
        return m;
    }

    private static ImageLimits fromMap(Map<String, Long> m) {
        return new ImageLimits(m.get("max-image-size"), m.get("max-compression-ratio"), m.get("min-free-space"),
            m.get("max-entries"), m.get("max-path-length"), m.get("max-path-depth"), m.get("max-manifest-size"),
            new Json.Limits(m.get("max-manifest-depth").intValue(), m.get("max-manifest-string").intValue(),
                m.get("max-manifest-number").intValue()),
            m.get("max-dependencies"));
    }

    private static void put(Map<String, Long> values, String name, String text, String source) {
        if (!values.containsKey(name)) {
            throw new JrktException(source + ": unknown limit \"" + name + "\" (names: " + String.join(", ", NAMES) + ")");
        }
        long value;
        try {
            value = parseSize(text);
        } catch (IllegalArgumentException e) {
            throw new JrktException(source + ": " + name + " \"" + text + "\" " + e.getMessage());
        }
        // the JSON limits are ints; every limit but the ratio and the free space must let something through
        long max = name.startsWith("max-manifest-") && !name.equals("max-manifest-size") ? Integer.MAX_VALUE : Long.MAX_VALUE;
        boolean zeroAllowed = name.equals("max-compression-ratio") || name.equals("min-free-space");
        if (value > max || (value == 0 && !zeroAllowed)) {
            throw new JrktException(source + ": " + name + " " + text + " is out of range (1 to " + max + ")");
        }
        values.put(name, value);
    }

    /** "4096", "64KiB", "512MiB", "4GiB", "1TiB" (also "k", "M", "G" as binary, as du and df print them). */
    public static long parseSize(String text) {
        String t = text.trim();
        int end = 0;
        while (end < t.length() && Character.isDigit(t.charAt(end))) end++;
        if (end == 0 || end > 18) throw new IllegalArgumentException("is not a whole number with an optional unit (KiB, MiB, GiB, TiB)");
        long number = Long.parseLong(t.substring(0, end));
        int shift = switch (t.substring(end).trim().toLowerCase(Locale.ROOT)) {
            case "", "b" -> 0;
            case "k", "kib", "kb" -> 10;
            case "m", "mib", "mb" -> 20;
            case "g", "gib", "gb" -> 30;
            case "t", "tib", "tb" -> 40;
            default -> throw new IllegalArgumentException("has an unknown unit (use KiB, MiB, GiB or TiB)");
        };
        if (shift > 0 && number > (Long.MAX_VALUE >> shift)) throw new IllegalArgumentException("is too large");
        return number << shift;
    }

    /** "4.0GiB", "512MiB", "300B": short, for messages. */
    public static String formatSize(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        if (unit == 0 || value == Math.rint(value)) return (long) value + units[unit];
        return String.format(Locale.ROOT, "%.1f%s", value, units[unit]);
    }

    private static Map<String, Object> readConfig(Path file) {
        byte[] bytes;
        // Most hosts have no limits file: Files.exists asks without the exception Files.size throws
        // (made with its stack trace, interpreted, twice each command that opens the store).
        if (!Files.exists(file)) return Map.of();
        try {
            if (Files.size(file) > 64 << 10) throw new JrktException(file + ": larger than 64KiB, not a limits file");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new JrktException(file + ": cannot read: " + IoErrors.reason(e), e);
        }
        try {
            Object root = Json.parse(bytes);
            if (!(root instanceof Map)) throw new JrktException(file + ": must hold a JSON object of limits");
            return Json.asObject(root);
        } catch (JsonException e) {
            throw new JrktException(file + ": " + e.getMessage(), e);
        }
    }
}
