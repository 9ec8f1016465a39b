package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.HostNetwork;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods on CNI networks, with Debian's real plugins: the built-in networks (in a network namespace
 * of the test's own that stands in for the host, because their subnets are the same for every
 * jrkt on the machine), networks from net.d (on the host, in a subnet the test claimed), ports,
 * DNS, and what list and status show. Every test checks at its end that gc left nothing behind.
 */
class NetworkingTest {
    static final String IMAGE = "example.com/shell";
    static final String WEB = "example.com/web";
    static final Pattern INET = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/(\\d+)");

    @TempDir Path tmp;

    /** The shell image, and a web server answering "hello-from-pod" on its port named http (80/tcp). */
    static void fetchImages(PodEnv env) throws IOException {
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/sh").file("rootfs/etc/resolv.conf", "nameserver 192.0.2.99\n"));
        env.fetch(AciBuilder.busybox(WEB, "1.0").dir("rootfs/www", 0755).file("rootfs/www/index.html", "hello-from-pod\n")
            .appJson("{\"exec\":[\"/bin/httpd\",\"-f\",\"-p\",\"80\",\"-h\",\"/www\"],\"user\":\"0\",\"group\":\"0\","
                + "\"ports\":[{\"name\":\"http\",\"protocol\":\"tcp\",\"port\":80}]}"));
    }

    static void writeNetwork(PodEnv env, String file, String json) throws IOException {
        Path netd = Files.createDirectories(env.jrkt().localConfig().resolve("net.d"));
        Files.writeString(netd.resolve(file), json);
    }

    static String address(String ipAddrOutput) {
        Matcher m = INET.matcher(ipAddrOutput);
        while (m.find()) if (!m.group(1).startsWith("127.")) return m.group(1);
        throw new AssertionError("no address in: " + ipAddrOutput);
    }

    /** UUIDs of every pod of the env, whatever its state. */
    static List<String> uuids(PodEnv env) {
        return env.allPods().stream().map(p -> p.substring(p.indexOf('/') + 1)).toList();
    }

    /** gc, then the host (or ns) must hold nothing of these pods' networks. */
    static void assertCollectedWithoutLeftovers(PodEnv env, HostNetwork.Namespace ns, String subnetPrefix, List<String> pods, List<String> veths) {
        env.run("gc", "--grace-period=0s").expectSuccess();
        assertEquals(List.of(), HostNetwork.leftovers(ns, subnetPrefix, pods, env.data()));
        for (String veth : veths) {
            String shown = ns == null ? HostNetwork.run("ip", "link", "show", veth) : ns.exec("ip", "link", "show", veth);
            assertTrue(shown.contains("does not exist"), "veth " + veth + " is left: " + shown);
        }
    }

    @Test
    void withoutNetAPodIsOnTheDefaultNetworkWithAnAddressInItsRangeReachingTheHostAndOtherPods() throws Exception {
        try (HostNetwork.Namespace ns = HostNetwork.privateNamespace(); PodEnv env = new PodEnv(tmp, j -> j.in(ns))) {
            fetchImages(env);
            Jrkt jrkt = env.jrkt().withJrktsDefaultNetwork();
            String web = jrkt.run("run", "--detach", WEB).expectSuccess().out().lines().toList().getLast();
            env.run("status", "--wait-ready=60s", web).expectSuccess();
            Map<String, String> status = env.status(web);
            String webIp = status.get("networks").replaceFirst("^default:ip4=", "");
            assertTrue(webIp.startsWith("172.16.28."), "status: " + status);

            Jrkt.Result r = jrkt.run(args("run", sh(IMAGE, "ip -o -4 addr show eth0; ip route; ping -c 1 -W 5 172.16.28.1 >/dev/null && echo host-reached;"
                + " wget -q -O - http://" + webIp + "/"))).expectSuccess();
            String ip = address(r.out());
            assertTrue(ip.startsWith("172.16.28.") && !ip.equals("172.16.28.1") && !ip.equals(webIp), r.out());
            assertTrue(r.out().contains("/24"), r.out());
            assertTrue(r.out().contains("default via 172.16.28.1 dev eth0"), r.out());
            assertTrue(r.out().contains("host-reached"), "the host end of the pod's veth answers: " + r.out());
            assertTrue(r.out().contains("hello-from-pod"), "another pod on the network answers: " + r.out());

            // masqueraded: the rule of each pod is on the (stand-in) host, named for the pod
            String rules = ns.exec("iptables-save", "-t", "nat");
            assertTrue(rules.contains("id: \\\"" + web + "\\\"") && rules.contains("MASQUERADE"), rules);

            String listed = env.run("list", "--no-legend", "--full", "--fields=uuid,networks").expectSuccess().out();
            assertTrue(listed.contains(web + "  default:ip4=" + webIp), listed);
            String json = env.run("status", "--format=json", web).expectSuccess().out();
            assertTrue(json.contains("\"networks\":[{\"name\":\"default\",\"ip4\":\"" + webIp + "\"}]"), json);
            String listJson = env.run("list", "--format=json", "--fields=uuid,networks").expectSuccess().out();
            assertTrue(listJson.contains("{\"uuid\":\"" + web + "\",\"networks\":[{\"name\":\"default\",\"ip4\":\"" + webIp + "\"}]}"), listJson);

            List<String> veths = HostNetwork.hostInterfaces(env.podDir(web));
            assertEquals(1, veths.size(), veths.toString());
            env.run("stop", web).expectSuccess();
            env.awaitState(web, "exited", 30);
            assertCollectedWithoutLeftovers(env, ns, "172.16.28.", uuids(env), veths);
        }
    }

