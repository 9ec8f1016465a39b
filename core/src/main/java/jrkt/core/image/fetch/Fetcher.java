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
                DockerAuth auth = DockerAuth.load(options.configDirs());
                try (BlockingHttp http = new BlockingHttp(options.insecure().contains("tls"), proxies())) {
                    RegistryClient client = new RegistryClient(docker.reference(), plain, http,
                        auth.forRegistry(docker.reference().registry()), what);
                    yield RegistrySource.fetch(docker.reference(), client, importer(), what, PlatformChoice.host());
                }
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
                withDependencies(AciHttpSource.fetch(java.net.URI.create(remote.location()), store,
                    httpClient(), options, trust(), Progress.toStderr(options.quiet())), new java.util.HashSet<>());
            case ImageSource.Remote remote -> throw new JrktException("unsupported URL scheme '" + remote.scheme() + "' in "
                + remote.location() + "; use a file path, a file:// URL, http(s)://, docker://, oci-layout:, oci-archive: or docker-archive:");
            case ImageSource.Name name -> fetchName(name.reference(), what, new java.util.HashSet<>());
        };
    }

    /**
     * A name: the stored image when the pull policy keeps it (an ID or ID prefix always means the
     * store), else appc discovery.
     */
    private ImageInfo fetchName(String reference, String what, Set<String> visiting) throws IOException {
        ImageInfo stored = null;
        JrktException notStored = null;
        try {
            stored = store.resolve(reference);
        } catch (JrktException e) {
            notStored = e;
        }
        boolean isId = reference.startsWith("sha512-") || reference.startsWith("sha256-")
            || jrkt.core.image.aci.ImageReference.looksLikeImageId(reference);
        if (stored != null && (options.pullPolicy() != PullPolicy.UPDATE || isId)) return stored;
        if (isId || options.pullPolicy() == PullPolicy.NEVER) {
            throw new JrktException("no file named '" + reference + "', and no stored image matches it (" + notStored.getMessage() + ")");
        }
        jrkt.core.image.aci.ImageReference ref = jrkt.core.image.aci.ImageReference.parse(reference);
        return discover(ref, what, visiting);
    }

    private ImageInfo discover(jrkt.core.image.aci.ImageReference ref, String what, Set<String> visiting) throws IOException {
        HttpClient http = httpClient();
        Discovery.Endpoints found = Discovery.discover(ref, http, options.insecure().contains("http"), what);
        if (found.aciUrls().isEmpty()) throw new JrktException(what + ": discovery found keys but no image template for " + ref);
        JrktException last = null;
        for (int i = 0; i < found.aciUrls().size(); i++) {
            String url = found.aciUrls().get(i);
            java.net.URI asc = java.net.URI.create(found.ascUrls().get(i));
            try {
                ImageInfo image = AciHttpSource.fetch(java.net.URI.create(url), asc, store, http, options, trust(),
                    Progress.toStderr(options.quiet()));
                return withDependencies(image, visiting);
            } catch (JrktException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Fetches, by discovery, the dependencies of a fetched ACI that the store does not hold; recursively. */
    private ImageInfo withDependencies(ImageInfo image, Set<String> visiting) throws IOException {
        if (jrkt.core.store.LayerStore.isOciId(image.id()) || !visiting.add(image.id())) return image;
        if (visiting.size() > 256) throw new JrktException("image " + image.name() + ": more than 256 images in its dependency graph");
        for (jrkt.core.image.aci.ImageManifest.Dependency dep : store.manifest(image.id()).dependencies()) {
            jrkt.core.image.aci.ImageReference ref = new jrkt.core.image.aci.ImageReference(dep.imageName(),
                dep.labels() == null ? java.util.Map.of() : dep.labels());
            boolean present = false;
            for (ImageInfo candidate : store.listImagesNamed(dep.imageName())) {
                if (ref.matches(candidate.name(), candidate.labels()) && (dep.imageId() == null || dep.imageId().equals(candidate.id()))) {
                    present = true;
                    break;
                }
            }
            if (!present) discover(ref, "dependency " + ref + " of image " + image.name(), visiting);
        }
        return image;
    }

    /** A key found by discovery: where it came from and its bytes. */
    public record DiscoveredKey(String url, byte[] data) {}

    /** The keys a prefix's discovery pages name ({@code ac-discovery-pubkeys}), fetched (for jrkt trust --prefix without files). */
    public List<DiscoveredKey> discoverKeys(String prefix) throws IOException {
        HttpClient http = httpClient();
        String what = "keys of prefix " + prefix;
        Discovery.Endpoints found = Discovery.discover(jrkt.core.image.aci.ImageReference.parse(prefix), http,
            options.insecure().contains("http"), what);
        if (found.pubkeys().isEmpty()) throw new JrktException(what + ": discovery found no ac-discovery-pubkeys meta tag");
        List<DiscoveredKey> keys = new java.util.ArrayList<>();
        for (String url : found.pubkeys()) {
            java.net.URI uri = java.net.URI.create(url);
            if (uri.getScheme().equals("http") && !options.insecure().contains("http")) {
                throw new JrktException(what + ": " + url + " is plain HTTP; that needs --insecure-options=http");
            }
            try {
                java.net.http.HttpResponse<byte[]> r = http.send(java.net.http.HttpRequest.newBuilder(uri).GET()
                    .timeout(Duration.ofSeconds(60)).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) throw new JrktException(what + ": " + url + " answered " + r.statusCode());
                keys.add(new DiscoveredKey(url, r.body()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JrktException(what + ": interrupted");
            } catch (IOException e) {
                throw new JrktException(what + ": cannot fetch " + url + ": " + e.getMessage(), e);
            }
        }
        return keys;
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

    private Proxies proxies;

    /** The JDK client of ACI fetches and discovery, with this fetcher's TLS option and proxies. */
    private HttpClient httpClient() { return Http.client(options.insecure().contains("tls"), proxies()); }

    /** The environment's proxies, read at the first fetch over the network (a malformed one fails it, naming the variable). */
    private Proxies proxies() {
        if (proxies == null) proxies = Proxies.fromEnvironment();
        return proxies;
    }

    /** The HTTP client of fetches: no automatic redirects (see RegistryClient), HTTP/1.1, the environment's proxies. */
    static final class Http {
        private Http() {}

        static HttpClient client(boolean insecureTls, Proxies proxies) {
            HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30)).version(HttpClient.Version.HTTP_1_1);
            b.sslContext(Tls.context(insecureTls));
            return ProxyAuthorizingClient.of(b, proxies);
        }
    }
}
