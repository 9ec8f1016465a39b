package jrkt.core.image.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1.1 of {@link BlockingHttp} against a server on 127.0.0.1 that answers with bytes
 * written here: what a registry or a proxy in front of one may send (chunks with extensions and
 * trailers, interim answers, Connection: close, a body cut short, a kept connection closed).
 */
class BlockingHttpTest {
    /**
     * What the server answers to request number r (from 0) on connection number c (from 0); null
     * closes the connection unanswered, and an answer after "CLOSE:" is sent and the connection closed.
     */
    interface Script {
        String answer(int connection, int request);
    }

    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final BlockingHttp http = new BlockingHttp(false);

    private URI serve(Script script) throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    int c = connections.getAndIncrement();
                    Thread t = new Thread(() -> answer(s, c, script));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v2/team/app/blobs/x");
    }

    private void answer(Socket s, int connection, Script script) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            for (int r = 0; ; r++) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                int b;
                while ((b = in.read()) >= 0) {
                    head.write(b);
                    if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) break;
                }
                if (b < 0) return;
                requests.add(head.toString(StandardCharsets.ISO_8859_1));
                String answer = script.answer(connection, r);
                if (answer == null) return;
                boolean close = answer.startsWith("CLOSE:");
                out.write(answer.substring(close ? 6 : 0).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (close) return;
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        http.close();
        if (server != null) server.close();
    }

    private String get(URI uri) throws IOException {
        BlockingHttp.Response r = http.get(uri, Map.of("Accept", "*/*"));
        try (InputStream body = r.body()) {
            return r.status() + " " + new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aChunkedBodyWithExtensionsAndTrailersIsReadWholeAndItsConnectionServesTheNextRequest() throws IOException {
        URI uri = serve((c, r) -> r == 0
            ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;name=value\r\nWiki\r\n5\r\npedia\r\n0\r\nDigest: x\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
        assertEquals("200 Wikipedia", get(uri));
        assertEquals("200 next", get(uri));
        assertEquals(1, connections.get());
    }

    @Test
    void theRequestNamesTheHostAndPortAndCarriesTheHeadersGiven() throws IOException {
        URI uri = serve((c, r) -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertEquals("200 ", get(URI.create(uri + "?q=1")));
        String request = requests.get(0);
        assertTrue(request.startsWith("GET /v2/team/app/blobs/x?q=1 HTTP/1.1\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n"), request);
        assertTrue(request.contains("\r\nAccept: */*\r\n"), request);
    }

    @Test
    void aHeaderValueWithALineBreakIsRefusedBeforeAnythingIsSent() throws IOException {
        URI uri = serve((c, r) -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        IOException e = assertThrows(IOException.class, () -> http.get(uri, Map.of("Authorization", "Bearer t\r\nX-Evil: 1")));
        assertTrue(e.getMessage().contains("line break in the Authorization header"), e.getMessage());
        assertEquals(0, connections.get());
    }

    @Test
    void interimAnswersAreSkippedAndHeaderNamesAreCaseInsensitive() throws IOException {
        URI uri = serve((c, r) -> "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-LENGTH: 2\r\nDocker-Content-Digest: sha256:ab\r\n\r\nok");
        BlockingHttp.Response r = http.get(uri, Map.of());
        assertEquals(200, r.status());
        assertEquals("sha256:ab", r.header("docker-content-digest").orElseThrow());
        assertEquals(2, r.longHeader("Content-Length").orElseThrow());
        assertArrayEquals("ok".getBytes(StandardCharsets.UTF_8), r.body().readAllBytes());
    }

    @Test
    void aBodyCutShortOfItsContentLengthIsAnErrorNotAShortRead() throws IOException {
        URI uri = serve((c, r) -> "CLOSE:HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfour");
        BlockingHttp.Response r = http.get(uri, Map.of());
        EOFException e = assertThrows(EOFException.class, () -> r.body().readAllBytes());
        assertTrue(e.getMessage().contains("after 4 of 10 bytes"), e.getMessage());
    }

    @Test
    void aKeptConnectionTheServerClosedIsReplacedAndTheRequestSentAgain() throws IOException {
        // connection 0 answers once and closes at the second request; connection 1 answers
        URI uri = serve((c, r) -> c == 0 && r > 0 ? null : "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + c);
        assertEquals("200 0", get(uri));
        assertEquals("200 1", get(uri));
        assertEquals(2, connections.get());
    }

    @Test
    void aServerThatClosesANewConnectionUnansweredIsAnError() throws IOException {
        URI uri = serve((c, r) -> null);
        IOException e = assertThrows(IOException.class, () -> http.get(uri, Map.of()));
        assertTrue(e.getMessage().contains("without an answer"), e.getMessage());
        assertEquals(1, connections.get(), "no second try on a new connection");
    }

    @Test
    void connectionCloseAndHttp10AnswersAreNotReused() throws IOException {
        URI uri = serve((c, r) -> c == 0 ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na"
            : "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nb");
        assertEquals("200 a", get(uri));
        assertEquals("200 b", get(uri));
        assertEquals("200 b", get(uri));
        assertEquals(3, connections.get());
    }

    @Test
    void aBodyWithoutLengthLastsUntilTheServerCloses() throws IOException {
        URI uri = serve((c, r) -> "CLOSE:HTTP/1.1 200 OK\r\n\r\nall of it");
        BlockingHttp.Response r = http.get(uri, Map.of());
        assertEquals("all of it", new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void somethingOtherThanHttpIsRefusedNamingWhatCame() throws IOException {
        URI uri = serve((c, r) -> "SSH-2.0-OpenSSH_9.2\r\n\r\n");
        IOException e = assertThrows(IOException.class, () -> http.get(uri, Map.of()));
        assertTrue(e.getMessage().contains("not an HTTP/1.x answer") && e.getMessage().contains("SSH-2.0"), e.getMessage());
    }

    @Test
    void aShortBodyClosedUnreadLeavesItsConnectionForTheNextRequest() throws IOException {
        URI uri = serve((c, r) -> r == 0 ? "HTTP/1.1 401 Unauthorized\r\nContent-Length: 5\r\n\r\nnope!"
            : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        BlockingHttp.Response first = http.get(uri, Map.of());
        assertEquals(401, first.status());
        first.body().close(); // its 5 bytes came in the same write as the headers: skipped, not a reason to close
        assertEquals("200 ok", get(uri));
        assertEquals(1, connections.get());
    }
}
