package jrkt.core.image.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jrkt.core.JrktException;
import jrkt.core.image.oci.DockerReference;
import jrkt.core.image.oci.MediaTypes;
import jrkt.core.json.Json;

/**
 * The OCI distribution API v2, as a client that only pulls: manifests and blobs of one
 * repository. One caller owns HTTP, auth and errors: anonymous access first; on a 401 the
 * {@code WWW-Authenticate} challenge says what to do: {@code Bearer} asks the named token server
 * for a pull token (with the registry's credentials from auth.d, if any), {@code Basic} sends the
 * credentials themselves. Redirects (blob storage) are followed by hand, and credentials go only
 * to the registry's own scheme, host and port, never to where it redirects.
 */
final class RegistryClient {
    private static final int MAX_REDIRECTS = 5;
    private static final Pattern PARAM = Pattern.compile("([A-Za-z_]+)=\"([^\"]*)\"");

    private final DockerReference reference;
    private final URI base;
    private final BlockingHttp http;
    private final DockerAuth.Credentials credentials;
    private final String what;
    private volatile String authorization; // the header that worked, once one did

    /** A response whose body is still to be read. */
    record Opened(InputStream body, String contentType, long length, String digest) {}

    RegistryClient(DockerReference reference, boolean plainHttp, BlockingHttp http, DockerAuth.Credentials credentials, String what) {
        this.reference = reference;
        this.base = URI.create((plainHttp ? "http://" : "https://") + reference.apiHost() + "/v2/");
        this.http = http;
        this.credentials = credentials;
        this.what = what;
    }

    /** GET the manifest (or index) by tag or digest. */
    Opened manifest(String tagOrDigest) throws IOException {
        return get("/manifests/" + tagOrDigest, String.join(", ", MediaTypes.ACCEPTED) + ", "
            + MediaTypes.DOCKER_SCHEMA1_SIGNED + ";q=0.1", "fetching the manifest " + tagOrDigest);
    }

    /** GET a blob: the body streams. */
    Opened blob(String digest, String step) throws IOException {
        return get("/blobs/" + digest, "*/*", step);
    }

    private Opened get(String path, String accept, String step) throws IOException {
        URI uri = base.resolve(reference.repository() + path);
        boolean authenticated = false;
        for (int attempt = 0; ; attempt++) {
            BlockingHttp.Response response = send(uri, accept, authorization, step);
            int status = response.status();
            if (status == 401 && !authenticated && attempt == 0) {
                String challenge = response.header("WWW-Authenticate").orElse("");
                response.body().close();
                authorization = authorize(challenge, step);
                authenticated = true;
                continue;
            }
            if (status >= 300 && status < 400 && status != 304) {
                response.body().close();
                return followRedirects(response, accept, step);
            }
            return checked(response, step);
        }
    }

    private Opened followRedirects(BlockingHttp.Response first, String accept, String step) throws IOException {
        BlockingHttp.Response response = first;
        for (int i = 0; i < MAX_REDIRECTS; i++) {
            Optional<String> location = response.header("Location");
            if (location.isEmpty()) throw failure(step, "the registry answered " + response.status() + " without a Location");
            URI next = response.uri().resolve(location.get());
            // blob storage gets no credentials of the registry's
            boolean sameOrigin = next.getScheme().equalsIgnoreCase(base.getScheme())
                && next.getHost() != null && next.getHost().equalsIgnoreCase(base.getHost()) && port(next) == port(base);
            response = send(next, accept, sameOrigin ? authorization : null, step);
            int status = response.status();
            if (status < 300 || status >= 400) return checked(response, step);
            response.body().close();
        }
        throw failure(step, "more than " + MAX_REDIRECTS + " redirects");
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private Opened checked(BlockingHttp.Response response, String step) throws IOException {
        int status = response.status();
        if (status == 200) {
            return new Opened(response.body(), response.header("Content-Type").orElse(null),
                response.longHeader("Content-Length").orElse(-1),
                response.header("Docker-Content-Digest").orElse(null));
        }
        String detail = errorDetail(response);
        throw failure(step, switch (status) {
            case 401 -> "the registry answered 401 Unauthorized" + (credentials == null
                ? " (no credentials for " + reference.registry() + " in auth.d)" : " (the credentials in auth.d were refused)");
            case 403 -> "the registry answered 403 Forbidden";
            case 404 -> "the registry answered 404 Not Found (no such repository, tag or blob)";
            case 429 -> "the registry answered 429 Too Many Requests";
            default -> "the registry answered " + status;
        } + detail);
    }

    /** The first error message of a registry's JSON error body, if it has one. */
    private static String errorDetail(BlockingHttp.Response response) {
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(8192);
            Object json = Json.parse(bytes);
            if (json instanceof Map<?, ?> m && Json.asObject(m).get("errors") instanceof java.util.List<?> errors
                    && !errors.isEmpty() && errors.get(0) instanceof Map<?, ?> first
                    && Json.asObject(first).get("message") instanceof String message) {
                return ": " + message;
            }
        } catch (IOException | RuntimeException e) {
            // no detail
        }
        return "";
    }

