package jrkt.core.image.aci;

import java.util.List;
import java.util.Map;

/**
 * An appc image manifest, parsed and validated against the appc schema
 * (https://github.com/appc/spec/blob/master/spec/aci.md#image-manifest-schema).
 * Labels and annotations keep their order. {@code json} is the manifest as parsed, for
 * cat-manifest and for fields jrkt does not model.
 */
public record ImageManifest(
        String acKind,
        String acVersion,
        String name,
        Map<String, String> labels,
        App app,                      // null when the image has no app
        List<Dependency> dependencies,
        List<String> pathWhitelist,
        Map<String, String> annotations,
        Map<String, Object> json) {

    /** Parses and validates; throws InvalidManifestException naming the offending field. */
    public static ImageManifest parse(byte[] json) { throw new UnsupportedOperationException("TODO"); }

    /** The "version" label, or null. */
    public String version() { return labels.get("version"); }

    public record Dependency(String imageName, String imageId /* nullable */, Map<String, String> labels, long size) {}

    public record App(
            List<String> exec,               // may be empty for an app without exec (dependency images)
            String user,
            String group,
            List<Integer> supplementaryGids,
            String workingDirectory,         // null when absent
            List<EnvVar> environment,
            List<EventHandler> eventHandlers,
            List<MountPoint> mountPoints,
            List<Port> ports,
            List<Isolator> isolators) {}

    public record EnvVar(String name, String value) {}

    /** name is "pre-start" or "post-stop". */
    public record EventHandler(String name, List<String> exec) {}

    public record MountPoint(String name, String path, boolean readOnly) {}

    public record Port(String name, String protocol, int port, int count, boolean socketActivated) {}

    /** value is the isolator's JSON value as parsed (a Map for every appc isolator). */
    public record Isolator(String name, Object value) {}
}
