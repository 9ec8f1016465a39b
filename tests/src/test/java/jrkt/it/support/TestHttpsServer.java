package jrkt.it.support;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS file server on a free port of 127.0.0.1, with a certificate from a CA made by openssl
 * at test time ({@link #caPem}, what jrkt is told to trust through SSL_CERT_FILE). Files are
 * served with an ETag (their content's hash) and a Cache-Control header a test may set; a request
 * whose If-None-Match matches gets 304. Every request is recorded as "STATUS PATH".
 */
public final class TestHttpsServer implements AutoCloseable {
    private final HttpsServer server;
    private final Path caPem;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private volatile String cacheControl = "no-cache";
    public final List<String> requests = new CopyOnWriteArrayList<>();

    public TestHttpsServer(Path dir) throws Exception {
        Files.createDirectories(dir);
        caPem = dir.resolve("ca.pem");
        Path caKey = dir.resolve("ca.key"), key = dir.resolve("server.key"), csr = dir.resolve("server.csr"),
            cert = dir.resolve("server.pem"), ext = dir.resolve("ext.cnf"), p12 = dir.resolve("server.p12");
        TokenServer.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out", caPem.toString(),
            "-days", "2", "-subj", "/CN=jrkt test CA");
        TokenServer.run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
            "-subj", "/CN=127.0.0.1");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1\n");
        TokenServer.run("openssl", "x509", "-req", "-in", csr.toString(), "-CA", caPem.toString(), "-CAkey", caKey.toString(),
            "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
        TokenServer.run("openssl", "pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(), "-out", p12.toString(),
            "-passout", "pass:test");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) { ks.load(in, "test".toCharArray()); }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "test".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = files.get(path);
            int status;
            if (body == null) {
                status = 404;
                exchange.sendResponseHeaders(404, -1);
            } else {
                String etag = "\"" + OciLayoutBuilder.sha256(body).substring(0, 16) + "\"";
                exchange.getResponseHeaders().add("ETag", etag);
                exchange.getResponseHeaders().add("Cache-Control", cacheControl);
                if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                    status = 304;
                    exchange.sendResponseHeaders(304, -1);
                } else {
                    status = 200;
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) { out.write(body); }
                }
            }
            requests.add(status + " " + path);
            exchange.close();
        });
        server.start();
    }

    public Path caPem() { return caPem; }

    public String url(String path) { return "https://127.0.0.1:" + server.getAddress().getPort() + path; }

    public void put(String path, Path file) throws IOException { files.put(path, Files.readAllBytes(file)); }

    public void remove(String path) { files.remove(path); }

    public void cacheControl(String value) { cacheControl = value; }

    @Override public void close() { server.stop(0); }
}
