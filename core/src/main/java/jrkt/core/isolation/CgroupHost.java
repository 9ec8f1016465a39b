package jrkt.core.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import jrkt.core.pod.PodDeleter;

/**
 * Where this host's cgroup controllers live: each on a cgroup v1 hierarchy of its own (or
 * co-mounted, like {@code cpu,cpuacct}), or on the cgroup v2 ("unified") hierarchy. Pure v1,
 * pure v2 and hybrid hosts (v1 controllers plus a v2 mount, as systemd's "hybrid" mode makes)
 * are all told apart from {@code /proc/self/mountinfo}, {@code /proc/cgroups} and the v2 root's
 * {@code cgroup.controllers}; a controller a v1 hierarchy holds is not usable on v2 at once.
 */
public final class CgroupHost {
    /** Controllers jrkt uses, by their v1 names. */
    public static final List<String> CONTROLLERS = List.of("memory", "cpu", "cpuacct", "pids", "blkio", "devices");

    /** One mounted hierarchy: v1 with its controllers (or "name=..."), or the v2 one (name "unified"). */
    public record Hierarchy(String name, Path mountPoint, boolean v2, Set<String> controllers) {
        public String version() { return v2 ? "v2" : "v1"; }

        // Written out: a record's generated equals and hashCode are linked at first use by generating
        // code, tens of milliseconds of every pod's start (hierarchies are kept in sets).
        @Override public boolean equals(Object o) {
            return o instanceof Hierarchy h && h.v2 == v2 && h.name.equals(name) && h.mountPoint.equals(mountPoint)
                && h.controllers.equals(controllers);
        }

        @Override public int hashCode() { return (name.hashCode() * 31 + mountPoint.hashCode()) * 31 + controllers.hashCode(); }
    }

    private final List<Hierarchy> hierarchies;
    private final Set<String> disabled;
    private final Set<String> readOnly;   // controllers of hierarchies mounted read-only (in a container, say)

    CgroupHost(List<Hierarchy> hierarchies, Set<String> disabled, Set<String> readOnly) {
        this.hierarchies = List.copyOf(hierarchies);
        this.disabled = Set.copyOf(disabled);
        this.readOnly = Set.copyOf(readOnly);
    }

    private static volatile CgroupHost seen;

    /**
     * This host as this process first saw it: one jrkt command lasts a moment, and a run asks
     * twice (when the pod is prepared and when its cgroups are made), 2 ms each time. A pod
     * prepared by an earlier command is checked against the host of its start ({@link Cgroups#create}).
     */
    public static CgroupHost current() {
        CgroupHost host = seen;
        if (host == null) seen = host = detect();
        return host;
    }

    /** This host, as the kernel shows it now. */
    public static CgroupHost detect() {
        String mountinfo = read(Path.of("/proc/self/mountinfo"));
        String cgroups = read(Path.of("/proc/cgroups"));
        return parse(mountinfo == null ? "" : mountinfo, cgroups == null ? "" : cgroups,
            mountPoint -> read(mountPoint.resolve("cgroup.controllers")));
    }

