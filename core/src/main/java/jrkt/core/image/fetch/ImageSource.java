package jrkt.core.image.fetch;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import jrkt.core.JrktException;
import jrkt.core.image.oci.DockerReference;

/**
 * What an image argument of fetch, run or prepare names: a local ACI file (a path or a file://
 * URL), a registry image ({@code docker://}), an OCI layout or archive, a Docker archive, an ACI
 * over HTTP(S), or a name (or ID) to look up in the store.
 */
public sealed interface ImageSource {
    record LocalFile(Path path) implements ImageSource {
        public String sourceUrl() { return path.toAbsolutePath().normalize().toUri().toString(); }
    }

    record Docker(DockerReference reference) implements ImageSource {}

    /** oci-layout:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF]; tag null when not given. */
    record OciLocal(String transport, Path path, String tag) implements ImageSource {}

    record Remote(String scheme, String location) implements ImageSource {}

    record Name(String reference) implements ImageSource {}

    static ImageSource parse(String argument) {
        for (String transport : new String[] {"oci-layout:", "oci-archive:", "docker-archive:"}) {
            if (argument.startsWith(transport)) return ociLocal(transport.substring(0, transport.length() - 1), argument.substring(transport.length()));
        }
        if (argument.startsWith("docker://")) return new Docker(DockerReference.parse(argument.substring("docker://".length())));
        int schemeEnd = argument.indexOf("://");
        if (schemeEnd > 0 && argument.substring(0, schemeEnd).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            String scheme = argument.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            if (scheme.equals("file")) return new LocalFile(fileUrl(argument));
            return new Remote(scheme, argument);
        }
        Path path = Path.of(argument);
        if (Files.exists(path) || looksLikePath(argument)) return new LocalFile(path);
        return new Name(argument);
    }

    /** PATH[:TAG]: a tag follows the last ':' after the last '/', when PATH itself is not an existing file with that ':'. */
    private static ImageSource ociLocal(String transport, String rest) {
        if (rest.isEmpty()) throw new JrktException(transport + ": no path given (" + transport + ":PATH[:TAG])");
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/') && colon > 0 && !Files.exists(Path.of(rest))) {
            String tag = rest.substring(colon + 1);
            return new OciLocal(transport, Path.of(rest.substring(0, colon)), tag.isEmpty() ? null : tag);
        }
        return new OciLocal(transport, Path.of(rest), null);
    }

    /** Names like example.com/app hold slashes too, so only these shapes mean a path. */
    private static boolean looksLikePath(String s) {
        return s.startsWith("/") || s.startsWith("./") || s.startsWith("../") || s.endsWith(".aci");
    }

    private static Path fileUrl(String argument) {
        try {
            URI uri = new URI(argument);
            if (uri.getPath() == null || uri.getPath().isEmpty() || (uri.getHost() != null && !uri.getHost().isEmpty())) {
                throw new JrktException("bad file URL '" + argument + "': expected file:///absolute/path");
            }
            return Path.of(uri.getPath());
        } catch (URISyntaxException e) {
            throw new JrktException("bad file URL '" + argument + "': " + e.getReason());
        }
    }
}
