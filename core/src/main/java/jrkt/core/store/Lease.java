package jrkt.core.store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jrkt.core.JrktException;

/**
 * What one preparation uses stays in the store until the lease is closed: the images it
 * resolved (with their dependencies) and the trees it rendered. {@code image gc} skips what any
 * lease holds, and {@code image rm} waits until no lease holds the image. A preparation closes
 * its lease once its pod lists its trees (the pod's {@code trees} file then keeps them).
 *
 * <p>Each hold is a shared lock on {@code locks/use-<image hex>} or {@code locks/use-<tree id>}
 * ({@link FileLock}: the kernel drops it when the process dies, so a killed preparer never pins
 * anything). Resolving and holding are two steps; what gc removed between them is seen by the
 * check after the hold, and resolved again.
 *
 * <p>Two threads may use one lease: a preparation renders its stage1 on a thread of its own
 * while it resolves its apps' images (jrkt.core.pod.prepare.Stage1Copy), once it has held the
 * tree itself ({@link #holdTree}): a hold's lock belongs to the thread that took it.
 */
public final class Lease implements AutoCloseable {
    private static final int ATTEMPTS = 5;

    private final Store store;
    private final Set<String> heldNames = new HashSet<>();
    /**
     * Images held and then found in the store, with when they were last used: while held, no gc
     * or rm takes them, so they are not looked up again.
     */
    private final Map<String, Instant> held = new HashMap<>();
    private final List<FileLock> locks = new ArrayList<>();
    /** Images rendered and not yet marked used. */
    private final Set<String> rendered = new LinkedHashSet<>();

    Lease(Store store) { this.store = store; }

    /** Resolves what a user typed (as {@link Store#resolve}) and holds the image. */
    public ImageInfo resolve(String reference) throws IOException {
        for (int attempt = 1; ; attempt++) {
            ImageInfo image = store.resolve(reference); // fails as usual when nothing matches
            if (holdStored(image.id())) return image;
            if (attempt == ATTEMPTS) throw new JrktException("image " + image.id() + " was removed while it was being used; try again");
        }
    }

    /** Holds an image known by its ID; fails when it is not (or no longer) in the store. */
    public void image(String imageId) throws IOException {
        if (!holdStored(imageId)) throw new JrktException("image " + imageId + " not found in the store");
    }

    /**
     * Holds the image, its dependencies and its rendered tree, rendering it when needed (see
     * {@link Store#render}). They are marked used when the lease ends ({@link #markUsed}).
     */
    public RenderedTree render(String imageId) throws IOException { return render(holdTree(imageId)); }

    /** An image's tree held by {@link #holdTree}, to be rendered by {@link #render(HeldTree)}. */
    public static final class HeldTree {
        private final List<DependencyChain.Node> chain;
        private final String treeId;

        private HeldTree(List<DependencyChain.Node> chain, String treeId) {
            this.chain = chain;
            this.treeId = treeId;
        }
    }

    /**
     * The first half of {@link #render}: holds the image, its dependencies and its tree. The holds
     * are the calling thread's (their locks must be released by the thread that took them, at
     * {@link #close}): call it on the thread that closes the lease.
     */
    public HeldTree holdTree(String imageId) throws IOException {
        for (int attempt = 1; ; attempt++) {
            List<DependencyChain.Node> chain = store.chain(imageId);
            boolean allThere = true;
            for (DependencyChain.Node node : chain) allThere &= holdStored(node.imageId());
            if (allThere) {
                String treeId = store.treeIdOf(chain);
                hold(Store.useLockName(treeId));
                return new HeldTree(chain, treeId);
            }
            // a dependency went between the chain's resolution and its hold: resolve the chain again
            if (attempt == ATTEMPTS) throw new JrktException("a dependency of image " + imageId + " was removed while it was being used; try again");
        }
    }

    /** The second half of {@link #render}, on any thread: renders the held tree when it is not. */
    public RenderedTree render(HeldTree held) throws IOException {
        RenderedTree tree = store.renderChain(held.chain, held.treeId);
        synchronized (this) {
            for (DependencyChain.Node node : held.chain) rendered.add(node.imageId());
        }
        return tree;
    }

    /** Holds the image (with what its root is made of) and gives its root: a rendered tree, or an OCI image's layers. */
    public ImageRoot imageRoot(String imageId) throws IOException {
        if (!LayerStore.isOciId(imageId)) return ImageRoot.of(render(imageId));
        image(imageId); // image gc keeps the layers of every image it keeps
        return store.imageRoot(imageId);
    }

    /** Holds the image; whether it is in the store (after the hold, so that what is found stays). */
    private boolean holdStored(String imageId) throws IOException {
        hold(Store.useLockName(imageId));
        if (held.containsKey(imageId)) return true;
        ImageInfo row = store.stored(imageId);
        if (row == null) return false;
        held.put(imageId, row.lastUsed());
        return true;
    }

    private void hold(String name) throws IOException {
        if (heldNames.add(name)) locks.add(FileLock.shared(store.lockFile(name)));
    }

    /**
     * How stale an image's last use may be before a lease writes it again: as relatime does for
     * atime, pods started one after another (a script, a unit restarting, 20 at once) write the
     * index once per image, not at each start, and with it the log's checkpoints with their
     * fdatasyncs (one commit in 20-40 paid 2-10 ms).
     */
    static final Duration USE_GRANULARITY = Duration.ofSeconds(10);

    /**
     * Marks what this lease rendered as used now, in one write to the index (image gc's grace
     * period counts from it), but not an image marked within {@link #USE_GRANULARITY}: a preparer
     * calls it once the pod is written, so that a failure fails the preparation; {@link #close}
     * marks what is left.
     */
    public synchronized void markUsed() {
        if (rendered.isEmpty()) return;
        // in milliseconds: Instant.minus(Duration) would set up java.time's units and fields
        // (ChronoUnit, ChronoField and their ranges) in every run, for one subtraction
        long now = System.currentTimeMillis(), fresh = now - USE_GRANULARITY.toMillis();
        List<String> stale = new ArrayList<>();
        for (String id : rendered) {
            Instant last = held.get(id);
            long lastMillis = last == null ? Long.MIN_VALUE : last.toEpochMilli();
            if (lastMillis < fresh || lastMillis > now) stale.add(id); // a clock set back: write again
        }
        if (!stale.isEmpty()) store.markUsed(stale);
        rendered.clear();
    }

    /** Marks what is left used (while the images are still held), then lets go of everything held. */
    @Override public synchronized void close() {
        try {
            markUsed();
        } finally {
            release();
        }
    }

    private void release() {
        for (FileLock lock : locks) lock.close();
        locks.clear();
        heldNames.clear();
        held.clear();
    }
}
