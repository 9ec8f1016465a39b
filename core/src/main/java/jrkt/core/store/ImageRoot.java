package jrkt.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import jrkt.sys.Linux;

/**
 * The read-only root of an app's image, as a pod's overlay mount will show it: one rendered tree
 * (an ACI with its dependencies) or the unpacked layers of an OCI image, top layer first, with
 * overlayfs' rules (a character device 0:0 whites a name out, a directory with
 * trusted.overlay.opaque=y hides what lower layers hold below it, a non-directory hides lower
 * directories). {@code ids} are what the pod's {@code trees} file records, so that image gc keeps
 * them while the pod exists.
 */
public record ImageRoot(List<String> ids, List<Path> layers) {

    public ImageRoot {
        ids = List.copyOf(ids);
        layers = List.copyOf(layers);
        if (layers.isEmpty()) throw new IllegalArgumentException("an image root needs at least one layer");
    }

    public static ImageRoot of(RenderedTree tree) { return new ImageRoot(List.of(tree.treeId()), List.of(tree.rootfs())); }

    /** The top layer: whose root directory gives the merged root its owner and mode. */
    public Path top() { return layers.getFirst(); }

    /**
     * Where the file the merged root shows at these components (already free of symlinks and
     * "..") lies on the host, or null when the merged root has nothing there. No symlink on the
     * way is ever followed: a layer whose prefix is not a directory hides what lies below it.
     */
    public Path locate(List<String> components) {
        if (layers.size() == 1) {
            Path p = layers.getFirst();
            for (String c : components) p = p.resolve(c);
            return jrkt.core.fs.Lstat.exists(p) ? p : null;
        }
        if (components.isEmpty()) return top();
        for (Path layer : layers) {
            Path p = layer;
            boolean opaque = false;
            for (int k = 0; k < components.size(); k++) {
                p = p.resolve(components.get(k));
                Kind kind = kindOf(p);
                if (kind == Kind.MISSING) break; // not in this layer: look below, unless hidden
                if (kind == Kind.WHITEOUT) return null;
                if (k == components.size() - 1) return p;
                if (kind != Kind.DIRECTORY) return null; // a file or link here hides lower directories
                if (isOpaque(p)) opaque = true;
            }
            if (opaque) return null;
        }
        return null;
    }

    private enum Kind { MISSING, WHITEOUT, DIRECTORY, OTHER }

    private static Kind kindOf(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & 0170000) == 0040000) return Kind.DIRECTORY;
            if ((mode & 0170000) == Linux.S_IFCHR && (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS) == 0) {
                return Kind.WHITEOUT;
            }
            return Kind.OTHER;
        } catch (NoSuchFileException e) {
            return Kind.MISSING;
        } catch (IOException e) {
            return Kind.MISSING;
        }
    }

    private static boolean isOpaque(Path dir) {
        try {
            byte[] value = Linux.get().lgetxattr(dir, "trusted.overlay.opaque");
            return value != null && value.length == 1 && value[0] == 'y';
        } catch (jrkt.sys.SysException | RuntimeException e) {
            return false;
        }
    }
}
