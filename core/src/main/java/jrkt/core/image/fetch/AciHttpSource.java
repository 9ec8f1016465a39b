package jrkt.core.image.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jrkt.core.JrktException;
import jrkt.core.fs.Trees;
import jrkt.core.store.ImageInfo;
import jrkt.core.store.Store;

/**
 * An ACI over HTTP(S): HTTPS with the system's CAs (plain HTTP only with --insecure-options=http),
 * its signature from the same URL with {@code .asc} appended, checked before the image enters the
 * store (see {@link AciTrust}). With the update pull policy a stored image from the same URL is
 * reused while its Cache-Control max-age lasts, and after that when the server answers 304 to its
 * ETag.
 */
final class AciHttpSource {
    private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");

    private AciHttpSource() {}

    static ImageInfo fetch(URI url, Store store, HttpClient http, Fetcher.Options options, AciTrust trust, Progress progress)
            throws IOException {
        return fetch(url, URI.create(url + ".asc"), store, http, options, trust, progress);
    }

    /** ascUrl: where the signature is (discovery's template with ext "aci.asc"). */
    static ImageInfo fetch(URI url, URI ascUrl, Store store, HttpClient http, Fetcher.Options options, AciTrust trust, Progress progress)
            throws IOException {
        String what = "image " + url;
        if (url.getScheme().equalsIgnoreCase("http") && !options.insecure().contains("http")) {
            throw new JrktException(what + ": plain HTTP needs --insecure-options=http (use https)");
        }
        List<ImageInfo> stored = store.listImagesFrom(url.toString());
        ImageInfo current = stored.isEmpty() ? null : stored.getFirst();
        if (current != null && options.pullPolicy() == Fetcher.PullPolicy.NEW) return current;
        if (options.pullPolicy() == Fetcher.PullPolicy.NEVER) {
            if (current != null) return current;
            throw new JrktException(what + ": not in the store, and --pull-policy=never forbids fetching it");
        }
        if (current != null && current.maxAgeSeconds() > 0) {
            Instant checked = store.remoteTime(current.id());
            if (checked != null && checked.plusSeconds(current.maxAgeSeconds()).isAfter(Instant.now())) return current;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(url).GET().timeout(Duration.ofMinutes(30)).header("User-Agent", "jrkt");
        if (current != null && current.etag() != null) request.header("If-None-Match", current.etag());
        HttpResponse<InputStream> response = send(http, request.build(), what, "fetching the image");
        if (response.statusCode() == 304 && current != null) {
            response.body().close();
            store.recordRemote(current.id(), current.etag(), maxAge(response));
            return current;
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new JrktException(what + ": fetching the image: the server answered " + response.statusCode());
        }
        Path work = store.layers().newWorkDir("aci");
        try {
            Path file = work.resolve("image.aci");
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            progress.start(what, 1, Math.max(length, 0));
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                long total = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    total += n;
                    progress.bytes(n);
                }
                if (length >= 0 && total != length) {
                    throw new JrktException(what + ": truncated: " + total + " of " + length + " bytes arrived");
                }
            } catch (IOException e) {
                throw new JrktException(what + ": fetching the image: the download broke off: " + e.getMessage(), e);
            } finally {
                progress.finish();
            }
            if (!options.insecure().contains("image")) {
                HttpResponse<InputStream> asc = send(http, HttpRequest.newBuilder(ascUrl).GET().timeout(Duration.ofMinutes(1))
                    .header("User-Agent", "jrkt").build(), what, "fetching the signature");
                byte[] signature;
                try (InputStream in = asc.body()) {
                    if (asc.statusCode() != 200) {
                        throw new JrktException(what + ": no signature at " + ascUrl + " (the server answered " + asc.statusCode()
                            + "); an unsigned image needs --insecure-options=image");
                    }
                    signature = in.readNBytes(1 << 20);
                }
                trust.verify(file, signature, what);
            }
            ImageInfo imported = store.importAci(file, url.toString());
            store.recordRemote(imported.id(), response.headers().firstValue("ETag").orElse(null), maxAge(response));
            return imported;
        } finally {
            Trees.delete(work);
        }
    }

    private static long maxAge(HttpResponse<?> response) {
        String cc = response.headers().firstValue("Cache-Control").orElse("").toLowerCase(Locale.ROOT);
        if (cc.contains("no-cache") || cc.contains("no-store")) return 0;
        Matcher m = MAX_AGE.matcher(cc);
        return m.find() && m.group(1).length() < 10 ? Long.parseLong(m.group(1)) : 0;
    }

    private static HttpResponse<InputStream> send(HttpClient http, HttpRequest request, String what, String step) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (javax.net.ssl.SSLException e) {
            throw new JrktException(what + ": " + step + ": TLS with " + request.uri().getAuthority() + " failed: " + e.getMessage());
        } catch (IOException e) {
            throw new JrktException(what + ": " + step + ": cannot reach " + request.uri().getAuthority() + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrktException(what + ": interrupted");
        }
    }

    static InputStream buffered(InputStream in) { return new BufferedInputStream(in, 1 << 16); }
}
