package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.HostNetwork;
import jrkt.it.support.Jrkt;
import jrkt.it.support.OciLayoutBuilder;
import jrkt.it.support.PodEnv;
import jrkt.it.support.TestRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetches through an HTTP proxy named by HTTPS_PROXY / HTTP_PROXY (Debian's tinyproxy), with
 * NO_PROXY. All of it in a network namespace of the test's own, where 10.99.0.1 (on its lo) is
 * the registry's and the web server's address: loopback addresses are never proxied, so the
 * registry must not be on one. jrkt runs in that namespace as if it were the host.
 */
class RegistryProxyTest {
    static final String ADDRESS = "10.99.0.1";

    @TempDir Path tmp;
    PodEnv env;
    HostNetwork.Namespace ns;
    TestRegistry registry;
    final List<Process> servers = new ArrayList<>();
    Path layout, proxyLog;

    @BeforeEach
    void setUp() throws Exception {
        env = new PodEnv(tmp);
        ns = HostNetwork.privateNamespace();
        ns.exec("ip", "addr", "add", ADDRESS + "/32", "dev", "lo");
        layout = OciLayoutBuilder.helloImage(tmp.resolve("layout"), "hello through the proxy\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : servers) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (registry != null) registry.close();
        env.close();
        ns.close();
    }

    /** tinyproxy on 127.0.0.1:3128 of the namespace, in the foreground, its log in proxyLog; credentials: "user password" or null. */
    private void startProxy(String credentials) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("proxy"));
        proxyLog = dir.resolve("proxy.log");
        Files.writeString(dir.resolve("tinyproxy.conf"), "User nobody\nGroup nogroup\nPort 3128\nListen 127.0.0.1\nTimeout 60\n"
            + "LogLevel Info\nMaxClients 20\nAllow 127.0.0.1\n" + (credentials == null ? "" : "BasicAuth " + credentials + "\n"));
        Process p = new ProcessBuilder(ns.wrap("tinyproxy", "-d", "-c", dir.resolve("tinyproxy.conf").toString()))
            .redirectErrorStream(true).redirectOutput(proxyLog.toFile()).start();
        servers.add(p);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!Files.readString(proxyLog).contains("Accepting connections")) {
            if (!p.isAlive() || Instant.now().isAfter(deadline)) throw new AssertionError("tinyproxy did not start: " + Files.readString(proxyLog));
            Thread.sleep(50);
        }
    }

    private String proxyLog() throws IOException { return Files.readString(proxyLog); }

    private Jrkt jrkt() { return env.jrkt().in(ns); }

    private static void assertOneLineRefusal(Jrkt.Result r, String... parts) {
        assertEquals(254, r.exitCode(), r.toString());
        String err = r.stderr().strip();
        assertEquals(1, err.lines().count(), err);
        for (String part : parts) assertTrue(err.contains(part), "'" + part + "' in: " + err);
    }

    private void assertNothingStored() {
        assertEquals("", env.run("image", "list", "--no-legend").expectSuccess().out());
    }

    @Test
    void aTlsRegistryIsReachedThroughTheProxysTunnelWithTheCredentialsOfTheProxyUrl() throws Exception {
        registry = TestRegistry.inNetns(tmp.resolve("registry"), ns, ADDRESS, true);
        registry.push(layout, "1", "team/app:1");
        startProxy("ops s3cret");
        String image = "docker://" + registry.host() + "/team/app:1";
        Jrkt trusting = jrkt().withEnv("SSL_CERT_FILE", registry.caPem().toString());

        Jrkt.Result wrong = trusting.withEnv("HTTPS_PROXY", "http://ops:guess@127.0.0.1:3128").run("fetch", image);
        assertOneLineRefusal(wrong, image, "the proxy http://127.0.0.1:3128 (HTTPS_PROXY) refused a tunnel to " + registry.host());
        assertFalse(wrong.stderr().contains("guess"), "the password stays out of messages: " + wrong);
        assertNothingStored();

        String id = trusting.withEnv("HTTPS_PROXY", "http://ops:s3cret@127.0.0.1:3128").run("fetch", image).expectSuccess().out();
        assertTrue(proxyLog().contains("CONNECT " + registry.host()), proxyLog());
        assertEquals("hello through the proxy", env.run("run", id).expectSuccess().out());
    }

    @Test
    void aPlainHttpRegistryIsAskedThroughTheProxyAndNoProxyGoesAroundIt() throws Exception {
        registry = TestRegistry.inNetns(tmp.resolve("registry"), ns, ADDRESS, false);
        registry.push(layout, "1", "team/app:1");
        String image = "docker://" + registry.host() + "/team/app:1";

        // nothing listens on port 9: only NO_PROXY gets the fetch through
        Jrkt nowhere = jrkt().withEnv("HTTP_PROXY", "http://127.0.0.1:9");
        assertOneLineRefusal(nowhere.run("--insecure-options=http", "fetch", image), image,
            "cannot reach the proxy http://127.0.0.1:9 (HTTP_PROXY)");
        assertNothingStored();
        nowhere.withEnv("NO_PROXY", "example.com, 10.99.0.0/16").run("--insecure-options=http", "fetch", image).expectSuccess();

        startProxy(null);
        jrkt().withEnv("http_proxy", "127.0.0.1:3128").run("--insecure-options=http", "fetch", "--pull-policy=update", image)
            .expectSuccess();
        assertTrue(proxyLog().contains("GET http://" + registry.host() + "/v2/"), proxyLog());
        assertEquals("hello through the proxy", env.run("run", "--pull-policy=never", image).expectSuccess().out());
    }

    @Test
    void anAciOverHttpComesThroughTheProxyAndAMalformedProxyIsNamed() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        AciBuilder.busybox("example.com/proxied", "1.0", "/bin/echo", "proxied aci").write(site.resolve("app.aci"));
        Process httpd = new ProcessBuilder(ns.wrap("busybox", "httpd", "-f", "-p", ADDRESS + ":80", "-h", site.toString()))
            .redirectErrorStream(true).redirectOutput(tmp.resolve("httpd.log").toFile()).start();
        servers.add(httpd);
        startProxy(null);
        String url = "http://" + ADDRESS + "/app.aci";

        Jrkt.Result socks = jrkt().withEnv("HTTP_PROXY", "socks5://127.0.0.1:1080").run("--insecure-options=http,image", "fetch", url);
        assertOneLineRefusal(socks, "HTTP_PROXY socks5://127.0.0.1:1080: jrkt reaches proxies over http:// only");
        assertNothingStored();

        // the web server may still be starting: the fetch is retried for a while
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        Jrkt.Result fetched;
        do {
            fetched = jrkt().withEnv("HTTP_PROXY", "http://127.0.0.1:3128").run("--insecure-options=http,image", "fetch", url);
        } while (fetched.exitCode() != 0 && Instant.now().isBefore(deadline) && sleep());
        String id = fetched.expectSuccess().out();
        assertTrue(proxyLog().contains("GET " + url), proxyLog());
        assertEquals("proxied aci", env.run("run", id).expectSuccess().out());
    }

    @Test
    void anAciOverHttpsAndOverHttpGoesThroughAProxyThatWantsCredentialsWithThoseOfTheProxyUrl() throws Exception {
        // the registry only makes the TLS certificate for 10.99.0.1; the ACI is served by a small
        // https server of Python's, which writes down the headers it was sent
        registry = TestRegistry.inNetns(tmp.resolve("registry"), ns, ADDRESS, true);
        Path site = Files.createDirectories(tmp.resolve("site"));
        AciBuilder.busybox("example.com/guarded", "1.0", "/bin/echo", "guarded aci").write(site.resolve("app.aci"));
        Path headers = tmp.resolve("headers.log");
        String server = String.join("\n",
            "import http.server, ssl, sys",
            "class H(http.server.SimpleHTTPRequestHandler):",
            "    def do_GET(self):",
            "        open(sys.argv[2], 'a').write(str(self.headers))",
            "        super().do_GET()",
            "    def log_message(self, *a): pass",
            "s = http.server.ThreadingHTTPServer(('" + ADDRESS + "', int(sys.argv[1])), lambda *a: H(*a, directory=sys.argv[3]))",
            "if sys.argv[1] == '8443':",
            "    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(sys.argv[4], sys.argv[5])",
            "    s.socket = c.wrap_socket(s.socket, server_side=True)",
            "s.serve_forever()");
        for (String port : List.of("8443", "8080")) {
            servers.add(new ProcessBuilder(ns.wrap("python3", "-c", server, port, headers.toString(), site.toString(),
                registry.dir().resolve("server.pem").toString(), registry.dir().resolve("server.key").toString()))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("web-" + port + ".log").toFile()).start());
        }
        startProxy("ops s3cret");
        String https = "https://" + ADDRESS + ":8443/app.aci", http = "http://" + ADDRESS + ":8080/app.aci";
        Jrkt trusting = jrkt().withEnv("SSL_CERT_FILE", registry.caPem().toString());

        Jrkt.Result wrong = trusting.withEnv("HTTPS_PROXY", "http://ops:guess@127.0.0.1:3128").run("--insecure-options=image", "fetch", https);
        assertOneLineRefusal(wrong, https, "http://127.0.0.1:3128 (HTTPS_PROXY)", "(check the credentials in the proxy URL)");
        assertFalse(wrong.stderr().contains("guess"), "the password stays out of messages: " + wrong);
        Jrkt.Result none = jrkt().withEnv("HTTP_PROXY", "http://127.0.0.1:3128").run("--insecure-options=http,image", "fetch", http);
        assertOneLineRefusal(none, http, "the proxy http://127.0.0.1:3128 (HTTP_PROXY) refused the request for " + http,
            "(it wants credentials: user:password@ in the proxy URL)");
        assertNothingStored();

        // the web servers may still be starting: the first fetch is retried for a while
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        Jrkt.Result fetched;
        do {
            fetched = trusting.withEnv("HTTPS_PROXY", "http://ops:s3cret@127.0.0.1:3128").run("--insecure-options=image", "fetch", https);
        } while (fetched.exitCode() != 0 && Instant.now().isBefore(deadline) && sleep());
        String id = fetched.expectSuccess().out();
        assertTrue(proxyLog().contains("CONNECT " + ADDRESS + ":8443"), proxyLog());
        assertEquals("guarded aci", env.run("run", id).expectSuccess().out());
        jrkt().withEnv("http_proxy", "http://ops:s3cret@127.0.0.1:3128").run("--insecure-options=http,image", "fetch", http)
            .expectSuccess();
        assertTrue(proxyLog().contains("GET " + http), proxyLog());
        String seen = Files.readString(headers);
        assertTrue(seen.contains("User-Agent: jrkt"), seen);
        assertFalse(seen.toLowerCase(java.util.Locale.ROOT).contains("proxy-authorization"), "the credentials are the proxy's alone: " + seen);
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }
}
