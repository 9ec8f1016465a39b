package jrkt.core.isolation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jrkt.core.image.aci.ImageManifest.Isolator;
import jrkt.core.isolation.CgroupPlan.Write;
import jrkt.core.json.Json;
import jrkt.core.pod.prepare.PlanWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pod's isolation decided on recorded hosts: plan lines, cgroup files, the report. */
class IsolationPlanTest {
    static final String UUID = "6f1c1e8a-0000-4000-8000-000000000001";
    static final CgroupHost HYBRID = CgroupHost.parse(CgroupHostTest.HYBRID, CgroupHostTest.PROC_CGROUPS, m -> "");
    static final CgroupHost V2 = CgroupHost.parse(CgroupHostTest.V2, CgroupHostTest.PROC_CGROUPS, m -> "cpuset cpu io memory pids");

    @TempDir Path tmp;

    static IsolationRequest pod(IsolatorFlags.Resources limits, boolean insecureCaps, boolean insecureSeccomp) {
        return new IsolationRequest(IsolatorFlags.resources(limits), "jrkt-test", insecureCaps, false, insecureSeccomp);
    }

    static List<String> lines(IsolationPlan p, String... apps) {
        PlanWriter plan = new PlanWriter();
        p.podLines(plan);
        for (String a : apps) p.appLines(plan, a);
        return List.of(plan.text().split("\n"));
    }

    @Test
    void everyAppIsConfinedByDefault() {
        IsolationPlan p = IsolationPlan.decide(UUID, IsolationRequest.DEFAULT,
            List.of(new IsolationPlan.App("web", List.of())), HYBRID);
        assertEquals(List.of(
            "cgroup memory /sys/fs/cgroup/memory /jrkt/" + UUID,
            "cgroup cpu,cpuacct /sys/fs/cgroup/cpu,cpuacct /jrkt/" + UUID,
            "cgroup pids /sys/fs/cgroup/pids /jrkt/" + UUID,
            "cgroup devices /sys/fs/cgroup/devices /jrkt/" + UUID,
            "cgroup unified /sys/fs/cgroup/unified /jrkt/" + UUID,
            "caps web a80425fb",
            "seccomp web apps/web/seccomp.bpf"), lines(p, "web"));
        assertEquals(List.of(), p.notApplied());
    }

    @Test
    void appIsolatorsBecomeAppLines() {
        List<Isolator> web = IsolatorFlags.app(new IsolatorFlags.Resources(null, null, null, null, "500", null, null),
            "CAP_NET_BIND_SERVICE", null, "mode=remove,errno=ENOTSUP,reboot,mount", true);
        List<Isolator> db = IsolatorFlags.app(IsolatorFlags.Resources.NONE, null, null, "mode=retain,@appc.io/all", null);
        IsolationPlan p = IsolationPlan.decide(UUID, pod(new IsolatorFlags.Resources(null, null, null, null, "-100", null, null), false, false),
            List.of(new IsolationPlan.App("web", web), new IsolationPlan.App("db", db)), HYBRID);
        List<String> lines = lines(p, "web", "db");
        assertEquals(List.of("caps web 400", "nonewprivs web", "seccomp web apps/web/seccomp.bpf", "oom-score-adj web 500",
            "caps db a80425fb", "oom-score-adj db -100"), lines.subList(5, lines.size()),
            "db: @appc.io/all opts out of seccomp; the pod's oom-score-adj applies where the app has none");
    }

    @Test
    void insecureOptionsDropTheLinesAndReportOverriddenIsolators() {
        List<Isolator> web = IsolatorFlags.app(IsolatorFlags.Resources.NONE, "CAP_KILL", null, "mode=remove,reboot", null);
        IsolationPlan p = IsolationPlan.decide(UUID, pod(IsolatorFlags.Resources.NONE, true, true), List.of(new IsolationPlan.App("web", web)), HYBRID);
        assertEquals(5, lines(p, "web").size(), "only the cgroup lines: " + lines(p, "web"));
        assertEquals(List.of("app web: capability isolator: --insecure-options=capabilities",
            "app web: seccomp isolator: --insecure-options=seccomp"), p.notApplied());
    }

    @Test
    void v1LimitsGoToEachControllersHierarchy() {
        IsolationPlan p = IsolationPlan.decide(UUID, pod(new IsolatorFlags.Resources("256Mi", "1500m", "512", "64", null, null, null), false, false),
            List.of(new IsolationPlan.App("web", IsolatorFlags.resources(new IsolatorFlags.Resources("64Mi", null, null, "10", null, null, null)))),
            HYBRID);
        CgroupPlan c = p.cgroups();
        CgroupPlan.Tree memory = c.treeFor("memory.limit_in_bytes");
        assertEquals(Path.of("/sys/fs/cgroup/memory/jrkt-test/" + UUID), memory.podDir());
        assertEquals(List.of(Write.of("memory.limit_in_bytes", "268435456"), new Write("memory.memsw.limit_in_bytes", "268435456", true, false)),
            memory.group("").writes());
        assertEquals(List.of(Write.of("memory.limit_in_bytes", "67108864"), new Write("memory.memsw.limit_in_bytes", "67108864", true, false)),
            memory.group("app-web").writes());
        assertEquals(List.of(), memory.group("stage1").writes());
        assertEquals(List.of(Write.of("cpu.cfs_period_us", "100000"), Write.of("cpu.cfs_quota_us", "150000"), Write.of("cpu.shares", "512")),
            c.treeFor("cpu.shares").group("").writes());
        assertEquals(List.of(Write.of("pids.max", "10")), c.treeFor("pids.max").group("app-web").writes());
        assertEquals("v1", c.trees().stream().filter(t -> t.hierarchy().equals("devices")).findFirst().orElseThrow().devices());
        assertEquals(List.of(), c.trees().stream().filter(t -> t.v2()).findFirst().orElseThrow().enable(), "hybrid: v2 holds no controllers");
    }

