package jrkt.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on a free port of 127.0.0.1 in front of a server (a test registry): it passes bytes
 * both ways and counts the connections and the HTTP requests made through it (GETs, without
 * bodies: a request ends at its first blank line). With {@link #dropSecondRequests} it closes a
 * connection, unanswered, when a second request arrives on it: what a client meets when the
 * server closed an idle keep-alive connection just before the client reused it.
 */
public final class TcpRelay implements AutoCloseable {
    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    public final AtomicInteger connections = new AtomicInteger();
    public final AtomicInteger requests = new AtomicInteger();
    /** Connections closed because a second request came on them. */
    public final AtomicInteger dropped = new AtomicInteger();
    private volatile boolean dropSecondRequests;

    /** upstream: "HOST:PORT". */
    public TcpRelay(String upstream) throws IOException {
        upstreamHost = upstream.substring(0, upstream.lastIndexOf(':'));
        upstreamPort = Integer.parseInt(upstream.substring(upstream.lastIndexOf(':') + 1));
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String host() { return "127.0.0.1:" + server.getLocalPort(); }

    public TcpRelay dropSecondRequests(boolean drop) { dropSecondRequests = drop; return this; }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                Socket upstream = new Socket(upstreamHost, upstreamPort);
                sockets.add(client);
                sockets.add(upstream);
                daemon(() -> requestsUp(client, upstream));
                daemon(() -> pump(upstream, client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "tcp-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Client to server, counting the requests by their blank lines. */
    private void requestsUp(Socket client, Socket upstream) {
        byte[] buf = new byte[1 << 16];
        int seen = 0, matched = 0; // requests ended on this connection; bytes of "\r\n\r\n" matched so far
        try (InputStream in = client.getInputStream(); OutputStream out = upstream.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (seen >= 1 && dropSecondRequests) {
                    dropped.incrementAndGet();
                    break;
                }
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                    if (matched == 4) {
                        matched = 0;
                        seen++;
                        requests.incrementAndGet();
                    }
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closed already
        }
    }

    @Override public void close() throws IOException {
        server.close();
        for (Socket s : sockets) closeQuietly(s);
    }
}
