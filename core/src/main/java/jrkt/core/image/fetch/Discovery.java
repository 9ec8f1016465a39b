package jrkt.core.image.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageReference;

/**
 * appc meta discovery (spec/discovery.md): for {@code example.com/app:1.0} fetch
 * {@code https://example.com/app?ac-discovery=1} and read its {@code <meta name="ac-discovery"
 * content="PREFIX TEMPLATE">} and {@code ac-discovery-pubkeys} tags; a template whose prefix the
 * name starts with, and whose every {@code {label}} the name's labels (with {@code os},
 * {@code arch} of this host, {@code version} "latest" by default, {@code ext} "aci") fill, gives
 * the image URL, and with ext "aci.asc" its signature. Nothing found at a path: its parent is
 * tried, up to the host. Plain HTTP only with --insecure-options=http (then HTTP after HTTPS).
 */
final class Discovery {
    private static final Pattern META = Pattern.compile("<meta\\s+([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTR = Pattern.compile("(name|content)\\s*=\\s*\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]*)\\}");

    record Endpoints(List<String> aciUrls, List<String> ascUrls, List<String> pubkeys) {}

    private Discovery() {}

    static Endpoints discover(ImageReference ref, HttpClient http, boolean allowHttp, String what) throws IOException {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("version", "latest");
        labels.put("os", "linux");
        labels.put("arch", PlatformChoice.host().architecture().equals("arm64") ? "aarch64" : PlatformChoice.host().architecture());
        labels.putAll(ref.labels());
        String host = ref.name().contains("/") ? ref.name().substring(0, ref.name().indexOf('/')) : ref.name();
        if (!isDnsName(host)) {
            throw new JrktException(what + ": discovery needs a host name at the start of the image name, and "
                + jrkt.core.Quote.arg(host) + " is none (a DNS name has labels of 1 to 63 characters, 253 in all)");
        }
        List<String> tried = new ArrayList<>();
        for (String path = ref.name(); !path.isEmpty(); path = parent(path)) {
            for (String scheme : allowHttp ? List.of("https", "http") : List.of("https")) {
                URI page = URI.create(scheme + "://" + path + "?ac-discovery=1");
                tried.add(page.toString());
                String html = get(http, page);
                if (html == null) continue;
                Endpoints found = parse(html, ref.name(), labels);
                if (!found.aciUrls().isEmpty() || !found.pubkeys().isEmpty()) return found;
            }
        }
        throw new JrktException(what + ": discovery found no ac-discovery meta tag for " + ref.name() + " (tried " + String.join(", ", tried) + ")");
    }

    static Endpoints parse(String html, String name, Map<String, String> labels) {
        List<String> acis = new ArrayList<>(), ascs = new ArrayList<>(), keys = new ArrayList<>();
        Matcher meta = META.matcher(html);
        while (meta.find()) {
            String metaName = null, content = null;
            Matcher a = ATTR.matcher(meta.group(1));
            while (a.find()) {
                if (a.group(1).equalsIgnoreCase("name")) metaName = a.group(2);
                else content = a.group(2);
            }
            if (metaName == null || content == null) continue;
            String[] parts = content.trim().split("\\s+");
            if (parts.length != 2 || !isPrefix(parts[0], name)) continue;
            if (metaName.equals("ac-discovery")) {
                String aci = fill(parts[1], name, labels, "aci");
                String asc = fill(parts[1], name, labels, "aci.asc");
                if (aci != null) { acis.add(aci); ascs.add(asc); }
            } else if (metaName.equals("ac-discovery-pubkeys")) {
                keys.add(parts[1]);
            }
        }
        return new Endpoints(acis, ascs, keys);
    }

    private static boolean isPrefix(String prefix, String name) { return name.equals(prefix) || name.startsWith(prefix.endsWith("/") ? prefix : prefix + "/"); }

    /** The template with every variable filled, or null when one has no value (the template does not fit). */
    private static String fill(String template, String name, Map<String, String> labels, String ext) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = switch (m.group(1)) {
                case "name" -> name;
                case "ext" -> ext;
                default -> labels.get(m.group(1));
            };
            if (v == null) return null;
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A name the URI and DNS layers take: dot-separated labels of 1 to 63 characters, 253 in all. */
    static boolean isDnsName(String host) {
        if (host.isEmpty() || host.length() > 253) return false;
        for (String label : host.split("\\.", -1)) if (label.isEmpty() || label.length() > 63) return false;
        return true;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String get(HttpClient http, URI uri) {
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(30))
                .header("User-Agent", "jrkt").build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) return null;
                return new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
            }
        } catch (IOException | IllegalArgumentException e) {
            return null; // unreachable or a URI the client refuses: this page is not there
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
