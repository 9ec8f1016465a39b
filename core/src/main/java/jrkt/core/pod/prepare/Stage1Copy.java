package jrkt.core.pod.prepare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.core.fs.NewFiles;
import jrkt.core.fs.TreeCopy;
import jrkt.core.store.Lease;
import jrkt.core.store.RenderedTree;
import jrkt.core.store.Store;

/**
 * The pod's copy of its stage1: {@code stage1/manifest} as stored, and {@code stage1/rootfs}
 * linked file by file to the rendered tree (rendered first when it is not). It needs nothing of
 * the apps, so it is made beside the preparer's resolving of the apps' images and deciding of
 * their isolation: the tree's lock, its render check and the links were 1.5-2.5 ms of the path
 * to stage1's exec. The tree is held by the preparer's thread ({@link Lease#holdTree}: a hold's
 * lock belongs to the thread that took it, the one that closes the lease).
 */
final class Stage1Copy extends SideWork<Void> {
    private final Path pod;
    private final String imageId;
    private final Store store;
    private final Lease lease;
    private final Lease.HeldTree tree;

    private Stage1Copy(Path pod, String imageId, Store store, Lease lease, Lease.HeldTree tree) {
        super("jrkt-stage1-copy");
        this.pod = pod;
        this.imageId = imageId;
        this.store = store;
        this.lease = lease;
        this.tree = tree;
    }

    /** Holds the stage1 image's tree (on this thread) and starts copying it into pod. */
    static SideWork<Void> start(Path pod, String imageId, Store store, Lease lease) throws IOException {
        return new Stage1Copy(pod, imageId, store, lease, lease.holdTree(imageId)).start();
    }

    @Override Void work() throws IOException {
        Path stage1 = Files.createDirectory(pod.resolve("stage1"));
        NewFiles.write(stage1.resolve("manifest"), store.manifestBytes(imageId));
        RenderedTree rendered = lease.render(tree);
        TreeCopy.linkFiles(rendered.rootfs(), Files.createDirectory(stage1.resolve("rootfs")));
        return null;
    }
}
