package jrkt.core.isolation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest.Isolator;

/**
 * The isolation flags of {@code run} and {@code prepare}, turned into the appc isolators they
 * stand for, so that the pod manifest records them as an image would and a flag replaces the
 * image's isolator of the same kind. Every value is checked here: a malformed one fails with a
 * message naming the flag before anything is created.
 */
public final class IsolatorFlags {
    private IsolatorFlags() {}

    /** The resource flags, which a pod (before the first image) and an app (after its image) both take; null = not given. */
    public record Resources(String memory, String cpu, String cpuShares, String pidsLimit, String oomScoreAdj,
                            String blockBandwidth, String blockIops) {
        public static final Resources NONE = new Resources(null, null, null, null, null, null, null);
    }

    /** The isolators of the resource flags, in a fixed order. */
    public static List<Isolator> resources(Resources r) {
        List<Isolator> out = new ArrayList<>();
        if (r.memory() != null) {
            Isolators.memory(r.memory(), "--memory=" + r.memory());
            out.add(new Isolator(Isolators.MEMORY, map("limit", r.memory())));
        }
        if (r.cpu() != null) {
            Isolators.cpuMillis(r.cpu(), "--cpu=" + r.cpu());
            out.add(new Isolator(Isolators.CPU, map("limit", r.cpu())));
        }
        if (r.cpuShares() != null) {
            out.add(new Isolator(Isolators.CPU_SHARES, Isolators.whole(r.cpuShares(), "--cpu-shares=" + r.cpuShares(), 2, 262144)));
        }
        if (r.pidsLimit() != null) {
            long n = Isolators.whole(r.pidsLimit(), "--pids-limit=" + r.pidsLimit(), 1, 4194304);
            out.add(new Isolator(Isolators.PIDS, map("limit", n)));
        }
        if (r.oomScoreAdj() != null) out.add(new Isolator(Isolators.OOM_SCORE_ADJ, integer(r.oomScoreAdj(), "--oom-score-adj", -1000, 1000)));
        if (r.blockBandwidth() != null) {
            Isolators.whole(r.blockBandwidth(), "--block-bandwidth=" + r.blockBandwidth(), 1, Long.MAX_VALUE);
            out.add(new Isolator(Isolators.BLOCK_BANDWIDTH, deviceDefault(r.blockBandwidth())));
        }
        if (r.blockIops() != null) {
            Isolators.whole(r.blockIops(), "--block-iops=" + r.blockIops(), 1, Long.MAX_VALUE);
            out.add(new Isolator(Isolators.BLOCK_IOPS, deviceDefault(r.blockIops())));
        }
        return List.copyOf(out);
    }

    /**
     * One app's isolators: the resource flags and the app-only ones. capsRetain / capsRemove are
     * comma lists of capability names; seccomp is {@code mode=retain|remove[,errno=NAME],CALL|@GROUP,...};
     * noNewPrivileges null = not given.
     */
    public static List<Isolator> app(Resources r, String capsRetain, String capsRemove, String seccomp, Boolean noNewPrivileges) {
        List<Isolator> out = new ArrayList<>(resources(r));
        if (capsRetain != null && capsRemove != null) {
            throw new JrktException("--caps-retain and --caps-remove cannot be combined: retain gives exactly its set, remove takes from the default set");
        }
        if (capsRetain != null) out.add(new Isolator(Isolators.CAPS_RETAIN, Map.of("set", capabilities(capsRetain, "--caps-retain"))));
        if (capsRemove != null) out.add(new Isolator(Isolators.CAPS_REMOVE, Map.of("set", capabilities(capsRemove, "--caps-remove"))));
        if (seccomp != null) out.add(seccomp(seccomp));
        if (noNewPrivileges != null) out.add(new Isolator(Isolators.NO_NEW_PRIVILEGES, noNewPrivileges));
        return List.copyOf(out);
    }

    /** {@code --seccomp=mode=remove,errno=ENOTSUP,reboot,mount} as an appc seccomp isolator. */
    static Isolator seccomp(String text) {
        String where = "--seccomp=" + text;
        SeccompPolicy.Mode mode = null;
        String errno = null;
        List<String> set = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.trim();
            if (p.startsWith("mode=")) {
                mode = switch (p.substring(5)) {
                    case "retain" -> SeccompPolicy.Mode.RETAIN;
                    case "remove" -> SeccompPolicy.Mode.REMOVE;
                    default -> throw new JrktException(where + ": mode must be retain or remove, not \"" + p.substring(5) + "\"");
                };
            } else if (p.startsWith("errno=")) {
                errno = p.substring(6);
            } else if (p.isEmpty()) {
                throw new JrktException(where + ": an empty name in the list");
            } else {
                set.add(p);
            }
        }
        if (mode == null) throw new JrktException(where + ": mode=retain or mode=remove is required");
        SeccompPolicy.of(mode, set, errno, where); // checks names, groups and the errno
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("set", List.copyOf(set));
        if (errno != null) value.put("errno", errno);
        return new Isolator(mode == SeccompPolicy.Mode.RETAIN ? Isolators.SECCOMP_RETAIN : Isolators.SECCOMP_REMOVE, value);
    }

    private static List<Object> capabilities(String list, String flag) {
        List<Object> names = new ArrayList<>();
        for (String n : list.split(",", -1)) {
            if (n.isBlank()) throw new JrktException(flag + "=" + list + ": an empty name in the list");
            names.add(Capabilities.canonical(n, flag + "=" + list));
        }
        return names;
    }

    private static long integer(String text, String flag, long min, long max) {
        try {
            long n = Long.parseLong(text.trim());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new JrktException(flag + "=" + text + ": expected a whole number from " + min + " to " + max);
    }

    private static Map<String, Object> deviceDefault(String limit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("default", true);
        m.put("limit", limit);
        return m;
    }

    private static Map<String, Object> map(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return m;
    }
}
