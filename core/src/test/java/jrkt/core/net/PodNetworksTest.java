package jrkt.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Setup and teardown of a pod's networks with real namespaces and real plugin processes: shell
 * scripts that follow the CNI protocol and log every call, so that the order, the environment and
 * the stdin jrkt gives each plugin can be checked without touching the host's network.
 */
class PodNetworksTest {
    static final String UUID = "0c0ffee0-0000-4000-8000-00000000abcd";

    @TempDir Path tmp;
    Path pod, plugins, log, netd;

    @BeforeEach
    void layout() throws Exception {
        pod = Files.createDirectories(tmp.resolve("pods/run").resolve(UUID));
        // an app's etc files in apps/NAME/; and, as a pod an earlier jrkt prepared has them, in etc/NAME/
        for (String dir : List.of("apps/app", "etc/old")) {
            Files.createDirectories(pod.resolve(dir));
            Files.writeString(pod.resolve(dir + "/hosts"), "# written by jrkt\n127.0.0.1 localhost\n127.0.1.1 jrkt-pod\n");
            Files.writeString(pod.resolve(dir + "/resolv.conf"), "nameserver 192.0.2.53\n");
        }
        Files.createDirectories(pod.resolve("apps/other-state-only")); // an app directory without etc files: left alone
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        netd = Files.createDirectories(tmp.resolve("etc/net.d"));
        log = tmp.resolve("calls.log");
        // Records "COMMAND TYPE IFNAME [ARGS] CONTAINERID NETNS" and its stdin; answers ADD with an address per interface.
        for (String type : List.of("recorder", "tagger")) {
            plugin(type, "echo \"$CNI_COMMAND " + type + " $CNI_IFNAME [$CNI_ARGS] $CNI_CONTAINERID $CNI_NETNS $CNI_PATH\" >> " + log + "\n"
                + "printf '%s\\n' \"$conf\" >> " + log + ".stdin\n"
                + "n=${CNI_IFNAME#eth}\n"
                + "[ \"$CNI_COMMAND\" = ADD ] && printf '{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.99.%s.2/24\"}],"
                + "\"dns\":{\"nameservers\":[\"10.99.%s.53\"]}}' $n $n\n"
                + "exit 0\n");
        }
        plugin("refuser", "echo \"$CNI_COMMAND refuser $CNI_IFNAME\" >> " + log + "\n"
            + "[ \"$CNI_COMMAND\" = ADD ] && { echo '{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"no more addresses\",\"details\":\"range full\"}'; exit 1; }\n"
            + "exit 0\n");
    }

    @AfterEach
    void nothingMounted() {
        // whatever a failed test left: the namespace must not outlive the temp dir
        NetNamespace.remove(pod.resolve(PodNetworks.NETNS));
    }

