package jrkt.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import jrkt.core.image.oci.Digests;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * For the images group's AOT training ({@link AotTraining}): a small OCI image (two gzipped
 * layers) as an OCI layout, and the same image served as a registry over plain HTTP on a free
 * port of 127.0.0.1, so that the training fetches {@code oci-layout:} and {@code docker://} and
 * the cache holds the whole pull path (HTTP client, layer threads, SHA-256 by libcrypto, unpack).
 *
 * <p>The server is a bare ServerSocket with a platform thread per connection (keep-alive, GET
 * only): it runs inside the training JVM, so whatever it loads goes into the cache too, and a
 * server framework there would weigh on every fetch's start.
 */
final class AotTrainingRegistry implements AutoCloseable {
    static final String REPOSITORY = "aot/training";
    static final String TAG = "1";
    /** The OCI layout's directory in the training's data directory. */
    static final String LAYOUT = "oci-layout";
    private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

    private final Map<String, byte[]> bodies = new HashMap<>();
    private final Map<String, String> types = new HashMap<>();
    private final ServerSocket server;

    private AotTrainingRegistry(Path layout) throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        try (var blobs = Files.list(layout.resolve("blobs/sha256"))) {
            for (Path blob : (Iterable<Path>) blobs::iterator) {
                bodies.put("/v2/" + REPOSITORY + "/blobs/sha256:" + blob.getFileName(), Files.readAllBytes(blob));
            }
        }
        String index = Files.readString(layout.resolve("index.json"));
        int at = index.indexOf("sha256:");
        String manifest = index.substring(at, at + 71);
        bodies.put("/v2/" + REPOSITORY + "/manifests/" + TAG, bodies.get("/v2/" + REPOSITORY + "/blobs/" + manifest));
        types.put("/v2/" + REPOSITORY + "/manifests/" + TAG, MANIFEST_TYPE);
        Thread acceptor = new Thread(this::accept, "aot-training-registry");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Serves the image of an OCI layout made by {@link #layout}. */
    static AotTrainingRegistry serve(Path layout) throws IOException { return new AotTrainingRegistry(layout); }

    /** "127.0.0.1:PORT". */
    String host() { return "127.0.0.1:" + server.getLocalPort(); }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "aot-training-registry-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream()); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String request = head(in);
                if (request == null) return;
                String[] words = request.split(" ");
                byte[] body = words.length > 1 ? bodies.get(words[1]) : null;
                String status = body == null ? "404 Not Found" : "200 OK";
                if (body == null) body = "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"no such thing\"}]}".getBytes(StandardCharsets.UTF_8);
                String type = words.length > 1 ? types.getOrDefault(words[1], "application/octet-stream") : "application/json";
                out.write(("HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** The request line of the next request (its headers read and dropped), or null at the connection's end. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            all.write(b);
            String s = all.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) return s.substring(0, s.indexOf("\r\n"));
            if (all.size() > 1 << 16) return null;
        }
        return null;
    }

    @Override public void close() throws IOException {
        server.close();
    }

    /** An OCI layout in dir: one image tagged {@value #TAG} of two gzipped layers; returns the layout's path. */
    static Path layout(Path dir) throws IOException {
        Path layout = dir.resolve(LAYOUT);
        Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        StringBuilder layers = new StringBuilder(), diffIds = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
                TarArchiveEntry d = new TarArchiveEntry("etc/");
                d.setMode(040755);
                tar.putArchiveEntry(d);
                tar.closeArchiveEntry();
                byte[] content = (i == 0 ? "root:x:0:0:root:/:/bin/sh\n" : "layer " + i + "\n").getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry f = new TarArchiveEntry(i == 0 ? "etc/passwd" : "etc/layer" + i);
                f.setMode(0100644);
                f.setSize(content.length);
                tar.putArchiveEntry(f);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                tarBytes.writeTo(out);
            }
            String digest = blob(layout, gz.toByteArray());
            layers.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
                .append(digest).append("\",\"size\":").append(gz.size()).append('}');
            diffIds.append(i == 0 ? "" : ",").append('"').append(Digests.of(tarBytes.toByteArray())).append('"');
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"],\"Env\":[\"PATH=/bin\"]},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}").getBytes(StandardCharsets.UTF_8);
        String configDigest = blob(layout, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST_TYPE + "\",\"config\":{\"mediaType\":"
            + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length
            + "},\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
        String manifestDigest = blob(layout, manifest);
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MANIFEST_TYPE
            + "\",\"digest\":\"" + manifestDigest + "\",\"size\":" + manifest.length
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + TAG + "\"}}]}");
        return layout;
    }

    private static String blob(Path layout, byte[] data) throws IOException {
        String digest = Digests.of(data);
        Files.write(layout.resolve("blobs/sha256/" + Digests.hex(digest)), data);
        return digest;
    }
}
