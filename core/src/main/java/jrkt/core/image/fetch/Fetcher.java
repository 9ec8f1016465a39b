package jrkt.core.image.fetch;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import jrkt.core.JrktException;
import jrkt.core.image.oci.AppcView;
import jrkt.core.image.oci.DockerReference;
import jrkt.core.store.ImageInfo;
import jrkt.core.store.Store;

/**
 * fetch, and the image arguments of run and prepare: one entry point that tells what an argument
 * names ({@link ImageSource}) and brings the image into the store. Registry, HTTP and OpenPGP
 * classes are loaded only when an argument needs them: running a stored image never does.
 *
 * @param insecure   the --insecure-options in force ("http": registries without TLS, "tls": no certificate check)
 * @param pullPolicy new: use a stored image of that name and tag if there is one; update: always ask the remote;
 *                   never: only the store
 */
public final class Fetcher {
    public enum PullPolicy { NEW, UPDATE, NEVER }

    /** signature: the detached signature of a local ACI file (--signature), or null for FILE.asc if present. */
    public record Options(Set<String> insecure, PullPolicy pullPolicy, List<Path> configDirs, boolean quiet, Path signature) {
        public Options(Set<String> insecure, PullPolicy pullPolicy, List<Path> configDirs, boolean quiet) {
            this(insecure, pullPolicy, configDirs, quiet, null);
        }
    }

    private final Store store;
    private final Options options;

    public Fetcher(Store store, Options options) {
        this.store = store;
        this.options = options;
    }

    /** Whether an argument of run or prepare needs a fetch (anything but a stored name or ID). */
    public static boolean isFetchable(String argument) { return !(ImageSource.parse(argument) instanceof ImageSource.Name); }

    /** Brings the image an argument names into the store (as the pull policy says) and returns it. */
    public ImageInfo fetch(String argument) throws IOException {
        ImageSource source = ImageSource.parse(argument);
        String what = "image " + argument;
        return switch (source) {
            case ImageSource.LocalFile file -> {
                if (!Files.exists(file.path())) throw new JrktException("image file " + file.path() + " does not exist");
                if (Files.isDirectory(file.path())) throw new JrktException(file.path() + ": is a directory, not an ACI file");
                verifyLocal(file.path(), what);
                yield store.importAci(file.path(), file.sourceUrl());
            }
            case ImageSource.Docker docker -> {
                ImageInfo stored = options.pullPolicy() == PullPolicy.UPDATE ? null : storedDocker(docker.reference());
                if (stored != null) yield stored;
                if (options.pullPolicy() == PullPolicy.NEVER) {
                    throw new JrktException(what + ": not in the store, and --pull-policy=never forbids fetching it");
                }
                boolean plain = options.insecure().contains("http");
                HttpClient http = Http.client(options.insecure().contains("tls"));
                DockerAuth auth = DockerAuth.load(options.configDirs());
                RegistryClient client = new RegistryClient(docker.reference(), plain, http,
                    auth.forRegistry(docker.reference().registry()), what);
                yield RegistrySource.fetch(docker.reference(), client, importer(), what, PlatformChoice.host());
            }
            case ImageSource.OciLocal local -> {
                String url = local.transport() + ":" + local.path().toAbsolutePath().normalize() + (local.tag() == null ? "" : ":" + local.tag());
                yield switch (local.transport()) {
                    case "oci-layout" -> {
                        if (!Files.isDirectory(local.path())) throw new JrktException(what + ": " + local.path() + " is not a directory");
                        yield LayoutSource.fetch(local.path(), local.tag(), local.path().toAbsolutePath().normalize().getFileName().toString(),
                            importer(), what, url, PlatformChoice.host());
                    }
                    case "oci-archive" -> ArchiveSource.fetchOciArchive(local.path(), local.tag(), store, importer(), what, url, PlatformChoice.host());
                    default -> ArchiveSource.fetchDockerArchive(local.path(), local.tag(), store, importer(), what, url);
                };
            }
            case ImageSource.Remote remote when remote.scheme().equals("http") || remote.scheme().equals("https") ->
                AciHttpSource.fetch(java.net.URI.create(remote.location()), store, Http.client(options.insecure().contains("tls")),
                    options, trust(), Progress.toStderr(options.quiet()));
            case ImageSource.Remote remote -> throw new JrktException("unsupported URL scheme '" + remote.scheme() + "' in "
                + remote.location() + "; use a file path, a file:// URL, http(s)://, docker://, oci-layout:, oci-archive: or docker-archive:");
            // Without discovery, a name can only mean an image already in the store.
            case ImageSource.Name name -> {
                try {
                    yield store.resolve(name.reference());
                } catch (JrktException notStored) {
                    throw new JrktException("no file named '" + name.reference() + "', and no stored image matches it ("
                        + notStored.getMessage() + "); for a registry image use docker://" + name.reference());
                }
            }
        };
    }

    private AciTrust trust() { return new AciTrust(new jrkt.core.trust.TrustedKeys(options.configDirs())); }

    /**
     * A local ACI is checked when it comes with a signature: --signature FILE, or FILE.asc beside
     * it (then a bad or untrusted signature refuses it, unless --insecure-options=image). A local
     * file without one is the user's own and imported as it is.
     */
    private void verifyLocal(Path file, String what) throws IOException {
        if (options.insecure().contains("image")) return;
        Path asc = options.signature() != null ? options.signature() : file.resolveSibling(file.getFileName() + ".asc");
        if (!Files.exists(asc)) {
            if (options.signature() != null) throw new JrktException("--signature " + asc + ": no such file");
            return;
        }
        if (Files.size(asc) > 1 << 20) throw new JrktException(what + ": signature " + asc + " is larger than 1MiB");
        trust().verify(file, Files.readAllBytes(asc), what);
    }

    private OciImporter importer() { return new OciImporter(store, Progress.toStderr(options.quiet())); }

    /** The stored image a docker reference names: same name and tag, or the manifest digest it pins. */
    private ImageInfo storedDocker(DockerReference ref) {
        for (ImageInfo candidate : store.listImagesNamed(ref.appcName())) {
            if (ref.digest() != null) {
                String pinned = store.manifest(candidate.id()).annotations().get(AppcView.ANNOTATION_MANIFEST);
                if (ref.digest().equals(pinned)) return candidate;
            } else if (ref.tag().equals(candidate.labels().get("version"))) {
                return candidate;
            }
        }
        return null;
    }

    /** The HTTP client of fetches: no automatic redirects (see RegistryClient), HTTP/1.1. */
    static final class Http {
        private Http() {}

        static HttpClient client(boolean insecureTls) {
            HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).version(HttpClient.Version.HTTP_1_1);
            b.sslContext(Tls.context(insecureTls));
            return b.build();
        }
    }
}
