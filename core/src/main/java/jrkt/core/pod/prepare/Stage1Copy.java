package jrkt.core.pod.prepare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.core.Threads;
import jrkt.core.fs.NewFiles;
import jrkt.core.fs.TreeCopy;
import jrkt.core.store.Lease;
import jrkt.core.store.RenderedTree;
import jrkt.core.store.Store;

/**
 * The pod's copy of its stage1: {@code stage1/manifest} as stored, and {@code stage1/rootfs}
 * linked file by file to the rendered tree (rendered first when it is not). It needs nothing of
 * the apps, so it is made on a thread of its own while the preparer resolves the apps' images and
 * decides their isolation: the tree's lock, its render check and the links were 1.5-2.5 ms of the
 * path to stage1's exec, on one core of two.
 *
 * <p>{@link #finish} waits for it and throws what failed; a preparation that fails calls
 * {@link #abandon}, which waits too, so that nothing writes into the pod's directory once it is
 * being removed.
 */
final class Stage1Copy implements Runnable {
    private final Path pod;
    private final String imageId;
    private final Store store;
    private final Lease lease;
    private final Lease.HeldTree tree;
    private final Thread thread;
    private volatile Throwable failure;

    private Stage1Copy(Path pod, String imageId, Store store, Lease lease, Lease.HeldTree tree) {
        this.pod = pod;
        this.imageId = imageId;
        this.store = store;
        this.lease = lease;
        this.tree = tree;
        this.thread = new Thread(this, "jrkt-stage1-copy");
        thread.setDaemon(true); // always waited for: finish or abandon
    }

    /** Holds the stage1 image's tree (on this thread, which closes the lease) and starts copying it into pod. */
    static Stage1Copy start(Path pod, String imageId, Store store, Lease lease) throws IOException {
        Stage1Copy copy = new Stage1Copy(pod, imageId, store, lease, lease.holdTree(imageId));
        copy.thread.start();
        return copy;
    }

    @Override public void run() {
        try {
            Path stage1 = Files.createDirectory(pod.resolve("stage1"));
            NewFiles.write(stage1.resolve("manifest"), store.manifestBytes(imageId));
            RenderedTree rendered = lease.render(tree);
            TreeCopy.linkFiles(rendered.rootfs(), Files.createDirectory(stage1.resolve("rootfs")));
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        }
    }

    /** Waits for the copy; throws what it failed with. */
    void finish() throws IOException {
        Threads.joinUninterruptibly(thread);
        Throwable f = failure;
        if (f instanceof IOException e) throw e;
        if (f instanceof RuntimeException e) throw e;
        if (f instanceof Error e) throw e;
    }

    /** Waits for the copy of a preparation that failed; what the copy failed with joins that failure. */
    void abandon(Throwable preparing) {
        Threads.joinUninterruptibly(thread);
        Throwable f = failure;
        if (f != null && f != preparing) preparing.addSuppressed(f);
    }
}
