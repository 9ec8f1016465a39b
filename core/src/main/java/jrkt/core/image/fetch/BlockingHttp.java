package jrkt.core.image.fetch;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The HTTP/1.1 client of registry pulls: GETs on blocking sockets, each response body read by
 * the thread that consumes it, straight from the socket (a layer's bytes go from the socket
 * through the digest into the unpacker in one thread: no selector thread, no body queue), and
 * the connections of each origin kept for the next request (keep-alive).
 *
 * <p>A connection goes back to the idle pool only once its response body was read to its end
 * and the server did not ask for {@code Connection: close}; a body closed early closes its
 * connection, unless the rest of it has already arrived (then it is skipped). A request on an
 * idle connection that the server closed meanwhile (before any byte of an answer) is sent once
 * more on a new connection: a GET may be repeated. Bodies come by Content-Length, chunked, or
 * until the server closes; one that ends early is an IOException. TLS (https) is set up only at
 * the first https connection, through {@link Tls}: names are checked against certificates unless
 * insecure. A response is read by one thread; the pool is shared by all. Through a proxy
 * ({@link Proxies}): an https origin is reached by a CONNECT tunnel, in which TLS is set up with
 * the origin as without one; an http origin by requests in absolute form to the proxy. Not
 * supported, as no pull needs them: HTTP/2, request bodies.
 */
final class BlockingHttp implements Closeable {
    static final int CONNECT_TIMEOUT_MS = 30_000;
    /** How long a read may wait for a byte: the headers of an answer, or the next bytes of a body. */
    static final int READ_TIMEOUT_MS = 5 * 60_000;
    private static final int MAX_IDLE_PER_ORIGIN = 8;
    private static final int MAX_HEADER_LINE = 64 << 10;
    private static final int MAX_HEADERS = 256;
    private static final int BUFFER = 64 << 10;

    private final boolean insecureTls;
    private final Proxies proxies;
    private final Map<String, Deque<Connection>> idle = new HashMap<>();
    private SSLSocketFactory tls; // made at the first https connection
    private boolean closed;

    BlockingHttp(boolean insecureTls) { this(insecureTls, Proxies.NONE); }

    BlockingHttp(boolean insecureTls, Proxies proxies) {
        this.insecureTls = insecureTls;
        this.proxies = proxies;
    }

    /** An answer: its status, headers (names in lower case) and a body to read (and close). */
    record Response(URI uri, int status, Map<String, List<String>> headers, InputStream body) {
        Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        OptionalLong longHeader(String name) {
            try {
                return header(name).map(v -> OptionalLong.of(Long.parseLong(v.strip()))).orElse(OptionalLong.empty());
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
    }

    /** GET uri with these request headers (name, value). */
    Response get(URI uri, Map<String, String> headers) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) throw new IOException("not an http(s) URL: " + uri);
        if (uri.getHost() == null) throw new IOException("no host in " + uri);
        Proxies.Proxy proxy = proxies.forUri(uri);
        boolean https = scheme.equals("https");
        // a connection through a proxy is kept apart from one to the origin itself
        String origin = scheme + "://" + host(uri) + ":" + port(uri) + (proxy == null ? "" : " via " + proxy.host() + ":" + proxy.port());
        byte[] request = request(uri, headers, https ? null : proxy);
        Connection c = takeIdle(origin);
        while (true) {
            boolean reused = c != null;
            if (c == null) c = connect(uri, https, origin, proxy);
            c.answered = false;
            try {
                c.out.write(request);
                c.out.flush();
                Response r = read(c, uri);
                if (proxy != null && !https && Proxies.refusedByProxy(r.status(), r.headers().containsKey("proxy-authenticate"),
                        r.headers().containsKey("www-authenticate"))) {
                    r.body().close();
                    throw new ProxyRefused(proxy.refusal(uri, r.status()));
                }
                return r;
            } catch (ProxyRefused e) {
                throw e;
            } catch (NoAnswer e) {
                c.close();
                if (!reused) throw new EOFException("the server closed the connection without an answer");
            } catch (IOException e) {
                c.close();
                if (!reused || c.answered) throw e;
            }
            c = null; // the pooled connection had gone stale: once more on a new one
        }
    }