    private void plugin(String type, String body) throws Exception {
        Path p = plugins.resolve(type);
        Files.writeString(p, "#!/bin/sh\nconf=$(cat)\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void network(String file, String json) throws Exception { Files.writeString(netd.resolve(file), json); }

    /** prepare with the networks named, the app "app" having port http (80/tcp). */
    private void prepare(List<String> net, List<String> ports) throws Exception {
        NetworkConfigs configs = new NetworkConfigs(tmp.resolve("etc"), tmp.resolve("none"), tmp.resolve("data"));
        List<Path> path = List.of(plugins);
        List<PortForward> forwards = ports.stream().map(PortForward::parse).toList();
        PodNetworks.prepare(pod, configs.select(NetworkSelection.parse(net)), path, forwards,
            Map.of("app", List.of(new ImageManifest.Port("http", "tcp", 80, 1, false))), true);
    }

    private List<String> calls() throws Exception {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void setUpAddsEachNetworkInOrderAndTearDownDeletesThemInReverse() throws Exception {
        network("a.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"neta\",\"plugins\":[{\"type\":\"recorder\"},"
            + "{\"type\":\"tagger\",\"capabilities\":{\"portMappings\":true}}]}");
        network("b.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"netb\",\"type\":\"recorder\"}");
        prepare(List.of("neta", "netb:IP=10.99.1.9"), List.of("http:127.0.0.1:8080"));

        PodNetworks.setUp(pod, UUID);
        Path netns = pod.resolve("netns").toAbsolutePath();
        String env = UUID + " " + netns + " " + plugins;
        assertEquals(List.of("ADD recorder eth0 [] " + env, "ADD tagger eth0 [] " + env, "ADD recorder eth1 [IP=10.99.1.9] " + env), calls());
        assertTrue(NetNamespace.isMounted(netns));
        assertTrue(command("nsenter", "--net=" + netns, "ip", "-o", "link", "show", "lo").contains(",UP"), "lo is up in the pod's namespace");

        List<String> stdin = Files.readAllLines(Path.of(log + ".stdin"));
        Map<String, Object> first = Json.asObject(Json.parse(stdin.get(0)));
        assertEquals("neta", first.get("name"));
        assertEquals("1.0.0", first.get("cniVersion"));
        assertFalse(first.containsKey("prevResult"));
        assertFalse(first.containsKey("runtimeConfig"), "only a plugin with the capability gets the port mappings");
        Map<String, Object> second = Json.asObject(Json.parse(stdin.get(1)));
        assertEquals("10.99.0.2/24", Json.asObject(Json.asArray(Json.asObject(second.get("prevResult")).get("ips")).getFirst()).get("address"));
        assertEquals(List.of(Map.of("hostPort", 8080L, "containerPort", 80L, "protocol", "tcp", "hostIP", "127.0.0.1")),
            Json.asObject(second.get("runtimeConfig")).get("portMappings"));

        assertEquals(List.of(new PodNetworks.NetworkStatus("neta", "10.99.0.2", null), new PodNetworks.NetworkStatus("netb", "10.99.1.2", null)),
            PodNetworks.status(pod));
        for (String dir : List.of("apps/app", "etc/old")) {
            assertEquals("# written by jrkt from the pod's networks\nnameserver 10.99.0.53\nnameserver 10.99.1.53\n",
                Files.readString(pod.resolve(dir + "/resolv.conf")), dir);
            assertTrue(Files.readString(pod.resolve(dir + "/hosts")).contains("\n10.99.0.2 jrkt-pod\n"), dir);
        }
        assertFalse(Files.exists(pod.resolve("apps/other-state-only/resolv.conf")), "no etc files made where there were none");

        Files.delete(log);
        PodNetworks.tearDown(pod, UUID);
        assertEquals(List.of("DEL recorder eth1 [IP=10.99.1.9] " + env, "DEL tagger eth0 [] " + env, "DEL recorder eth0 [] " + env), calls());
        List<String> delStdin = Files.readAllLines(Path.of(log + ".stdin"));
        assertEquals("10.99.1.2/24", Json.asObject(Json.asArray(Json.asObject(Json.asObject(Json.parse(delStdin.get(3))).get("prevResult"))
            .get("ips")).getFirst()).get("address"), "DEL gets the ADD result");
        assertFalse(Files.exists(netns), "the namespace is gone");
        assertEquals(List.of(), PodNetworks.status(pod));

        Files.delete(log);
        PodNetworks.tearDown(pod, UUID);
        assertEquals(List.of(), calls(), "a second teardown has nothing left to do");
    }

    @Test
    void whenTheSecondNetworkFailsTheFirstIsTornDownBeforeTheError() throws Exception {
        network("a.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"good\",\"type\":\"recorder\"}");
        network("b.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"bad\",\"type\":\"refuser\"}");
        prepare(List.of("good", "bad"), List.of());
        JrktException e = assertThrows(JrktException.class, () -> PodNetworks.setUp(pod, UUID));
        assertEquals("network bad: plugin refuser: no more addresses: range full", e.getMessage());
        List<String> calls = calls();
        assertEquals("ADD recorder eth0", calls.get(0).substring(0, 17));
        assertEquals(List.of("ADD refuser eth1", "DEL refuser eth1"), calls.subList(1, 3));
        assertTrue(calls.get(3).startsWith("DEL recorder eth0"), calls.toString());
        assertEquals(4, calls.size());
        assertFalse(Files.exists(pod.resolve("netns")));
        assertFalse(Files.exists(pod.resolve("net/eth0.json")));
        assertFalse(Files.exists(pod.resolve("net/eth1.json")));
        assertFalse(Files.exists(pod.resolve("networks")));
    }

    @Test
    void aPlanIsWrittenWholeAndAnEmptyOneAJrktKilledWhileWritingLeftTearsDownToNothing() throws Exception {
        network("a.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"good\",\"type\":\"recorder\"}");
        prepare(List.of("good"), List.of());
        prepare(List.of("good"), List.of()); // replaced, through a temporary name that does not stay
        try (var names = Files.list(pod.resolve("net"))) {
            assertEquals(List.of("networks.json"), names.map(f -> f.getFileName().toString()).toList());
        }
        assertEquals("good", PodNetworkPlan.read(pod).networks().getFirst().name());

        // links planted at the plan and at its temporary name are replaced, never written through
        Path outside = Files.writeString(tmp.resolve("outside"), "keep\n");
        Files.delete(pod.resolve("net/networks.json"));
        Files.createSymbolicLink(pod.resolve("net/networks.json"), outside);
        Files.createSymbolicLink(pod.resolve("net/.networks.json.tmp"), outside);
        prepare(List.of("good"), List.of());
        assertEquals("keep\n", Files.readString(outside));
        assertTrue(Files.isRegularFile(pod.resolve("net/networks.json"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(pod.resolve("net/.networks.json.tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS));

        Files.write(pod.resolve("net/networks.json"), new byte[0]); // as an older jrkt killed between create and write left it
        assertEquals(null, PodNetworkPlan.read(pod), "written before any network was set up: none was");
        PodNetworks.tearDown(pod, UUID); // rm and gc get through it
        assertEquals(List.of(), calls());
    }

    @Test
    void aMissingPluginFailsBeforeAnythingIsCreated() throws Exception {
        network("a.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"good\",\"type\":\"recorder\"}");
        prepare(List.of("good"), List.of());
        Files.delete(plugins.resolve("recorder")); // uninstalled after the pod was prepared
        JrktException e = assertThrows(JrktException.class, () -> PodNetworks.setUp(pod, UUID));
        assertEquals("network good: plugin recorder not found in " + plugins, e.getMessage());
        assertFalse(Files.exists(pod.resolve("netns")));
        assertEquals(List.of(), calls());
    }

    @Test
    void portsNeedANetworkThatCanCarryThemAndTheBuiltInsGetPortmap() throws Exception {
        network("a.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"plain\",\"type\":\"recorder\"}");
        JrktException e = assertThrows(JrktException.class, () -> prepare(List.of("plain"), List.of("http:8080")));
        assertEquals("--port: none of the pod's networks (plain) has a plugin with the portMappings capability"
            + " (add the portmap plugin to its chain)", e.getMessage());

        Files.copy(plugins.resolve("recorder"), plugins.resolve("ptp"));
        Files.copy(plugins.resolve("recorder"), plugins.resolve("portmap"));
        prepare(List.of("plain", "default"), List.of("http:8080"));
        PodNetworkPlan plan = PodNetworkPlan.read(pod);
        assertEquals(List.of("recorder"), plan.networks().get(0).config().types());
        assertEquals(List.of(), plan.networks().get(0).portMappings());
        assertEquals(List.of("ptp", "portmap"), plan.networks().get(1).config().types(), "portmap joins the built-in's chain");
        assertEquals(List.of(new PortForward.Mapping(8080, 80, "tcp", null)), plan.networks().get(1).portMappings());
        prepare(List.of("default"), List.of());
        assertEquals(List.of("ptp"), PodNetworkPlan.read(pod).networks().getFirst().config().types(), "and only with ports");
    }

    @Test
    void teardownKillsPluginsAJrktKilledDuringAddLeftRunningBeforeItDeletes() throws Exception {
        network("a.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"good\",\"type\":\"recorder\"}");
        prepare(List.of("good"), List.of());
        // What a jrkt killed in the middle of ADD leaves: the namespace, "adding", and the plugin still at work.
        NetNamespace.create(pod.resolve("netns").toAbsolutePath());
        Files.writeString(pod.resolve("net/eth0.json"), "{\"phase\":\"adding\"}");
        ProcessBuilder pb = new ProcessBuilder("sleep", "300");
        pb.environment().put("CNI_CONTAINERID", UUID);
        pb.environment().put("CNI_COMMAND", "ADD");
        Process orphan = pb.start();
        try {
            PodNetworks.tearDown(pod, UUID);
            assertTrue(orphan.waitFor(5, TimeUnit.SECONDS), "the plugin was killed");
            assertEquals(137, orphan.exitValue());
            assertTrue(calls().getFirst().startsWith("DEL recorder eth0"), calls().toString());
            assertFalse(Files.exists(pod.resolve("netns")));
            assertFalse(Files.exists(pod.resolve("net/eth0.json")));
        } finally {
            orphan.destroyForcibly();
        }
    }

    @Test
    void aSetUpIsAbandonedOnceTheJrktThatMadeItIsGone() throws Exception {
        Files.createDirectories(pod.resolve("net"));
        assertFalse(PodNetworks.setUpAbandoned(pod), "no networks set up");
        Files.writeString(pod.resolve("net/owner"), ProcessIdentity.self() + "\n");
        assertFalse(PodNetworks.setUpAbandoned(pod), "its jrkt still runs");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(pod.resolve("net/owner"), gone.pid() + " " + ProcessIdentity.self().startTime() + "\n");
        assertTrue(PodNetworks.setUpAbandoned(pod));
        Files.writeString(pod.resolve("net/owner"), ProcessIdentity.self().pid() + " 1\n");
        assertTrue(PodNetworks.setUpAbandoned(pod), "the pid now belongs to another process");
    }

    private static String command(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