    /** The Authorization header a challenge asks for. */
    private String authorize(String challenge, String step) throws IOException {
        String scheme = challenge.contains(" ") ? challenge.substring(0, challenge.indexOf(' ')) : challenge;
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "basic" -> {
                if (credentials == null) {
                    throw failure(step, "the registry asks for a user and password (Basic auth), and auth.d has none for "
                        + reference.registry());
                }
                return basic(credentials);
            }
            case "bearer" -> {
                return "Bearer " + token(params, step);
            }
            default -> throw failure(step, "the registry answered 401 with an unknown challenge \"" + challenge + "\"");
        }
    }

    private static String basic(DockerAuth.Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.user() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
    }

    /** A token from the realm the challenge names, for pulling this repository. */
    private String token(Map<String, String> params, String step) throws IOException {
        String realm = params.get("realm");
        if (realm == null) throw failure(step, "the registry's Bearer challenge names no realm");
        StringBuilder query = new StringBuilder();
        if (params.containsKey("service")) query.append("service=").append(enc(params.get("service")));
        String scope = params.getOrDefault("scope", "repository:" + reference.repository() + ":pull");
        query.append(query.isEmpty() ? "" : "&").append("scope=").append(enc(scope));
        URI uri;
        try {
            uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        } catch (IllegalArgumentException e) {
            throw failure(step, "the token realm \"" + realm + "\" is not a URL");
        }
        BlockingHttp.Response response = send(uri, "application/json", credentials == null ? null : basic(credentials),
            step + " (token from " + uri.getHost() + ")");
        if (response.status() != 200) {
            response.body().close();
            throw failure(step, "the token server " + uri.getScheme() + "://" + uri.getAuthority() + " answered " + response.status()
                + (response.status() == 401 ? (credentials == null ? " (no credentials in auth.d)" : " (the credentials were refused)") : ""));
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(1 << 20);
        }
        try {
            Map<String, Object> json = Json.asObject(Json.parse(body));
            Object token = json.get("token") != null ? json.get("token") : json.get("access_token");
            if (token instanceof String s && !s.isEmpty()) return s;
        } catch (RuntimeException e) {
            // falls through
        }
        throw failure(step, "the token server's answer holds no token");
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    private BlockingHttp.Response send(URI uri, String accept, String auth, String step) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", accept);
        headers.put("User-Agent", "jrkt");
        if (auth != null) headers.put("Authorization", auth);
        try {
            return http.get(uri, headers);
        } catch (ConnectException | UnknownHostException e) {
            throw failure(step, "cannot connect to " + uri.getScheme() + "://" + uri.getAuthority()
                + (e instanceof UnknownHostException ? ": unknown host" : e.getMessage() != null ? ": " + e.getMessage() : ": connection refused"));
        } catch (SocketTimeoutException e) {
            throw failure(step, "no answer from " + uri.getAuthority() + " in time");
        } catch (javax.net.ssl.SSLException e) {
            throw failure(step, "TLS with " + uri.getAuthority() + " failed: " + e.getMessage()
                + " (a registry without TLS needs --insecure-options=http)");
        } catch (IOException e) {
            throw failure(step, "talking to " + uri.getAuthority() + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private JrktException failure(String step, String why) {
        return new JrktException(what + ": " + step + ": " + why);
    }
}
