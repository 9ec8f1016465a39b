package jrkt.core.image.fetch;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jrkt.core.JrktException;

/**
 * The HTTP proxies of fetches, from the environment as podman, rkt (Go's net/http) and curl read
 * it: {@code HTTPS_PROXY} for https URLs, {@code HTTP_PROXY} for http ones (each also in lower
 * case; the upper-case one wins), and {@code NO_PROXY}, the hosts reached directly. A proxy is an
 * http:// URL ({@code host:port} alone means the same), optionally with {@code user:password@},
 * sent as Basic {@code Proxy-Authorization}; https URLs go through it by CONNECT, so TLS is still
 * end to end. As in Go, localhost and loopback addresses are never proxied.
 *
 * <p>NO_PROXY is a comma-separated list of: {@code *} (no proxy at all); a domain, which matches
 * itself and its subdomains (a leading {@code .} or {@code *.} changes nothing); an IP address or
 * a CIDR block, matching IP literals in URLs (names are not resolved to be compared); each
 * optionally with {@code :port}, then matching that port only.
 */
public final class Proxies {
    /** One proxy: where it listens, its Proxy-Authorization header value (or null), and how to name it in errors. */
    public record Proxy(String host, int port, String authorization, String name) {
        /** The message of this proxy's refusal of a request for uri (see {@link #refusedByProxy}). */
        public String refusal(java.net.URI uri, int status) {
            return "the proxy " + name + " refused the request for " + uri + ": status " + status + credentialsHint();
        }

        /** What a refusal that asks for credentials adds to its message. */
        public String credentialsHint() {
            return authorization == null ? " (it wants credentials: user:password@ in the proxy URL)"
                : " (check the credentials in the proxy URL)";
        }
    }

    /**
     * Whether an answer to a request sent through a proxy is the proxy's own refusal: 407, or
     * (tinyproxy's) 401 with Proxy-Authenticate and no WWW-Authenticate, which a server's own
     * challenge always has.
     */
    static boolean refusedByProxy(int status, boolean proxyAuthenticate, boolean wwwAuthenticate) {
        return status == 407 || (status == 401 && proxyAuthenticate && !wwwAuthenticate);
    }

    /** No proxy for anything: the environment named none. */
    public static final Proxies NONE = new Proxies(null, null, List.of(), false);

    private final Proxy https, http;
    private final List<Entry> noProxy;
    private final boolean noneAtAll;

    private Proxies(Proxy https, Proxy http, List<Entry> noProxy, boolean noneAtAll) {
        this.https = https;
        this.http = http;
        this.noProxy = noProxy;
        this.noneAtAll = noneAtAll;
    }

    /** Read from this process's environment; a malformed proxy variable is a JrktException naming it. */
    public static Proxies fromEnvironment() { return of(System.getenv()); }

    /** Read from env (names as in the environment). */
    public static Proxies of(Map<String, String> env) {
        String[] https = variable(env, "HTTPS_PROXY"), http = variable(env, "HTTP_PROXY"), no = variable(env, "NO_PROXY");
        Proxy httpsProxy = https == null ? null : parse(https[0], https[1]);
        Proxy httpProxy = http == null ? null : parse(http[0], http[1]);
        if (httpsProxy == null && httpProxy == null) return NONE;
        List<Entry> entries = new ArrayList<>();
        boolean all = false;
        if (no != null) {
            for (String raw : no[1].split(",")) {
                String e = raw.strip().toLowerCase(Locale.ROOT);
                if (e.isEmpty()) continue;
                if (e.equals("*")) all = true;
                else entries.add(Entry.parse(e, no[0]));
            }
        }
        return new Proxies(httpsProxy, httpProxy, entries, all);
    }