    private static String host(URI uri) {
        String h = uri.getHost();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The request's bytes; proxy: the http proxy it is sent to (its target then in absolute form), or null. */
    private static byte[] request(URI uri, Map<String, String> headers, Proxies.Proxy proxy) throws IOException {
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        boolean defaultPort = uri.getPort() < 0 || uri.getPort() == port(URI.create(uri.getScheme() + "://x"));
        String hostPort = uri.getHost() + (defaultPort ? "" : ":" + uri.getPort());
        if (proxy != null) target = "http://" + hostPort + target;
        StringBuilder sb = new StringBuilder(256).append("GET ").append(target).append(" HTTP/1.1\r\n")
            .append("Host: ").append(hostPort).append("\r\n");
        if (proxy != null && proxy.authorization() != null) sb.append("Proxy-Authorization: ").append(proxy.authorization()).append("\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String v = h.getValue();
            // a token server's answer ends up here: it must not add lines to the request
            if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) throw new IOException("a line break in the " + h.getKey() + " header");
            sb.append(h.getKey()).append(": ").append(v).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private Connection connect(URI uri, boolean https, String origin, Proxies.Proxy proxy) throws IOException {
        synchronized (this) {
            if (closed) throw new IOException("the HTTP client is closed");
        }
        String host = host(uri);
        int port = port(uri);
        Socket socket = new Socket();
        try {
            if (proxy == null) {
                socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            } else {
                try {
                    socket.connect(new InetSocketAddress(proxy.host(), proxy.port()), CONNECT_TIMEOUT_MS);
                } catch (IOException e) {
                    throw new IOException("cannot reach the proxy " + proxy.name() + ": " + e.getMessage(), e);
                }
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            if (https && proxy != null) tunnel(socket, host, port, proxy);
            if (https) {
                SSLSocket ssl = (SSLSocket) tls().createSocket(socket, host, port, true);
                SSLParameters params = ssl.getSSLParameters();
                if (!insecureTls) params.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(params);
                ssl.startHandshake();
                socket = ssl;
            }
            return new Connection(origin, socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Asks the proxy for a tunnel to host:port (CONNECT) and reads its answer byte by byte, so that
     * nothing of what follows it (the origin's TLS) is read here; anything but 2xx is an error.
     */
    private static void tunnel(Socket socket, String host, int port, Proxies.Proxy proxy) throws IOException {
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        StringBuilder sb = new StringBuilder(128).append("CONNECT ").append(authority).append(" HTTP/1.1\r\nHost: ")
            .append(authority).append("\r\n");
        if (proxy.authorization() != null) sb.append("Proxy-Authorization: ").append(proxy.authorization()).append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = socket.getInputStream();
        String status = null;
        StringBuilder line = new StringBuilder();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) throw new IOException("the proxy " + proxy.name() + " closed the connection instead of opening a tunnel to " + authority);
            if (++total > MAX_HEADER_LINE) throw new IOException("the proxy " + proxy.name() + " answered CONNECT with over " + MAX_HEADER_LINE + " bytes of headers");
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            int end = line.length();
            if (end > 0 && line.charAt(end - 1) == '\r') line.setLength(end - 1);
            if (status == null) {
                status = line.toString();
            } else if (line.isEmpty()) {
                break;
            }
            line.setLength(0);
        }
        if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(9) != '2') {
            boolean credentials = status.startsWith("407", 9) || status.startsWith("401", 9);
            throw new IOException("the proxy " + proxy.name() + " refused a tunnel to " + authority + ": \"" + printable(status) + "\""
                + (credentials ? proxy.credentialsHint() : ""));
        }
    }

    private synchronized SSLSocketFactory tls() {
        if (tls == null) tls = Tls.context(insecureTls).getSocketFactory();
        return tls;
    }

    private synchronized Connection takeIdle(String origin) {
        Deque<Connection> q = idle.get(origin);
        return q == null ? null : q.pollFirst();
    }

    private void release(Connection c) {
        synchronized (this) {
            if (!closed) {
                Deque<Connection> q = idle.computeIfAbsent(c.origin, o -> new ArrayDeque<>());
                if (q.size() < MAX_IDLE_PER_ORIGIN) {
                    q.addFirst(c);
                    return;
                }
            }
        }
        c.close();
    }

    /** Closes every idle connection; bodies still open keep theirs until they are closed. */
    @Override public void close() {
        List<Connection> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Deque<Connection> q : idle.values()) all.addAll(q);
            idle.clear();
        }
        for (Connection c : all) c.close();
    }

    private static final class ProxyRefused extends IOException {
        ProxyRefused(String message) { super(message); }
    }

    /** The server closed or reset the connection before the first byte of an answer. */
    private static final class NoAnswer extends IOException {
        NoAnswer() { super("no answer", null); }
    }

    private Response read(Connection c, URI uri) throws IOException {
        String statusLine;
        int status;
        Map<String, List<String>> headers;
        do {
            statusLine = c.line(true);
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                throw new IOException("not an HTTP/1.x answer: \"" + printable(statusLine) + "\"");
            }
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("a bad status line: \"" + printable(statusLine) + "\"");
            }
            headers = new HashMap<>();
            for (int n = 0; ; n++) {
                String line = c.line(false);
                if (line.isEmpty()) break;
                if (n >= MAX_HEADERS) throw new IOException("more than " + MAX_HEADERS + " header lines");
                int colon = line.indexOf(':');
                if (colon <= 0) throw new IOException("a bad header line: \"" + printable(line) + "\"");
                headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
                    .add(line.substring(colon + 1).strip());
            }
        } while (status >= 100 && status < 200); // interim answers (100 Continue) come before the real one
        boolean keepAlive = !statusLine.startsWith("HTTP/1.0") && !has(headers, "connection", "close");
        InputStream body;
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        if (status == 204 || status == 304) {
            body = new Body(c, keepAlive, 0);
        } else if (te != null && has(headers, "transfer-encoding", "chunked")) {
            body = new Chunked(c, keepAlive);
        } else if (cl != null) {
            long length;
            try {
                length = Long.parseLong(cl.get(0).strip());
            } catch (NumberFormatException e) {
                throw new IOException("a bad Content-Length \"" + printable(cl.get(0)) + "\"");
            }
            if (length < 0) throw new IOException("a negative Content-Length");
            body = new Body(c, keepAlive, length);
        } else {
            body = new Body(c, false, -1); // until the server closes
        }
        return new Response(uri, status, headers, body);
    }