    @Test
    void v2LimitsAreSpelledTheV2WayAndControllersAreEnabled() {
        IsolationPlan p = IsolationPlan.decide(UUID, pod(new IsolatorFlags.Resources("1G", "250m", "1024", "64", null, "1Mi", "100"), false, false),
            List.of(new IsolationPlan.App("web", List.of())), V2);
        CgroupPlan.Tree t = p.cgroups().trees().getFirst();
        assertEquals(1, p.cgroups().trees().size());
        assertEquals("unified", t.hierarchy());
        assertEquals(List.of("memory", "pids", "cpu", "io"), t.enable());
        assertEquals("bpf", t.devices());
        assertEquals(List.of(Write.of("memory.max", "1000000000"), new Write("memory.swap.max", "0", true, false),
            Write.of("cpu.max", "25000 100000"), Write.of("cpu.weight", "39"), Write.of("pids.max", "64"),
            new Write("io.max", "rbps=1048576 wbps=1048576 riops=100 wiops=100", false, true)), t.group("").writes());
        assertEquals(List.of("cgroup unified /sys/fs/cgroup /jrkt-test/" + UUID), lines(p).subList(0, 1));
    }

    @Test
    void limitsThisHostCannotApplyAreReported() {
        IsolationPlan p = IsolationPlan.decide(UUID, pod(new IsolatorFlags.Resources(null, null, null, null, null, "1M", null), false, false),
            List.of(new IsolationPlan.App("web", List.of(new Isolator("os/unix/sysctl", Map.of())))), HYBRID);
        assertEquals(List.of("app web: os/unix/sysctl: jrkt does not set sysctls",
            "pod: resource/block-bandwidth: no cgroup hierarchy of this host holds the blkio controller"), p.notApplied());
    }

    @Test
    void theCpuWeightMapsSharesAsRuncDoes() {
        assertEquals(1, CgroupPlanner.weight(2));
        assertEquals(39, CgroupPlanner.weight(1024));
        assertEquals(10000, CgroupPlanner.weight(262144));
    }

    @Test
    void thePodDirectoryGetsTheRecordTheFiltersAndTheReport() throws Exception {
        List<Isolator> db = IsolatorFlags.app(IsolatorFlags.Resources.NONE, null, "CAP_MKNOD", null, null);
        IsolationPlan p = IsolationPlan.decide(UUID, IsolationRequest.DEFAULT,
            List.of(new IsolationPlan.App("web", List.of()), new IsolationPlan.App("db", db)), HYBRID);
        p.write(tmp);
        assertEquals(p.cgroups(), CgroupPlan.read(tmp), "the record reads back as written");
        assertArrayEquals(SeccompPolicy.jrktDefault().compile(), Files.readAllBytes(tmp.resolve("apps/web/seccomp.bpf")));
        Map<String, Object> report = Json.asObject(Json.parse(Files.readAllBytes(tmp.resolve("isolation"))));
        Map<String, Object> dbReport = Json.asObject(Json.asObject(report.get("apps")).get("db"));
        assertEquals(13, Json.asArray(dbReport.get("capabilities")).size());
        assertTrue(!Json.asArray(dbReport.get("capabilities")).contains("CAP_MKNOD"));
        assertEquals("retain @jrkt/default-whitelist errno=EPERM", dbReport.get("seccomp"));
    }

    @Test
    void aRecordInTheReportIsReadWhenThereIsNoFile() throws Exception {
        // as main wrote it for a while (45e98aa, reverted: status parsed four times the JSON)
        IsolationPlan p = IsolationPlan.decide(UUID, IsolationRequest.DEFAULT, List.of(new IsolationPlan.App("web", List.of())), HYBRID);
        Files.writeString(tmp.resolve("isolation"), "{\"insecureOptions\": [], \"notApplied\": [], \"cgroups\": "
            + Json.write(p.cgroups().toJson()) + "}\n");
        assertEquals(p.cgroups(), CgroupPlan.read(tmp));
        Files.writeString(tmp.resolve("isolation"), "{\"insecureOptions\": [], \"notApplied\": []}\n");
        assertNull(CgroupPlan.read(tmp), "neither: a pod prepared before jrkt made cgroups");
    }

    @Test
    void anEmptyRecordLeftByAPreparationKilledWhileWritingItNamesNoCgroups() throws Exception {
        Files.write(tmp.resolve(CgroupPlan.FILE), new byte[0]);
        assertNull(CgroupPlan.read(tmp), "written before any cgroup is made: an empty one means none was");
        Files.writeString(tmp.resolve(CgroupPlan.FILE), "{\"trees\": [");
        assertThrows(jrkt.core.JrktException.class, () -> CgroupPlan.read(tmp), "a damaged record is still an error");
    }
}
