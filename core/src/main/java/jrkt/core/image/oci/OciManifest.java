package jrkt.core.image.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.json.Json;
import jrkt.core.json.JsonException;

/**
 * An image manifest (OCI or Docker schema 2): the config and the layers, bottom first.
 * {@link #parse} checks that the document is what its media type says.
 */
public record OciManifest(String mediaType, Descriptor config, List<Descriptor> layers) {

    /** A content descriptor: what a manifest or index points to. platform is null outside indexes. */
    public record Descriptor(String mediaType, String digest, long size, Platform platform) {}

    /** os/architecture[/variant] of an index entry. */
    public record Platform(String os, String architecture, String variant) {
        @Override public String toString() { return os + "/" + architecture + (variant == null ? "" : "/" + variant); }
    }

    /** The entries of an index (OCI) or manifest list (Docker). */
    public record Index(String mediaType, List<Descriptor> manifests) {}

    /** The largest manifest or index accepted: registries refuse more than 4 MiB. */
    public static final int MAX_SIZE = 4 << 20;

    /**
     * Parses a manifest. {@code declaredType} is what the registry's Content-Type or the
     * referring descriptor said (null when unknown); {@code what} names the image for messages.
     */
    public static OciManifest parse(byte[] json, String declaredType, String what) {
        Map<String, Object> m = object(json, what, "manifest");
        String type = typeOf(m, declaredType, what, "manifest");
        if (MediaTypes.isSchema1(type) || Long.valueOf(1).equals(m.get("schemaVersion"))) {
            throw new JrktException(what + ": the registry has only a Docker schema 1 manifest, which jrkt does not support"
                + " (it is deprecated and unverifiable); push the image again with a current Docker, podman or skopeo");
        }
        if (!MediaTypes.isManifest(type)) {
            throw new JrktException(what + ": manifest of unknown media type \"" + type + "\"");
        }
        if (!Long.valueOf(2).equals(m.get("schemaVersion"))) throw bad(what, type, "has no schemaVersion 2");
        Descriptor config = descriptor(m.get("config"), what, type, "config");
        if (!MediaTypes.isConfig(config.mediaType())) {
            throw new JrktException(what + ": the manifest's config has unknown media type \"" + config.mediaType() + "\"");
        }
        if (!(m.get("layers") instanceof List<?> rawLayers)) throw bad(what, type, "has no \"layers\" array");
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < rawLayers.size(); i++) {
            Descriptor layer = descriptor(rawLayers.get(i), what, type, "layers[" + i + "]");
            if (!MediaTypes.isLayer(layer.mediaType())) {
                throw new JrktException(what + ": layer " + layer.digest() + " has unknown media type \"" + layer.mediaType() + "\"");
            }
            layers.add(layer);
        }
        return new OciManifest(type, config, List.copyOf(layers));
    }

    /** Parses an OCI index or Docker manifest list. */
    public static Index parseIndex(byte[] json, String declaredType, String what) {
        Map<String, Object> m = object(json, what, "index");
        String type = typeOf(m, declaredType, what, "index");
        if (!MediaTypes.isIndex(type)) throw new JrktException(what + ": index of unknown media type \"" + type + "\"");
        if (!(m.get("manifests") instanceof List<?> raw)) throw bad(what, type, "has no \"manifests\" array");
        List<Descriptor> entries = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) entries.add(descriptor(raw.get(i), what, type, "manifests[" + i + "]"));
        return new Index(type, List.copyOf(entries));
    }

    /** The media type a document says it has ({@code mediaType}), else what it was declared as. */
    public static String mediaTypeOf(byte[] json, String declaredType, String what) {
        return typeOf(object(json, what, "manifest"), declaredType, what, "manifest");
    }

    private static Map<String, Object> object(byte[] json, String what, String kind) {
        if (json.length > MAX_SIZE) throw new JrktException(what + ": the " + kind + " is larger than 4MiB");
        Object root;
        try {
            root = Json.parse(json, new Json.Limits(64, 1 << 20, 32));
        } catch (JsonException e) {
            throw new JrktException(what + ": the " + kind + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map)) throw new JrktException(what + ": the " + kind + " is not a JSON object");
        return Json.asObject(root);
    }

    /** The body's mediaType must agree with the declared one when both are there. */
    private static String typeOf(Map<String, Object> m, String declared, String what, String kind) {
        Object inBody = m.get("mediaType");
        if (inBody != null && !(inBody instanceof String)) throw new JrktException(what + ": the " + kind + "'s mediaType is not a string");
        String body = (String) inBody;
        String header = declared == null || declared.isBlank() ? null : declared.split(";")[0].trim();
        if (header != null && (header.equals("application/json") || header.equals("text/plain")
                || header.equals("application/octet-stream"))) header = null; // servers that do not know the type
        if (body != null && header != null && !body.equals(header)) {
            throw new JrktException(what + ": the " + kind + " says it is \"" + body + "\" but was served as \"" + header + "\"");
        }
        String type = body != null ? body : header;
        if (type == null) {
            // OCI allows an index or manifest without mediaType: tell them by their fields
            if (m.containsKey("manifests")) return MediaTypes.OCI_INDEX;
            if (m.containsKey("config") && m.containsKey("layers")) return MediaTypes.OCI_MANIFEST;
            if (Long.valueOf(1).equals(m.get("schemaVersion"))) return MediaTypes.DOCKER_SCHEMA1;
            throw new JrktException(what + ": the " + kind + " has no media type and is neither a manifest nor an index");
        }
        return type;
    }

    private static Descriptor descriptor(Object raw, String what, String type, String field) {
        if (!(raw instanceof Map<?, ?>)) throw bad(what, type, "has a " + field + " that is not an object");
        Map<String, Object> d = Json.asObject(raw);
        if (!(d.get("mediaType") instanceof String mediaType)) throw bad(what, type, "has a " + field + " without mediaType");
        if (!(d.get("digest") instanceof String digest)) throw bad(what, type, "has a " + field + " without digest");
        if (!Digests.isValid(digest)) {
            throw new JrktException(what + ": " + field + " has digest \"" + digest + "\"; only sha256:<64 hex digits> is supported");
        }
        if (!(d.get("size") instanceof Long size) || size < 0) throw bad(what, type, "has a " + field + " without a size");
        Platform platform = null;
        if (d.get("platform") instanceof Map<?, ?> p) {
            Map<String, Object> pm = Json.asObject(p);
            platform = new Platform(String.valueOf(pm.get("os")), String.valueOf(pm.get("architecture")),
                pm.get("variant") instanceof String v ? v : null);
        }
        return new Descriptor(mediaType, digest, size, platform);
    }

    private static JrktException bad(String what, String type, String why) {
        return new JrktException(what + ": the manifest is not a valid \"" + type + "\": it " + why);
    }
}
