package jrkt.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Builds OCI image layouts at test time: images of gzipped layers with their config and
 * manifest, tagged in index.json, optionally behind an index of two platforms. What skopeo then
 * pushes to a test registry.
 */
public final class OciLayoutBuilder {
    /** A layer: tar entries, as AciBuilder.Entry (names without a leading "rootfs/"). */
    public static final class Layer {
        final List<AciBuilder.Entry> entries = new ArrayList<>();

        public Layer dir(String name) { entries.add(new AciBuilder.Entry(name, 'd', null, null, 0755, 0, 0)); return this; }
        public Layer file(String name, String content) {
            entries.add(new AciBuilder.Entry(name, 'f', content.getBytes(StandardCharsets.UTF_8), null, 0644, 0, 0));
            return this;
        }
        public Layer file(String name, byte[] content, int mode) { entries.add(new AciBuilder.Entry(name, 'f', content, null, mode, 0, 0)); return this; }
        public Layer symlink(String name, String target) { entries.add(new AciBuilder.Entry(name, 'l', null, target, 0777, 0, 0)); return this; }

        /** busybox in /bin with its applets, /etc/passwd and /etc/group. */
        public static Layer busybox() throws IOException {
            Layer l = new Layer().dir("bin").dir("etc").dir("tmp").file("bin/busybox", Files.readAllBytes(AciBuilder.BUSYBOX), 0755);
            for (String applet : AciBuilder.APPLETS) l.symlink("bin/" + applet, "busybox");
            l.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1001:user:/home/user:/bin/sh\n");
            l.file("etc/group", "root:x:0:\nuser:x:1001:\n");
            return l;
        }

        byte[] tar() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (AciBuilder.Entry e : entries) {
                    TarArchiveEntry t;
                    switch (e.type()) {
                        case 'd' -> t = new TarArchiveEntry(e.name() + "/");
                        case 'l' -> { t = new TarArchiveEntry(e.name(), TarConstants.LF_SYMLINK); t.setLinkName(e.linkTarget()); }
                        default -> { t = new TarArchiveEntry(e.name()); t.setSize(e.content().length); }
                    }
                    t.setMode(e.mode() | (e.type() == 'd' ? 040000 : e.type() == 'l' ? 0120000 : 0100000));
                    t.setIds(e.uid(), e.gid());
                    t.setModTime(1_700_000_000_000L);
                    tar.putArchiveEntry(t);
                    if (e.type() == 'f') tar.write(e.content());
                    tar.closeArchiveEntry();
                }
            }
            return bytes.toByteArray();
        }
    }

    /** One image: its layers (bottom first) and the config's app fields as JSON members. */
    public record Image(String architecture, List<Layer> layers, String configFields) {}

    private final Path dir;

    public OciLayoutBuilder(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    /** Writes the image's blobs; returns its manifest descriptor (JSON, without platform). */
    public String image(Image image) throws IOException {
        List<String> layerDescriptors = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (Layer l : image.layers()) {
            byte[] tar = l.tar();
            diffIds.add("\"sha256:" + sha256(tar) + "\"");
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GzipCompressorOutputStream out = new GzipCompressorOutputStream(gz)) { out.write(tar); }
            layerDescriptors.add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", blob(gz.toByteArray()), gz.size()));
        }
        byte[] config = ("{\"architecture\":\"" + image.architecture() + "\",\"os\":\"linux\",\"config\":{" + image.configFields()
            + "},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + String.join(",", diffIds) + "]}}").getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
            + descriptor("application/vnd.oci.image.config.v1+json", blob(config), config.length)
            + ",\"layers\":[" + String.join(",", layerDescriptors) + "]}").getBytes(StandardCharsets.UTF_8);
        return descriptor("application/vnd.oci.image.manifest.v1+json", blob(manifest), manifest.length);
    }

    /** An index of several platform manifests: descriptors with their platform. Returns its descriptor. */
    public String index(List<String> platformDescriptors) throws IOException {
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + String.join(",", platformDescriptors) + "]}").getBytes(StandardCharsets.UTF_8);
        return descriptor("application/vnd.oci.image.index.v1+json", blob(index), index.length);
    }

    /** A manifest descriptor with its platform, for {@link #index}. */
    public static String withPlatform(String descriptor, String architecture) {
        return descriptor.substring(0, descriptor.length() - 1) + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"" + architecture + "\"}}";
    }

    /** Writes index.json with these descriptors tagged. */
    /**
     * An OCI layout at dir with one amd64 image tagged "1": busybox and a file /hello holding
     * text, which the image's command prints. The image registry tests push.
     */
    public static Path helloImage(Path dir, String text) throws IOException {
        OciLayoutBuilder b = new OciLayoutBuilder(dir);
        String d = b.image(new Image("amd64", List.of(Layer.busybox(), new Layer().file("hello", text)), "\"Cmd\":[\"/bin/cat\",\"/hello\"]"));
        b.tags(List.of("1"), List.of(d));
        return dir;
    }

    public void tags(List<String> tags, List<String> descriptors) throws IOException {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < tags.size(); i++) {
            String d = descriptors.get(i);
            entries.add(d.substring(0, d.length() - 1) + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tags.get(i) + "\"}}");
        }
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + String.join(",", entries) + "]}");
    }

    public static String digestOf(String descriptor) {
        int at = descriptor.indexOf("\"digest\":\"") + 10;
        return descriptor.substring(at, descriptor.indexOf('"', at));
    }

    private String blob(byte[] data) throws IOException {
        String hex = sha256(data);
        Files.write(dir.resolve("blobs/sha256/" + hex), data);
        return "sha256:" + hex;
    }

    private static String descriptor(String mediaType, String digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
