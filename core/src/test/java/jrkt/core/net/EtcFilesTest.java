package jrkt.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

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
}