    @Test
    void defaultRestrictedReachesTheHostButHasNoDefaultRoute() throws Exception {
        try (HostNetwork.Namespace ns = HostNetwork.privateNamespace(); PodEnv env = new PodEnv(tmp, j -> j.in(ns))) {
            fetchImages(env);
            Jrkt.Result r = env.run(args("run", "--net=default-restricted",
                sh(IMAGE, "ip -o -4 addr show eth0; ip route; ping -c 1 -W 5 172.31.0.1 >/dev/null && echo host-reached"))).expectSuccess();
            assertTrue(address(r.out()).startsWith("172.31."), r.out());
            assertFalse(r.out().contains("default via"), "no default route: " + r.out());
            assertTrue(r.out().contains("host-reached"), r.out());
            assertFalse(ns.exec("iptables-save", "-t", "nat").contains("MASQUERADE"), "no masquerade for a host-only network");
            assertCollectedWithoutLeftovers(env, ns, "172.31.", uuids(env), List.of());
        }
    }

    @Test
    void bridgeAndPtpNetworksFromNetDInOnePodWithTheIpAskedFor() throws Exception {
        try (HostNetwork.Subnet bridged = HostNetwork.claimSubnet(); HostNetwork.Subnet pointToPoint = HostNetwork.claimSubnet();
             PodEnv env = new PodEnv(tmp)) {
            fetchImages(env);
            writeNetwork(env, "10-bridged.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"bridged\",\"type\":\"bridge\",\"bridge\":\""
                + bridged.bridge() + "\",\"isGateway\":true,\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + bridged.cidr() + "\"}}");
            writeNetwork(env, "20-p2p.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"p2p\",\"plugins\":[{\"type\":\"ptp\","
                + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + pointToPoint.cidr() + "\"}}]}");
            String asked = pointToPoint.prefix() + "77";
            String uuid = env.runDetached(args("--net=bridged,p2p:IP=" + asked,
                sh(IMAGE, "ip -o -4 addr show eth0; ip -o -4 addr show eth1; sleep 600")));
            Jrkt.Result seen = env.run("enter", uuid, "/bin/sh", "-c",
                "ip -o -4 addr show eth0; ip -o -4 addr show eth1; ping -c 1 -W 5 " + bridged.prefix() + "1 >/dev/null && echo bridge-reached");
            assertTrue(seen.out().matches("(?s).*eth0\\s+inet " + Pattern.quote(bridged.prefix()) + ".*"), seen.out());
            assertTrue(seen.out().matches("(?s).*eth1\\s+inet " + Pattern.quote(asked) + "/24.*"), "IP= is honoured: " + seen.out());
            assertTrue(seen.out().contains("bridge-reached"), seen.out());
            assertTrue(HostNetwork.run("ip", "-o", "link", "show", "master", bridged.bridge()).contains("veth"), "the pod's veth is on the bridge");

            Map<String, String> status = env.status(uuid);
            assertEquals("bridged:ip4=" + bridged.prefix() + "2,p2p:ip4=" + asked, status.get("networks"));
            List<String> veths = HostNetwork.hostInterfaces(env.podDir(uuid));
            assertEquals(2, veths.size(), veths.toString());
            env.run("stop", uuid).expectSuccess();
            env.awaitState(uuid, "exited", 30);
            env.run("gc", "--grace-period=0s").expectSuccess();
            for (String prefix : List.of(bridged.prefix(), pointToPoint.prefix())) {
                // the bridge keeps its gateway address: it is the network's, not the pod's
                List<String> left = HostNetwork.leftovers(null, prefix, List.of(uuid), env.data()).stream()
                    .filter(l -> !l.contains(bridged.bridge())).toList();
                assertEquals(List.of(), left);
            }
            for (String veth : veths) assertTrue(HostNetwork.run("ip", "link", "show", veth).contains("does not exist"), veth);
        }
    }

