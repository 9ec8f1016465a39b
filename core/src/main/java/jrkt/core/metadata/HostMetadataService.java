package jrkt.core.metadata;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import jrkt.core.JrktException;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.Pods;

/**
 * {@code jrkt metadata-service}: the part of the appc metadata service that needs a place on the
 * host, verifying the signatures of pods for a party outside them ({@code POST
 * /acMetadata/v1/pod/hmac/verify}, answered as a pod's own service answers it). Every pod's
 * stage1 serves its own apps (docs/metadata.md); nothing registers here: the service reads the
 * key of the pod a request names from {@link PodKeys} at each request, so it knows every pod,
 * also one started after it, and a pod gc removed verifies nothing. The other endpoints describe
 * the pod a request comes from, and a connection on the host comes from none: 404.
 */
public final class HostMetadataService implements AutoCloseable {
    static final int BODY_MAX = 256 * 1024;
    static final int CONTENT_MAX = 64 * 1024;
    static final String VERIFY = MetadataResources.PREFIX + "/pod/hmac/verify";

    private final PodDirs dirs;
    private final HttpServer server;
    private final Consumer<String> log;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private HostMetadataService(PodDirs dirs, HttpServer server, Consumer<String> log) {
        this.dirs = dirs;
        this.server = server;
        this.log = log;
    }

    /** Listens on address:port (port 0: any free one) and serves until {@link #close}. */
    public static HostMetadataService start(PodDirs dirs, String address, int port, Consumer<String> log) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 64);
        } catch (IOException e) {
            throw new JrktException("metadata-service: cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
        }
        HostMetadataService service = new HostMetadataService(dirs, server, log);
        server.createContext("/", service::handle);
        server.start();
        return service;
    }

    public InetSocketAddress address() { return server.getAddress(); }

    /** Blocks until the service is closed. */
    public void awaitClose() throws InterruptedException { stopped.await(); }

    @Override public void close() {
        server.stop(0);
        stopped.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = answer(exchange);
            log.accept(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " " + status);
        }
    }

    private int answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.endsWith("/") && path.length() > 1) path = path.substring(0, path.length() - 1);
        if (!path.equals(VERIFY)) {
            return text(exchange, 404, "no such metadata here: the metadata of a pod is served to its apps by its own stage1"
                + " (AC_METADATA_URL); this service verifies signatures at " + VERIFY);
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            return text(exchange, 405, "use POST with a form");
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(BODY_MAX + 1);
        }
        if (body.length > BODY_MAX) return text(exchange, 413, "the body is longer than " + BODY_MAX + " bytes");
        Map<String, byte[]> form;
        try {
            form = FormBody.parse(exchange.getRequestHeaders().getFirst("Content-Type"), body);
        } catch (FormBody.MalformedFormException e) {
            return text(exchange, 400, e.getMessage());
        }
        byte[] content = form.get("content"), uuid = form.get("uuid"), signature = form.get("signature");
        if (content == null || uuid == null || signature == null)
            return text(exchange, 400, "verify needs the fields 'content', 'uuid' and 'signature'");
        if (content.length > CONTENT_MAX) return text(exchange, 413, "'content' is longer than " + CONTENT_MAX + " bytes");
        String id = new String(uuid, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        if (!Pods.isUuid(id)) return text(exchange, 400, "'uuid' is not a UUID (8-4-4-4-12 hex digits)");
        byte[] sig;
        try {
            // base64 never holds a space: one is a '+' a client sent without encoding it
            sig = Base64.getDecoder().decode(new String(signature, StandardCharsets.ISO_8859_1).replace(' ', '+'));
        } catch (IllegalArgumentException e) {
            return text(exchange, 400, "'signature' is not base64");
        }
        if (!Signatures.verify(dirs, id, content, sig)) return text(exchange, 403, "the signature does not verify");
        exchange.getResponseHeaders().set("Content-Type", MetadataResources.ASCII);
        exchange.sendResponseHeaders(200, -1);
        return 200;
    }

    private static int text(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", MetadataResources.ASCII);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        return status;
    }
}
