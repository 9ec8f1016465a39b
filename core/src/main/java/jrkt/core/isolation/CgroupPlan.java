package jrkt.core.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jrkt.core.JrktException;
import jrkt.core.json.Json;

/**
 * The cgroups of one pod, decided when it is prepared and written to {@code <pod>/cgroups}:
 * for each hierarchy the pod uses, the pod's cgroup {@code MOUNTPOINT/PATH} (pod-wide limits),
 * {@code PATH/stage1} (the pod's PID 1) and {@code PATH/app-NAME} per app (the app's limits),
 * with the files to write in each. {@link Cgroups} creates them before stage1 runs and removes
 * them when the pod is collected, from this record alone.
 */
public record CgroupPlan(List<Tree> trees) {
    public static final String FILE = "cgroups";
    public static final String STAGE1 = "stage1";

    public CgroupPlan { trees = List.copyOf(trees); }

    /** The cgroup of an app, below the pod's. */
    public static String appGroup(String app) { return "app-" + app; }

    /**
     * The pod's part of one hierarchy. enable: on v2, the controllers to enable in
     * {@code cgroup.subtree_control} from the hierarchy's root down to the pod's cgroup; devices:
     * "v1" (devices.deny/allow), "bpf" (a v2 device program) or null (the policy lives in another
     * hierarchy of this pod, or nowhere); vmDevices: the policy also lets the pod's hypervisor
     * open {@link DevicePolicy#VM_HOST}.
     */
    public record Tree(String hierarchy, String mountPoint, String path, boolean v2, List<String> enable, String devices,
                       boolean vmDevices, List<Group> groups) {
        public Tree {
            enable = List.copyOf(enable);
            groups = List.copyOf(groups);
        }

        /** MOUNTPOINT/PATH: the pod's cgroup on the host. */
        public Path podDir() { return Path.of(mountPoint + path); }

        public Path dir(Group g) { return g.name().isEmpty() ? podDir() : podDir().resolve(g.name()); }

        public Group group(String name) {
            for (Group g : groups) if (g.name().equals(name)) return g;
            return null;
        }
    }

    /** One cgroup: "" for the pod's own, "stage1", or "app-NAME"; the files to write in order. */
    public record Group(String name, List<Write> writes) {
        public Group { writes = List.copyOf(writes); }
    }

    /**
     * One value for one control file. optional: skip it when the kernel offers no such file (swap
     * accounting is a boot option); perBlockDevice: written once per block device present when the
     * cgroup is created, as "MAJOR:MINOR value".
     */
    public record Write(String file, String value, boolean optional, boolean perBlockDevice) {
        static Write of(String file, String value) { return new Write(file, value, false, false); }
    }

    /** The hierarchy that holds a controller's files, or null when the pod has none with it. */
    public Tree treeFor(String controllerFile) {
        String prefix = controllerFile.substring(0, controllerFile.indexOf('.'));
        for (Tree t : trees) {
            if (t.v2() && t.enable().contains(v2Controller(prefix))) return t;
            if (!t.v2() && List.of(t.hierarchy().split(",")).contains(prefix)) return t;
        }
        return null;
    }

    private static String v2Controller(String prefix) { return prefix.equals("blkio") ? "io" : prefix; }

    // ---- JSON, for the record in the pod directory ------------------------------------------

    public Map<String, Object> toJson() {
        List<Object> list = new ArrayList<>();
        for (Tree t : trees) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("hierarchy", t.hierarchy());
            m.put("mountPoint", t.mountPoint());
            m.put("path", t.path());
            m.put("v2", t.v2());
            m.put("enable", new ArrayList<Object>(t.enable()));
            m.put("devices", t.devices());
            if (t.vmDevices()) m.put("vmDevices", true);
            List<Object> groups = new ArrayList<>();
            for (Group g : t.groups()) {
                List<Object> writes = new ArrayList<>();
                for (Write w : g.writes()) {
                    Map<String, Object> wm = new LinkedHashMap<>();
                    wm.put("file", w.file());
                    wm.put("value", w.value());
                    if (w.optional()) wm.put("optional", true);
                    if (w.perBlockDevice()) wm.put("perBlockDevice", true);
                    writes.add(wm);
                }
                Map<String, Object> gm = new LinkedHashMap<>();
                gm.put("name", g.name());
                gm.put("writes", writes);
                groups.add(gm);
            }
            m.put("groups", groups);
            list.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("trees", list);
        return root;
    }

    public static CgroupPlan fromJson(Object json) {
        List<Tree> trees = new ArrayList<>();
        for (Object o : Json.asArray(Json.asObject(json).get("trees"))) {
            Map<String, Object> m = Json.asObject(o);
            List<Group> groups = new ArrayList<>();
            for (Object go : Json.asArray(m.get("groups"))) {
                Map<String, Object> gm = Json.asObject(go);
                List<Write> writes = new ArrayList<>();
                for (Object wo : Json.asArray(gm.get("writes"))) {
                    Map<String, Object> wm = Json.asObject(wo);
                    writes.add(new Write((String) wm.get("file"), (String) wm.get("value"),
                        Boolean.TRUE.equals(wm.get("optional")), Boolean.TRUE.equals(wm.get("perBlockDevice"))));
                }
                groups.add(new Group((String) gm.get("name"), writes));
            }
            List<String> enable = new ArrayList<>();
            for (Object e : Json.asArray(m.get("enable"))) enable.add((String) e);
            trees.add(new Tree((String) m.get("hierarchy"), (String) m.get("mountPoint"), (String) m.get("path"),
                Boolean.TRUE.equals(m.get("v2")), enable, (String) m.get("devices"),
                Boolean.TRUE.equals(m.get("vmDevices")), groups));
        }
        return new CgroupPlan(trees);
    }

    /**
     * The record of a pod directory, or null when the pod has none (prepared before jrkt made
     * cgroups). Pods that main prepared between 45e98aa and its revert have it in their isolation
     * report (its "cgroups" member) instead: read from there when the file is absent.
     */
    public static CgroupPlan read(Path podDir) {
        Path file = podDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                byte[] record = jrkt.core.fs.FileBytes.read(file);
                // Empty: the preparation was killed between the file's creation and its one write;
                // the record is written before any cgroup is made, so none was.
                return record.length == 0 ? null : fromJson(Json.parse(record));
            }
            Path report = podDir.resolve(IsolationPlan.REPORT);
            if (!Files.exists(report)) return null;
            Object record = Json.asObject(Json.parse(jrkt.core.fs.FileBytes.read(report))).get("cgroups");
            return record == null ? null : fromJson(record);
        } catch (IOException | RuntimeException e) {
            throw new JrktException("cannot read the cgroup record of " + podDir + ": " + e.getMessage(), e);
        }
    }

    // ---- deciding -----------------------------------------------------------------------------

    /** The hierarchies a pod uses: those holding a controller jrkt uses, and the v2 one (processes, cgroup namespace). */
    static List<CgroupHost.Hierarchy> hierarchiesOf(CgroupHost host) {
        Set<CgroupHost.Hierarchy> used = new LinkedHashSet<>();
        for (String c : CgroupHost.CONTROLLERS) {
            CgroupHost.Hierarchy h = host.holding(c);
            if (h != null) used.add(h);
        }
        if (host.unified() != null) used.add(host.unified());
        return new ArrayList<>(used);
    }
}
