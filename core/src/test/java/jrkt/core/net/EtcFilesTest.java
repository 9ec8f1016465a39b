package jrkt.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcFilesTest {
    private static CniResult withDns(List<String> servers, String domain, List<String> search) {
        return new CniResult(List.of("10.0.0.2"), List.of(), new CniResult.Dns(servers, domain, search, List.of()));
    }

    @Test
    void resolvConfJoinsTheNetworksDnsInNetworkOrder() {
        String text = EtcFiles.resolvConf(List.of(withDns(List.of("10.0.0.53"), "first.example", List.of("a")),
            withDns(List.of("10.1.0.53", "10.0.0.53"), "second.example", List.of("b", "a"))));
        assertEquals("# written by jrkt from the pod's networks\nnameserver 10.0.0.53\nnameserver 10.1.0.53\n"
            + "domain first.example\nsearch a b\n", text);
    }

    @Test
    void noNameServerMeansNoResolvConf() {
        assertNull(EtcFiles.resolvConf(List.of(withDns(List.of(), "x.example", List.of("x")))));
    }

    @Test
    void thePodsOwnNameMovesFromLoopbackToItsAddress() {
        String hosts = "# written by jrkt\n127.0.0.1 localhost localhost.localdomain\n127.0.1.1 web\n10.9.9.9 db\n";
        assertEquals("# written by jrkt\n127.0.0.1 localhost localhost.localdomain\n172.16.28.5 web\n10.9.9.9 db\n",
            EtcFiles.withHostnameOn(hosts, "172.16.28.5"));
    }

    @Test
    void linksPlantedAmongAPodsEtcFilesAreReplacedOrLeftNeverWrittenThrough(@TempDir Path tmp) throws Exception {
        // host files a link in the pod directory could aim at; each looks like a file jrkt wrote
        Path hostHosts = Files.writeString(tmp.resolve("host-hosts"), "# written by jrkt\n127.0.1.1 host\n");
        Path hostResolv = Files.writeString(tmp.resolve("host-resolv"), "nameserver 192.0.2.1\n");
        Path hostTmp = Files.writeString(tmp.resolve("host-tmp"), "kept\n");
        Path pod = Files.createDirectories(tmp.resolve("pod"));
        // apps/NAME/ whose hosts is a link: not an app's etc directory at all
        Path evil = Files.createDirectories(pod.resolve("apps/evil"));
        Files.createSymbolicLink(evil.resolve("hosts"), hostHosts);
        Files.createSymbolicLink(evil.resolve("resolv.conf"), hostResolv);
        // a pod of the earlier layout, its hosts a link and a link at the name the update writes first
        Path old = Files.createDirectories(pod.resolve("etc/old"));
        Files.createSymbolicLink(old.resolve("hosts"), hostHosts);
        Files.createSymbolicLink(old.resolve(".resolv.conf.tmp"), hostTmp);
        Files.createSymbolicLink(old.resolve("resolv.conf"), hostResolv);

        EtcFiles.update(pod, List.of(withDns(List.of("10.0.0.53"), null, List.of())), true);

        assertEquals("# written by jrkt\n127.0.1.1 host\n", Files.readString(hostHosts));
        assertEquals("nameserver 192.0.2.1\n", Files.readString(hostResolv));
        assertEquals("kept\n", Files.readString(hostTmp));
        assertTrue(Files.isSymbolicLink(evil.resolve("resolv.conf")), "apps/evil was left alone");
        assertFalse(Files.isSymbolicLink(old.resolve("resolv.conf")), "the link was replaced by the pod's own file");
        assertTrue(Files.readString(old.resolve("resolv.conf")).contains("nameserver 10.0.0.53"));
    }
}
