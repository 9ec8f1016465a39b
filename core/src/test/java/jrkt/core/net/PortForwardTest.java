package jrkt.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;
import org.junit.jupiter.api.Test;

class PortForwardTest {
    @Test
    void parsesTheNameTheOptionalHostAddressAndThePort() {
        assertEquals(new PortForward("http", null, 8080), PortForward.parse("http:8080"));
        assertEquals(new PortForward("http", "127.0.0.1", 8080), PortForward.parse("http:127.0.0.1:8080"));
        assertEquals(new PortForward("dns-udp", "0:0:0:0:0:0:0:1", 53), PortForward.parse("dns-udp:[::1]:53"));
    }

    @Test
    void refusesWhatIsNoPortForward() {
        assertMessage("--port=http: expected NAME:[HOSTIP:]HOSTPORT", "http");
        assertMessage("--port=:80: expected NAME:[HOSTIP:]HOSTPORT", ":80");
        assertMessage("--port=http:99999: the host port must be a number from 1 to 65535", "http:99999");
        assertMessage("--port=http:x: the host port must be a number from 1 to 65535", "http:x");
        assertMessage("--port=http:localhost:80: \"localhost\" is not an IP address", "http:localhost:80");
        assertMessage("--port=HTTP:80: \"HTTP\" is not a port name (an AC Name, as in the image manifest)", "HTTP:80");
    }

    @Test
    void mapsToTheFirstAppWithThePortAndSpansItsCount() {
        Map<String, List<ImageManifest.Port>> apps = new LinkedHashMap<>();
        apps.put("front", List.of(new ImageManifest.Port("http", "tcp", 80, 1, false)));
        apps.put("back", List.of(new ImageManifest.Port("http", "tcp", 8080, 1, false),
            new ImageManifest.Port("rtp", "udp", 5000, 3, false)));
        List<PortForward.Mapping> m = PortForward.resolve(
            List.of(PortForward.parse("http:127.0.0.1:18080"), PortForward.parse("rtp:15000")), apps);
        assertEquals(List.of(new PortForward.Mapping(18080, 80, "tcp", "127.0.0.1"), new PortForward.Mapping(15000, 5000, "udp", null),
            new PortForward.Mapping(15001, 5001, "udp", null), new PortForward.Mapping(15002, 5002, "udp", null)), m);
    }

    @Test
    void aPortNoAppHasOrAHostPortUsedTwiceIsAnError() {
        Map<String, List<ImageManifest.Port>> apps = Map.of("web", List.of(new ImageManifest.Port("http", "tcp", 80, 1, false)));
        JrktException unknown = assertThrows(JrktException.class, () -> PortForward.resolve(List.of(PortForward.parse("https:443")), apps));
        assertEquals("--port=https:443: no app has a port named https; ports: http (web)", unknown.getMessage());
        JrktException twice = assertThrows(JrktException.class,
            () -> PortForward.resolve(List.of(PortForward.parse("http:8080"), PortForward.parse("http:127.0.0.1:8080")), apps));
        assertEquals("--port: host port 8080/tcp is forwarded twice", twice.getMessage());
    }

    private static void assertMessage(String expected, String value) {
        assertEquals(expected, assertThrows(JrktException.class, () -> PortForward.parse(value)).getMessage());
    }
}