    @Test
    void aPortOfTheAppIsReachableFromTheHostsLoopback() throws Exception {
        try (HostNetwork.Subnet subnet = HostNetwork.claimSubnet(); PodEnv env = new PodEnv(tmp)) {
            fetchImages(env);
            writeNetwork(env, "web.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"webnet\",\"plugins\":["
                + "{\"type\":\"ptp\",\"ipMasq\":true,\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + subnet.cidr() + "\"}},"
                + "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}]}");
            int port = freePort();
            String uuid = env.runDetached("--net=webnet", "--port=http:" + port, WEB);
            assertEquals("hello-from-pod", httpGet("127.0.0.1", port), "127.0.0.1:" + port + " reaches the pod's port http");
            String rules = HostNetwork.run("iptables-save", "-t", "nat");
            assertTrue(rules.contains("--dport " + port), rules);
            env.run("stop", uuid).expectSuccess();
            env.awaitState(uuid, "exited", 30);
            env.run("gc", "--grace-period=0s").expectSuccess();
            assertEquals(List.of(), HostNetwork.leftovers(null, subnet.prefix(), List.of(uuid), env.data()));
            assertFalse(HostNetwork.run("iptables-save", "-t", "nat").contains("--dport " + port + " "), "the forward went with the pod");
        }
    }

    @Test
    void theBuiltInDefaultForwardsPortsThroughPortmapAndRefusesPortsWithoutANetwork() throws Exception {
        try (HostNetwork.Namespace ns = HostNetwork.privateNamespace(); PodEnv env = new PodEnv(tmp, j -> j.in(ns))) {
            fetchImages(env);
            String uuid = env.runDetached("--net=default", "--port=http:127.0.0.1:8080", WEB);
            String got = "";
            for (int i = 0; i < 50 && !got.contains("hello-from-pod"); i++) {
                got = ns.exec("busybox", "wget", "-q", "-O", "-", "http://127.0.0.1:8080/");
                if (!got.contains("hello-from-pod")) PodEnv.sleep(200);
            }
            assertTrue(got.contains("hello-from-pod"), got);

            for (String net : List.of("host", "none")) {
                Jrkt.Result refused = env.run("run", "--net=" + net, "--port=http:8081", WEB);
                assertEquals(254, refused.exitCode(), refused.toString());
                assertTrue(refused.stderr().startsWith("jrkt: --port needs a CNI network"), refused.stderr());
            }
            Jrkt.Result unknown = env.run("run", "--net=default", "--port=nosuch:8081", WEB);
            assertEquals("jrkt: --port=nosuch:8081: no app has a port named nosuch; ports: http (web)", unknown.stderr().strip());
            env.run("stop", uuid).expectSuccess();
            env.awaitState(uuid, "exited", 30);
            assertCollectedWithoutLeftovers(env, ns, "172.16.28.", uuids(env), List.of());
        }
    }