    /** {name, value} of the variable in upper case, else in lower case; null when neither is set and non-empty. */
    private static String[] variable(Map<String, String> env, String upper) {
        for (String name : new String[] {upper, upper.toLowerCase(Locale.ROOT)}) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) return new String[] {name, v.strip()};
        }
        return null;
    }

    private static Proxy parse(String variable, String value) {
        String spec = value.contains("://") ? value : "http://" + value;
        URI uri;
        try {
            uri = new URI(spec);
        } catch (URISyntaxException e) {
            throw new JrktException(variable + " " + hideCredentials(value) + ": not a proxy URL (" + e.getReason() + ")");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new JrktException(variable + " " + hideCredentials(value) + ": jrkt reaches proxies over http:// only, not "
                + uri.getScheme() + "://");
        }
        if (uri.getHost() == null) throw new JrktException(variable + " " + hideCredentials(value) + ": no proxy host in it");
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null) {
            throw new JrktException(variable + " " + hideCredentials(value) + ": a proxy URL is a scheme, a host and a port, with no path");
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String authorization = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            String user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
            String password = colon < 0 ? "" : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
            authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        return new Proxy(host, port, authorization, "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
            + " (" + variable + ")");
    }

    /** A proxy value for an error message: any password in it replaced. */
    private static String hideCredentials(String value) {
        int at = value.lastIndexOf('@');
        if (at < 0) return value;
        int start = value.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        return at < start ? value : value.substring(0, start) + "***@" + value.substring(at + 1);
    }

    /** The proxy to reach uri through, or null to reach it directly. */
    public Proxy forUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Proxy proxy = scheme.equals("https") ? https : scheme.equals("http") ? http : null;
        if (proxy == null || noneAtAll || uri.getHost() == null) return null;
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        byte[] ip = ipLiteral(host);
        if (host.equals("localhost") || host.endsWith(".localhost") || (ip != null && isLoopback(ip))) return null;
        for (Entry e : noProxy) if (e.matches(host, ip, port)) return null;
        return proxy;
    }

    /** Whether no proxy is named at all. */
    public boolean none() { return https == null && http == null; }

    private static boolean isLoopback(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The address of an IPv4 or IPv6 literal, without any lookup; null for a name. */
    static byte[] ipLiteral(String host) {
        boolean v4 = !host.isEmpty(), v6 = host.indexOf(':') >= 0;
        for (int i = 0; i < host.length() && v4; i++) {
            char c = host.charAt(i);
            v4 = (c >= '0' && c <= '9') || c == '.';
        }
        if (!v4 && !v6) return null;
        if (v6) {
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.')) return null;
            }
        } else {
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) return null;
            for (String p : parts) if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) return null;
        }
        try {
            return InetAddress.getByName(host).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** One NO_PROXY entry: a domain, or an address with a prefix length; port -1 for any. */
    private record Entry(String domain, byte[] network, int prefix, int port) {
        static Entry parse(String e, String variable) {
            int port = -1;
            String host = e;
            if (host.startsWith("[")) { // [v6] or [v6]:port
                int close = host.indexOf(']');
                if (close < 0) throw new JrktException(variable + " entry " + e + ": no closing ]");
                String rest = host.substring(close + 1);
                host = host.substring(1, close);
                if (rest.startsWith(":")) port = port(rest.substring(1), e, variable);
                else if (!rest.isEmpty()) throw new JrktException(variable + " entry " + e + ": unexpected " + rest);
            } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) { // name:port or v4:port
                port = port(host.substring(host.indexOf(':') + 1), e, variable);
                host = host.substring(0, host.indexOf(':'));
            }
            int slash = host.indexOf('/');
            String address = slash < 0 ? host : host.substring(0, slash);
            byte[] ip = ipLiteral(address);
            if (ip != null) {
                int prefix = ip.length * 8;
                if (slash >= 0) {
                    try {
                        prefix = Integer.parseInt(host.substring(slash + 1));
                    } catch (NumberFormatException bad) {
                        prefix = -1;
                    }
                    if (prefix < 0 || prefix > ip.length * 8) throw new JrktException(variable + " entry " + e + ": a bad prefix length");
                }
                return new Entry(null, ip, prefix, port);
            }
            if (slash >= 0) throw new JrktException(variable + " entry " + e + ": a prefix length after a name");
            String domain = host.startsWith("*.") ? host.substring(2) : host.startsWith(".") ? host.substring(1) : host;
            if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
            return new Entry(domain, null, 0, port);
        }

        private static int port(String s, String e, String variable) {
            try {
                int p = Integer.parseInt(s);
                if (p >= 1 && p <= 65535) return p;
            } catch (NumberFormatException bad) {
                // said below
            }
            throw new JrktException(variable + " entry " + e + ": a bad port");
        }

        boolean matches(String host, byte[] ip, int port) {
            if (this.port >= 0 && this.port != port) return false;
            if (domain != null) return ip == null && (host.equals(domain) || host.endsWith("." + domain));
            if (ip == null || ip.length != network.length) return false;
            for (int bit = 0; bit < prefix; bit += 8) {
                int bits = Math.min(8, prefix - bit), mask = (0xff << (8 - bits)) & 0xff;
                if ((ip[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
            }
            return true;
        }
    }
}
