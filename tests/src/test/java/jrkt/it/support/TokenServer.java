package jrkt.it.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry token server for tests, as Docker's token auth specifies: GET /token?service=&scope=
 * with the user's Basic credentials answers {"token": JWT}, an RS256 JWT signed with a key made by
 * openssl at test time, its certificate in the header (x5c) and given to the registry as its root.
 */
public final class TokenServer implements AutoCloseable {
    public static final String SERVICE = "jrkt-test-registry", ISSUER = "jrkt-test-issuer";

    private final HttpServer server;
    private final PrivateKey key;
    private final String certBase64;
    private final Path certPem;
    private final String user, password;
    public final AtomicInteger issued = new AtomicInteger();

    public TokenServer(Path dir, String user, String password) throws Exception {
        this.user = user;
        this.password = password;
        Files.createDirectories(dir);
        Path keyPem = dir.resolve("key.pem");
        certPem = dir.resolve("cert.pem");
        Path keyDer = dir.resolve("key.der");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPem.toString(), "-out", certPem.toString(),
            "-days", "2", "-subj", "/CN=jrkt token test");
        run("openssl", "pkcs8", "-topk8", "-nocrypt", "-in", keyPem.toString(), "-outform", "DER", "-out", keyDer.toString());
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(keyDer)));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(certPem));
        certBase64 = Base64.getEncoder().encodeToString(cert.getEncoded());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(auth)) {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            String query = exchange.getRequestURI().getQuery() == null ? "" : exchange.getRequestURI().getQuery();
            StringBuilder access = new StringBuilder();
            for (String part : query.split("&")) {
                if (!part.startsWith("scope=")) continue;
                String[] scope = java.net.URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8).split(":");
                if (scope.length < 3) continue;
                if (!access.isEmpty()) access.append(',');
                access.append("{\"type\":\"").append(scope[0]).append("\",\"name\":\"").append(scope[1])
                    .append("\",\"actions\":[\"pull\",\"push\"]}");
            }
            byte[] body = ("{\"token\":\"" + jwt("[" + access + "]") + "\"}").getBytes(StandardCharsets.UTF_8);
            issued.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) { out.write(body); }
        });
        server.start();
    }

    public String realm() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/token"; }

    public Path certPem() { return certPem; }

    private String jwt(String access) {
        try {
            long now = System.currentTimeMillis() / 1000;
            String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5c\":[\"" + certBase64 + "\"]}";
            String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + user + "\",\"aud\":\"" + SERVICE + "\",\"exp\":" + (now + 600)
                + ",\"nbf\":" + (now - 60) + ",\"iat\":" + now + ",\"jti\":\"" + System.nanoTime() + "\",\"access\":" + access + "}";
            String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(s.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] b) { return Base64.getUrlEncoder().withoutPadding().encodeToString(b); }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }

    @Override public void close() { server.stop(0); }
}
