package jrkt.core.image.fetch;

import java.util.List;
import java.util.Locale;
import jrkt.core.JrktException;
import jrkt.core.image.oci.MediaTypes;
import jrkt.core.image.oci.OciManifest;

/** Picks the manifest of one platform from an index or manifest list: this host's (linux/amd64 on x86-64) by default. */
final class PlatformChoice {
    private PlatformChoice() {}

    /** The host's platform in OCI terms. */
    static OciManifest.Platform host() {
        String arch = switch (System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> System.getProperty("os.arch");
        };
        return new OciManifest.Platform("linux", arch, null);
    }

    static OciManifest.Descriptor choose(OciManifest.Index index, OciManifest.Platform wanted, String what) {
        OciManifest.Descriptor match = null;
        for (OciManifest.Descriptor d : index.manifests()) {
            if (!MediaTypes.isManifest(d.mediaType()) || d.platform() == null) continue;
            OciManifest.Platform p = d.platform();
            if (!p.os().equals(wanted.os()) || !p.architecture().equals(wanted.architecture())) continue;
            if (wanted.variant() != null && !wanted.variant().equals(p.variant())) continue;
            if (match == null) match = d;
        }
        if (match != null) return match;
        List<String> offered = index.manifests().stream().filter(d -> d.platform() != null).map(d -> d.platform().toString()).toList();
        throw new JrktException(what + ": no manifest for " + wanted + " in the image index (it has: "
            + (offered.isEmpty() ? "none with a platform" : String.join(", ", offered)) + ")");
    }
}
