package jrkt.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkConfigsTest {
    @TempDir Path tmp;
    Path local, system, data;

    @BeforeEach
    void dirs() throws Exception {
        local = tmp.resolve("etc");
        system = tmp.resolve("usr");
        data = tmp.resolve("data");
        Files.createDirectories(local.resolve("net.d"));
        Files.createDirectories(system.resolve("net.d"));
    }

    private void write(Path configDir, String file, String json) throws Exception {
        Files.writeString(configDir.resolve("net.d").resolve(file), json);
    }

    private NetworkConfigs configs() { return new NetworkConfigs(local, system, data); }

    private List<NetworkConfigs.SelectedNetwork> defaultNetwork() { return configs().select(NetworkSelection.DEFAULT); }

    @Test
    void theBuiltInNetworksArePtpWithHostLocalLeasesInJrktsDataDirectory() {
        NetworkConfigs.SelectedNetwork d = configs().select(NetworkSelection.DEFAULT).getFirst();
        assertTrue(d.config().builtIn());
        assertEquals(List.of("ptp"), d.config().types());
        Map<String, Object> ptp = d.config().plugins().getFirst();
        assertEquals(true, ptp.get("ipMasq"));
        @SuppressWarnings("unchecked") Map<String, Object> ipam = (Map<String, Object>) ptp.get("ipam");
        assertEquals("172.16.28.0/24", ipam.get("subnet"));
        assertEquals(data.resolve("net/host-local").toString(), ipam.get("dataDir"));
        assertEquals(List.of(Map.of("dst", "0.0.0.0/0")), ipam.get("routes"));

        NetworkConfig restricted = configs().get("default-restricted");
        @SuppressWarnings("unchecked") Map<String, Object> rIpam = (Map<String, Object>) restricted.plugins().getFirst().get("ipam");
        assertEquals("172.31.0.0/16", rIpam.get("subnet"));
        assertFalse(rIpam.containsKey("routes"), "host-only: no default route");
        assertEquals(false, restricted.plugins().getFirst().get("ipMasq"));
    }

    @Test
    void aConfFileIsAChainOfOneAndAConflistKeepsItsChain() throws Exception {
        write(local, "10-one.conf", "{\"cniVersion\":\"0.4.0\",\"name\":\"one\",\"type\":\"bridge\",\"bridge\":\"br9\"}");
        write(local, "20-two.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"two\",\"plugins\":[{\"type\":\"ptp\"},"
            + "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}]}");
        NetworkConfig one = configs().get("one");
        assertEquals("0.4.0", one.cniVersion());
        assertEquals(List.of(Map.of("type", "bridge", "bridge", "br9")), one.plugins());
        assertFalse(one.carriesPortMappings());
        NetworkConfig two = configs().get("two");
        assertEquals(List.of("ptp", "portmap"), two.types());
        assertTrue(two.carriesPortMappings());
    }

    @Test
    void aLocalFileOverridesTheSystemsAndTheBuiltInOfItsName() throws Exception {
        write(system, "50-mynet.conf", "{\"name\":\"mynet\",\"type\":\"bridge\"}");
        write(local, "99-mine.conf", "{\"name\":\"mynet\",\"type\":\"ptp\"}");
        write(local, "10-default.conf", "{\"name\":\"default\",\"type\":\"macvlan\"}");
        NetworkConfigs c = configs();
        assertEquals(List.of("ptp"), c.get("mynet").types());
        assertEquals(List.of("macvlan"), c.get("default").types());
        assertFalse(c.get("default").builtIn());
        // all: file-name order of the winners; default is the overriding file, not added again
        assertEquals(List.of("default", "mynet"), c.all().stream().map(NetworkConfig::name).toList());
    }

    @Test
    void allIsEveryConfiguredNetworkThenTheBuiltInDefault() throws Exception {
        write(system, "30-b.conf", "{\"name\":\"b\",\"type\":\"ptp\"}");
        write(local, "20-a.conf", "{\"name\":\"a\",\"type\":\"ptp\"}");
        List<NetworkConfigs.SelectedNetwork> all = configs().select(NetworkSelection.ALL);
        assertEquals(List.of("a", "b", "default"), all.stream().map(NetworkConfigs.SelectedNetwork::name).toList());
    }

    @Test
    void anExplicitDataDirOfTheConfigIsKept() throws Exception {
        write(local, "a.conf", "{\"name\":\"a\",\"type\":\"ptp\",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"/srv/leases\"}}");
        Map<String, Object> ptp = configs().select(NetworkSelection.parse(List.of("a"))).getFirst().config().plugins().getFirst();
        assertEquals("/srv/leases", ((Map<?, ?>) ptp.get("ipam")).get("dataDir"));
    }

    @Test
    void brokenConfigsAreOneLineErrorsNamingTheFile() throws Exception {
        Path bad = local.resolve("net.d/10-bad.conf");
        Files.writeString(bad, "{\"name\": \"bad\",");
        assertEquals(List.of(), configs().select(NetworkSelection.HOST), "host and none read no config");
        JrktException e = assertThrows(JrktException.class, this::defaultNetwork);
        assertTrue(e.getMessage().startsWith("network config " + bad + ": not valid JSON: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        Files.writeString(bad, "{\"name\":\"bad\"}");
        assertEquals("network bad (" + bad + "): a plugin has no \"type\"", assertThrows(JrktException.class, this::defaultNetwork).getMessage());
        Files.writeString(bad, "{\"name\":\"bad\",\"type\":\"../../bin/sh\"}");
        assertEquals("network bad (" + bad + "): plugin type \"../../bin/sh\" is not a plain file name",
            assertThrows(JrktException.class, this::defaultNetwork).getMessage());
        Files.writeString(bad, "{\"type\":\"ptp\"}");
        assertEquals("network config " + bad + ": no \"name\"", assertThrows(JrktException.class, this::defaultNetwork).getMessage());
        Files.writeString(bad, "{\"name\":\"bad\",\"plugins\":[]}");
        Files.move(bad, local.resolve("net.d/10-bad.conflist"));
        assertTrue(assertThrows(JrktException.class, this::defaultNetwork).getMessage().endsWith("\"plugins\" must be a non-empty array"));
    }

    @Test
    void aNameDefinedTwiceInOneDirectoryIsAnErrorWhenUsedAndAnUnknownNameListsTheKnownOnes() throws Exception {
        write(local, "10-x.conf", "{\"name\":\"x\",\"type\":\"ptp\"}");
        write(local, "20-x.conf", "{\"name\":\"x\",\"type\":\"bridge\"}");
        write(local, "30-y.conf", "{\"name\":\"y\",\"type\":\"ptp\"}");
        NetworkConfigs c = configs();
        assertEquals("network x is defined twice in " + local.resolve("net.d") + ": 10-x.conf and 20-x.conf",
            assertThrows(JrktException.class, () -> c.get("x")).getMessage());
        assertEquals(List.of("ptp"), c.get("y").types(), "the others are usable");
        assertEquals("network z is not defined: no file in " + local.resolve("net.d") + " or " + system.resolve("net.d")
            + " has \"name\": \"z\" (defined: x, y)", assertThrows(JrktException.class, () -> c.get("z")).getMessage());
    }

    @Test
    void pluginsAreLookedUpInBothNetDDirectoriesThenTheSystemsCniDirectory() {
        assertEquals(List.of(local.resolve("net.d"), system.resolve("net.d"), Path.of("/usr/lib/cni")), configs().pluginPath());
    }
}