    /**
     * From recorded text: mountinfo, /proc/cgroups, and what {@code cgroup.controllers} holds at the
     * root of a v2 mount point (null when unreadable).
     */
    public static CgroupHost parse(String mountinfo, String procCgroups, Function<Path, String> v2Controllers) {
        List<Hierarchy> found = new ArrayList<>();
        Set<String> readOnly = new LinkedHashSet<>();
        Set<String> seenV1 = new LinkedHashSet<>();
        boolean seenV2 = false;
        for (String line : mountinfo.split("\n")) {
            // most lines are no cgroup: told by a substring before anything is split or made a Path
            // (a host with containers has hundreds of mounts, read at every start)
            if (!line.contains(" - cgroup")) continue;
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length && dash < 0; i++) if (f[i].equals("-")) dash = i;
            if (dash < 6 || f.length < dash + 4) continue;
            String fsType = f[dash + 1];
            if (!fsType.equals("cgroup") && !fsType.equals("cgroup2")) continue;
            String root = f[3];
            Path mountPoint = Path.of(PodDeleter.unescape(f[4]));
            // a bind mount of a subtree (root != "/") is not where the hierarchy's root is
            if (!root.equals("/")) continue;
            // jrkt cannot make cgroups in a read-only mount: its controllers count as missing
            boolean ro = List.of(f[5].split(",")).contains("ro");
            if (fsType.equals("cgroup")) {
                Set<String> controllers = new LinkedHashSet<>();
                for (String option : f[dash + 3].split(",")) {
                    if (option.startsWith("name=") || isController(option)) controllers.add(option);
                }
                String name = String.join(",", controllers);
                if (controllers.isEmpty() || !seenV1.add(name)) continue; // the first mount of a hierarchy wins
                if (ro) {
                    readOnly.addAll(controllers);
                    continue;
                }
                found.add(new Hierarchy(name, mountPoint, false, Set.copyOf(controllers)));
            } else if (fsType.equals("cgroup2") && !seenV2) {
                seenV2 = true;
                if (ro) {
                    readOnly.addAll(CONTROLLERS);
                    continue;
                }
                String text = v2Controllers.apply(mountPoint);
                Set<String> controllers = new LinkedHashSet<>();
                if (text != null) for (String c : words(text)) controllers.add(c);
                found.add(new Hierarchy("unified", mountPoint, true, Set.copyOf(controllers)));
            }
        }
        return new CgroupHost(found, disabledControllers(procCgroups), readOnly);
    }

    /** The blank-separated words of text (split("\\s+") would be the warm-up thread's only regex). */
    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean blank = i == text.length() || Character.isWhitespace(text.charAt(i));
            if (blank && start >= 0) {
                out.add(text.substring(start, i));
                start = -1;
            } else if (!blank && start < 0) {
                start = i;
            }
        }
        return out;
    }

    public List<Hierarchy> hierarchies() { return hierarchies; }

    /** The v2 hierarchy, or null when none is mounted. */
    public Hierarchy unified() {
        for (Hierarchy h : hierarchies) if (h.v2()) return h;
        return null;
    }

    /**
     * The hierarchy holding a controller (v1 name; on v2 blkio is io, cpuacct is part of cpu and
     * devices is a BPF program, which every v2 cgroup takes), or null when no hierarchy has it.
     */
    public Hierarchy holding(String controller) {
        for (Hierarchy h : hierarchies) if (!h.v2() && h.controllers().contains(controller)) return h;
        Hierarchy v2 = unified();
        if (v2 == null || disabled.contains(controller)) return null;
        return switch (controller) {
            case "devices" -> v2;
            case "cpuacct" -> v2.controllers().contains("cpu") ? v2 : null;
            case "blkio" -> v2.controllers().contains("io") ? v2 : null;
            default -> v2.controllers().contains(controller) ? v2 : null;
        };
    }

    /** Why a controller is missing, for the report of an isolator that cannot be applied. */
    public String whyMissing(String controller) {
        if (disabled.contains(controller)) return "the " + controller + " controller is disabled on this host (/proc/cgroups)";
        if (readOnly.contains(controller)) return "the cgroup hierarchy of the " + controller + " controller is mounted read-only here";
        if (hierarchies.isEmpty()) return "no cgroup file system is mounted on this host";
        return "no cgroup hierarchy of this host holds the " + controller + " controller";
    }

    /** "v1", "v2" or "hybrid", for messages and docs. */
    public String mode() {
        boolean v1 = false;
        for (Hierarchy h : hierarchies) v1 |= !h.v2();
        boolean v2 = unified() != null;
        return v1 && v2 ? "hybrid" : v2 ? "v2" : v1 ? "v1" : "none";
    }

    private static boolean isController(String option) {
        return switch (option) {
            case "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "blkio", "perf_event",
                 "net_prio", "hugetlb", "pids", "rdma", "misc" -> true;
            default -> false;
        };
    }

    /** Controllers /proc/cgroups lists with enabled 0 (cgroup_disable= on the kernel command line). */
    private static Set<String> disabledControllers(String procCgroups) {
        Set<String> off = new LinkedHashSet<>();
        for (String line : procCgroups.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) continue;
            List<String> f = words(line);
            if (f.size() >= 4 && f.get(3).equals("0")) off.add(f.get(0));
        }
        return off;
    }

    /** By java.io (FileBytes): a run reads no file through an NIO channel, whose first use loads libnet. */
    private static String read(Path file) {
        try {
            return new String(jrkt.core.fs.FileBytes.read(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    @Override public String toString() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Hierarchy h : hierarchies) m.put(h.name(), h.mountPoint().toString());
        return mode() + " " + m;
    }
}
