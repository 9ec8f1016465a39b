package jrkt.core.isolation;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest.Isolator;
import jrkt.core.image.aci.Quantity;
import jrkt.core.json.Json;

/**
 * appc isolators (spec/ace.md, "Isolators") turned into what jrkt applies. The names are appc's,
 * plus {@link #PIDS} (jrkt's own: appc has no pids isolator). An isolator jrkt does not apply is
 * listed in {@link Resolved#notApplied()} with the reason, never dropped silently.
 */
public final class Isolators {
    private Isolators() {}

    public static final String MEMORY = "resource/memory";
    public static final String CPU = "resource/cpu";
    public static final String BLOCK_BANDWIDTH = "resource/block-bandwidth";
    public static final String BLOCK_IOPS = "resource/block-iops";
    public static final String CPU_SHARES = "os/linux/cpu-shares";
    public static final String OOM_SCORE_ADJ = "os/linux/oom-score-adj";
    public static final String CAPS_RETAIN = "os/linux/capabilities-retain-set";
    public static final String CAPS_REMOVE = "os/linux/capabilities-remove-set";
    public static final String NO_NEW_PRIVILEGES = "os/linux/no-new-privileges";
    public static final String SECCOMP_RETAIN = "os/linux/seccomp-retain-set";
    public static final String SECCOMP_REMOVE = "os/linux/seccomp-remove-set";
    public static final String PIDS = "jrkt.io/pids-limit";

    /** The isolators a pod (flags before the first image) may carry. */
    public static final Set<String> POD_SCOPE = Set.of(MEMORY, CPU, BLOCK_BANDWIDTH, BLOCK_IOPS, CPU_SHARES, OOM_SCORE_ADJ, PIDS);

    /** Below these the kernel either refuses the value or the app could not even start. */
    static final long MIN_MEMORY = 4L << 20, MIN_CPU_MILLIS = 10;

    /** Resource limits; null fields are not limited. cpuMillis is thousandths of a core. */
    public record Limits(Long memory, Long memoryRequest, Long cpuMillis, Long cpuShares, Long pids, Long blockBps, Long blockIops) {
        public static final Limits NONE = new Limits(null, null, null, null, null, null, null);
    }

    /**
     * One app's (or the pod's) isolation. capabilities null: appc's default set; seccomp null: jrkt's
     * default filter; oomScoreAdj null: unchanged.
     */
    public record Resolved(Limits limits, Integer oomScoreAdj, Long capabilities, boolean noNewPrivileges,
                           SeccompPolicy seccomp, List<String> notApplied) {}

    /**
     * The app's isolators: the image's, with those the flags name replaced by the flags' (a
     * capability flag replaces both capability isolators, a seccomp flag both seccomp ones).
     */
    public static List<Isolator> merge(List<Isolator> image, List<Isolator> flags) {
        List<Isolator> out = new ArrayList<>();
        for (Isolator i : image) {
            boolean overridden = false;
            for (Isolator f : flags) overridden |= family(f.name()).equals(family(i.name()));
            if (!overridden) out.add(i);
        }
        out.addAll(flags);
        return List.copyOf(out);
    }

    private static String family(String name) {
        return switch (name) {
            case CAPS_RETAIN, CAPS_REMOVE -> "capabilities";
            case SECCOMP_RETAIN, SECCOMP_REMOVE -> "seccomp";
            default -> name;
        };
    }

    /** Resolves isolators; a malformed value fails with a JrktException starting with {@code where}. */
    public static Resolved resolve(List<Isolator> isolators, String where) {
        Long memory = null, memoryRequest = null, cpuMillis = null, cpuShares = null, pids = null, bps = null, iops = null;
        Integer oomScoreAdj = null;
        Long caps = null;
        boolean noNewPrivileges = false;
        SeccompPolicy seccomp = null;
        List<String> notApplied = new ArrayList<>();
        for (Isolator i : isolators) {
            String at = where + ": isolator " + i.name();
            switch (i.name()) {
                case MEMORY -> {
                    Map<String, Object> v = object(i.value(), at);
                    if (v.get("limit") != null) memory = memory(v.get("limit"), at + " limit");
                    if (v.get("request") != null) memoryRequest = memory(v.get("request"), at + " request");
                }
                case CPU -> {
                    Map<String, Object> v = object(i.value(), at);
                    if (v.get("limit") != null) cpuMillis = cpuMillis(v.get("limit"), at + " limit");
                    if (v.get("request") != null) {
                        notApplied.add(CPU + " request: not enforced (the cpu limit is; give " + CPU_SHARES + " for a relative weight)");
                    }
                }
                case CPU_SHARES -> cpuShares = whole(i.value(), at, 2, 262144);
                case PIDS -> pids = whole(object(i.value(), at).get("limit"), at + " limit", 1, 4194304);
                case BLOCK_BANDWIDTH -> bps = whole(object(i.value(), at).get("limit"), at + " limit", 1, Long.MAX_VALUE);
                case BLOCK_IOPS -> iops = whole(object(i.value(), at).get("limit"), at + " limit", 1, Long.MAX_VALUE);
                case OOM_SCORE_ADJ -> {
                    if (!(i.value() instanceof Long n) || n < -1000 || n > 1000) {
                        throw new JrktException(at + ": must be a whole number from -1000 to 1000");
                    }
                    oomScoreAdj = n.intValue();
                }
                case CAPS_RETAIN -> caps = Capabilities.retain(capabilityNames(i.value(), at));
                case CAPS_REMOVE -> caps = Capabilities.remove(capabilityNames(i.value(), at));
                case NO_NEW_PRIVILEGES -> {
                    if (!(i.value() instanceof Boolean b)) throw new JrktException(at + ": must be true or false");
                    noNewPrivileges = b;
                }
                case SECCOMP_RETAIN, SECCOMP_REMOVE -> {
                    Map<String, Object> v = object(i.value(), at);
                    SeccompPolicy.Mode mode = i.name().equals(SECCOMP_RETAIN) ? SeccompPolicy.Mode.RETAIN : SeccompPolicy.Mode.REMOVE;
                    Object errno = v.get("errno");
                    if (errno != null && !(errno instanceof String)) throw new JrktException(at + ": errno must be a string like \"EPERM\"");
                    seccomp = SeccompPolicy.of(mode, strings(v.get("set"), at + " set"), (String) errno, at);
                }
                default -> notApplied.add(i.name() + ": " + unsupported(i.name()));
            }
        }
        return new Resolved(new Limits(memory, memoryRequest, cpuMillis, cpuShares, pids, bps, iops), oomScoreAdj, caps,
            noNewPrivileges, seccomp, List.copyOf(notApplied));
    }

