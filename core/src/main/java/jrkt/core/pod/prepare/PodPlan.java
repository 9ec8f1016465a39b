package jrkt.core.pod.prepare;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.isolation.IsolationPlan;

/**
 * Turns a prepared pod into its stage1 plan. Paths into the pod directory are relative (the
 * plan runs with the pod directory as working directory, and the directory is renamed
 * between states); paths of rendered trees and host volumes are absolute. Every target inside
 * an app is resolved here, through the image's symlinks but never out of its rootfs.
 */
final class PodPlan {
    static final String STAGE1_ROOT = "stage1/rootfs";
    static final int VERSION = 1;
    private static final String[] HOST_DEVICES = {"null", "zero", "full", "random", "urandom", "tty"};

    private final String hostname;
    private final PrepareRequest request;
    private final List<PreparedApp> apps;
    private final Map<String, VolumeSpec> volumes;
    private final IsolationPlan isolation;
    private final PlanWriter plan = new PlanWriter();

    PodPlan(String hostname, PrepareRequest request, List<PreparedApp> apps, Map<String, VolumeSpec> volumes,
            IsolationPlan isolation) {
        this.hostname = hostname;
        this.request = request;
        this.apps = apps;
        this.volumes = volumes;
        this.isolation = isolation;
    }

    /** The app's root inside the stage1 root, as stage1 sees it after pivot_root. */
    static String appRoot(String app) { return "/opt/stage2/" + app + "/rootfs"; }

    PlanWriter build() {
        plan.line("version", Integer.toString(VERSION));
        plan.line("hostname", hostname);
        plan.line("net", request.net().planFields());
        isolation.podLines(plan, VERSION); // from plan version 2 on
        for (PreparedApp a : apps) appMounts(a);
        plan.line("root", STAGE1_ROOT);
        for (PreparedApp a : apps) appLines(a);
        return plan;
    }

    private void appMounts(PreparedApp a) {
        String root = STAGE1_ROOT + appRoot(a.name());
        Path rootfs = a.treeRootfs();
        plan.comment("app " + a.name());
        plan.line("mkdir", root, "0755");
        if (request.noOverlay()) {
            plan.line("mount", "apps-rootfs/" + a.name(), root, "", "bind", "");
        } else {
            String lower = a.treeRootfs().toAbsolutePath().toString();
            if (lower.contains(",") || lower.contains(":"))
                throw new JrktException("rendered tree " + lower + " holds ',' or ':', which overlayfs options cannot carry");
            String base = "overlay/" + a.name();
            plan.line("mount", "overlay", root, "overlay", "",
                "lowerdir=" + lower + ",upperdir=" + base + "/upper,workdir=" + base + "/work");
        }

        plan.line("mount", "proc", inside(a, "/proc"), "proc", "nosuid,nodev,noexec", "");
        plan.line("mount", "sysfs", inside(a, "/sys"), "sysfs", "ro,nosuid,nodev,noexec", "");

        String dev = inside(a, "/dev");
        plan.line("mount", "tmpfs", dev, "tmpfs", "nosuid", "mode=0755");
        for (String d : HOST_DEVICES) {
            plan.line("touch", dev + "/" + d);
            plan.line("mount", "/dev/" + d, dev + "/" + d, "", "bind", "");
        }
        plan.line("mkdir", dev + "/pts", "0755");
        plan.line("mount", "devpts", dev + "/pts", "devpts", "nosuid,noexec", "newinstance,ptmxmode=0666,mode=0620");
        plan.line("symlink", "pts/ptmx", dev + "/ptmx");
        plan.line("mkdir", dev + "/shm", "1777");
        plan.line("mount", "tmpfs", dev + "/shm", "tmpfs", "nosuid,nodev", "mode=1777");
        plan.line("mkdir", dev + "/mqueue", "0755");
        plan.line("mount", "mqueue", dev + "/mqueue", "mqueue", "nosuid,nodev,noexec", "");
        plan.line("symlink", "/proc/self/fd", dev + "/fd");
        plan.line("symlink", "/proc/self/fd/0", dev + "/stdin");
        plan.line("symlink", "/proc/self/fd/1", dev + "/stdout");
        plan.line("symlink", "/proc/self/fd/2", dev + "/stderr");
        if (request.interactive() && request.consoleTty() != null) {
            plan.line("touch", dev + "/console");
            plan.line("mount", request.consoleTty(), dev + "/console", "", "bind", "");
        }

        bindFile(a, "etc/" + a.name() + "/hosts", "/etc/hosts");
        if (request.dns().mode() != DnsConfig.Mode.IMAGE) bindFile(a, "etc/" + a.name() + "/resolv.conf", "/etc/resolv.conf");

        for (MountSpec m : a.mounts()) {
            VolumeSpec v = volumes.get(m.volume());
            boolean readOnly = v.readOnly() || mountPointReadOnly(a, m);
            String source = v.kind() == VolumeSpec.Kind.HOST ? v.source() : "volumes/" + v.name();
            String target = inside(a, m.target());
            boolean file = v.kind() == VolumeSpec.Kind.HOST && !Files.isDirectory(Path.of(v.source()));
            if (file) plan.line("touch", target);
            else plan.line("mkdir", target, "0755");
            String flags = v.recursive() ? "bind,rec" : "bind";
            plan.line("mount", source, target, "", flags, "");
            if (readOnly) plan.line("mount", source, target, "", "bind,remount,ro", "");
        }

        if (a.readOnlyRootFs()) plan.line("mount", "", root, "", "bind,remount,ro", "");
        checkRootfs(rootfs);
    }

    private void bindFile(PreparedApp a, String source, String path) {
        String target = inside(a, path);
        String parent = target.substring(0, target.lastIndexOf('/'));
        plan.line("mkdir", parent, "0755");
        plan.line("touch", target);
        plan.line("mount", source, target, "", "bind", "");
    }

    private void appLines(PreparedApp a) {
        String n = a.name();
        plan.line("app", n);
        plan.line("approot", n, appRoot(n));
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
        isolation.appLines(plan, n, VERSION); // from plan version 2 on
    }

    /** The plan path (relative to the pod directory) of {@code path} inside the app, resolved within its rootfs. */
    private static String inside(PreparedApp a, String path) {
        String resolved = RootfsPath.resolve(a.treeRootfs(), path);
        if (resolved.equals("/")) throw new JrktException("app " + a.name() + ": " + path + " is the app's root and cannot be a mount target");
        return STAGE1_ROOT + appRoot(a.name()) + resolved;
    }

    private static boolean mountPointReadOnly(PreparedApp a, MountSpec m) {
        for (ImageManifest.MountPoint mp : a.mountPoints())
            if (mp.name().equals(m.volume()) && mp.path().equals(m.target())) return mp.readOnly();
        return false;
    }

    private static void checkRootfs(Path rootfs) {
        if (!Files.isDirectory(rootfs, LinkOption.NOFOLLOW_LINKS))
            throw new JrktException("rendered tree " + rootfs + " is not a directory");
    }
}
