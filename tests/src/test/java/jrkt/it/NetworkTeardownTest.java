package jrkt.it;

import static jrkt.it.NetworkingTest.IMAGE;
import static jrkt.it.NetworkingTest.fetchImages;
import static jrkt.it.NetworkingTest.uuids;
import static jrkt.it.NetworkingTest.writeNetwork;
import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import jrkt.it.support.HostNetwork;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import jrkt.it.support.Procs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing of a pod's networks outlives it: not after many runs, not after jrkt or stage1 was
 * killed at any point, not after a setup that failed. The networks live in subnets the tests
 * claimed, on the host itself, with IP masquerade and port forwarding (iptables rules per pod).
 */
class NetworkTeardownTest {
    @TempDir Path tmp;

    /** A ptp network with masquerade and portmap in the subnet; returns its name. */
    static String masqueradedNetwork(PodEnv env, HostNetwork.Subnet subnet) throws Exception {
        writeNetwork(env, "masq.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"masq\",\"plugins\":["
            + "{\"type\":\"ptp\",\"ipMasq\":true,\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + subnet.cidr() + "\"}},"
            + "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}]}");
        return "masq";
    }

    /** A plugin in the test's net.d (on jrkt's plugin path) running this shell script. */
    static void plugin(PodEnv env, String type, String script) throws Exception {
        Path p = Files.createDirectories(env.jrkt().localConfig().resolve("net.d")).resolve(type);
        Files.writeString(p, "#!/bin/sh\ncat > /dev/null\n" + script);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void fiftyRunAndGcCyclesLeaveNoVethNamespaceRuleOrLease() throws Exception {
        try (HostNetwork.Subnet subnet = HostNetwork.claimSubnet(); PodEnv env = new PodEnv(tmp)) {
            fetchImages(env);
            String net = masqueradedNetwork(env, subnet);
            int port = NetworkingTest.freePort();
            List<String> pods = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Path uuidFile = tmp.resolve("uuid-" + i);
                env.run("run", "--net=" + net, "--port=http:" + port, "--uuid-file-save=" + uuidFile, NetworkingTest.WEB,
                    "--exec=/bin/true").expectSuccess();
                pods.add(Files.readString(uuidFile).strip());
                env.run("gc", "--grace-period=0s").expectSuccess();
            }
            assertEquals(List.of(), env.allPods());
            assertEquals(List.of(), HostNetwork.leftovers(null, subnet.prefix(), pods, env.data()));
            assertFalse(HostNetwork.run("iptables-save", "-t", "nat").contains("--dport " + port + " "));
            // the addresses went back to the range: a pod now gets one as the first did
            Jrkt.Result again = env.run(args("run", "--net=" + net, sh(IMAGE, "ip -o -4 addr show eth0"))).expectSuccess();
            assertTrue(again.out().contains("inet " + subnet.prefix()), again.out());
        }
    }

    @Test
    void killingJrktWhileAPluginRunsLeavesNothingAfterGcWhetherRunOrRunPreparedWasKilled() throws Exception {
        try (HostNetwork.Subnet subnet = HostNetwork.claimSubnet(); PodEnv env = new PodEnv(tmp)) {
            fetchImages(env);
            Path started = tmp.resolve("stall-started");
            // ptp (masquerade) first, then a plugin that stalls in ADD: jrkt is killed while it runs
            plugin(env, "stall", "if [ \"$CNI_COMMAND\" = ADD ]; then touch " + started + "; exec sleep 300; fi\nexit 0\n");
            writeNetwork(env, "stall.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"stalling\",\"plugins\":["
                + "{\"type\":\"ptp\",\"ipMasq\":true,\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + subnet.cidr() + "\"}},"
                + "{\"type\":\"stall\"}]}");

            // jrkt run: the networks are set up while the pod is prepared
            Jrkt.Background run = env.start(args("run", "--net=stalling", sh(IMAGE, "true")));
            PodEnv.await("the stalling plugin of run", 120, () -> Files.exists(started));
            run.kill9();
            run.await(30);
            assertFalse(HostNetwork.leftovers(null, subnet.prefix(), List.of(), env.data()).isEmpty(), "the setup was under way");
            Jrkt.Result gc = env.run("gc", "--grace-period=0s").expectSuccess();
            assertTrue(gc.out().contains("Released the networks of pod"), gc.out());
            assertEquals(List.of(), HostNetwork.leftovers(null, subnet.prefix(), uuids(env), env.data()));
            assertFalse(pluginRunningFor(uuids(env)), "the plugin left running was killed");

            // run-prepared: the networks are set up when the prepared pod starts
            Files.delete(started);
            String uuid = env.run(args("prepare", "--net=stalling", sh(IMAGE, "true"))).expectSuccess().out();
            Jrkt.Background runPrepared = env.start("run-prepared", uuid);
            PodEnv.await("the stalling plugin of run-prepared", 120, () -> Files.exists(started));
            runPrepared.kill9();
            runPrepared.await(30);
            env.run("gc", "--grace-period=0s").expectSuccess();
            assertEquals(List.of(), HostNetwork.leftovers(null, subnet.prefix(), uuids(env), env.data()));
            assertFalse(pluginRunningFor(uuids(env)));
        }
    }

    /** Whether a plugin process works for one of these pods (its CNI_CONTAINERID names the pod). */
    private static boolean pluginRunningFor(List<String> pods) {
        return Procs.all().stream().anyMatch(p -> pods.stream().anyMatch(u -> environment(p.pid()).contains("CNI_CONTAINERID=" + u + " ")));
    }

