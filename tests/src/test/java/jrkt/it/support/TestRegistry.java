package jrkt.it.support;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-registry, started on 127.0.0.1 with a free port and its storage in a test
 * directory; optionally with htpasswd (Basic) or token (Bearer) auth. Images get into it with
 * skopeo from OCI layouts. Stopped (and its process gone) on close.
 */
public final class TestRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;
    private final String address;
    /** Empty, or the command prefix that runs the registry, its probe and skopeo in a test's network namespace. */
    private final List<String> inNetns;

    private TestRegistry(Path dir, String authYaml) throws IOException { this(dir, authYaml, "127.0.0.1", null); }

    private TestRegistry(Path dir, String authYaml, String address, HostNetwork.Namespace netns) throws IOException {
        this.dir = dir;
        this.address = address;
        this.inNetns = netns == null ? List.of() : netns.wrap();
        this.port = netns == null ? freePort() : 5000; // a namespace of the test's own has every port free
        Files.createDirectories(dir);
        Path config = dir.resolve("config.yml");
        Files.writeString(config, "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data")
            + "\n  delete:\n    enabled: true\nhttp:\n  addr: " + address + ":" + port + "\n  secret: test-secret\n" + authYaml);
        List<String> cmd = new ArrayList<>(inNetns);
        cmd.addAll(List.of("docker-registry", "serve", config.toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        awaitUp();
    }

    /**
     * An anonymous registry in the network namespace netns (the test's own), listening on
     * address:5000; with tls, a certificate for IP:address from a CA of its own ({@link #caPem}).
     */
    public static TestRegistry inNetns(Path dir, HostNetwork.Namespace netns, String address, boolean tls) throws IOException, InterruptedException {
        return new TestRegistry(dir, tls ? tlsYaml(dir, "IP:" + address) : "", address, netns);
    }

    public static TestRegistry anonymous(Path dir) throws IOException { return new TestRegistry(dir, ""); }

    /** Basic auth: one user with this password (bcrypt through htpasswd). */
    public static TestRegistry basic(Path dir, String user, String password) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path htpasswd = dir.resolve("htpasswd");
        Process p = new ProcessBuilder("htpasswd", "-Bbc", htpasswd.toString(), user, password).redirectErrorStream(true).start();
        if (p.waitFor() != 0) throw new IOException("htpasswd failed: " + new String(p.getInputStream().readAllBytes()));
        return new TestRegistry(dir, "auth:\n  htpasswd:\n    realm: test\n    path: " + htpasswd + "\n");
    }

    /** Token auth: the registry trusts tokens signed by rootCert's key, issued by issuer for service. */
    public static TestRegistry token(Path dir, String realm, String service, String issuer, Path rootCert) throws IOException {
        return new TestRegistry(dir, "auth:\n  token:\n    realm: " + realm + "\n    service: " + service + "\n    issuer: " + issuer
            + "\n    rootcertbundle: " + rootCert + "\n");
    }

    /**
     * TLS, with a certificate for subjectAltName (as "IP:127.0.0.1" or "DNS:name") signed by a CA
     * made here with openssl: {@link #caPem}, what jrkt is told to trust through SSL_CERT_FILE.
     */
    public static TestRegistry tls(Path dir, String subjectAltName) throws IOException, InterruptedException {
        return new TestRegistry(dir, tlsYaml(dir, subjectAltName));
    }

    private static String tlsYaml(Path dir, String subjectAltName) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.pem"), caKey = dir.resolve("ca.key"), key = dir.resolve("server.key"), csr = dir.resolve("server.csr"),
            cert = dir.resolve("server.pem"), ext = dir.resolve("ext.cnf");
        TokenServer.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out", ca.toString(),
            "-days", "2", "-subj", "/CN=jrkt test registry CA");
        TokenServer.run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
            "-subj", "/CN=jrkt test registry");
        Files.writeString(ext, "subjectAltName=" + subjectAltName + "\n");
        TokenServer.run("openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
            "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
        return "  tls:\n    certificate: " + cert + "\n    key: " + key + "\n"; // under http:
    }

    /** The CA of a {@link #tls} registry. */
    public Path caPem() { return dir.resolve("ca.pem"); }

    public int port() { return port; }

    /** "127.0.0.1:PORT" (or the address it was given). */
    public String host() { return address + ":" + port; }

    public Path dir() { return dir; }

    /** Pushes the image tagged tag in an OCI layout as REPO:TAG (with --all: every platform of an index). */
    public void push(Path layout, String tag, String repoAndTag, String... credentials) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(inNetns);
        cmd.addAll(List.of("skopeo", "copy", "--quiet", "--all", "--dest-tls-verify=false"));
        if (credentials.length == 2) cmd.add("--dest-creds=" + credentials[0] + ":" + credentials[1]);
        cmd.add("oci:" + layout + ":" + tag);
        cmd.add("docker://" + host() + "/" + repoAndTag);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("skopeo copy failed: " + out);
    }

    /** The path of a blob in the registry's storage (to damage it). */
    public Path blobFile(String digest) {
        String hex = digest.substring("sha256:".length());
        return dir.resolve("data/docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    }

    private void awaitUp() throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) throw new IOException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            if (!inNetns.isEmpty()) {
                if (probeInNetns()) return;
                try { Thread.sleep(100); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return; }
                continue;
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host() + "/v2/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.getResponseCode();
                c.disconnect();
                return;
            } catch (IOException notYet) {
                try { Thread.sleep(100); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return; }
            }
        }
        close();
        throw new IOException("docker-registry did not answer on " + host());
    }

    /** Whether the registry accepts connections, asked from inside its namespace (curl: any answer will do). */
    private boolean probeInNetns() throws IOException {
        List<String> cmd = new ArrayList<>(inNetns);
        cmd.addAll(List.of("curl", "-s", "-o", "/dev/null", "--max-time", "2", "http://" + host() + "/v2/"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
