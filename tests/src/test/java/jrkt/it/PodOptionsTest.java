package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pod flags a user reaches for besides the basics: networks, /dev, DNS, UUID files, waiting, read-only roots. */
class PodOptionsTest {
    static final String IMAGE = "example.com/opts";

    @TempDir Path tmp;
    PodEnv env;

    @BeforeEach
    void fetchImage() throws Exception {
        env = new PodEnv(tmp);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/true"));
    }

    @AfterEach
    void cleanUp() { env.close(); }

    /** Interface names as /proc/net/dev lists them for the reader's network namespace. */
    static Set<String> interfaces(String procNetDev) {
        Set<String> names = new TreeSet<>();
        for (String line : procNetDev.lines().skip(2).toList()) names.add(line.substring(0, line.indexOf(':')).strip());
        return names;
    }

    @Test
    void netNoneHasOnlyLoopbackAndNetHostSharesTheHostsInterfaces() throws Exception {
        Set<String> host = interfaces(Files.readString(Path.of("/proc/net/dev")));
        Jrkt.Result none = env.run(args("run", "--net=none", sh(IMAGE, "cat /proc/net/dev; cat /sys/class/net/lo/operstate"))).expectSuccess();
        assertEquals(Set.of("lo"), interfaces(none.out().substring(0, none.out().lastIndexOf('\n'))), none.out());
        assertFalse(none.out().strip().endsWith("down"), "lo should be up: " + none.out());

        Jrkt.Result shared = env.run(args("run", "--net=host", sh(IMAGE, "cat /proc/net/dev"))).expectSuccess();
        // Other tests (of other runs, too) add and remove veths meanwhile: the pod must see every
        // interface the host had throughout, and none the host never had.
        Set<String> hostAfter = interfaces(Files.readString(Path.of("/proc/net/dev")));
        Set<String> seen = interfaces(shared.out());
        Set<String> always = new TreeSet<>(host);
        always.retainAll(hostAfter);
        Set<String> ever = new TreeSet<>(host);
        ever.addAll(hostAfter);
        assertTrue(seen.containsAll(always), "the pod sees the host's interfaces: " + seen + " host: " + always);
        for (String name : seen) assertTrue(ever.contains(name) || name.startsWith("veth") || name.startsWith("jrktit"), "not a host interface: " + name);
    }

    @Test
    void devSysAndProcAreThereAndSysIsReadOnly() {
        Jrkt.Result r = env.run(args("run", sh(IMAGE,
            "ls /dev; echo ---; echo hi > /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c; head -c 4 /dev/urandom | wc -c;"
            + " test -d /dev/pts && test -d /dev/shm && test -d /dev/mqueue && echo dirs-ok;"
            + " touch /sys/x 2>/dev/null && echo sys-writable || echo sys-ro; test -r /proc/self/status && echo proc-ok"))).expectSuccess();
        List<String> dev = r.out().substring(0, r.out().indexOf("---")).lines().map(String::strip).toList();
        for (String node : List.of("null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm", "mqueue")) {
            assertTrue(dev.contains(node), "/dev lacks " + node + ": " + dev);
        }
        assertFalse(dev.contains("sda") || dev.contains("vda") || dev.contains("kmsg"), "host devices leaked into /dev: " + dev);
        String rest = r.out().substring(r.out().indexOf("---"));
        for (String expected : List.of("null-ok", "dirs-ok", "sys-ro", "proc-ok")) assertTrue(rest.contains(expected), expected + ": " + rest);
        assertEquals(List.of("4", "4"), rest.lines().map(String::strip).filter(l -> l.equals("4")).toList());
    }

    @Test
    void dnsFlagsAndHostsEntriesReachTheApp() {
        Jrkt.Result r = env.run(args("run", "--dns=192.0.2.53", "--dns-search=example.test", "--dns-opt=ndots:2",
            "--hosts-entry=192.0.2.7=db.example.test", sh(IMAGE, "cat /etc/resolv.conf; echo ---; cat /etc/hosts"))).expectSuccess();
        String resolv = r.out().substring(0, r.out().indexOf("---"));
        String hosts = r.out().substring(r.out().indexOf("---"));
        assertTrue(resolv.contains("nameserver 192.0.2.53"), resolv);
        assertTrue(resolv.contains("search example.test"), resolv);
        assertTrue(resolv.contains("options ndots:2"), resolv);
        assertTrue(hosts.lines().anyMatch(l -> l.startsWith("192.0.2.7") && l.contains("db.example.test")), hosts);
        assertTrue(hosts.contains("localhost"), hosts);
    }

