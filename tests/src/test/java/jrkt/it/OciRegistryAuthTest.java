package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import jrkt.it.support.FaultyProxy;
import jrkt.it.support.Jrkt;
import jrkt.it.support.OciLayoutBuilder;
import jrkt.it.support.PodEnv;
import jrkt.it.support.TestRegistry;
import jrkt.it.support.TokenServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registries that want credentials (htpasswd Basic auth; Bearer tokens from a token server) and
 * registries or networks that fail: 500, a connection cut in the middle of a layer, a blob sent
 * elsewhere by a redirect. Every failure is one line naming the image and the step, exit 254,
 * nothing half-stored; a retry reuses what arrived whole.
 */
class OciRegistryAuthTest {
    @TempDir Path tmp;
    PodEnv env;
    Path layout;
    Path config;
    final List<AutoCloseable> servers = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        env = new PodEnv(tmp);
        layout = OciLayoutBuilder.helloImage(tmp.resolve("layout"), "secret hello\n");
        config = Files.createDirectories(env.data().resolve("etc")); // the test jrkt's --local-config
    }

    @AfterEach
    void tearDown() throws Exception {
        env.close();
        for (AutoCloseable s : servers) s.close();
    }

    private <T extends AutoCloseable> T keep(T server) { servers.add(server); return server; }

    private void authFile(String registry, String user, String password) throws Exception {
        Files.createDirectories(config.resolve("auth.d"));
        Files.writeString(config.resolve("auth.d/test.json"), "{\"rktKind\":\"dockerAuth\",\"rktVersion\":\"v1\",\"registries\":[\""
            + registry + "\"],\"credentials\":{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}}");
    }

    private Jrkt.Result fetch(String host) {
        return env.run("--insecure-options=http", "fetch", "docker://" + host + "/team/app:1");
    }

    private static void assertOneLineError(Jrkt.Result r, String... mentions) {
        assertEquals(254, r.exitCode(), r.toString());
        String err = r.stderr().strip();
        assertEquals(1, err.lines().count(), err);
        for (String m : mentions) assertTrue(err.contains(m), "expected '" + m + "' in: " + err);
    }

    @Test
    void basicAuthUsesTheCredentialsOfAuthD() throws Exception {
        TestRegistry registry = keep(TestRegistry.basic(tmp.resolve("registry"), "alice", "s3cret"));
        registry.push(layout, "1", "team/app:1", "alice", "s3cret");
        assertOneLineError(fetch(registry.host()), "team/app:1", "fetching the manifest", "Basic", "auth.d");
        authFile(registry.host(), "alice", "wrong");
        assertOneLineError(fetch(registry.host()), "401", "refused");
        authFile(registry.host(), "alice", "s3cret");
        String id = fetch(registry.host()).expectSuccess().out();
        assertEquals("secret hello", env.run("run", id).expectSuccess().out());
    }

    @Test
    void bearerTokensComeFromTheTokenServerTheChallengeNames() throws Exception {
        TokenServer tokens = keep(new TokenServer(tmp.resolve("token"), "bob", "pw"));
        TestRegistry registry = keep(TestRegistry.token(tmp.resolve("registry"), tokens.realm(), TokenServer.SERVICE,
            TokenServer.ISSUER, tokens.certPem()));
        registry.push(layout, "1", "team/app:1", "bob", "pw");
        assertOneLineError(fetch(registry.host()), "token server", "401");
        authFile(registry.host(), "bob", "pw");
        int before = tokens.issued.get();
        String id = fetch(registry.host()).expectSuccess().out();
        assertTrue(tokens.issued.get() > before);
        assertEquals("secret hello", env.run("run", id).expectSuccess().out());
    }

    @Test
    void aRedirectToBlobStorageGetsNoCredentials() throws Exception {
        TestRegistry registry = keep(TestRegistry.basic(tmp.resolve("registry"), "alice", "s3cret"));
        registry.push(layout, "1", "team/app:1", "alice", "s3cret");
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        FaultyProxy proxy = keep(new FaultyProxy(registry.host()).upstreamAuthorization(basic)
            .rule(path -> path.contains("/blobs/") ? FaultyProxy.Action.REDIRECT : FaultyProxy.Action.FORWARD));
        authFile(proxy.host(), "alice", "s3cret");
        String id = fetch(proxy.host()).expectSuccess().out();
        assertEquals("secret hello", env.run("run", id).expectSuccess().out());
        assertFalse(proxy.storageRequests.isEmpty());
        for (String request : proxy.storageRequests) assertTrue(request.endsWith(" none"), request);
    }

    @Test
    void aRegistryAnswering500IsOneLineNamingTheStep() throws Exception {
        TestRegistry registry = keep(TestRegistry.anonymous(tmp.resolve("registry")));
        registry.push(layout, "1", "team/app:1");
        FaultyProxy proxy = keep(new FaultyProxy(registry.host())
            .rule(path -> path.contains("/manifests/") ? FaultyProxy.Action.STATUS_500 : FaultyProxy.Action.FORWARD));
        assertOneLineError(fetch(proxy.host()), "image docker://" + proxy.host() + "/team/app:1", "fetching the manifest", "500",
            "the disk is on fire");
    }

    @Test
    void aConnectionCutInTheMiddleOfALayerKeepsNothingOfItAndTheRetryFetchesOnlyWhatIsMissing() throws Exception {
        TestRegistry registry = keep(TestRegistry.anonymous(tmp.resolve("registry")));
        registry.push(layout, "1", "team/app:1");
        List<String> blobRequests = new java.util.concurrent.CopyOnWriteArrayList<>();
        String busyboxLayer = bottomLayerDigest();
        FaultyProxy proxy = keep(new FaultyProxy(registry.host()).rule(path -> {
            if (path.contains("/blobs/")) blobRequests.add(path);
            return path.endsWith(busyboxLayer) ? FaultyProxy.Action.CUT : FaultyProxy.Action.FORWARD;
        }));
        assertOneLineError(fetch(proxy.host()), "image docker://" + proxy.host() + "/team/app:1", "layer 1 of 2");
        assertEquals("", env.run("image", "list", "--no-legend").expectSuccess().out());
        try (Stream<Path> t = Files.list(env.data().resolve("cas/tmp"))) {
            assertEquals(List.of(), t.toList(), "nothing half-stored");
        }
        proxy.rule(path -> {
            if (path.contains("/blobs/")) blobRequests.add(path);
            return FaultyProxy.Action.FORWARD;
        });
        blobRequests.clear();
        String id = fetch(proxy.host()).expectSuccess().out();
        assertEquals("secret hello", env.run("run", id).expectSuccess().out());
        // the config and the cut layer again; the other layer arrived whole the first time
        assertEquals(2, blobRequests.size(), blobRequests.toString());
        assertTrue(blobRequests.stream().anyMatch(p -> p.endsWith(busyboxLayer)), blobRequests.toString());
    }

    private String bottomLayerDigest() throws Exception {
        String index = Files.readString(layout.resolve("index.json"));
        String manifestDigest = OciLayoutBuilder.digestOf(index.substring(index.indexOf('[') + 1));
        String manifest = Files.readString(layout.resolve("blobs/sha256/" + manifestDigest.substring(7)));
        String layers = manifest.substring(manifest.indexOf("\"layers\""));
        return OciLayoutBuilder.digestOf(layers);
    }
}
