package jrkt.core.pod.prepare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.isolation.IsolationPlan;
import jrkt.core.metadata.PodMetadata;
import jrkt.core.pod.AppDirs;
import jrkt.core.pod.userns.IdRange;
import jrkt.core.pod.userns.PodUserNamespace;
import jrkt.core.pod.userns.PrivateUsers;

/**
 * Turns a prepared pod into its stage1 plan, version 2 (docs/stage1-abi.md): what the pod
 * needs, not how to build it. Pod paths are relative to the pod directory (which is renamed
 * between states); image layers and host volumes are absolute host paths; targets inside an
 * app are written as the user gave them and resolved by stage1 inside the app's real root,
 * where an image's or an app's symlinks cannot lead out of it.
 */
final class PodPlan {
    /** The plan version this stage0 writes; a stage1 must list it in {@link #VERSIONS_ANNOTATION}. */
    static final String VERSION = "2";
    static final String VERSIONS_ANNOTATION = "jrkt.io/stage1/plan-versions";

    /**
     * What no app reads or changes by default (Docker's and runc's lists, with /proc/kallsyms):
     * kernel memory and addresses, other processes' keys, hardware and firmware interfaces.
     */
    static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/kallsyms",
        "/proc/keys", "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list", "/proc/timer_stats",
        "/sys/firmware", "/sys/devices/virtual/powercap");
    /** Kernel settings for the whole host: readable, never writable from a pod. */
    static final List<String> READ_ONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private final String hostname;
    private final PrepareRequest request;
    private final List<PreparedApp> apps;
    private final Map<String, VolumeSpec> volumes;
    private final IsolationPlan isolation;
    private final PodUserNamespace userns;
    private final PlanWriter plan = new PlanWriter();
    private PodMetadata metadata;

    PodPlan(String hostname, PrepareRequest request, List<PreparedApp> apps, Map<String, VolumeSpec> volumes,
            IsolationPlan isolation, PodUserNamespace userns) {
        this.hostname = hostname;
        this.request = request;
        this.apps = apps;
        this.volumes = volumes;
        this.isolation = isolation;
        this.userns = userns;
    }

    /** The pod's metadata service (null: none). */
    PodPlan metadata(PodMetadata metadata) {
        this.metadata = metadata;
        return this;
    }

    /** The app's root inside the pod's root, as stage1 sees it after pivot_root. */
    static String appRoot(String app) { return "/opt/stage2/" + app + "/rootfs"; }

    PlanWriter build() {
        plan.line("version", VERSION);
        plan.line("hostname", hostname);
        plan.line("net", request.net().planFields());
        if (request.interactive() && request.consoleTty() != null) plan.line("console", request.consoleTty());
        isolation.podLines(plan);
        if (metadata != null) metadata.planLine(plan);
        if (userns != null) {
            IdRange ids = userns.ids();
            plan.line("userns", Long.toString(ids.uid()), Long.toString(ids.gid()), Long.toString(ids.count()), userns.mode().planMode());
        }
        for (VolumeSpec v : volumes.values()) {
            if (v.kind() == VolumeSpec.Kind.HOST) plan.line("volume", v.name(), "host", v.source());
            else plan.line("volume", v.name(), "empty", "volumes/" + v.name());
        }
        for (PreparedApp a : apps) appLines(a);
        return plan;
    }

    private void appLines(PreparedApp a) {
        String n = a.name();
        plan.comment("app " + n);
        plan.line("app", n);
        if (request.noOverlay() || (userns != null && userns.mode() == PrivateUsers.CHOWN)) {
            plan.line("rootfs", n, "dir", "apps-rootfs/" + n);
        } else {
            for (Path layer : a.root().layers()) plan.line("image", n, layer.toAbsolutePath().toString()); // top first
            plan.line("rootfs", n, "overlay", AppDirs.upper(n), AppDirs.work(n));
        }
        plan.line("file", n, "/etc/hosts", AppDirs.hosts(n));
        if (request.dns().mode() != DnsConfig.Mode.IMAGE) plan.line("file", n, "/etc/resolv.conf", AppDirs.resolvConf(n));
        for (MountSpec m : a.mounts()) {
            if (RootfsPath.resolve(a.root(), m.target()).equals("/"))
                throw new JrktException("app " + n + ": " + m.target() + " is the app's root and cannot be a mount target");
            VolumeSpec v = volumes.get(m.volume());
            List<String> options = new ArrayList<>();
            if (v.readOnly() || mountPointReadOnly(a, m)) options.add("ro");
            if (v.kind() == VolumeSpec.Kind.HOST && v.recursive()) options.add("rec");
            plan.line("mount", n, m.volume(), m.target(), String.join(",", options));
        }
        if (!request.isolation().insecurePaths()) {
            for (String path : MASKED) plan.line("mask", n, path);
            for (String path : READ_ONLY) plan.line("readonly", n, path);
        }
        if (a.readOnlyRootFs()) plan.line("readonly-rootfs", n);

        plan.line("exec", List.of(n), a.exec());
        for (Map.Entry<String, String> e : a.environment().entrySet()) plan.line("env", n, e.getKey() + "=" + e.getValue());
        plan.line("user", n, Integer.toUnsignedString(a.uid()), Integer.toUnsignedString(a.gid()));
        if (!a.supplementaryGids().isEmpty()) {
            List<String> gids = new ArrayList<>();
            for (int g : a.supplementaryGids()) gids.add(Integer.toUnsignedString(g));
            plan.line("groups", List.of(n), gids);
        }
        plan.line("workdir", n, a.workingDirectory());
        for (ImageManifest.EventHandler h : a.eventHandlers()) {
            String kind = switch (h.name()) {
                case "pre-start" -> "prestart";
                case "post-stop" -> "poststop";
                default -> throw new JrktException("app " + n + ": unknown event handler \"" + h.name() + "\"");
            };
            if (h.exec().isEmpty()) throw new JrktException("app " + n + ": event handler " + h.name() + " has an empty exec");
            plan.line(kind, List.of(n), h.exec());
        }
        if (request.interactive()) plan.line("interactive", n);
        isolation.appLines(plan, n);
    }

    private static boolean mountPointReadOnly(PreparedApp a, MountSpec m) {
        for (ImageManifest.MountPoint mp : a.mountPoints())
            if (mp.name().equals(m.volume()) && mp.path().equals(m.target())) return mp.readOnly();
        return false;
    }
}
