package jrkt.core.pod.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.isolation.CgroupPlan;
import jrkt.core.isolation.IsolationRequest;
import jrkt.core.isolation.IsolatorFlags;
import jrkt.core.json.Json;
import jrkt.core.pod.PodDirs;
import jrkt.core.store.ImageInfo;
import jrkt.core.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prepares real pods from real ACIs in a real store. */
class PodPreparerTest {
    @TempDir Path tmp;
    Store store;
    PodDirs dirs;
    PodPreparer preparer;
    String stage1Id;

    @BeforeEach
    void store() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        store = Store.open(data);
        dirs = new PodDirs(data);
        preparer = new PodPreparer(store, dirs);
        Path acis = Files.createDirectories(tmp.resolve("acis"));
        store.importAci(TestAci.busybox(acis, "example.com/busybox"), "file:busybox.aci");
        ImageInfo stage1 = store.importAci(TestAci.stage1(acis), "file:stage1.aci");
        stage1Id = stage1.id();
    }

    @AfterEach
    void close() { store.close(); }

    @Test
    void theAppsUpperDirectoryHasTheOwnerAndModeOfTheImagesRoot() throws Exception {
        // the merged root shows the upper directory's owner and mode: they must be the image's
        Path root = store.render(store.resolve("example.com/busybox").id()).rootfs();
        Files.setAttribute(root, "unix:uid", 1234, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(root, "unix:gid", 5678, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(root, "unix:mode", 0751);
        PrepareRequest request = new PrepareRequest(List.of(AppSpec.of("example.com/busybox")), List.of(), null, NetMode.NONE,
            DnsConfig.IMAGE, List.of(), Map.of(), Map.of(), Map.of(), stage1Id, false, false, null, Map.of(), null);
        Path upper = dirs.pod(PodDirs.PREPARED, preparer.prepare(request)).resolve("apps/busybox/upper");
        assertEquals(1234, Files.getAttribute(upper, "unix:uid"));
        assertEquals(5678, Files.getAttribute(upper, "unix:gid"));
        assertEquals(0751, (int) Files.getAttribute(upper, "unix:mode") & 07777);
    }

    @Test
    void preparesAPodWithTwoAppsOfOneImage() throws Exception {
        Path hostDir = Files.createDirectories(tmp.resolve("host-data"));
        AppSpec first = AppSpec.of("example.com/busybox");
        AppSpec second = new AppSpec("example.com/busybox", null, "env", List.of(), "www", "www", List.of(7), "/var",
            Map.of("PER_APP", "2"), List.of(new MountSpec("data", "/data")), true, List.of());
        PrepareRequest request = new PrepareRequest(List.of(first, second),
            List.of(VolumeSpec.parse("data,kind=host,source=" + hostDir + ",readOnly=true"),
                    VolumeSpec.parse("logs,kind=empty,mode=0770,uid=33,gid=33")),
            "pod1", NetMode.NONE, DnsConfig.IMAGE, List.of(HostsEntries.parse("10.1.2.3=db")),
            Map.of(), Map.of(), Map.of("SET", "all", "FROM_IMAGE", "overridden"), stage1Id, false, false, null, Map.of(), null);

        String uuid = preparer.prepare(request);
        Path pod = dirs.pod(PodDirs.PREPARED, uuid);
        assertTrue(Files.isDirectory(pod));
        assertEquals(0, count(dirs.stateDir(PodDirs.EMBRYO)));
        assertEquals(0, count(dirs.stateDir(PodDirs.PREPARE)));

        // layout
        assertTrue(Files.isDirectory(pod.resolve("apps/busybox/upper")));
        assertTrue(Files.isDirectory(pod.resolve("apps/busybox-1/work")));
        assertTrue(Files.isExecutable(pod.resolve("stage1/rootfs/init")));
        assertTrue(new String(Files.readAllBytes(pod.resolve("stage1/manifest"))).contains("jrkt.io/stage1/run"));
        Path logs = pod.resolve("volumes/logs");
        assertEquals(0770, (Integer) Files.getAttribute(logs, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        assertEquals(33, Files.getAttribute(logs, "unix:uid"));
        assertTrue(Files.readString(pod.resolve("apps/busybox-1/hosts")).contains("10.1.2.3 db\n"));
        assertTrue(Files.readString(pod.resolve("apps/busybox/hosts")).contains("127.0.1.1 pod1\n"));

        // plan
        List<String> plan = Arrays.asList(Files.readString(pod.resolve("plan")).split("\n"));
        assertEquals(List.of("version 2", "hostname pod1", "net none"), plan.subList(0, 3));
        assertTrue(plan.contains("volume data host " + hostDir));
        assertTrue(plan.contains("volume logs empty volumes/logs"));
        assertTrue(plan.contains("exec busybox /bin/sh -c echo%20hi"));
        assertTrue(plan.contains("exec busybox-1 /bin/env"), "a bare --exec is looked up in PATH");
        assertTrue(plan.contains("user busybox-1 33 33"));
        assertTrue(plan.contains("groups busybox-1 7"));
        assertTrue(plan.contains("workdir busybox-1 /var"));
        assertTrue(plan.contains("env busybox-1 FROM_IMAGE=overridden"));
        assertTrue(plan.contains("env busybox-1 PER_APP=2"));
        assertTrue(plan.contains("env busybox AC_APP_NAME=busybox"));
        assertFalse(plan.contains("env busybox PER_APP=2"));
        assertTrue(plan.contains("mount busybox-1 data /data ro,rec"));
        assertTrue(plan.contains("mount busybox-1 logs /var/log/app %"), "the image's mount point gets the volume of its name");
        assertTrue(plan.contains("readonly-rootfs busybox-1"));
        assertTrue(plan.contains("rootfs busybox-1 overlay apps/busybox-1/upper apps/busybox-1/work"));
        assertTrue(plan.stream().anyMatch(l -> l.startsWith("image busybox-1 /") && l.endsWith("/rootfs")));

        // pod manifest
        Map<String, Object> manifest = Json.asObject(Json.parse(Files.readAllBytes(pod.resolve("pod"))));
        assertEquals("PodManifest", manifest.get("acKind"));
        assertEquals("0.8.11", manifest.get("acVersion"));
        List<Object> apps = Json.asArray(manifest.get("apps"));
        assertEquals(2, apps.size());
        Map<String, Object> app2 = Json.asObject(apps.get(1));
        assertEquals("busybox-1", app2.get("name"));
        assertEquals("example.com/busybox", Json.asObject(app2.get("image")).get("name"));
        assertEquals(List.of("/bin/env"), Json.asObject(app2.get("app")).get("exec"));
        assertEquals("www", Json.asObject(app2.get("app")).get("user"));
        assertEquals(true, app2.get("readOnlyRootFS"));
        assertEquals(2, Json.asArray(manifest.get("volumes")).size());

        List<String> trees = Files.readAllLines(pod.resolve("trees"));
        assertEquals(1, trees.size(), "both apps use one rendered tree");
    }

    @Test
    void anUnknownImageLeavesNothingUnderPods() {
        JrktException e = assertThrows(JrktException.class,
            () -> preparer.prepare(PrepareRequest.of(List.of(AppSpec.of("example.com/nope")), stage1Id)));
        assertFalse(e.getMessage().contains("\n"));
        assertNoPods();
    }

    @Test
    void aMissingHostVolumeLeavesNothingUnderPods() {
        AppSpec app = new AppSpec("example.com/busybox", null, null, List.of(), null, null, null, null, Map.of(),
            List.of(new MountSpec("data", "/data")), false, List.of());
        PrepareRequest r = new PrepareRequest(List.of(app), List.of(VolumeSpec.parse("data,kind=host,source=/no/such/dir")),
            null, NetMode.NONE, null, null, null, null, null, stage1Id, false, false, null, null, null);
        assertEquals("--volume data: source /no/such/dir does not exist",
            assertThrows(JrktException.class, () -> preparer.prepare(r)).getMessage());
        assertNoPods();
    }

    @Test
    void anUnknownUserLeavesNothingUnderPods() {
        AppSpec app = new AppSpec("example.com/busybox", "web", null, List.of(), "nobody", null, null, null, Map.of(), List.of(), false, List.of());
        assertEquals("app web: user nobody is not in the image's /etc/passwd",
            assertThrows(JrktException.class, () -> preparer.prepare(PrepareRequest.of(List.of(app), stage1Id))).getMessage());
        assertNoPods();
    }

    @Test
    void aPreparedPodRecordsItsIsolationAndTheManifestItsIsolators() throws Exception {
        List<ImageManifest.Isolator> flags = IsolatorFlags.app(
            new IsolatorFlags.Resources("64Mi", null, null, null, null, null, null), "CAP_NET_RAW", null, null, null);
        AppSpec app = new AppSpec("example.com/busybox", "web", null, List.of(), null, null, null, null, Map.of(), List.of(), false, flags);
        IsolationRequest isolation = new IsolationRequest(
            IsolatorFlags.resources(new IsolatorFlags.Resources(null, null, null, "50", null, null, null)), "jrkt-test", false, false, false);
        PrepareRequest r = new PrepareRequest(List.of(app), List.of(), null, NetMode.NONE, null, null, null, null, null, stage1Id,
            false, false, null, null, isolation);
        String uuid = preparer.prepare(r);
        Path pod = dirs.pod(PodDirs.PREPARED, uuid);

        Map<String, Object> manifest = Json.asObject(Json.parse(Files.readAllBytes(pod.resolve("pod"))));
        assertEquals("[{\"name\":\"jrkt.io/pids-limit\",\"value\":{\"limit\":50}}]", Json.write(manifest.get("isolators")));
        Object appIsolators = Json.asObject(Json.asObject(Json.asArray(manifest.get("apps")).getFirst()).get("app")).get("isolators");
        assertEquals("[{\"name\":\"resource/memory\",\"value\":{\"limit\":\"64Mi\"}},"
            + "{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":[\"CAP_NET_RAW\"]}}]", Json.write(appIsolators));

        CgroupPlan cgroups = CgroupPlan.read(pod);
        assertTrue(cgroups.trees().stream().allMatch(t -> t.path().equals("/jrkt-test/" + uuid)), cgroups.toString());
        assertTrue(Files.size(pod.resolve("apps/web/seccomp.bpf")) > 0, "the default filter");
        assertTrue(Files.readString(pod.resolve("isolation")).contains("\"CAP_NET_RAW\""));
        List<String> plan = Arrays.asList(Files.readString(pod.resolve("plan")).split("\n"));
        assertTrue(plan.contains("caps web 2000"), "only CAP_NET_RAW: " + plan);
        assertTrue(plan.contains("seccomp web apps/web/seccomp.bpf"), plan.toString());
        assertTrue(plan.stream().anyMatch(l -> l.startsWith("cgroup memory /") && l.endsWith(" /jrkt-test/" + uuid)), plan.toString());
    }

    @Test
    void anImagesMalformedIsolatorLeavesNothingUnderPods() {
        AppSpec app = new AppSpec("example.com/busybox", "web", null, List.of(), null, null, null, null, Map.of(), List.of(), false,
            List.of(new ImageManifest.Isolator("os/linux/seccomp-retain-set", Map.of("set", List.of("read", "nope")))));
        assertEquals("app web: isolator os/linux/seccomp-retain-set: \"nope\" is not an x86_64 system call",
            assertThrows(JrktException.class, () -> preparer.prepare(PrepareRequest.of(List.of(app), stage1Id))).getMessage());
        assertNoPods();
    }

    @Test
    void noOverlayCopiesTheRootfs() throws Exception {
        PrepareRequest r = new PrepareRequest(List.of(AppSpec.of("example.com/busybox")), List.of(), null, NetMode.HOST,
            DnsConfig.HOST, List.of(), Map.of(), Map.of(), Map.of(), stage1Id, true, false, null, Map.of(), null);
        Path pod = dirs.pod(PodDirs.PREPARED, preparer.prepare(r));
        Path copy = pod.resolve("apps-rootfs/busybox");
        assertTrue(Files.isExecutable(copy.resolve("bin/busybox")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(copy.resolve("bin/sh")));
        assertTrue(Files.exists(pod.resolve("apps/busybox/resolv.conf")));
        assertTrue(Files.readString(pod.resolve("plan")).contains("\nrootfs busybox dir apps-rootfs/busybox\n"));
    }

    @Test
    void aStage1ThatCannotReadThisPlanVersionIsRefusedNamingBoth() throws Exception {
        Path acis = Files.createDirectories(tmp.resolve("old-stage1"));
        String old = store.importAci(TestAci.stage1(acis, "1"), "file:old-stage1.aci").id();
        JrktException e = assertThrows(JrktException.class,
            () -> preparer.prepare(PrepareRequest.of(List.of(AppSpec.of("example.com/busybox")), old)));
        assertEquals("stage1 image jrkt.io/stage1-test (" + old.substring(0, 19) + ") reads plan versions 1,"
            + " but this jrkt writes plan version 2", e.getMessage());
        assertNoPods();
    }

    @Test
    void aStage1CopyThatFailsFailsThePreparationAndLeavesNoPod() throws Exception {
        // stage1's copy into the pod is made on a thread of its own: its failure is the preparation's
        Path rootfs = store.render(stage1Id).rootfs();
        jrkt.core.fs.Trees.delete(rootfs); // its tree still counts as rendered: the links find nothing
        JrktException e = assertThrows(JrktException.class,
            () -> preparer.prepare(PrepareRequest.of(List.of(AppSpec.of("example.com/busybox")), stage1Id)));
        assertTrue(e.getMessage().contains(rootfs.toString()), e.getMessage());
        assertNoPods();
    }

    private void assertNoPods() {
        for (String state : PodDirs.ALL) assertEquals(0, count(dirs.stateDir(state)), "pods/" + state + " is not empty");
    }

    private static long count(Path dir) {
        if (!Files.exists(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
