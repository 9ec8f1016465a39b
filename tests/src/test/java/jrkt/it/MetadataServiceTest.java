package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.HostNetwork;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appc metadata service as apps see it (docs/metadata.md): every endpoint from inside the
 * apps of a two-app pod, signatures made in one pod and checked in another and on the host, and
 * a pod that asks for the service where it cannot have it. Requests are sent with busybox nc, so
 * that the test sees the status line and headers exactly as the service wrote them.
 */
class MetadataServiceTest {
    static final String WEB = "example.com/web";
    static final String DB = "example.com/db";

    @TempDir Path tmp;
    PodEnv env;
    String webId, dbId;
    Path out;

    /**
     * Shell functions for the apps: {@code get PATH} and {@code post PATH FORM} print the raw HTTP
     * response from the service at $AC_METADATA_URL (nothing when it is unset).
     */
    static final String HTTP = "hp=${AC_METADATA_URL#http://}; host=${hp%:*}; port=${hp##*:}; "
        + "get() { [ -n \"$AC_METADATA_URL\" ] && printf 'GET %s HTTP/1.1\\r\\nHost: md\\r\\n\\r\\n' \"$1\" | nc $host $port; }; "
        + "post() { b=\"$2\"; [ -n \"$AC_METADATA_URL\" ] && printf 'POST %s HTTP/1.1\\r\\nHost: md\\r\\n"
        + "Content-Type: application/x-www-form-urlencoded\\r\\nContent-Length: %s\\r\\n\\r\\n%s' \"$1\" \"${#b}\" \"$b\" | nc $host $port; }; "
        + "P=/acMetadata/v1; ";