    private static boolean has(Map<String, List<String>> headers, String name, String token) {
        List<String> values = headers.get(name);
        if (values == null) return false;
        for (String v : values) {
            for (String t : v.split(",")) if (t.strip().equalsIgnoreCase(token)) return true;
        }
        return false;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** One socket to one origin, buffered both ways. */
    private static final class Connection {
        final String origin;
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        boolean answered; // a byte of an answer arrived on it

        Connection(String origin, Socket socket) throws IOException {
            this.origin = origin;
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), BUFFER);
            this.out = new java.io.BufferedOutputStream(socket.getOutputStream(), 4096);
        }

        /** A header line without its CRLF (a bare LF ends one too); first: the status line of an answer. */
        String line(boolean first) throws IOException {
            StringBuilder sb = new StringBuilder(64);
            while (true) {
                int b;
                try {
                    b = in.read();
                } catch (java.net.SocketException e) {
                    if (first && sb.isEmpty() && !answered) throw new NoAnswer();
                    throw e;
                }
                if (b < 0) {
                    if (first && sb.isEmpty() && !answered) throw new NoAnswer();
                    throw new EOFException("the connection closed in the middle of the headers");
                }
                answered = true;
                if (b == '\n') {
                    int end = sb.length();
                    if (end > 0 && sb.charAt(end - 1) == '\r') sb.setLength(end - 1);
                    return sb.toString();
                }
                if (sb.length() >= MAX_HEADER_LINE) throw new IOException("a header line longer than " + MAX_HEADER_LINE + " bytes");
                sb.append((char) b);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing is all that is left to do
            }
        }
    }

    /**
     * A body of a known length (or, length -1, until the server closes): the connection goes back
     * to the pool when the last byte was read, and is closed when the body is closed before that.
     */
    private class Body extends InputStream {
        final Connection c;
        final boolean keepAlive;
        long remaining; // -1: until the connection closes
        final long length;
        boolean done, closedBody;

        Body(Connection c, boolean keepAlive, long length) {
            this.c = c;
            this.keepAlive = keepAlive;
            this.length = length;
            this.remaining = length;
            if (length == 0) finish();
        }

        @Override public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (closedBody) throw new IOException("the body is closed");
            if (done) return -1;
            if (len == 0) return 0;
            int n = c.in.read(b, off, remaining < 0 ? len : (int) Math.min(len, remaining));
            if (n < 0) {
                if (remaining < 0) {
                    finish();
                    return -1;
                }
                throw new EOFException("the connection closed after " + (length - remaining) + " of " + length + " bytes");
            }
            if (remaining > 0) {
                remaining -= n;
                if (remaining == 0) finish();
            }
            return n;
        }

        @Override public int available() throws IOException {
            return done || closedBody ? 0 : (int) Math.min(c.in.available(), remaining < 0 ? Integer.MAX_VALUE : remaining);
        }

        /** The body's end was read: the connection is free for the next request. */
        final void finish() {
            if (done) return;
            done = true;
            if (keepAlive && remaining == 0) release(c);
            else c.close();
        }

        @Override public void close() {
            if (closedBody) return;
            closedBody = true;
            if (done) return;
            try {
                // the rest of a short body (a 401's, a redirect's) that already arrived is skipped, so
                // that the connection serves the next request; anything longer costs the connection
                if (keepAlive && remaining > 0 && remaining <= c.in.available()) {
                    c.in.skipNBytes(remaining);
                    remaining = 0;
                    finish();
                    return;
                }
            } catch (IOException e) {
                // closed below
            }
            done = true;
            c.close();
        }
    }

    /** A chunked body: chunk sizes in hex lines, the data, and trailers after the last (empty) chunk. */
    private final class Chunked extends Body {
        private long chunkLeft; // bytes left of the current chunk
        private boolean first = true;

        Chunked(Connection c, boolean keepAlive) {
            super(c, keepAlive, -2);
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (closedBody) throw new IOException("the body is closed");
            if (done) return -1;
            if (len == 0) return 0;
            if (chunkLeft == 0) {
                if (!first && !c.line(false).isEmpty()) throw new IOException("a chunk longer than its size");
                first = false;
                String size = c.line(false);
                int semicolon = size.indexOf(';');
                try {
                    chunkLeft = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a bad chunk size \"" + printable(size) + "\"");
                }
                if (chunkLeft < 0) throw new IOException("a bad chunk size \"" + printable(size) + "\"");
                if (chunkLeft == 0) {
                    while (!c.line(false).isEmpty()) {
                        // trailers: nothing of them is used
                    }
                    remaining = 0;
                    finish();
                    return -1;
                }
            }
            int n = c.in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) throw new EOFException("the connection closed in the middle of a chunk");
            chunkLeft -= n;
            return n;
        }

        @Override public int available() throws IOException {
            return done || closedBody ? 0 : (int) Math.min(c.in.available(), chunkLeft);
        }
    }
}