    @Test
    void uuidFilesAndStatusWaitFollowAPodToItsEnd() throws Exception {
        Path saved = tmp.resolve("pod.uuid");
        String uuid = env.run(args("prepare", "--uuid-file-save=" + saved, sh(IMAGE, "sleep 1; exit 3"))).expectSuccess().out();
        assertEquals(uuid, Files.readString(saved).strip());
        assertEquals("prepared", env.status(uuid).get("state"));

        Jrkt.Background running = env.start("run-prepared", "--detach", "--uuid-file=" + saved);
        assertEquals(0, running.await(60).exitCode());
        // --wait returns once the pod exited, with the app's status recorded
        Jrkt.Result waited = env.run("status", "--wait=60s", "--uuid-file=" + saved).expectSuccess();
        assertTrue(waited.out().contains("state=exited"), waited.out());
        assertTrue(waited.out().contains("=3"), "the app's exit status 3 should show: " + waited.out());
        // a UUID prefix names the pod as well as the whole UUID
        assertTrue(env.run("cat-manifest", uuid.substring(0, 8)).expectSuccess().out().contains("\"PodManifest\""));
    }

    @Test
    void readonlyRootfsRefusesWritesButVolumesStayWritable() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("shared"));
        Jrkt.Result r = env.run(args("run", "--volume=data,kind=host,source=" + dir,
            sh(IMAGE, "touch /newfile 2>/dev/null && echo root-writable || echo root-ro; echo ok > /data/out",
                "--readonly-rootfs=true", "--mount=volume=data,target=/data"))).expectSuccess();
        assertTrue(r.out().contains("root-ro"), r.out());
        assertEquals("ok", Files.readString(dir.resolve("out")).strip());
    }

    @Test
    void noOverlayCopiesTheImageAndKeepsTheStoreTreeUnchanged() {
        Jrkt.Result r = env.run(args("run", "--no-overlay", sh(IMAGE, "echo changed > /bin/marker; cat /bin/marker"))).expectSuccess();
        assertEquals("changed", r.out());
        Jrkt.Result second = env.run(args("run", sh(IMAGE, "test -e /bin/marker && echo leaked || echo clean"))).expectSuccess();
        assertEquals("clean", second.out());
        env.run("image", "verify", IMAGE).expectSuccess();
    }

    @Test
    void setEnvFileAndInheritEnvReachTheApp() throws Exception {
        Path file = Files.writeString(tmp.resolve("env"), "FROM_FILE=file-value\n# a comment\n");
        Jrkt.Result r = env.jrkt().withEnv("FROM_CALLER", "caller-value").run(args("run", "--inherit-env",
            "--set-env-file=" + file, sh(IMAGE, "echo $FROM_FILE $FROM_CALLER"))).expectSuccess();
        assertEquals("file-value caller-value", r.out());
        Jrkt.Result without = env.jrkt().withEnv("FROM_CALLER", "caller-value").run(args("run", sh(IMAGE, "echo \"[$FROM_CALLER]\""))).expectSuccess();
        assertEquals("[]", without.out(), "the caller's environment must not leak without --inherit-env");
    }

    @Test
    void logsFollowEndsWhenThePodEnds() {
        String uuid = env.runDetached(sh(IMAGE, "echo first; sleep 2; echo second"));
        Jrkt.Result logs = env.run("logs", "--follow", uuid).expectSuccess();
        assertTrue(logs.out().contains("first") && logs.out().contains("second"), logs.out());
        assertNotEquals("running", env.state(uuid));
    }

    @Test
    void interactiveGivesTheAppTheTerminalAndItsStatusComesBack() throws Exception {
        // script(1) gives jrkt a real terminal, as a user's shell would; it exits with jrkt's status.
        String command = Jrkt.LAUNCHER + " --dir=" + env.data() + " run --interactive --cgroup-parent=" + env.jrkt().cgroupParent() + " " + IMAGE
            + " --exec=/bin/sh -- -c 'tty; read line; echo got $line; exit 4'";
        Process p = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) { in.write("hello\n".getBytes()); }
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), out);
        assertEquals(4, p.exitValue(), out);
        assertTrue(out.contains("/dev/console"), "the app's stdin is the pod's console: " + out);
        assertTrue(out.contains("got hello"), "what the user typed reaches the app: " + out);
    }

    @Test
    void statusWaitReadyReturnsOnceTheAppsRunAndJsonCarriesTheSame() {
        String uuid = env.runDetached(sh(IMAGE, "sleep 300"));
        Jrkt.Result ready = env.run("status", "--wait-ready=60s", uuid).expectSuccess();
        assertTrue(ready.out().contains("state=running"), ready.out());
        assertTrue(ready.out().contains("app-opts=running"), ready.out());
        String json = env.run("status", "--format=json", uuid).expectSuccess().out();
        assertTrue(json.contains("\"state\":\"running\"") && json.contains("\"uuid\":\"" + uuid + "\""), json);
        env.run("stop", "--force", uuid).expectSuccess();
        assertEquals("exited", env.awaitState(uuid, "exited", 30).get("state"));
    }
}