    @BeforeEach
    void images() throws Exception {
        env = new PodEnv(tmp);
        webId = env.fetch(AciBuilder.busybox(WEB, "1.0", "/bin/sh").annotation("example.com/build", "nightly 42"));
        dbId = env.fetch(AciBuilder.busybox(DB, "1.0", "/bin/sh"));
        out = Files.createDirectories(tmp.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterEach
    void cleanUp() { env.close(); }

    /** A response as the service sent it. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        static Response parse(byte[] raw) {
            int split = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (split < 0) throw new AssertionError("not an HTTP response: " + new String(raw, StandardCharsets.UTF_8));
            List<String> head = List.of(new String(raw, 0, split, StandardCharsets.US_ASCII).split("\r\n"));
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h : head.subList(1, head.size())) headers.put(h.substring(0, h.indexOf(':')), h.substring(h.indexOf(':') + 1).strip());
            byte[] body = Arrays.copyOfRange(raw, split + 4, raw.length);
            assertEquals(Integer.toString(body.length), headers.get("Content-Length"), "the body is as long as the header says");
            return new Response(Integer.parseInt(head.getFirst().split(" ")[1]), headers, body);
        }

        String text() { return new String(body, StandardCharsets.UTF_8); }
        String type() { return headers.get("Content-Type"); }

        private static int indexOf(byte[] a, byte[] n) {
            outer:
            for (int i = 0; i + n.length <= a.length; i++) {
                for (int j = 0; j < n.length; j++) if (a[i + j] != n[j]) continue outer;
                return i;
            }
            return -1;
        }
    }

    private Response response(String file) throws Exception {
        return Response.parse(Files.readAllBytes(out.resolve(file)));
    }

    private String[] outVolume() {
        return new String[] {"--volume", "out,kind=host,source=" + out};
    }

    private static String[] mountOut() { return new String[] {"--mount", "volume=out,target=/out"}; }

    private static final String TEXT = "text/plain; charset=us-ascii";
    private static final String JSON = "application/json";

    @Test
    void everyEndpointAnswersBothAppsOfAPodWithTheSpecsBodiesAndContentTypes() throws Exception {
        // each app asks every endpoint, for itself, for the other app and for what does not exist
        String script = HTTP + "d=/out/$AC_APP_NAME; mkdir $d; echo \"$AC_METADATA_URL\" > $d/url; "
            + "get $P/pod/uuid > $d/uuid; get $P/pod/manifest > $d/manifest; get $P/pod/annotations > $d/annotations; "
            + "get $P/pod/annotations/example.com/owner > $d/owner; get $P/pod/annotations/example.com/none > $d/no-annotation; "
            + "get $P/apps/$AC_APP_NAME/image/manifest > $d/image-manifest; get $P/apps/$AC_APP_NAME/image/id > $d/image-id; "
            + "get $P/apps/$AC_APP_NAME/annotations > $d/app-annotations; "
            + "get $P/apps/web/annotations/example.com/build > $d/build; get $P/apps/db/image/id > $d/db-id; "
            + "get $P/apps/nosuchapp/image/id > $d/no-app; get $P/apps/$AC_APP_NAME/annotations/example.com/none > $d/no-app-annotation; "
            + "post $P/pod/uuid x=1 > $d/post-uuid; get $P/pod/hmac/sign > $d/get-sign";
        Path uuidFile = tmp.resolve("uuid");
        Jrkt.Result r = env.run(args("run", "--net=none", "--user-annotation=example.com/owner=ops team", "--uuid-file-save=" + uuidFile,
            outVolume(), sh(WEB, script, mountOut()), "---", sh(DB, script, mountOut()))).expectSuccess();
        String uuid = Files.readString(uuidFile).strip();
        byte[] catManifest = env.run("cat-manifest", uuid).expectSuccess().stdout().getBytes(StandardCharsets.UTF_8);

        for (String app : List.of("web", "db")) {
            String d = app + "/";
            String imageId = app.equals("web") ? webId : dbId;
            assertEquals("http://169.254.169.255:18112", Files.readString(out.resolve(d + "url")).strip(), app + ": AC_METADATA_URL; " + r);
            check(response(d + "uuid"), 200, TEXT, uuid);
            Response manifest = response(d + "manifest");
            check(manifest, 200, JSON, null);
            assertArrayEquals(catManifest, manifest.body(), app + ": the pod manifest is what cat-manifest prints");
            check(response(d + "annotations"), 200, JSON, "[{\"name\":\"example.com/owner\",\"value\":\"ops team\"}]");
            check(response(d + "owner"), 200, TEXT, "ops team");
            check(response(d + "no-annotation"), 404, TEXT, null);
            Response image = response(d + "image-manifest");
            check(image, 200, JSON, null);
            String catImage = env.run("image", "cat-manifest", imageId).expectSuccess().stdout();
            assertEquals(catImage.strip(), image.text().strip(), app + ": the image manifest is what image cat-manifest prints");
            check(response(d + "image-id"), 200, TEXT, imageId);
            check(response(d + "app-annotations"), 200, JSON,
                app.equals("web") ? "[{\"name\":\"example.com/build\",\"value\":\"nightly 42\"}]" : "[]");
            check(response(d + "build"), 200, TEXT, "nightly 42");
            check(response(d + "db-id"), 200, TEXT, dbId);
            check(response(d + "no-app"), 404, TEXT, null);
            check(response(d + "no-app-annotation"), 404, TEXT, null);
            Response postUuid = response(d + "post-uuid");
            check(postUuid, 405, TEXT, null);
            assertEquals("GET, HEAD", postUuid.headers().get("Allow"));
            Response getSign = response(d + "get-sign");
            check(getSign, 405, TEXT, null);
            assertEquals("POST", getSign.headers().get("Allow"));
        }
    }

    private static void check(Response r, int status, String type, String body) {
        assertEquals(status, r.status(), r.text());
        assertEquals(type, r.type());
        if (body != null) assertEquals(body, r.text());
    }

    private static String form(String... pairs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            if (sb.length() > 0) sb.append('&');
            sb.append(pairs[i]).append('=').append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Runs one app of WEB that posts each form (its name: its file in out/) to verify. */
    private Jrkt.Result verifyInAPod(String uuidFile, Map<String, String> forms) {
        StringBuilder script = new StringBuilder(HTTP);
        forms.forEach((name, f) -> script.append("post $P/pod/hmac/verify '").append(f).append("' > /out/").append(name).append("; "));
        script.append("true");
        return env.run(args("run", "--net=none", "--uuid-file-save=" + tmp.resolve(uuidFile), outVolume(),
            sh(WEB, script.toString(), mountOut())));
    }

    @Test
    void aSignatureVerifiesInAnotherPodOnlyForTheSamePodAndContentAndOnlyUntilGcRemovesThePod() throws Exception {
        // pod A signs, and checks its own signature, a tampered content and a wrong UUID
        Jrkt.Result a = env.run(args("run", "--net=none", "--uuid-file-save=" + tmp.resolve("a"), outVolume(), sh(WEB,
            HTTP + "post $P/pod/hmac/sign 'content=hello+world' > /out/a-sig; "
                + "sig=$(tail -c 88 /out/a-sig | sed 's/+/%2B/g; s,/,%2F,g; s/=/%3D/g'); u=$(cat /proc/sys/kernel/random/uuid); "
                + "me=$(get $P/pod/uuid | tail -c 36); "
                + "post $P/pod/hmac/verify \"content=hello+world&uuid=$me&signature=$sig\" > /out/a-own; "
                + "post $P/pod/hmac/verify \"content=hello+World&uuid=$me&signature=$sig\" > /out/a-tampered; "
                + "post $P/pod/hmac/verify \"content=hello+world&uuid=$u&signature=$sig\" > /out/a-wrong-uuid; "
                + "post $P/pod/hmac/verify \"content=hello+world&uuid=$me\" > /out/a-no-signature; "
                + "post $P/pod/hmac/sign 'nocontent=1' > /out/a-no-content", mountOut()))).expectSuccess();
        String uuidA = Files.readString(tmp.resolve("a")).strip();
        Response sig = response("a-sig");
        check(sig, 200, TEXT, null);
        String signature = sig.text();
        byte[] key = Files.readAllBytes(env.data().resolve("pods/hmac-keys").resolve(uuidA));
        assertEquals(hmac(key, uuidA, "hello world"), signature, "HMAC-SHA512 with the pod's key over its UUID's bytes and the content");
        check(response("a-own"), 200, TEXT, "");
        check(response("a-tampered"), 403, TEXT, null);
        check(response("a-wrong-uuid"), 403, TEXT, null);
        check(response("a-no-signature"), 400, TEXT, null);
        check(response("a-no-content"), 400, TEXT, null);
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env.data().resolve("pods/hmac-keys").resolve(uuidA))),
            "the key is root's alone: " + a);
        assertEquals(0, Files.getAttribute(env.data().resolve("pods/hmac-keys").resolve(uuidA), "unix:uid"));