    private static String environment(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/environ")).replace('\0', ' ');
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void killingJrktAtAnyMomentOfAStartLeavesNothingAfterGc() throws Exception {
        try (HostNetwork.Subnet subnet = HostNetwork.claimSubnet(); PodEnv env = new PodEnv(tmp)) {
            fetchImages(env);
            String net = masqueradedNetwork(env, subnet);
            // from before the JVM runs to after stage1 started the app: every step of a start is hit by some kill
            for (int i = 0; i < 16; i++) {
                Jrkt.Background b = env.start(args("run", "--net=" + net, "--port=http:" + NetworkingTest.freePort(),
                    NetworkingTest.WEB, "--exec=/bin/sleep", "--", "600"));
                PodEnv.sleep(i * 90L);
                b.kill9();
                b.await(30);
            }
            env.run("gc", "--grace-period=0s").expectSuccess();
            assertEquals(List.of(), HostNetwork.leftovers(null, subnet.prefix(), uuids(env), env.data()));
        }
    }

    @Test
    void killingStage1LeavesNothingAfterGc() throws Exception {
        try (HostNetwork.Subnet subnet = HostNetwork.claimSubnet(); PodEnv env = new PodEnv(tmp)) {
            fetchImages(env);
            String net = masqueradedNetwork(env, subnet);
            Path uuidFile = tmp.resolve("uuid");
            // in the foreground, jrkt becomes stage1: the process started is stage1 once the pod runs
            Jrkt.Background stage1 = env.start(args("run", "--net=" + net, "--uuid-file-save=" + uuidFile, sh(IMAGE, "sleep 600")));
            PodEnv.await("the pod's UUID", 120, () -> Files.exists(uuidFile));
            String uuid = Files.readString(uuidFile).strip();
            env.awaitState(uuid, "running", 120);
            env.run("status", "--wait-ready=60s", uuid).expectSuccess();
            assertTrue(env.status(uuid).get("networks").startsWith("masq:ip4=" + subnet.prefix()));
            stage1.kill9();
            stage1.await(30);
            env.awaitState(uuid, "exited", 60);
            env.run("gc", "--grace-period=0s").expectSuccess();
            assertEquals(List.of(), HostNetwork.leftovers(null, subnet.prefix(), List.of(uuid), env.data()));
        }
    }

    @Test
    void aSetupThatFailsIsOneLineExit254AndLeavesNothing() throws Exception {
        try (HostNetwork.Subnet subnet = HostNetwork.claimSubnet(); PodEnv env = new PodEnv(tmp)) {
            fetchImages(env);
            String net = masqueradedNetwork(env, subnet);
            plugin(env, "refuser", "if [ \"$CNI_COMMAND\" = ADD ]; then"
                + " echo '{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"refused by the test\"}'; exit 1; fi\nexit 0\n");
            writeNetwork(env, "refusing.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"refusing\",\"type\":\"refuser\"}");
            writeNetwork(env, "missing.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"missing\",\"type\":\"nosuchplugin\"}");
            writeNetwork(env, "tiny.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"tiny\",\"type\":\"ptp\","
                + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + subnet.prefix() + "128/30\"}}");

            // the second network fails: the first, set up already, goes before the error
            expectFailure(env, subnet, "jrkt: network refusing: plugin refuser: refused by the test", "--net=" + net + ",refusing");
            expectFailure(env, subnet, "jrkt: network missing: plugin nosuchplugin not found in " + env.jrkt().localConfig().resolve("net.d")
                + ":/usr/lib/jrkt/net.d:/usr/lib/cni", "--net=" + net + ",missing");

            // an exhausted range: a /30 has one address for a pod
            String holder = env.runDetached(args("--net=tiny", sh(IMAGE, "sleep 600")));
            expectFailure(env, subnet, "jrkt: network tiny: plugin ptp: failed to allocate for range 0: no IP addresses available in range set: "
                + subnet.prefix() + "129-" + subnet.prefix() + "130", "--net=tiny");
            env.run("stop", holder).expectSuccess();
            env.awaitState(holder, "exited", 30);
            env.run("gc", "--grace-period=0s").expectSuccess();

            Path broken = env.jrkt().localConfig().resolve("net.d/zz-broken.conf");
            Files.writeString(broken, "{\"name\": \"broken\", ");
            Jrkt.Result r = env.run(args("run", "--net=" + net, sh(IMAGE, "true")));
            assertEquals(254, r.exitCode(), r.toString());
            assertTrue(r.stderr().startsWith("jrkt: network config " + broken + ": not valid JSON: "), r.stderr());
            assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
            assertEquals(List.of(), env.allPods());
            env.run(args("run", "--net=none", sh(IMAGE, "true"))).expectSuccess(); // needs no config: not in its way
            env.run("gc", "--grace-period=0s").expectSuccess();
            assertEquals(List.of(), HostNetwork.leftovers(null, subnet.prefix(), List.of(holder), env.data()));
        }
    }

    /** run fails with exactly this line and exit 254, leaving no pod and nothing of its networks. */
    private static void expectFailure(PodEnv env, HostNetwork.Subnet subnet, String message, String net) {
        List<String> pods = env.allPods();
        List<String> host = HostNetwork.leftovers(null, subnet.prefix(), uuids(env), env.data());
        Jrkt.Result r = env.run(args("run", net, sh(IMAGE, "true")));
        assertEquals(254, r.exitCode(), r.toString());
        assertEquals(message, r.stderr().strip());
        assertEquals(pods, env.allPods(), "a run that could not start its pod leaves no pod");
        assertEquals(host, HostNetwork.leftovers(null, subnet.prefix(), uuids(env), env.data()), "nothing of the failed setup is left");
    }
}
