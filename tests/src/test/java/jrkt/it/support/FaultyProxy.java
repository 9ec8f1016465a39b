package jrkt.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An HTTP server on a free port of 127.0.0.1 in front of a test registry, doing what a network
 * or a registry may do wrong: a rule picks what to do with each request path. FORWARD passes it on
 * (headers and body); CHUNKED passes it on with the body in chunked transfer encoding (as a
 * registry behind some proxies answers); CUT sends half a body and closes the connection; STATUS_500 answers 500;
 * REDIRECT sends blobs to a second server (other port: another origin) that records the
 * Authorization headers it was sent. Every request's Authorization is recorded by path.
 */
public final class FaultyProxy implements AutoCloseable {
    public enum Action { FORWARD, CHUNKED, CUT, STATUS_500, REDIRECT }

    private final HttpServer server, storage;
    private final String upstream;
    private volatile Function<String, Action> rule = path -> Action.FORWARD;
    /** "PATH AUTHORIZATION-or-none" for every request to the storage server. */
    public final List<String> storageRequests = new CopyOnWriteArrayList<>();

    public FaultyProxy(String upstreamHost) throws IOException {
        this.upstream = "http://" + upstreamHost;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        storage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        storage.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            storageRequests.add(exchange.getRequestURI().getPath() + " " + (auth == null ? "none" : auth));
            forward(exchange, exchange.getRequestURI().getPath().substring("/storage".length()), upstreamCredentials);
        });
        storage.start();
    }

    private volatile String upstreamCredentials;

    /** What storage sends upstream to fetch redirected blobs (the registry wants them; jrkt must not send them there). */
    public FaultyProxy upstreamAuthorization(String authorization) { this.upstreamCredentials = authorization; return this; }

    public String host() { return "127.0.0.1:" + server.getAddress().getPort(); }

    public FaultyProxy rule(Function<String, Action> rule) { this.rule = rule; return this; }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        switch (rule.apply(path)) {
            case STATUS_500 -> {
                byte[] body = "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"the disk is on fire\"}]}".getBytes();
                exchange.sendResponseHeaders(500, body.length);
                try (OutputStream out = exchange.getResponseBody()) { out.write(body); }
            }
            case REDIRECT -> {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + storage.getAddress().getPort() + "/storage" + path);
                exchange.sendResponseHeaders(307, -1);
                exchange.close();
            }
            case CUT -> cut(exchange, path);
            case FORWARD -> forward(exchange, path, exchange.getRequestHeaders().getFirst("Authorization"));
            case CHUNKED -> forward(exchange, path, exchange.getRequestHeaders().getFirst("Authorization"), true);
        }
    }

    private void forward(HttpExchange exchange, String path, String authorization) throws IOException {
        forward(exchange, path, authorization, false);
    }

    private void forward(HttpExchange exchange, String path, String authorization, boolean chunked) throws IOException {
        HttpURLConnection c = open(exchange, path, authorization);
        int status = c.getResponseCode();
        for (Map.Entry<String, List<String>> h : c.getHeaderFields().entrySet()) {
            if (h.getKey() == null || h.getKey().equalsIgnoreCase("Content-Length") || h.getKey().equalsIgnoreCase("Transfer-Encoding")) continue;
            for (String v : h.getValue()) exchange.getResponseHeaders().add(h.getKey(), v);
        }
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        byte[] body = in == null ? new byte[0] : in.readAllBytes();
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : chunked ? 0 : body.length); // 0: chunked
        if (body.length > 0) try (OutputStream out = exchange.getResponseBody()) { out.write(body); }
        exchange.close();
    }

    private void cut(HttpExchange exchange, String path) throws IOException {
        HttpURLConnection c = open(exchange, path, exchange.getRequestHeaders().getFirst("Authorization"));
        byte[] body = c.getInputStream().readAllBytes();
        exchange.sendResponseHeaders(200, body.length);
        OutputStream out = exchange.getResponseBody();
        out.write(body, 0, body.length / 2);
        out.flush();
        exchange.getHttpContext().getServer(); // the connection is dropped with the exchange, half sent
        exchange.close();
    }

    private HttpURLConnection open(HttpExchange exchange, String path, String authorization) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(upstream + path
            + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())).toURL().openConnection();
        c.setInstanceFollowRedirects(false);
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept != null) c.setRequestProperty("Accept", accept);
        if (authorization != null) c.setRequestProperty("Authorization", authorization);
        return c;
    }

    @Override public void close() {
        server.stop(0);
        storage.stop(0);
    }
}
