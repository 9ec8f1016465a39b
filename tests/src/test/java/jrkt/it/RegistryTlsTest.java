package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import jrkt.it.support.Jrkt;
import jrkt.it.support.OciLayoutBuilder;
import jrkt.it.support.PodEnv;
import jrkt.it.support.TestRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls over TLS (docker-registry with a certificate from a CA made at test time): the
 * certificate must chain to a trusted CA (the system's, or $SSL_CERT_FILE's) and name the
 * registry's host; --insecure-options=tls checks neither. A refusal is one line and stores nothing.
 */
class RegistryTlsTest {
    @TempDir Path tmp;
    PodEnv env;
    Path layout;
    TestRegistry registry;

    @BeforeEach
    void setUp() throws Exception {
        env = new PodEnv(tmp);
        layout = OciLayoutBuilder.helloImage(tmp.resolve("layout"), "hello over tls\n");
    }

    @AfterEach
    void tearDown() {
        env.close();
        if (registry != null) registry.close();
    }

    private Jrkt.Result fetch(Jrkt jrkt, String... options) {
        String[] args = new String[options.length + 2];
        System.arraycopy(options, 0, args, 0, options.length);
        args[options.length] = "fetch";
        args[options.length + 1] = "docker://" + registry.host() + "/team/app:1";
        return jrkt.run(args);
    }

    private void assertRefusedAndNothingStored(Jrkt.Result r) {
        assertEquals(254, r.exitCode(), r.toString());
        String err = r.stderr().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("image docker://" + registry.host() + "/team/app:1") && err.contains("TLS"), err);
        assertEquals("", env.run("image", "list", "--no-legend").expectSuccess().out());
    }

    @Test
    void aCertificateOfATrustedCaForTheRegistrysAddressIsAcceptedAndAnUnknownCaRefused() throws Exception {
        registry = TestRegistry.tls(tmp.resolve("registry"), "IP:127.0.0.1");
        registry.push(layout, "1", "team/app:1");
        assertRefusedAndNothingStored(fetch(env.jrkt()));
        String id = fetch(env.jrkt().withEnv("SSL_CERT_FILE", registry.caPem().toString())).expectSuccess().out();
        assertEquals("hello over tls", env.run("run", id).expectSuccess().out());
    }

    @Test
    void aCertificateForAnotherNameIsRefusedUnlessTlsChecksAreOff() throws Exception {
        registry = TestRegistry.tls(tmp.resolve("registry"), "DNS:elsewhere.example");
        registry.push(layout, "1", "team/app:1");
        Jrkt trusting = env.jrkt().withEnv("SSL_CERT_FILE", registry.caPem().toString());
        assertRefusedAndNothingStored(fetch(trusting));
        String id = fetch(env.jrkt(), "--insecure-options=tls").expectSuccess().out();
        assertEquals("hello over tls", env.run("run", id).expectSuccess().out());
    }
}
