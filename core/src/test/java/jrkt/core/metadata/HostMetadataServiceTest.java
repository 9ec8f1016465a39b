package jrkt.core.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.Pods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jrkt metadata-service} on 127.0.0.1: verifying the pods' signatures for the host. */
class HostMetadataServiceTest {
    @TempDir Path tmp;
    PodDirs dirs;
    HostMetadataService service;
    final List<String> log = new ArrayList<>();
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        dirs = new PodDirs(tmp);
        service = HostMetadataService.start(dirs, "127.0.0.1", 0, line -> {
            synchronized (log) {
                log.add(line);
            }
        });
    }

    @AfterEach
    void stop() { service.close(); }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.address().getPort() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> verify(String content, String uuid, String signature) throws Exception {
        return post("/acMetadata/v1/pod/hmac/verify", "application/x-www-form-urlencoded",
            "content=" + URLEncoder.encode(content, StandardCharsets.UTF_8) + "&uuid=" + uuid
                + "&signature=" + URLEncoder.encode(signature, StandardCharsets.UTF_8));
    }

    @Test
    void aPodsSignatureVerifiesWhileThePodExistsAndNothingElseDoes() throws Exception {
        String a = Pods.newUuid(), b = Pods.newUuid();
        PodKeys.create(dirs, a);
        PodKeys.create(dirs, b);
        String sig = Signatures.base64(Signatures.sign(PodKeys.read(dirs, a), a, "data".getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> ok = verify("data", a, sig);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("text/plain; charset=us-ascii", ok.headers().firstValue("Content-Type").orElse(""));
        assertEquals(403, verify("datA", a, sig).statusCode(), "tampered content");
        assertEquals(403, verify("data", b, sig).statusCode(), "another pod's name");
        assertEquals(200, verify("data", a.toUpperCase(), sig).statusCode(), "a UUID is a UUID in either case");
        PodKeys.destroy(dirs, a);
        assertEquals(403, verify("data", a, sig).statusCode(), "a pod gc removed");
    }

    @Test
    void malformedFormsAre400AndOtherPathsAndMethodsSayWhatIsServedHere() throws Exception {
        String a = Pods.newUuid();
        assertEquals(400, verify("data", "not-a-uuid", "AAAA").statusCode());
        assertEquals(400, verify("data", a, "!!").statusCode());
        assertEquals(400, post("/acMetadata/v1/pod/hmac/verify", null, "content=x&uuid=" + a).statusCode(), "no signature");
        assertEquals(400, post("/acMetadata/v1/pod/hmac/verify", "application/json", "{}").statusCode());
        HttpResponse<String> notHere = post("/acMetadata/v1/pod/uuid", null, "");
        assertEquals(404, notHere.statusCode());
        assertTrue(notHere.body().contains("served to its apps by its own stage1"), notHere.body());
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + service.address().getPort() + "/acMetadata/v1/pod/hmac/verify")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        synchronized (log) {
            assertTrue(log.contains("POST /acMetadata/v1/pod/uuid 404"), log.toString());
        }
    }
}
