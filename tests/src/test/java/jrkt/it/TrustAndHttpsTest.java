package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import jrkt.it.support.TestGpg;
import jrkt.it.support.TestHttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACIs over HTTPS from a local server whose certificate comes from a test CA, signed with gpg:
 * a key trusted for the image's prefix, a root key, an untrusted key, a tampered image, a
 * missing signature; and the pull policies with ETag and Cache-Control.
 */
class TrustAndHttpsTest {
    @TempDir static Path shared;
    static TestGpg gpg;
    static TestHttpsServer https;
    static Path prefixKey, rootKey, strangerKey;

    @TempDir Path tmp;
    PodEnv env;
    Jrkt jrkt;

    @BeforeAll
    static void keysAndServer() throws Exception {
        gpg = new TestGpg(shared.resolve("gnupg"));
        gpg.newKey("Prefix Signer <prefix@example.com>");
        gpg.newKey("Root Signer <root@example.com>");
        gpg.newKey("Stranger <stranger@example.com>");
        prefixKey = gpg.exportKey("prefix@example.com", shared.resolve("prefix.asc"));
        rootKey = gpg.exportKey("root@example.com", shared.resolve("root.asc"));
        strangerKey = gpg.exportKey("stranger@example.com", shared.resolve("stranger.asc"));
        https = new TestHttpsServer(shared.resolve("https"));
    }

    @AfterAll
    static void stop() {
        if (https != null) https.close();
        if (gpg != null) gpg.close();
    }

    @BeforeEach
    void setUp() { env = new PodEnv(tmp); jrkt = env.jrkt().withEnv("SSL_CERT_FILE", https.caPem().toString()); }

    @AfterEach
    void tearDown() { env.close(); }

    /** An ACI named name, signed by signer (null: unsigned), served at /NAME.aci. */
    private String serve(String name, String signer) throws Exception {
        String file = name.replace('/', '_') + ".aci";
        Path aci = AciBuilder.busybox(name, "1.0", "/bin/echo", "hello " + name).write(tmp.resolve(file));
        https.put("/" + file, aci);
        if (signer != null) https.put("/" + file + ".asc", gpg.sign(signer, aci));
        else https.remove("/" + file + ".asc");
        return https.url("/" + file);
    }

    private static void assertOneLineError(Jrkt.Result r, String... mentions) {
        assertEquals(254, r.exitCode(), r.toString());
        String err = r.stderr().strip();
        assertEquals(1, err.lines().count(), err);
        for (String m : mentions) assertTrue(err.contains(m), "expected '" + m + "' in: " + err);
    }

    @Test
    void aKeyTrustedForThePrefixOrARootKeyLetsASignedImageIn() throws Exception {
        String url = serve("example.com/app/web", "prefix@example.com");
        assertOneLineError(jrkt.run("fetch", url), "not trusted for example.com/app/web", "jrkt trust");

        Jrkt.Result review = jrkt.runWithStdin("no\n", "trust", "--prefix", "example.com/app", prefixKey.toString());
        assertEquals(254, review.exitCode());
        assertTrue(review.stdout().contains("Key fingerprint:"), review.stdout());
        jrkt.runWithStdin("yes\n", "trust", "--prefix", "example.com/app", prefixKey.toString()).expectSuccess();
        String id = jrkt.run("fetch", url).expectSuccess().out();
        assertEquals("hello example.com/app/web", jrkt.run("run", id).expectSuccess().out());

        String other = serve("example.org/tool", "root@example.com");
        assertOneLineError(jrkt.run("fetch", other), "not trusted for example.org/tool");
        jrkt.run("trust", "--root", "--skip-fingerprint-review", rootKey.toString()).expectSuccess();
        jrkt.run("fetch", other).expectSuccess();
        assertTrue(Files.isDirectory(env.data().resolve("etc/trustedkeys/root.d")));
    }

    @Test
    void anUntrustedSignerATamperedImageAndAMissingSignatureAreRefusedAndNothingIsStored() throws Exception {
        jrkt.run("trust", "--prefix", "example.com", "--skip-fingerprint-review", prefixKey.toString()).expectSuccess();
        assertOneLineError(jrkt.run("fetch", serve("example.com/a", "stranger@example.com")), "not trusted", "example.com/a");
        String url = serve("example.com/b", "prefix@example.com");
        Path tampered = AciBuilder.busybox("example.com/b", "1.0", "/bin/echo", "evil").write(tmp.resolve("evil.aci"));
        https.put("/example.com_b.aci", tampered);
        assertOneLineError(jrkt.run("fetch", url), "does not match");
        assertOneLineError(jrkt.run("fetch", serve("example.com/c", null)), "no signature at " + url.replace("_b", "_c") + ".asc", "insecure-options=image");
        assertEquals("", jrkt.run("image", "list", "--no-legend").expectSuccess().out());
        jrkt.run("--insecure-options=image", "fetch", url).expectSuccess();
    }

    @Test
    void aLocalFileWithASignatureBesideItIsChecked() throws Exception {
        Path aci = AciBuilder.busybox("example.com/local", "1.0", "/bin/true").write(tmp.resolve("local.aci"));
        jrkt.run("fetch", aci.toString()).expectSuccess(); // no signature: the user's own file
        Path other = AciBuilder.busybox("example.com/local2", "1.0", "/bin/true").write(tmp.resolve("local2.aci"));
        Path asc = gpg.sign("stranger@example.com", other);
        assertOneLineError(jrkt.run("fetch", other.toString()), "not trusted");
        jrkt.run("trust", "--prefix", "example.com/local2", "--skip-fingerprint-review", strangerKey.toString()).expectSuccess();
        Files.move(asc, tmp.resolve("elsewhere.asc"));
        jrkt.run("fetch", "--signature", tmp.resolve("elsewhere.asc").toString(), other.toString()).expectSuccess();
    }

    @Test
    void updateAsksWithTheEtagAndReusesTheImageOn304AndMaxAgeSkipsTheRequest() throws Exception {
        String url = serve("example.com/cached", null);
        https.cacheControl("no-cache");
        String id = jrkt.run("--insecure-options=image", "fetch", url).expectSuccess().out();
        https.requests.clear();
        assertEquals(id, jrkt.run("--insecure-options=image", "fetch", "--pull-policy=update", url).expectSuccess().out());
        assertEquals(List.of("304 /example.com_cached.aci"), https.requests);

        https.cacheControl("max-age=3600");
        jrkt.run("--insecure-options=image", "fetch", "--pull-policy=update", url).expectSuccess(); // records the max-age
        https.requests.clear();
        assertEquals(id, jrkt.run("--insecure-options=image", "fetch", url).expectSuccess().out());
        assertEquals(List.of(), https.requests, "within max-age the server is not asked");
        assertEquals(id, jrkt.run("--insecure-options=image", "fetch", "--pull-policy=never", url).expectSuccess().out());
        assertOneLineError(jrkt.run("fetch", "--pull-policy=never", https.url("/nothing.aci")), "never");
    }

    @Test
    void withoutTheTestCaTheCertificateIsRefusedAndPlainHttpNeedsTheInsecureOption() throws Exception {
        String url = serve("example.com/tls", null);
        assertOneLineError(env.run("--insecure-options=image", "fetch", url), "TLS");
        env.run("--insecure-options=image,tls", "fetch", url).expectSuccess();
        assertOneLineError(env.run("fetch", url.replace("https:", "http:")), "--insecure-options=http");
        assertFalse(url.isEmpty());
    }
}