    @Test
    void dnsComesFromTheNetworkUnlessDnsFlagsSayOtherwiseAndTheHostnameResolvesToThePod() throws Exception {
        try (HostNetwork.Subnet subnet = HostNetwork.claimSubnet(); PodEnv env = new PodEnv(tmp)) {
            fetchImages(env);
            writeNetwork(env, "dns.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"withdns\",\"type\":\"ptp\","
                + "\"dns\":{\"nameservers\":[\"" + subnet.prefix() + "53\"],\"search\":[\"pods.test\"]},"
                + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + subnet.cidr() + "\"}}");
            String script = "cat /etc/resolv.conf; echo ---; grep \" $(hostname)$\" /etc/hosts";
            Jrkt.Result fromNet = env.run(args("run", "--net=withdns", "--hostname=dnspod", sh(IMAGE, script))).expectSuccess();
            assertTrue(fromNet.out().contains("nameserver " + subnet.prefix() + "53\n"), fromNet.out());
            assertTrue(fromNet.out().contains("search pods.test"), fromNet.out());
            assertTrue(fromNet.out().matches("(?s).*---\\s*" + Pattern.quote(subnet.prefix()) + "\\d+ dnspod.*"), fromNet.out());

            Jrkt.Result flag = env.run(args("run", "--net=withdns", "--dns=192.0.2.1", sh(IMAGE, script))).expectSuccess();
            assertTrue(flag.out().contains("nameserver 192.0.2.1") && !flag.out().contains(subnet.prefix() + "53"), flag.out());
            Jrkt.Result image = env.run(args("run", "--net=withdns", "--dns=none", sh(IMAGE, script))).expectSuccess();
            assertTrue(image.out().startsWith("nameserver 192.0.2.99"), "the image's own file: " + image.out());
            env.run("gc", "--grace-period=0s").expectSuccess();
            assertEquals(List.of(), HostNetwork.leftovers(null, subnet.prefix(), uuids(env), env.data()));
        }
    }

    @Test
    void aNetDFileOverridesTheBuiltInDefaultAndAllSelectsEveryNetwork() throws Exception {
        try (HostNetwork.Subnet mine = HostNetwork.claimSubnet(); HostNetwork.Subnet other = HostNetwork.claimSubnet();
             PodEnv env = new PodEnv(tmp)) {
            fetchImages(env);
            writeNetwork(env, "10-default.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"default\",\"type\":\"ptp\","
                + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + mine.cidr() + "\"}}");
            writeNetwork(env, "20-other.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"other\",\"type\":\"ptp\","
                + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + other.cidr() + "\"}}");
            Jrkt.Result byDefault = env.jrkt().withJrktsDefaultNetwork().run(args("run", sh(IMAGE, "ip -o -4 addr show eth0"))).expectSuccess();
            assertTrue(address(byDefault.out()).startsWith(mine.prefix()), byDefault.out());
            Jrkt.Result all = env.run(args("run", "--net=all", sh(IMAGE, "ip -o -4 addr show eth0; ip -o -4 addr show eth1; ip -o link | wc -l")))
                .expectSuccess();
            assertTrue(all.out().matches("(?s).*eth0\\s+inet " + Pattern.quote(mine.prefix()) + ".*eth1\\s+inet " + Pattern.quote(other.prefix()) + ".*"),
                all.out());
            assertTrue(all.out().strip().endsWith("3"), "lo, eth0, eth1 and no more: " + all.out());
            env.run("gc", "--grace-period=0s").expectSuccess();
            for (String prefix : List.of(mine.prefix(), other.prefix()))
                assertEquals(List.of(), HostNetwork.leftovers(null, prefix, uuids(env), env.data()));
        }
    }

    @Test
    void aPreparedPodHoldsNoAddressUntilItRuns() throws Exception {
        try (HostNetwork.Subnet subnet = HostNetwork.claimSubnet(); PodEnv env = new PodEnv(tmp)) {
            fetchImages(env);
            writeNetwork(env, "p.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"later\",\"type\":\"ptp\","
                + "\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + subnet.cidr() + "\"}}");
            String uuid = env.run(args("prepare", "--net=later", sh(IMAGE, "ip -o -4 addr show eth0"))).expectSuccess().out();
            assertEquals(List.of(), HostNetwork.leftovers(null, subnet.prefix(), List.of(uuid), env.data()), "nothing exists yet");
            assertFalse(Files.exists(env.podDir(uuid).resolve("netns")));
            Jrkt.Result ran = env.run("run-prepared", uuid).expectSuccess();
            assertTrue(address(ran.out()).startsWith(subnet.prefix()), ran.out());
            assertTrue(env.run("list", "--no-legend", "--full").out().contains("later:ip4=" + subnet.prefix()));
            env.run("rm", uuid).expectSuccess();
            assertEquals(List.of(), HostNetwork.leftovers(null, subnet.prefix(), List.of(uuid), env.data()), "rm tears it down");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The body of GET / over plain HTTP/1.0, retried (bounded) until the server in the pod listens. */
    static String httpGet(String host, int port) throws InterruptedException {
        IOException last = null;
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 5000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (response.contains("\r\n\r\n")) return response.substring(response.indexOf("\r\n\r\n") + 4).strip();
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no answer from " + host + ":" + port, last);
    }
}
