package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.HostNetwork;
import jrkt.it.support.Jrkt;
import jrkt.it.support.Mounts;
import jrkt.it.support.PodEnv;
import jrkt.it.support.Procs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kvm flavor: each pod in a QEMU virtual machine with its own kernel. Here /dev/kvm is no
 * hardware hypervisor, so every VM runs under TCG and boots in seconds: the tests boot five
 * VMs in all, each checking as much as one pod can show.
 */
class KvmFlavorTest {
    static final String IMAGE = "example.com/kvm";
    static final String KVM = "--stage1-name=jrkt.io/stage1-kvm";
    static final String TCG_NOTICE = "stage1: kvm: /dev/kvm is not a hardware hypervisor here";
    static final int BOOT = 240; // seconds: a safety net for a VM under TCG on a busy machine

    @TempDir Path tmp;
    PodEnv env;

    @BeforeEach
    void fetchImage() throws Exception {
        env = new PodEnv(tmp);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/true"));
    }

    @AfterEach
    void cleanUp() {
        env.close();
        // whatever a failed test left: no VM of this test's pods may outlive it
        for (long pid : qemuOf(env.data())) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** The QEMU processes whose working directory is a pod directory below data. */
    static List<Long> qemuOf(Path data) {
        return Procs.all().stream().filter(p -> p.comm().startsWith("qemu-system") && Procs.alive(p.pid())).filter(p -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/cwd")).startsWith(data);
            } catch (IOException e) {
                return false;
            }
        }).map(Procs.Proc::pid).toList();
    }

    /** The UUIDs of every pod, whatever its state. */
    List<String> uuids() {
        return env.allPods().stream().map(p -> p.substring(p.indexOf('/') + 1)).toList();
    }

    /** stderr without the notice that the VM runs under TCG. */
    static String errors(Jrkt.Result r) {
        return String.join("\n", r.stderr().lines().filter(l -> !l.startsWith(TCG_NOTICE)).toList());
    }

    @Test
    void aPodRunsOnItsOwnKernelSizedByItsLimitWithTheUsualBehaviour() throws Exception {
        Path ro = Files.createDirectories(tmp.resolve("ro")), rw = Files.createDirectories(tmp.resolve("rw"));
        Files.writeString(ro.resolve("data"), "from-the-host");
        Files.setPosixFilePermissions(rw, PosixFilePermissions.fromString("rwxrwxrwx"));
        Jrkt.Result r = env.run(args("run", KVM, "--memory=256M", "--volume=ro,kind=host,source=" + ro + ",readOnly=true",
            "--volume=rw,kind=host,source=" + rw, "--set-env=GREETING=hi",
            sh(IMAGE, "echo $GREETING $(id -u) $(cat /ro/data); touch /ro/x 2>/dev/null || echo ro-refused; "
                    + "cat /proc/version > /rw/version; grep MemTotal /proc/meminfo > /rw/memory; echo to-stderr >&2; exit 3",
                "--mount=volume=ro,target=/ro", "--mount=volume=rw,target=/rw", "--user=1000", "--group=1000"),
            "---", sh(IMAGE, "echo second > /rw/two", "--mount=volume=rw,target=/rw", "--name=second")));

        assertEquals(3, r.exitCode(), r.toString());
        assertEquals("hi 1000 from-the-host\nro-refused", r.out(), "the apps' output comes back: " + r);
        assertEquals("to-stderr", errors(r), r.toString());
        assertTrue(r.stderr().contains(TCG_NOTICE) == !Files.readString(Path.of("/proc/cpuinfo")).matches("(?s).*\\b(vmx|svm)\\b.*"),
            "the fallback to TCG is said when there is no hardware hypervisor: " + r);
        assertEquals("second", Files.readString(rw.resolve("two")).strip(), "a volume the guest wrote is the host's directory");
        assertFalse(Files.exists(ro.resolve("x")));
        assertNotEquals(Files.readString(Path.of("/proc/version")), Files.readString(rw.resolve("version")), "the app sees its own kernel");
        long memoryKb = Long.parseLong(Files.readString(rw.resolve("memory")).replaceAll("[^0-9]", ""));
        // 256M bounds QEMU as a whole: the guest gets 256M less 64 MiB for QEMU, less its kernel's own
        assertTrue(memoryKb > 120 * 1024 && memoryKb <= (256_000_000L / 1024 - 64 * 1024), "MemTotal " + memoryKb + " kB");

        String uuid = uuids().getFirst();
        Map<String, String> status = env.awaitState(uuid, "exited", 10);
        assertEquals("3", status.get("exit"), status.toString());
        assertEquals(List.of(), qemuOf(env.data()), "the VM is gone with the pod");
        assertEquals(List.of(), Mounts.involving(env.data()), "the apps' roots were mounted in QEMU's own mount namespace");
    }

    @Test
    void detachLogsEnterStopAndGc() throws Exception {
        String uuid = env.runDetached(args(KVM,
            sh(IMAGE, "echo started; trap 'echo stopping; exit 7' TERM; while true; do sleep 1; done")));
        assertEquals("running", env.state(uuid));
        PodEnv.await("the app's first line", 60, () -> env.run("logs", uuid).stdout().contains("started"));

        Jrkt.Result entered = env.jrkt().runWithStdin("typed in\n", "enter", uuid, "/bin/sh", "-c",
            "cat; uname -r; echo oops >&2; exit 5");
        assertEquals(5, entered.exitCode(), entered.toString());
        assertEquals("typed in\n" + guestKernel(), entered.out(), entered.toString());
        assertEquals("oops", entered.stderr().strip());
        assertTrue(env.run("enter", uuid, "/bin/ps", "-o", "args").expectSuccess().out().contains("trap 'echo stopping"),
            "a second enter sees the app's processes");

        // An enter whose caller goes away has its command killed in the VM, and the next enter is served.
        try (Jrkt.Background gone = env.jrkt().start("enter", uuid, "/bin/sh", "-c", "echo begun; exec sleep 1001")) {
            PodEnv.await("the enter's command to begin", 60, () -> gone.stdoutSoFar().contains("begun"));
            gone.kill9();
        }
        PodEnv.await("the abandoned enter's command to be gone", 30,
            () -> !env.run("enter", uuid, "/bin/ps", "-o", "args").expectSuccess().out().contains("sleep 1001"));

        env.run("stop", uuid).expectSuccess();
        Map<String, String> status = env.awaitState(uuid, "exited", 60);
        assertEquals("7", status.get("exit"), "the app got SIGTERM in the VM and ended by itself: " + status);
        assertEquals("started\nstopping", env.run("logs", uuid).expectSuccess().out());
        assertEquals(List.of(), qemuOf(env.data()));
        env.run("gc", "--grace-period=0s").expectSuccess();
        assertEquals(List.of(), env.allPods());
    }

    private static String guestKernel() throws IOException {
        // the release of the kernel stage1-kvm.aci carries, as its file name in /boot says
        try (var s = Files.list(Path.of("/lib/modules"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-amd64") && !n.contains("cloud") && !n.contains("-rt-"))
                .sorted().toList().getLast();
        }
    }

    @Test
    void sigkillOfRunOrOfQemuLeavesNoVmAndGcCleansUp() throws Exception {
        Path marks = Files.createDirectories(tmp.resolve("marks"));
        for (String victim : List.of("run", "qemu")) {
            Jrkt.Background run = env.start(args("run", KVM, "--volume=m,kind=host,source=" + marks,
                sh(IMAGE, "touch /m/" + victim + "; exec sleep 3600", "--mount=volume=m,target=/m")));
            PodEnv.await("the app in the VM", BOOT, () -> Files.exists(marks.resolve(victim)));
            List<Long> qemu = qemuOf(env.data());
            assertEquals(1, qemu.size(), "one VM: " + qemu);
            if (victim.equals("run")) {
                run.kill9();
            } else {
                ProcessHandle.of(qemu.getFirst()).orElseThrow().destroyForcibly();
                Jrkt.Result r = run.await(60);
                assertEquals(137, r.exitCode(), "run ends with the VM's death: " + r);
            }
            PodEnv.await("the VM to die", 30, () -> qemuOf(env.data()).isEmpty());
        }
        for (String uuid : uuids()) env.awaitState(uuid, "exited", 30);
        env.run("gc", "--grace-period=0s").expectSuccess();
        assertEquals(List.of(), env.allPods());
        assertEquals(List.of(), Mounts.involving(env.data()));
    }

    @Test
    void aPodOnACniNetworkServesAPortAndReachesTheHostAndGcLeavesNothing() throws Exception {
        try (HostNetwork.Subnet subnet = HostNetwork.claimSubnet();
             java.net.ServerSocket host = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("0.0.0.0"))) {
            env.fetch(AciBuilder.busybox("example.com/kvm-web", "1.0").dir("rootfs/www", 0755)
                .file("rootfs/www/index.html", "hello-from-the-vm\n")
                .appJson("{\"exec\":[\"/bin/true\"],\"user\":\"0\",\"group\":\"0\","
                    + "\"ports\":[{\"name\":\"http\",\"protocol\":\"tcp\",\"port\":80}]}"));
            NetworkingTest.writeNetwork(env, "web.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"webnet\",\"plugins\":["
                + "{\"type\":\"ptp\",\"ipMasq\":true,\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + subnet.cidr() + "\"}},"
                + "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}]}");
            // the VM's app says hello to the host through its gateway, then serves its port
            String gateway = subnet.prefix() + "1";
            int port = NetworkingTest.freePort();
            String uuid = env.runDetached(args(KVM, "--net=webnet", "--port=http:" + port, "example.com/kvm-web", "--exec=/bin/sh", "--",
                "-c", "ip -o -4 addr show eth0; echo hello-from-the-pod | nc " + gateway + " " + host.getLocalPort()
                    + "; exec httpd -f -p 80 -h /www"));
            String podIp = env.status(uuid).get("networks").replaceFirst("^webnet:ip4=", "");
            assertTrue(podIp.startsWith(subnet.prefix()), podIp);

            host.setSoTimeout(BOOT * 1000);
            try (java.net.Socket fromPod = host.accept()) {
                assertEquals(podIp, fromPod.getInetAddress().getHostAddress(), "the VM's packets carry the address CNI gave the pod");
                var line = new java.io.BufferedReader(new java.io.InputStreamReader(fromPod.getInputStream()));
                assertEquals("hello-from-the-pod", line.readLine());
            }
            assertEquals("hello-from-the-vm", NetworkingTest.httpGet("127.0.0.1", port), "the port forward reaches the VM");
            assertEquals("hello-from-the-vm", NetworkingTest.httpGet(podIp, 80), "the pod's address is the VM's");
            String logs = env.run("logs", uuid).expectSuccess().out();
            assertTrue(logs.contains("eth0") && logs.contains("inet " + podIp + "/"), "the VM's eth0 has the pod's address: " + logs);
            assertFalse(HostNetwork.run("ip", "-o", "link").contains("jrkt-tap"), "the tap device stays in the pod's network namespace");

            env.run("stop", uuid).expectSuccess();
            env.awaitState(uuid, "exited", 60);
            assertEquals(List.of(), qemuOf(env.data()));
            env.run("gc", "--grace-period=0s").expectSuccess();
            assertEquals(List.of(), HostNetwork.leftovers(null, subnet.prefix(), List.of(uuid), env.data()));
        }
    }

    @Test
    void whatKvmCannotDoFailsInOneLineAndLeavesNothing() {
        record Case(String why, Map<String, String> envVars, String[] flags, String expected) {}
        List<Case> cases = List.of(
            new Case("QEMU missing", Map.of("JRKT_KVM_QEMU", "/nonexistent/qemu-system-x86_64"), new String[0],
                "stage1: kvm: QEMU /nonexistent/qemu-system-x86_64 (install qemu-system-x86): No such file or directory"),
            new Case("no boot in time", Map.of("JRKT_KVM_BOOT_TIMEOUT", "0.5"), new String[0],
                "stage1: kvm: the VM did not boot within 0.5 s (its console: kvm/console.log)"),
            new Case("too little memory", Map.of(), new String[] {"--memory=128M"},
                "stage1: kvm: resource/memory 122 MiB is less than a VM needs (160 MiB: 96 for the guest, 64 for QEMU)"),
            new Case("the host's network", Map.of(), new String[] {"--net=host"},
                "jrkt: stage1 jrkt.io/stage1-kvm runs pods in a virtual machine with its own kernel: --net=host is not possible; give it a CNI network (--net=NAME) or --net=none"));
        for (Case c : cases) {
            Jrkt jrkt = env.jrkt();
            for (Map.Entry<String, String> e : c.envVars().entrySet()) jrkt = jrkt.withEnv(e.getKey(), e.getValue());
            Jrkt.Result r = jrkt.run(args("run", KVM, c.flags(), IMAGE));
            assertEquals(254, r.exitCode(), c.why() + ": " + r);
            assertEquals(c.expected(), errors(r), c.why() + ": " + r);
            assertEquals(List.of(), qemuOf(env.data()), c.why());
        }
        Jrkt.Result r = env.run(args("run", KVM, IMAGE, "--memory=300M"));
        assertEquals(254, r.exitCode(), r.toString());
        assertTrue(errors(r).startsWith("stage1: kvm: app kvm has its own resource/memory limit, which the kvm flavor cannot honour"), r.toString());
        for (String uuid : uuids()) assertEquals("exited", env.state(uuid), "no pod is left running");
        assertEquals(List.of(), Mounts.involving(env.data()));
    }
}
