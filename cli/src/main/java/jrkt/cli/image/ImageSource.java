package jrkt.cli.image;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import jrkt.core.JrktException;

/**
 * Where an image argument of fetch points: a local file (a path or a file:// URL), a remote
 * location (http, https, docker: room for fetchers to come), or a name to look up.
 */
sealed interface ImageSource {
    record LocalFile(Path path) implements ImageSource {
        String sourceUrl() { return path.toAbsolutePath().normalize().toUri().toString(); }
    }

    record Remote(String scheme, String location) implements ImageSource {}

    record Name(String reference) implements ImageSource {}

    static ImageSource parse(String argument) {
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