    private static String unsupported(String name) {
        return switch (name) {
            case "os/linux/selinux-context" -> "jrkt does not label pods for SELinux";
            case "os/linux/apparmor-profile" -> "jrkt does not load AppArmor profiles";
            case "os/unix/sysctl" -> "jrkt does not set sysctls";
            case "resource/network-bandwidth" -> "jrkt does not shape network traffic";
            default -> "jrkt does not know this isolator";
        };
    }

    // ---- values ---------------------------------------------------------------------------

    /** Bytes, at least {@link #MIN_MEMORY}. */
    static long memory(Object quantity, String at) {
        BigDecimal bytes = quantity(quantity, at).setScale(0, RoundingMode.CEILING);
        if (bytes.compareTo(BigDecimal.valueOf(MIN_MEMORY)) < 0) {
            throw new JrktException(at + ": " + show(quantity) + " is less than the smallest memory limit, 4Mi");
        }
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) throw new JrktException(at + ": " + show(quantity) + " is too large");
        return bytes.longValueExact();
    }

    /** Thousandths of a core, at least {@link #MIN_CPU_MILLIS} (the kernel's shortest quota, 1ms per 100ms). */
    static long cpuMillis(Object quantity, String at) {
        BigDecimal millis = quantity(quantity, at).movePointRight(3).setScale(0, RoundingMode.CEILING);
        if (millis.compareTo(BigDecimal.valueOf(MIN_CPU_MILLIS)) < 0) {
            throw new JrktException(at + ": " + show(quantity) + " is less than the smallest cpu limit, 10m (a hundredth of a core)");
        }
        if (millis.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) throw new JrktException(at + ": " + show(quantity) + " is too large");
        return millis.longValueExact();
    }

    /** A whole number in [min, max], given as a JSON number or a quantity string ("64", "1k"). */
    static long whole(Object value, String at, long min, long max) {
        if (value == null) throw new JrktException(at + ": is required");
        BigDecimal n = quantity(value, at);
        if (n.stripTrailingZeros().scale() > 0) throw new JrktException(at + ": " + show(value) + " is not a whole number");
        if (n.compareTo(BigDecimal.valueOf(min)) < 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new JrktException(at + ": " + show(value) + " is not between " + min + " and " + max);
        }
        return n.longValueExact();
    }

    private static BigDecimal quantity(Object value, String at) {
        switch (value) {
            case String s -> {
                try {
                    return Quantity.parse(s);
                } catch (IllegalArgumentException e) {
                    throw new JrktException(at + ": \"" + s + "\" is not a quantity (like 500m, 256M, 2Gi): it " + e.getMessage());
                }
            }
            case Long n -> {
                if (n < 0) throw new JrktException(at + ": " + n + " must not be negative");
                return BigDecimal.valueOf(n);
            }
            case BigDecimal n -> {
                if (n.signum() < 0) throw new JrktException(at + ": " + n + " must not be negative");
                return n;
            }
            case Integer n -> {
                return quantity((long) n, at);
            }
            case null -> throw new JrktException(at + ": is required");
            default -> throw new JrktException(at + ": must be a quantity string or a number");
        }
    }

    private static List<String> capabilityNames(Object value, String at) {
        List<String> names = new ArrayList<>();
        for (String n : strings(object(value, at).get("set"), at + " set")) names.add(Capabilities.canonical(n, at));
        if (names.isEmpty()) throw new JrktException(at + ": the set is empty");
        return names;
    }

    private static Map<String, Object> object(Object value, String at) {
        if (!(value instanceof Map)) throw new JrktException(at + ": must be a JSON object");
        return Json.asObject(value);
    }

    private static List<String> strings(Object value, String at) {
        if (!(value instanceof List<?> list)) throw new JrktException(at + ": must be a list of names");
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) throw new JrktException(at + ": must be a list of names");
            out.add(s);
        }
        return out;
    }

    private static String show(Object value) { return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value); }
}
