package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * appc discovery from local pages: a network namespace of the test's own, where busybox httpd
 * serves the discovery pages and the images on 127.0.0.1:80 (discovery URLs have no port), and
 * jrkt fetches in that namespace. The namespace and the server are gone after each test.
 */
class DiscoveryTest {
    @TempDir Path tmp;
    String netns;
    Process httpd;
    Path site;

    @BeforeEach
    void setUp() throws Exception {
        netns = "jrkt-disc-" + Long.toHexString(System.nanoTime());
        run("ip", "netns", "add", netns);
        run("ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up");
        site = Files.createDirectories(tmp.resolve("site"));
        httpd = new ProcessBuilder("ip", "netns", "exec", netns, "busybox", "httpd", "-f", "-p", "127.0.0.1:80", "-h", site.toString())
            .redirectErrorStream(true).redirectOutput(tmp.resolve("httpd.log").toFile()).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (httpd != null) {
            httpd.destroy();
            httpd.waitFor(10, TimeUnit.SECONDS);
        }
        run("ip", "netns", "del", netns);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError(String.join(" ", cmd) + ": " + out);
    }

    /** jrkt in the test's network namespace. */
    private Jrkt.Result jrkt(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns, Jrkt.LAUNCHER.toString(), "--dir=" + tmp.resolve("data"),
            "--local-config=" + tmp.resolve("data/etc")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes()), err = new String(p.getErrorStream().readAllBytes());
        p.waitFor(5, TimeUnit.MINUTES);
        return new Jrkt.Result(p.exitValue(), out, err);
    }

    private static String meta(String prefix, String template) {
        return "<html><head><meta name=\"ac-discovery\" content=\"" + prefix + " " + template + "\"></head></html>\n";
    }

    @Test
    void aNameIsFoundThroughItsMetaTagAndItsDependencyThroughTheParentPath() throws Exception {
        Path images = Files.createDirectories(site.resolve("images/127.0.0.1"));
        AciBuilder.busybox("127.0.0.1/base", "1.0").write(images.resolve("base-1.0-linux-amd64.aci"));
        AciBuilder.named("127.0.0.1/app").label("version", "2.0").label("os", "linux").label("arch", "amd64")
            .dependency("127.0.0.1/base", null, "version=1.0").dir("rootfs", 0755).file("rootfs/hello", "hello discovered\n")
            .app(new String[] {"/bin/cat", "/hello"}, "0", "0").write(images.resolve("app-2.0-linux-amd64.aci"));
        // the app's own page; the base image only from the host's page, one path up
        Files.writeString(site.resolve("app"), meta("127.0.0.1/app", "http://127.0.0.1/images/{name}-{version}-{os}-{arch}.{ext}"));
        Files.writeString(site.resolve("index.html"), meta("127.0.0.1", "http://127.0.0.1/images/{name}-{version}-{os}-{arch}.{ext}"));

        Jrkt.Result r = jrkt("--insecure-options=http,image", "fetch", "127.0.0.1/app:2.0");
        assertEquals(0, r.exitCode(), r.toString());
        String list = jrkt("image", "list", "--no-legend", "--fields=name,version").stdout();
        assertTrue(list.contains("127.0.0.1/app   2.0") || list.contains("127.0.0.1/app  2.0"), list);
        assertTrue(list.contains("127.0.0.1/base"), "the dependency was fetched too: " + list);
        Jrkt.Result run = new Jrkt(tmp.resolve("data")).run("run", "127.0.0.1/app:2.0").expectSuccess();
        assertEquals("hello discovered", run.out());
    }

    @Test
    void keysFoundByDiscoveryAreTrustedAndThenCheckTheDiscoveredSignature() throws Exception {
        try (jrkt.it.support.TestGpg gpg = new jrkt.it.support.TestGpg(tmp.resolve("gnupg"))) {
            gpg.newKey("Discovered <d@example.com>");
            Path images = Files.createDirectories(site.resolve("images/127.0.0.1"));
            Path aci = AciBuilder.busybox("127.0.0.1/signed", "1.0", "/bin/echo", "signed").write(images.resolve("signed-1.0-linux-amd64.aci"));
            gpg.sign("d@example.com", aci);
            gpg.exportKey("d@example.com", site.resolve("pubkeys.gpg"));
            Files.writeString(site.resolve("signed"), "<html><head>"
                + "<meta name=\"ac-discovery\" content=\"127.0.0.1/signed http://127.0.0.1/images/{name}-{version}-{os}-{arch}.{ext}\">"
                + "<meta name=\"ac-discovery-pubkeys\" content=\"127.0.0.1/signed http://127.0.0.1/pubkeys.gpg\">"
                + "</head></html>\n");
            Jrkt.Result refused = jrkt("--insecure-options=http", "fetch", "127.0.0.1/signed:1.0");
            assertEquals(254, refused.exitCode(), refused.toString());
            assertTrue(refused.stderr().contains("not trusted for 127.0.0.1/signed"), refused.stderr());
            Jrkt.Result trusted = jrkt("--insecure-options=http", "trust", "--prefix", "127.0.0.1/signed", "--skip-fingerprint-review");
            assertEquals(0, trusted.exitCode(), trusted.toString());
            Jrkt.Result fetched = jrkt("--insecure-options=http", "fetch", "127.0.0.1/signed:1.0");
            assertEquals(0, fetched.exitCode(), fetched.toString());
        }
    }

    @Test
    void aNameNoPageDescribesIsOneLineNamingWhatWasTried() throws Exception {
        Jrkt.Result r = jrkt("--insecure-options=http,image", "fetch", "127.0.0.1/nothing:1.0");
        assertEquals(254, r.exitCode(), r.toString());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        assertTrue(r.stderr().contains("127.0.0.1/nothing") && r.stderr().contains("ac-discovery"), r.stderr());
    }
}
