package jrkt.core.image.fetch;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The JDK's HTTP client (ACIs over HTTP(S), discovery) behind a proxy of the environment: each
 * request that goes through a proxy whose URL has {@code user:password@} carries its Basic
 * credentials from the start, as curl and Go send them, and as the registry client
 * ({@link BlockingHttp}) does; the JDK's client sends none unasked, and tinyproxy answers a
 * missing one with a 401 the JDK does not take for the proxy's. For https the JDK puts them on
 * the CONNECT only, never on the request inside the tunnel, once Basic is allowed for tunnels
 * ({@link #allowBasicForTunnels}). A proxy's refusal, and any failure through a proxy, is an
 * IOException naming the proxy and its variable.
 */
final class ProxyAuthorizingClient extends HttpClient {
    private final HttpClient client;
    private final Proxies proxies;

    private ProxyAuthorizingClient(HttpClient client, Proxies proxies) {
        this.client = client;
        this.proxies = proxies;
    }

    /** The client of that builder, through the environment's proxies when it names any. */
    static HttpClient of(HttpClient.Builder builder, Proxies proxies) {
        if (proxies.none()) return builder.build();
        allowBasicForTunnels();
        return new ProxyAuthorizingClient(builder.proxy(new EnvironmentProxies(proxies)).build(), proxies);
    }

    /** The proxies as the JDK's client takes them. */
    private static final class EnvironmentProxies extends ProxySelector {
        private final Proxies proxies;

        EnvironmentProxies(Proxies proxies) { this.proxies = proxies; }

        @Override public List<java.net.Proxy> select(java.net.URI uri) {
            Proxies.Proxy p = proxies.forUri(uri);
            if (p == null) return List.of(java.net.Proxy.NO_PROXY);
            return List.of(new java.net.Proxy(java.net.Proxy.Type.HTTP, java.net.InetSocketAddress.createUnresolved(p.host(), p.port())));
        }

        @Override public void connectFailed(java.net.URI uri, java.net.SocketAddress proxy, IOException e) {
            // the request fails with e, named by its caller
        }
    }

    /**
     * The JDK drops a Basic Proxy-Authorization from a CONNECT unless this property, read once
     * when its HTTP classes start, leaves Basic out (its default is "Basic"). jrkt sets it before
     * its first client; the credentials are those the user put in the proxy URL.
     */
    private static void allowBasicForTunnels() {
        if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
            System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
        }
    }

    @Override public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        Proxies.Proxy proxy = proxies.forUri(request.uri());
        if (proxy == null) return client.send(request, handler);
        HttpResponse<T> response;
        try {
            response = client.send(authorized(request, proxy), handler);
        } catch (SSLException e) {
            throw e; // TLS with the server itself, through the tunnel: its caller names it
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            boolean credentials = why.contains("407") || why.contains("401");
            throw new IOException("through the proxy " + proxy.name() + ": " + why + (credentials ? proxy.credentialsHint() : ""), e);
        }
        if (Proxies.refusedByProxy(response.statusCode(), response.headers().firstValue("Proxy-Authenticate").isPresent(),
                response.headers().firstValue("WWW-Authenticate").isPresent())) {
            if (response.body() instanceof AutoCloseable body) {
                try {
                    body.close();
                } catch (Exception ignored) {
                    // the refusal is what matters
                }
            }
            throw new IOException(proxy.refusal(request.uri(), response.statusCode()));
        }
        return response;
    }

    private static HttpRequest authorized(HttpRequest request, Proxies.Proxy proxy) {
        if (proxy.authorization() == null) return request;
        return HttpRequest.newBuilder(request, (name, value) -> true).setHeader("Proxy-Authorization", proxy.authorization()).build();
    }

    @Override public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        Proxies.Proxy proxy = proxies.forUri(request.uri());
        return client.sendAsync(proxy == null ? request : authorized(request, proxy), handler);
    }

    @Override public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        Proxies.Proxy proxy = proxies.forUri(request.uri());
        return client.sendAsync(proxy == null ? request : authorized(request, proxy), handler, pushPromiseHandler);
    }

    @Override public Optional<CookieHandler> cookieHandler() { return client.cookieHandler(); }
    @Override public Optional<Duration> connectTimeout() { return client.connectTimeout(); }
    @Override public Redirect followRedirects() { return client.followRedirects(); }
    @Override public Optional<ProxySelector> proxy() { return client.proxy(); }
    @Override public SSLContext sslContext() { return client.sslContext(); }
    @Override public SSLParameters sslParameters() { return client.sslParameters(); }
    @Override public Optional<Authenticator> authenticator() { return client.authenticator(); }
    @Override public Version version() { return client.version(); }
    @Override public Optional<Executor> executor() { return client.executor(); }
    @Override public void shutdown() { client.shutdown(); }
    @Override public void shutdownNow() { client.shutdownNow(); }
    @Override public boolean awaitTermination(Duration duration) throws InterruptedException { return client.awaitTermination(duration); }
    @Override public boolean isTerminated() { return client.isTerminated(); }
    @Override public void close() { client.close(); }
}
