package jrkt.core.image.fetch;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jrkt.core.image.ImageLimits;

/**
 * A download's progress on stderr, redrawn in place on one line: bytes, rate, layers done. Only
 * on a terminal (stderr's own, not stdin's) and without --quiet; otherwise it prints nothing.
 */
public final class Progress {
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private final boolean enabled;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger layersDone = new AtomicInteger();
    private volatile long lastDraw;
    private volatile long startNanos;
    private volatile int layers;
    private volatile long total;
    private volatile String what;

    private Progress(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    public static Progress none() { return new Progress(System.err, false); }

    /** Enabled when stderr is a terminal and not quiet. */
    public static Progress toStderr(boolean quiet) {
        return new Progress(System.err, !quiet && System.console() != null && System.console().isTerminal() && stderrIsTerminal());
    }

    private static boolean stderrIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    void start(String what, int layers, long total) {
        this.what = what;
        this.layers = layers;
        this.total = total;
        this.startNanos = System.nanoTime();
        bytes.set(0);
        layersDone.set(0);
    }

    void bytes(long n) {
        bytes.addAndGet(n);
        maybeDraw(false);
    }

    void layerDone() {
        layersDone.incrementAndGet();
        maybeDraw(true);
    }

    void finish() {
        if (!enabled || lastDraw == 0) return;
        draw();
        synchronized (this) {
            err.print("\n");
            err.flush();
        }
        lastDraw = 0;
    }

    private void maybeDraw(boolean force) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        draw();
    }

    private synchronized void draw() {
        double seconds = Math.max((System.nanoTime() - startNanos) / 1e9, 0.001);
        long b = bytes.get();
        String line = String.format(Locale.ROOT, "%s: %s/%s, %s/s, %d of %d layers", what, ImageLimits.formatSize(b),
            total > 0 ? ImageLimits.formatSize(total) : "?", ImageLimits.formatSize((long) (b / seconds)), layersDone.get(), layers);
        err.print("\r\033[K" + line);
        err.flush();
    }
}