        // pod B verifies A's signature (A exited but exists), and signs the same content itself
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("b-a", form("content", "hello world", "uuid", uuidA, "signature", signature));
        forms.put("b-a-tampered", form("content", "hello world!", "uuid", uuidA, "signature", signature));
        forms.put("b-bad-uuid", form("content", "hello world", "uuid", "not-a-uuid", "signature", signature));
        forms.put("b-bad-signature", form("content", "hello world", "uuid", uuidA, "signature", "***"));
        verifyInAPod("b", forms).expectSuccess();
        check(response("b-a"), 200, TEXT, "");
        check(response("b-a-tampered"), 403, TEXT, null);
        check(response("b-bad-uuid"), 400, TEXT, null);
        check(response("b-bad-signature"), 400, TEXT, null);

        // a signature B makes is B's: in A's name it fails
        env.run(args("run", "--net=none", "--uuid-file-save=" + tmp.resolve("b2"), outVolume(),
            sh(WEB, HTTP + "post $P/pod/hmac/sign 'content=hello+world' > /out/b-sig", mountOut()))).expectSuccess();
        String signatureB = response("b-sig").text();
        assertNotEquals(signature, signatureB, "two pods, one signature");
        verifyInAPod("c", Map.of("c-b-as-a", form("content", "hello world", "uuid", uuidA, "signature", signatureB))).expectSuccess();
        check(response("c-b-as-a"), 403, TEXT, null);

