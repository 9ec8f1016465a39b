package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import jrkt.it.support.FaultyProxy;
import jrkt.it.support.Jrkt;
import jrkt.it.support.OciLayoutBuilder;
import jrkt.it.support.OciLayoutBuilder.Layer;
import jrkt.it.support.PodEnv;
import jrkt.it.support.TcpRelay;
import jrkt.it.support.TestRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connections of a pull: jrkt keeps its connections to a registry open and reuses them
 * (keep-alive), replaces one the registry closed while it was idle, and reads bodies in chunked
 * transfer encoding. The registry is Debian's docker-registry; a TCP relay in front of it counts
 * connections and requests, or drops reused connections.
 */
class RegistryConnectionsTest {
    @TempDir Path tmp;
    PodEnv env;
    TestRegistry registry;

    @BeforeEach
    void setUp() throws Exception {
        env = new PodEnv(tmp);
        registry = TestRegistry.anonymous(tmp.resolve("registry"));
        Path layout = tmp.resolve("layout");
        OciLayoutBuilder b = new OciLayoutBuilder(layout);
        String d = b.image(new OciLayoutBuilder.Image("amd64", List.of(Layer.busybox(), new Layer().file("hello", "hello over http\n"),
            new Layer().file("etc/motd", "third layer\n")), "\"Cmd\":[\"/bin/cat\",\"/hello\",\"/etc/motd\"]"));
        b.tags(List.of("1"), List.of(d));
        registry.push(layout, "1", "team/app:1");
    }

    @AfterEach
    void tearDown() {
        env.close();
        registry.close();
    }

    private Jrkt.Result fetch(String host) {
        return env.run("--insecure-options=http", "fetch", "docker://" + host + "/team/app:1");
    }

    private void assertRuns(String id) {
        assertEquals(List.of("hello over http", "third layer"), env.run("run", id).expectSuccess().out().lines().toList());
    }

    @Test
    void aPullReusesItsConnectionsInsteadOfOpeningOneForEachRequest() throws Exception {
        try (TcpRelay relay = new TcpRelay(registry.host())) {
            String id = fetch(relay.host()).expectSuccess().out();
            assertRuns(id);
            // the manifest, the config and three layers; the layers come at most three at once
            assertEquals(5, relay.requests.get());
            assertTrue(relay.connections.get() <= 3, relay.connections.get() + " connections for 5 requests");
        }
    }

    @Test
    void aKeptConnectionTheRegistryClosedMeanwhileIsReplacedAndThePullSucceeds() throws Exception {
        try (TcpRelay relay = new TcpRelay(registry.host()).dropSecondRequests(true)) {
            String id = fetch(relay.host()).expectSuccess().out();
            assertTrue(relay.dropped.get() >= 1, "a reused connection was dropped");
            assertRuns(id);
            try (Stream<Path> t = Files.list(env.data().resolve("cas/tmp"))) {
                assertEquals(List.of(), t.toList(), "nothing half-stored");
            }
        }
    }

    @Test
    void bodiesInChunkedTransferEncodingArePulledWhole() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(registry.host()).rule(path -> FaultyProxy.Action.CHUNKED)) {
            String id = fetch(proxy.host()).expectSuccess().out();
            assertRuns(id);
        }
    }
}
