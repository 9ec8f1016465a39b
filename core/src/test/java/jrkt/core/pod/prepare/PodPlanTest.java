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
import jrkt.core.isolation.CgroupHost;
import jrkt.core.isolation.IsolationPlan;
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
        return new PreparedApp(name, "sha512-abc", "example.com/" + name, Map.of(), new jrkt.core.store.ImageRoot(List.of("deps-sha512-abc"), List.of(tree)),
            List.of("/bin/sh", "-c", "echo hi"), "0", "0", 0, 0, List.of(10, 20), "/", env,
            List.of(new ImageManifest.EventHandler("pre-start", List.of("/bin/true"))), mps, List.of(), List.of(),
            mounts, readOnlyRoot);
    }

    /** The plan without the isolation lines (IsolationPlanTest has those), as the lines this class is about follow each other. */
    private List<String> plan(PrepareRequest r, List<PreparedApp> apps, Map<String, VolumeSpec> volumes) {
        return allLines(r, apps, volumes).stream()
            .filter(l -> !l.startsWith("cgroup ") && !l.startsWith("caps ") && !l.startsWith("seccomp ")).toList();
    }

    private List<String> allLines(PrepareRequest r, List<PreparedApp> apps, Map<String, VolumeSpec> volumes) {
        IsolationPlan isolation = IsolationPlan.decide("uuid", r.isolation(),
            apps.stream().map(a -> new IsolationPlan.App(a.name(), a.isolators())).toList(), CgroupHost.detect());
        return Arrays.asList(new PodPlan("jrkt-test", r, apps, volumes, isolation, null).build().text().split("\n"));
    }

    private static PrepareRequest request(NetMode net, DnsConfig dns, boolean noOverlay, boolean interactive) {
        return new PrepareRequest(List.of(AppSpec.of("x")), List.of(), null, net, dns, List.of(), Map.of(), Map.of(),
            Map.of(), "sha512-stage1", noOverlay, interactive, interactive ? "/dev/pts/7" : null, Map.of(), null);
    }

    @Test
    void podLinesThenEachAppsRootFilesMasksAndProcess() {
        List<String> lines = plan(request(NetMode.NONE, DnsConfig.IMAGE, false, false), List.of(app("web", List.of(), false, List.of())), Map.of());
        assertEquals(List.of("version 2", "hostname jrkt-test", "net none", "# app web", "app web",
            "image web " + tree, "rootfs web overlay apps/web/upper apps/web/work",
            "file web /etc/hosts apps/web/hosts"), lines.subList(0, 8));
        assertTrue(lines.stream().noneMatch(l -> l.contains("resolv.conf")), "the image keeps its resolv.conf");
        assertTrue(lines.stream().noneMatch(l -> l.contains("console")));
        assertTrue(lines.contains("mask web /proc/kcore"));
        assertTrue(lines.contains("mask web /sys/firmware"));
        assertTrue(lines.contains("readonly web /proc/sys"));
        assertTrue(lines.contains("readonly web /proc/sysrq-trigger"));
        int exec = lines.indexOf("exec web /bin/sh -c echo%20hi");
        assertEquals(List.of("exec web /bin/sh -c echo%20hi",
            "env web PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "env web GREETING=hello%20world",
            "env web AC_APP_NAME=web", "user web 0 0", "groups web 10 20", "workdir web /", "prestart web /bin/true"),
            lines.subList(exec, lines.size()));
    }

    @Test
    void volumesAreDeclaredOnceAndMountedWithTheirOptionsAsTheUserNamedThem() {
        Map<String, VolumeSpec> volumes = new LinkedHashMap<>();
        volumes.put("data", new VolumeSpec("data", VolumeSpec.Kind.HOST, tmp.toString(), true, false, 0755, 0, 0));
        volumes.put("cache", VolumeSpec.emptyDefault("cache"));
        volumes.put("tree", new VolumeSpec("tree", VolumeSpec.Kind.HOST, "/srv", false, true, 0755, 0, 0));
        PreparedApp web = app("web", List.of(new MountSpec("data", "/data/in"), new MountSpec("cache", "/cache"),
            new MountSpec("tree", "/srv")), true, List.of());
        List<String> lines = plan(request(NetMode.HOST, DnsConfig.HOST, false, false), List.of(web), volumes);
        assertTrue(lines.contains("net host"));
        int first = lines.indexOf("volume data host " + tmp);
        assertEquals(List.of("volume data host " + tmp, "volume cache empty volumes/cache", "volume tree host /srv"),
            lines.subList(first, first + 3));
        assertTrue(first < lines.indexOf("app web"));
        // stage1 resolves /data/in inside the app's real root; the plan says what the user asked
        assertTrue(lines.contains("mount web data /data/in ro"));
        assertTrue(lines.contains("mount web cache /cache %"));
        assertTrue(lines.contains("mount web tree /srv rec"));
        assertTrue(lines.contains("file web /etc/resolv.conf apps/web/resolv.conf"));
        assertTrue(lines.contains("readonly-rootfs web"));
    }

    @Test
    void aTargetThatIsTheAppsRootIsRefused() throws Exception {
        Files.createSymbolicLink(tree.resolve("up"), Path.of("../.."));
        Map<String, VolumeSpec> volumes = Map.of("cache", VolumeSpec.emptyDefault("cache"));
        PreparedApp web = app("web", List.of(new MountSpec("cache", "/up")), false, List.of());
        jrkt.core.JrktException e = org.junit.jupiter.api.Assertions.assertThrows(jrkt.core.JrktException.class,
            () -> plan(request(NetMode.NONE, DnsConfig.IMAGE, false, false), List.of(web), volumes));
        assertEquals("app web: /up is the app's root and cannot be a mount target", e.getMessage());
    }

    @Test
    void imageMountPointsCanBeReadOnly() {
        Map<String, VolumeSpec> volumes = Map.of("logs", VolumeSpec.emptyDefault("logs"));
        PreparedApp web = app("web", List.of(new MountSpec("logs", "/logs")), false,
            List.of(new ImageManifest.MountPoint("logs", "/logs", true)));
        List<String> lines = plan(request(NetMode.NONE, DnsConfig.IMAGE, false, false), List.of(web), volumes);
        assertTrue(lines.contains("mount web logs /logs ro"));
    }

    /** CNI networks: the built-in default (no net.d exists at the path given). */
    private static NetMode onDefaultNetwork() {
        Path none = Path.of("/nonexistent");
        return NetMode.networks(new NetworkConfigs(none, none, none).select(NetworkSelection.DEFAULT), List.of(), List.of());
    }

    @Test
    void noOverlayUsesTheAppCopyAndInteractiveNamesTheConsole() {
        List<String> lines = plan(request(onDefaultNetwork(), DnsConfig.IMAGE, true, true), List.of(app("web", List.of(), false, List.of())), Map.of());
        assertTrue(lines.contains("net join netns"));
        assertTrue(lines.contains("console /dev/pts/7"));
        assertTrue(lines.contains("rootfs web dir apps-rootfs/web"));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("image ")));
        assertTrue(lines.contains("interactive web"));
    }

    @Test
    void insecurePathsLeavesProcAndSysUnmasked() {
        PrepareRequest r = new PrepareRequest(List.of(AppSpec.of("x")), List.of(), null, NetMode.NONE, DnsConfig.IMAGE, List.of(),
            Map.of(), Map.of(), Map.of(), "sha512-stage1", false, false, null, Map.of(),
            new jrkt.core.isolation.IsolationRequest(List.of(), null, false, true, false));
        List<String> lines = plan(r, List.of(app("web", List.of(), false, List.of())), Map.of());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("mask ") || l.startsWith("readonly ")), lines.toString());
    }

    @Test
    void isolationLinesComeWithThePodAndEachApp() {
        List<String> lines = allLines(request(NetMode.NONE, DnsConfig.IMAGE, false, false), List.of(app("web", List.of(), false, List.of())), Map.of());
        int firstApp = lines.indexOf("app web");
        assertTrue(lines.subList(0, firstApp).stream().anyMatch(l -> l.startsWith("cgroup ")), lines.toString());
        assertTrue(lines.subList(firstApp, lines.size()).contains("caps web a80425fb"), lines.toString());
        assertTrue(lines.subList(firstApp, lines.size()).contains("seccomp web apps/web/seccomp.bpf"), lines.toString());
    }

    @Test
    void appsComeInOrderAfterThePodLines() {
        List<String> lines = plan(request(NetMode.NONE, DnsConfig.IMAGE, false, false),
            List.of(app("a", List.of(), false, List.of()), app("b", List.of(), false, List.of())), Map.of());
        assertTrue(lines.indexOf("net none") < lines.indexOf("app a"));
        assertTrue(lines.indexOf("app a") < lines.indexOf("app b"));
    }
}
