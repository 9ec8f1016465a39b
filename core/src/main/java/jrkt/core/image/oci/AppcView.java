package jrkt.core.image.oci;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import jrkt.core.image.aci.AcName;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.json.Json;

/**
 * The appc image manifest jrkt keeps for an OCI or Docker image, so that pods, {@code image
 * cat-manifest} and {@code image export} treat both kinds alike (rkt's docker2aci did the same):
 * Entrypoint and Cmd become exec, Env the environment, WorkingDir the working directory, User the
 * user and group ({@code name}, {@code uid}, {@code uid:gid}; a user alone takes its primary group
 * from the image's /etc/passwd, as Docker does), ExposedPorts ports ({@code 80/tcp} is
 * {@code 80-tcp}), Volumes mount points ({@code /var/lib/data} is {@code volume-var-lib-data}),
 * labels annotations. The name is the repository; labels are version (the tag), os and arch.
 */
public final class AppcView {
    private AppcView() {}

    public static final String ANNOTATION_REFERENCE = "jrkt.io/oci/reference";
    public static final String ANNOTATION_MANIFEST = "jrkt.io/oci/manifest-digest";
    public static final String ANNOTATION_CONFIG = "jrkt.io/oci/config-digest";

    /**
     * @param primaryGid the gid /etc/passwd of the image gives a user name or uid, or null
     */
    public static byte[] manifest(String name, String version, OciConfig config, String reference, String manifestDigest,
                                  String configDigest, Function<String, Integer> primaryGid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acKind", "ImageManifest");
        m.put("acVersion", "0.8.11");
        m.put("name", name);
        List<Object> labels = new ArrayList<>();
        if (version != null) labels.add(nameValue("version", version));
        String os = config.os().toLowerCase(Locale.ROOT);
        List<String> arches = ImageManifest.VALID_OS_ARCH.get(os);
        if (arches != null) {
            labels.add(nameValue("os", os));
            if (arches.contains(config.appcArch())) labels.add(nameValue("arch", config.appcArch()));
        }
        m.put("labels", labels);
        m.put("app", app(config, primaryGid));
        List<Object> annotations = new ArrayList<>();
        for (Map.Entry<String, String> label : config.labels().entrySet()) {
            String key = identifier(label.getKey());
            if (key != null) annotations.add(nameValue(key, label.getValue()));
        }
        if (reference != null) annotations.add(nameValue(ANNOTATION_REFERENCE, reference));
        if (manifestDigest != null) annotations.add(nameValue(ANNOTATION_MANIFEST, manifestDigest));
        annotations.add(nameValue(ANNOTATION_CONFIG, configDigest));
        m.put("annotations", annotations);
        return Json.writePretty(m).getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> app(OciConfig c, Function<String, Integer> primaryGid) {
        Map<String, Object> app = new LinkedHashMap<>();
        List<String> exec = new ArrayList<>(c.entrypoint());
        exec.addAll(c.cmd());
        app.put("exec", exec);
        String user = "0", group = "0";
        if (c.user() != null) {
            int colon = c.user().indexOf(':');
            user = colon < 0 ? c.user() : c.user().substring(0, colon);
            if (user.isEmpty()) user = "0";
            if (colon >= 0 && colon + 1 < c.user().length()) {
                group = c.user().substring(colon + 1);
            } else {
                Integer gid = primaryGid.apply(user);
                group = gid == null ? "0" : Integer.toUnsignedString(gid);
            }
        }
        app.put("user", user);
        app.put("group", group);
        List<Object> env = new ArrayList<>();
        for (String e : c.env()) {
            int eq = e.indexOf('=');
            String key = eq < 0 ? e : e.substring(0, eq);
            if (key.matches("[A-Za-z_][A-Za-z0-9_.-]*")) env.add(nameValue(key, eq < 0 ? "" : e.substring(eq + 1)));
        }
        app.put("environment", env);
        if (c.workingDir() != null && c.workingDir().startsWith("/")) app.put("workingDirectory", c.workingDir());
        List<Object> mountPoints = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String volume : c.volumes()) {
            if (!volume.startsWith("/")) continue;
            String mpName = acName("volume-" + volume);
            for (int i = 2; !names.add(mpName); i++) mpName = acName("volume-" + volume) + "-" + i;
            Map<String, Object> mp = new LinkedHashMap<>();
            mp.put("name", mpName);
            mp.put("path", volume);
            mp.put("readOnly", false);
            mountPoints.add(mp);
        }
        app.put("mountPoints", mountPoints);
        List<Object> ports = new ArrayList<>();
        for (String exposed : c.exposedPorts()) {
            String[] parts = exposed.split("/", 2);
            String protocol = parts.length > 1 ? parts[1].toLowerCase(Locale.ROOT) : "tcp";
            String number = parts[0];
            int count = 1;
            int dash = number.indexOf('-');
            if (dash > 0) { // "8000-8010/tcp"
                if (!number.substring(dash + 1).matches("[0-9]{1,5}")) continue;
                count = Integer.parseInt(number.substring(dash + 1)) - Integer.parseInt(number.substring(0, dash).replaceAll("\\D", "0")) + 1;
                number = number.substring(0, dash);
            }
            if (!number.matches("[0-9]{1,5}") || Integer.parseInt(number) < 1 || Integer.parseInt(number) > 65535 || count < 1) continue;
            Map<String, Object> port = new LinkedHashMap<>();
            port.put("name", acName(parts[0] + "-" + protocol));
            port.put("protocol", protocol);
            port.put("port", Long.parseLong(number));
            port.put("count", (long) count);
            port.put("socketActivated", false);
            ports.add(port);
        }
        app.put("ports", ports);
        return app;
    }

    private static Map<String, Object> nameValue(String name, String value) {
        Map<String, Object> nv = new LinkedHashMap<>();
        nv.put("name", name);
        nv.put("value", value);
        return nv;
    }

    /** An AC Name from free text: lowercase, runs of anything else than letters and digits made '-'. */
    static String acName(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "x" : s;
    }

    /** An AC Identifier from a label key, or null when nothing of it is left. */
    static String identifier(String key) {
        String s = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._~/-]+", "-")
            .replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        return !s.isEmpty() && AcName.isIdentifier(s) ? s : null;
    }
}
