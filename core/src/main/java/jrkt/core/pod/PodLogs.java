package jrkt.core.pod;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jrkt.core.JrktException;

/**
 * {@code jrkt logs}: copies the apps' output that stage1 kept in {@code logs/NAME.log} (pods
 * run with --detach). With several apps each line is prefixed with the app's name.
 */
public final class PodLogs {
    private static final long POLL_MILLIS = 200;

    private PodLogs() {}

    /** Prints the logs; with follow, keeps printing what is appended until the pod no longer runs. */
    public static void print(Pod pod, String appName, boolean follow, OutputStream out) throws IOException {
        List<Pod.App> apps = appName == null ? pod.apps() : List.of(pod.app(appName));
        if (apps.isEmpty()) throw new JrktException("pod " + pod.uuid() + " has no apps (it is " + pod.state() + ")");
        List<Tail> tails = new ArrayList<>();
        for (Pod.App app : apps) {
            Path log = pod.dir().resolve("logs").resolve(app.name() + ".log");
            if (!Files.exists(log) && !follow) {
                throw new JrktException("pod " + pod.uuid() + " has no log for app " + app.name() + " (" + log
                    + "): logs are kept for pods run with --detach");
            }
            tails.add(new Tail(log, apps.size() > 1 ? app.name() + "| " : ""));
        }
        boolean running = follow && pod.state() == PodState.RUNNING;
        while (true) {
            for (Tail t : tails) t.copyNew(out);
            out.flush();
            if (!running) return;
            running = stillRunning(pod);
            if (running) sleep();
            // when it just ended, one more round picks up its last words
        }
    }

    private static boolean stillRunning(Pod pod) {
        try {
            return PodLock.isHeld(pod.dir());
        } catch (PodLock.NoSuchPod gone) {
            return false;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrktException("interrupted while following logs");
        }
    }

    /** One log file read from where the last read ended; prefixes every line when asked. */
    private static final class Tail {
        private final Path file;
        private final byte[] prefix;
        private long offset;
        private boolean atLineStart = true;

        Tail(Path file, String prefix) {
            this.file = file;
            this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        }

        void copyNew(OutputStream out) throws IOException {
            if (!Files.exists(file)) return;
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                raf.seek(offset);
                byte[] buf = new byte[8192];
                int n;
                while ((n = raf.read(buf)) > 0) {
                    offset += n;
                    write(buf, n, out);
                }
            }
        }

        private void write(byte[] buf, int n, OutputStream out) throws IOException {
            if (prefix.length == 0) {
                out.write(buf, 0, n);
                return;
            }
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (atLineStart) {
                    out.write(prefix);
                    atLineStart = false;
                }
                if (buf[i] == '\n') {
                    out.write(buf, start, i + 1 - start);
                    start = i + 1;
                    atLineStart = true;
                }
            }
            if (start < n) out.write(buf, start, n - start);
        }
    }
}
