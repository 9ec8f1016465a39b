package jrkt.core.image.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Base64;
import java.util.Map;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;

/** Which URL goes through which proxy, as the environment says; and what a bad variable says. */
class ProxiesTest {
    private static String via(Proxies p, String url) {
        Proxies.Proxy proxy = p.forUri(URI.create(url));
        return proxy == null ? "direct" : proxy.host() + ":" + proxy.port();
    }

    @Test void httpsAndHttpUrlsTakeTheirOwnVariableAndNoVariableMeansNoProxy() {
        Proxies p = Proxies.of(Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "http_proxy", "plain.corp:8080"));
        assertEquals("proxy.corp:3128", via(p, "https://registry.example.com/v2/"));
        assertEquals("plain.corp:8080", via(p, "http://images.example.com/a.aci"));
        assertEquals("direct", via(Proxies.of(Map.of("HTTPS_PROXY", "proxy.corp:3128")), "http://images.example.com/a.aci"));
        assertTrue(Proxies.of(Map.of()).none());
        assertTrue(Proxies.of(Map.of("HTTPS_PROXY", "  ")).none(), "an empty variable names no proxy");
        assertEquals("direct", via(Proxies.of(Map.of()), "https://registry.example.com/"));
        assertEquals("80", via(Proxies.of(Map.of("HTTP_PROXY", "http://proxy.corp")), "http://x.example/").split(":")[1], "http's port");
    }

    @Test void theUpperCaseVariableWins() {
        Proxies p = Proxies.of(Map.of("HTTPS_PROXY", "upper:1", "https_proxy", "lower:2"));
        assertEquals("upper:1", via(p, "https://registry.example.com/"));
        assertEquals("lower:2", via(Proxies.of(Map.of("https_proxy", "lower:2")), "https://registry.example.com/"));
    }

    @Test void loopbackAndLocalhostAreNeverProxied() {
        Proxies p = Proxies.of(Map.of("HTTPS_PROXY", "proxy:3128", "HTTP_PROXY", "proxy:3128"));
        for (String url : new String[] {"http://127.0.0.1:5000/v2/", "https://127.9.9.9/", "https://[::1]:5000/", "https://localhost:5000/",
                "https://LOCALHOST./", "http://registry.localhost/"}) {
            assertEquals("direct", via(p, url), url);
        }
        assertEquals("proxy:3128", via(p, "https://10.0.0.1/"));
    }

    @Test void noProxyMatchesDomainsAndTheirSubdomainsAddressesBlocksAndPorts() {
        Proxies p = Proxies.of(Map.of("HTTPS_PROXY", "proxy:3128",
            "NO_PROXY", " internal.corp, .svc.local ,*.lab.example, 10.0.0.0/8, 192.168.1.7, [fd00::1]:5000, mirror.example:5000"));
        assertEquals("direct", via(p, "https://internal.corp/"));
        assertEquals("direct", via(p, "https://registry.internal.corp:5000/"));
        assertEquals("proxy:3128", via(p, "https://notinternal.corp/"), "a suffix is a domain, not a string");
        assertEquals("direct", via(p, "https://svc.local/"));
        assertEquals("direct", via(p, "https://a.b.svc.local/"));
        assertEquals("direct", via(p, "https://x.lab.example/"));
        assertEquals("direct", via(p, "https://10.200.3.4/"));
        assertEquals("proxy:3128", via(p, "https://11.0.0.1/"));
        assertEquals("direct", via(p, "https://192.168.1.7/"));
        assertEquals("proxy:3128", via(p, "https://192.168.1.8/"));
        assertEquals("direct", via(p, "https://[fd00::1]:5000/"));
        assertEquals("proxy:3128", via(p, "https://[fd00::1]/"), "another port");
        assertEquals("direct", via(p, "https://mirror.example:5000/"));
        assertEquals("proxy:3128", via(p, "https://mirror.example/"));
        assertEquals("direct", via(Proxies.of(Map.of("HTTPS_PROXY", "proxy:3128", "no_proxy", "*")), "https://anything.example/"));
    }

    @Test void credentialsBecomeBasicProxyAuthorizationAndStayOutOfNames() {
        Proxies.Proxy p = Proxies.of(Map.of("HTTPS_PROXY", "http://ops%40corp:p%3Ass@proxy.corp:3128/")).forUri(URI.create("https://r.example/"));
        assertEquals("Basic " + Base64.getEncoder().encodeToString("ops@corp:p:ss".getBytes()), p.authorization());
        assertEquals("http://proxy.corp:3128 (HTTPS_PROXY)", p.name());
        assertFalse(p.name().contains("p:ss"));
        assertNull(Proxies.of(Map.of("HTTPS_PROXY", "proxy.corp:3128")).forUri(URI.create("https://r.example/")).authorization());
    }

    @Test void aBadVariableIsNamedWithoutItsPassword() {
        JrktException socks = assertThrows(JrktException.class, () -> Proxies.of(Map.of("HTTPS_PROXY", "socks5://u:secret@proxy:1080")));
        assertEquals("HTTPS_PROXY socks5://***@proxy:1080: jrkt reaches proxies over http:// only, not socks5://", socks.getMessage());
        JrktException path = assertThrows(JrktException.class, () -> Proxies.of(Map.of("http_proxy", "http://proxy:3128/some/path")));
        assertTrue(path.getMessage().startsWith("http_proxy http://proxy:3128/some/path: "), path.getMessage());
        JrktException port = assertThrows(JrktException.class, () -> Proxies.of(Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY", "a.example:99999")));
        assertEquals("NO_PROXY entry a.example:99999: a bad port", port.getMessage());
        JrktException prefix = assertThrows(JrktException.class, () -> Proxies.of(Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY", "10.0.0.0/33")));
        assertEquals("NO_PROXY entry 10.0.0.0/33: a bad prefix length", prefix.getMessage());
    }
}