        // gc removes A: its key is gone, and its signature verifies nowhere any more
        env.run("gc", "--grace-period=0s").expectSuccess();
        assertNull(env.podDir(uuidA), "gc removed pod A");
        assertFalse(Files.exists(env.data().resolve("pods/hmac-keys").resolve(uuidA)), "gc destroyed A's key");
        verifyInAPod("d", Map.of("d-a", form("content", "hello world", "uuid", uuidA, "signature", signature))).expectSuccess();
        check(response("d-a"), 403, TEXT, null);
    }

    private static String hmac(byte[] key, String uuid, String content) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(key, "HmacSHA512"));
        java.util.UUID u = java.util.UUID.fromString(uuid);
        mac.update(java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
        return java.util.Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSecondPodSeesOnlyItsOwnMetadataAtTheSameAddress() throws Exception {
        String first = env.runDetached(args("--net=none", sh(WEB, "exec sleep 300", "--name=first")));
        Path uuidFile = tmp.resolve("second");
        Jrkt.Result r = env.run(args("run", "--net=none", "--uuid-file-save=" + uuidFile, outVolume(), sh(DB,
            HTTP + "get $P/pod/uuid > /out/uuid; get $P/apps/first/image/id > /out/first; get $P/pod/manifest > /out/manifest",
            mountOut()))).expectSuccess();
        String second = Files.readString(uuidFile).strip();
        assertNotEquals(first, second);
        check(response("uuid"), 200, TEXT, second);
        check(response("first"), 404, TEXT, null);
        assertFalse(response("manifest").text().contains("\"first\""), "the second pod's manifest names no app of the first: " + r);
        env.run("stop", first).expectSuccess();
    }

    @Test
    void aPodOnTheSameBridgeCannotReachAnotherPodsServiceByRoutingTheAddressToIt() throws Exception {
        try (HostNetwork.Subnet bridged = HostNetwork.claimSubnet()) {
            Path netd = Files.createDirectories(env.jrkt().localConfig().resolve("net.d"));
            Files.writeString(netd.resolve("10-bridged.conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"bridged\",\"type\":\"bridge\","
                + "\"bridge\":\"" + bridged.bridge() + "\",\"ipam\":{\"type\":\"host-local\",\"subnet\":\"" + bridged.cidr() + "\"}}");
            String victim = env.runDetached(args("--net=bridged", sh(WEB, "exec sleep 300", "--name=victim")));
            try {
                String victimIp = env.status(victim).get("networks").replaceFirst("^bridged:ip4=", "");
                // the attacker drops the address from its own lo and sends what is meant for it to the
                // victim's interface on the shared bridge: the kernel takes a packet for any of its
                // addresses on any interface, so only the service's binding to lo keeps it out
                Jrkt.Result attack = env.run(args("run", "--net=bridged", sh(DB,
                    "ip addr del 169.254.169.255/32 dev lo && ip route add 169.254.169.255/32 via " + victimIp + " dev eth0 && "
                        + "ip route get 169.254.169.255 | grep -q 'via " + victimIp + "' && echo routed; "
                        + "printf 'GET /acMetadata/v1/pod/uuid HTTP/1.0\\r\\n\\r\\n' | nc 169.254.169.255 18112; echo; echo done",
                    "--caps-retain=CAP_NET_ADMIN")));
                assertEquals("routed", attack.out().lines().findFirst().orElse(""), "the attack is set up: " + attack);
                assertFalse(attack.out().contains(victim), "a pod read another pod's UUID: " + attack);
                assertFalse(attack.out().contains("HTTP/1.1"), "another pod's service answered: " + attack);
                assertEquals(victim, env.run("enter", victim, "sh", "-c", "wget -qO- $AC_METADATA_URL/acMetadata/v1/pod/uuid")
                    .expectSuccess().out(), "the victim's own apps are served");
            } finally {
                // before the bridge goes: the pods' networks are torn down while it exists
                env.run("stop", "--force", victim);
                env.awaitState(victim, "exited", 60);
                env.run("gc", "--grace-period=0s").expectSuccess();
            }
        }
    }

    @Test
    void enterGetsTheUrlAndTheHostsServiceVerifiesAPodsSignatureUntilGc() throws Exception {
        String uuid = env.runDetached(args("--net=none", outVolume(), sh(WEB,
            HTTP + "post $P/pod/hmac/sign 'content=from+the+pod' > /out/sig; exec sleep 300", mountOut())));
        PodEnv.await("the pod's signature", 30, () -> Files.exists(out.resolve("sig")) && out.resolve("sig").toFile().length() > 88);
        assertEquals("http://169.254.169.255:18112", env.run("enter", uuid, "sh", "-c", "echo $AC_METADATA_URL").expectSuccess().out());
        String signature = response("sig").text();

        Jrkt.Background service = env.start("metadata-service", "--listen-port=0");
        PodEnv.await("metadata-service to listen", 60, () -> service.stdoutSoFar().contains("listening on "));
        String listening = service.stdoutSoFar().strip();
        assertTrue(listening.matches("listening on 127\\.0\\.0\\.1:[0-9]+"), listening);
        URI verify = URI.create("http://" + listening.substring("listening on ".length()) + "/acMetadata/v1/pod/hmac/verify");
        HttpClient client = HttpClient.newHttpClient();
        java.util.function.Function<String, Integer> post = body -> {
            try {
                return client.send(HttpRequest.newBuilder(verify).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        assertEquals(200, post.apply(form("content", "from the pod", "uuid", uuid, "signature", signature)));
        assertEquals(403, post.apply(form("content", "from the host", "uuid", uuid, "signature", signature)));
        assertEquals(400, post.apply("content=x"));
        env.run("stop", uuid).expectSuccess();
        env.awaitState(uuid, "exited", 60);
        env.run("gc", "--grace-period=0s").expectSuccess();
        assertEquals(403, post.apply(form("content", "from the pod", "uuid", uuid, "signature", signature)), "after gc");

        service.process().destroy(); // SIGTERM: it ends, as a service under systemd would
        Jrkt.Result ended = service.await(60);
        assertEquals(0, ended.exitCode(), ended.toString());
        assertTrue(ended.stderr().contains("POST /acMetadata/v1/pod/hmac/verify 403"), "one line a request: " + ended);
    }

    @Test
    void aPodThatCannotHaveTheServiceFailsBeforeAnyAppWhenAskedAndElseRunsWithoutItAndSaysWhy() throws Exception {
        String echo = "echo \"ran url=[$AC_METADATA_URL]\"";
        Jrkt.Result asked = env.run(args("run", "--net=host", "--mds-register", sh(WEB, echo)));
        assertEquals(254, asked.exitCode(), asked.toString());
        assertEquals("jrkt: --mds-register: the pod shares the host's network (--net=host), where no connection can show which pod it"
            + " comes from; use --net=none or a network of the pod's own", asked.stderr().strip());
        assertEquals("", asked.out());
        assertEquals(List.of(), env.allPods(), "nothing is left of the pod");

        Path uuidFile = tmp.resolve("host");
        Jrkt.Result notAsked = env.run(args("run", "--net=host", "--uuid-file-save=" + uuidFile, sh(WEB, echo))).expectSuccess();
        assertEquals("ran url=[]", notAsked.out());
        assertEquals("unavailable: the pod shares the host's network (--net=host), where no connection can show which pod it comes"
            + " from; use --net=none or a network of the pod's own", env.status(Files.readString(uuidFile).strip()).get("metadata-service"));

        Path offFile = tmp.resolve("off");
        assertEquals("ran url=[]", env.run(args("run", "--net=none", "--mds-register=false", "--uuid-file-save=" + offFile, sh(WEB, echo)))
            .expectSuccess().out());
        assertEquals("disabled (--mds-register=false)", env.status(Files.readString(offFile).strip()).get("metadata-service"));

        // stage1 cannot start the service (here: the pod's key is gone): asked for, the pod fails
        // in one line before its app starts; not asked for, it runs without and status says why
        for (String flag : List.of("--mds-register", "--mds-register=true", "")) {
            String uuid = env.run(args("prepare", "--net=none", flag.isEmpty() ? new String[0] : new String[] {flag}, sh(WEB, echo)))
                .expectSuccess().out().lines().toList().getLast();
            Files.delete(env.data().resolve("pods/hmac-keys").resolve(uuid));
            Jrkt.Result r = env.run("run-prepared", uuid);
            if (flag.isEmpty()) {
                assertEquals(0, r.exitCode(), r.toString());
                assertEquals("ran url=[]", r.out());
                assertEquals("unavailable: open the key of pod " + uuid + ": No such file or directory",
                    env.status(uuid).get("metadata-service"));
            } else {
                assertEquals(254, r.exitCode(), r.toString());
                assertEquals("stage1: metadata service: open the key of pod " + uuid + ": No such file or directory", r.stderr().strip());
                assertEquals("", r.out(), flag + ": no app ran");
            }
        }
    }
}
