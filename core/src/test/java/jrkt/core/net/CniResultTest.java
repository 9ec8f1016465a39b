package jrkt.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import jrkt.core.json.Json;
import org.junit.jupiter.api.Test;

class CniResultTest {
    @Test
    void readsAddressesAndDnsOfACni1Result() {
        CniResult r = parse("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"veth1\"},{\"name\":\"eth0\",\"sandbox\":\"/x\"}],"
            + "\"ips\":[{\"interface\":1,\"address\":\"172.16.28.5/24\",\"gateway\":\"172.16.28.1\"},{\"interface\":1,\"address\":\"fd00::5/64\"}],"
            + "\"dns\":{\"nameservers\":[\"10.0.0.53\"],\"domain\":\"pods.example\",\"search\":[\"example\"],\"options\":[\"ndots:2\"]}}");
        assertEquals(List.of("172.16.28.5"), r.ip4());
        assertEquals(List.of("fd00::5"), r.ip6());
        assertEquals(new CniResult.Dns(List.of("10.0.0.53"), "pods.example", List.of("example"), List.of("ndots:2")), r.dns());
    }

    @Test
    void readsTheOlderFormats() {
        CniResult v04 = parse("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.1.2.3/16\"}],\"dns\":{}}");
        assertEquals(List.of("10.1.2.3"), v04.ip4());
        assertEquals(CniResult.Dns.NONE, v04.dns());
        CniResult v02 = parse("{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.9.8.7/24\",\"gateway\":\"10.9.8.1\"}}");
        assertEquals(List.of("10.9.8.7"), v02.ip4());
        assertNull(v02.dns().domain());
        assertEquals(List.of(), parse("{}").ip4());
    }

    private static CniResult parse(String json) { return CniResult.parse(Json.asObject(Json.parse(json))); }
}
