package jrkt.core.pod.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.net.NetworkConfigs;
import jrkt.core.net.NetworkSelection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan of a pod, from prepared apps over a real rendered-tree directory. */
class PodPlanTest {
    @TempDir Path tmp;
    Path tree;

    @BeforeEach
    void tree() throws Exception {
        tree = Files.createDirectories(tmp.resolve("tree/rootfs"));
        Files.createDirectories(tree.resolve("var/lib"));
        Files.createDirectories(tree.resolve("etc"));
        // An image whose /data points elsewhere, and whose /etc/resolv.conf points up and out.
        Files.createSymbolicLink(tree.resolve("data"), Path.of("/var/lib/data"));
        Files.createSymbolicLink(tree.resolve("etc/resolv.conf"), Path.of("../../../../run/resolv.conf"));
    }

    private PreparedApp app(String name, List<MountSpec> mounts, boolean readOnlyRoot, List<ImageManifest.MountPoint> mps) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Environment.DEFAULT_PATH);
        env.put("GREETING", "hello world");
        env.put("AC_APP_NAME", name);
        return new PreparedApp(name, "sha512-abc", "example.com/" + name, Map.of(), "deps-sha512-abc", tree,
            List.of("/bin/sh", "-c", "echo hi"), "0", "0", 0, 0, List.of(10, 20), "/", env,
            List.of(new ImageManifest.EventHandler("pre-start", List.of("/bin/true"))), mps, List.of(), List.of(),
            mounts, readOnlyRoot);
    }

    private List<String> plan(PrepareRequest r, List<PreparedApp> apps, Map<String, VolumeSpec> volumes) {
        return Arrays.asList(new PodPlan("jrkt-test", r, apps, volumes).build().text().split("\n"));
    }

    private static PrepareRequest request(NetMode net, DnsConfig dns, boolean noOverlay, boolean interactive) {
        return new PrepareRequest(List.of(AppSpec.of("x")), List.of(), null, net, dns, List.of(), Map.of(), Map.of(),
            Map.of(), "sha512-stage1", noOverlay, interactive, interactive ? "/dev/pts/7" : null, Map.of());
    }

    @Test
    void podLinesOverlayDevicesAndAppLines() {
        List<String> lines = plan(request(NetMode.NONE, DnsConfig.IMAGE, false, false), List.of(app("web", List.of(), false, List.of())), Map.of());
        String root = "stage1/rootfs/opt/stage2/web/rootfs";
        assertEquals(List.of("version 1", "hostname jrkt-test", "net none"), lines.subList(0, 3));
        assertTrue(lines.contains("mount overlay " + root + " overlay % lowerdir=" + tree + ",upperdir=overlay/web/upper,workdir=overlay/web/work"));
        assertTrue(lines.contains("mount proc " + root + "/proc proc nosuid,nodev,noexec %"));
        assertTrue(lines.contains("mount sysfs " + root + "/sys sysfs ro,nosuid,nodev,noexec %"));
        assertTrue(lines.contains("mount tmpfs " + root + "/dev tmpfs nosuid mode=0755"));
        assertTrue(lines.contains("mount /dev/null " + root + "/dev/null % bind %"));
        assertTrue(lines.contains("mount devpts " + root + "/dev/pts devpts nosuid,noexec newinstance,ptmxmode=0666,mode=0620"));
        assertTrue(lines.contains("symlink pts/ptmx " + root + "/dev/ptmx"));
        assertTrue(lines.contains("mount mqueue " + root + "/dev/mqueue mqueue nosuid,nodev,noexec %"));
        assertTrue(lines.contains("mount etc/web/hosts " + root + "/etc/hosts % bind %"));
        assertTrue(lines.stream().noneMatch(l -> l.contains("resolv.conf")), "the image keeps its resolv.conf");
        assertTrue(lines.stream().noneMatch(l -> l.contains("console")));

        int rootLine = lines.indexOf("root stage1/rootfs");
        assertTrue(rootLine > 0);
        assertEquals(List.of("app web", "approot web /opt/stage2/web/rootfs", "exec web /bin/sh -c echo%20hi",
            "env web PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "env web GREETING=hello%20world",
            "env web AC_APP_NAME=web", "user web 0 0", "groups web 10 20", "workdir web /", "prestart web /bin/true"),
            lines.subList(rootLine + 1, lines.size()));
    }

    @Test
    void volumeTargetsFollowImageSymlinksButStayInside() {
        Map<String, VolumeSpec> volumes = Map.of(
            "data", new VolumeSpec("data", VolumeSpec.Kind.HOST, tmp.toString(), true, false, 0755, 0, 0),
            "cache", VolumeSpec.emptyDefault("cache"));
        PreparedApp web = app("web", List.of(new MountSpec("data", "/data/in"), new MountSpec("cache", "/cache")), true, List.of());
        List<String> lines = plan(request(NetMode.HOST, DnsConfig.HOST, false, false), List.of(web), volumes);
        String root = "stage1/rootfs/opt/stage2/web/rootfs";
        assertTrue(lines.contains("net host"));
        assertTrue(lines.contains("mkdir " + root + "/var/lib/data/in 0755"));
        assertTrue(lines.contains("mount " + tmp + " " + root + "/var/lib/data/in % bind %"));
        assertTrue(lines.contains("mount " + tmp + " " + root + "/var/lib/data/in % bind,remount,ro %"));
        assertTrue(lines.contains("mount volumes/cache " + root + "/cache % bind,rec %"));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("mount volumes/cache " + root + "/cache % bind,remount")));
        // ../../../../run/resolv.conf from /etc stops at the app's root
        assertTrue(lines.contains("mount etc/web/resolv.conf " + root + "/run/resolv.conf % bind %"));
        assertEquals("mount % " + root + " % bind,remount,ro %", lines.get(lines.indexOf("root stage1/rootfs") - 1),
            "the read-only remount of the root comes after everything mounted into it");
    }

    @Test
    void imageMountPointsCanBeReadOnly() {
        Map<String, VolumeSpec> volumes = Map.of("logs", VolumeSpec.emptyDefault("logs"));
        PreparedApp web = app("web", List.of(new MountSpec("logs", "/logs")), false,
            List.of(new ImageManifest.MountPoint("logs", "/logs", true)));
        List<String> lines = plan(request(NetMode.NONE, DnsConfig.IMAGE, false, false), List.of(web), volumes);
        assertTrue(lines.contains("mount volumes/logs stage1/rootfs/opt/stage2/web/rootfs/logs % bind,remount,ro %"));
    }

    /** CNI networks: the built-in default (no net.d exists at the path given). */
    private static NetMode onDefaultNetwork() {
        Path none = Path.of("/nonexistent");
        return NetMode.networks(new NetworkConfigs(none, none, none).select(NetworkSelection.DEFAULT), List.of(), List.of());
    }

    @Test
    void noOverlayBindsTheAppCopyAndInteractiveBindsTheConsole() {
        List<String> lines = plan(request(onDefaultNetwork(), DnsConfig.IMAGE, true, true), List.of(app("web", List.of(), false, List.of())), Map.of());
        String root = "stage1/rootfs/opt/stage2/web/rootfs";
        assertTrue(lines.contains("net join netns"));
        assertTrue(lines.contains("mount apps-rootfs/web " + root + " % bind %"));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("mount overlay")));
        assertTrue(lines.contains("mount /dev/pts/7 " + root + "/dev/console % bind %"));
        assertEquals("interactive web", lines.get(lines.size() - 1));
    }

    @Test
    void twoAppsMountBeforeRootAndStartInOrder() {
        List<String> lines = plan(request(NetMode.NONE, DnsConfig.IMAGE, false, false),
            List.of(app("a", List.of(), false, List.of()), app("b", List.of(), false, List.of())), Map.of());
        int root = lines.indexOf("root stage1/rootfs");
        assertTrue(lines.indexOf("mkdir stage1/rootfs/opt/stage2/b/rootfs 0755") < root);
        assertTrue(lines.indexOf("app a") > root && lines.indexOf("app a") < lines.indexOf("app b"));
    }
}
