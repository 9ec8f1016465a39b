package jrkt.core.image.oci;

import java.util.List;

/** The media types of OCI and Docker schema 2 documents and layers that jrkt reads. */
public final class MediaTypes {
    private MediaTypes() {}

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    public static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /** What a registry is asked for, in order of preference. */
    public static final List<String> ACCEPTED = List.of(OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

    public static boolean isIndex(String type) { return OCI_INDEX.equals(type) || DOCKER_LIST.equals(type); }

    public static boolean isManifest(String type) { return OCI_MANIFEST.equals(type) || DOCKER_MANIFEST.equals(type); }

    public static boolean isSchema1(String type) { return DOCKER_SCHEMA1.equals(type) || DOCKER_SCHEMA1_SIGNED.equals(type); }

    public static boolean isConfig(String type) { return OCI_CONFIG.equals(type) || DOCKER_CONFIG.equals(type); }

    /** Whether a layer of this type is a tar, plain or compressed (the compression is told by its magic bytes). */
    public static boolean isLayer(String type) {
        return switch (type) {
            case "application/vnd.oci.image.layer.v1.tar",
                 "application/vnd.oci.image.layer.v1.tar+gzip",
                 "application/vnd.oci.image.layer.v1.tar+zstd",
                 "application/vnd.oci.image.layer.nondistributable.v1.tar",
                 "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
                 "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
                 "application/vnd.docker.image.rootfs.diff.tar",
                 "application/vnd.docker.image.rootfs.diff.tar.gzip",
                 "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" -> true;
            default -> false;
        };
    }
}
