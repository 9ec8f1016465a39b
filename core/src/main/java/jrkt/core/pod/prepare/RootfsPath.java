package jrkt.core.pod.prepare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.ArrayList;
import jrkt.core.JrktException;
import jrkt.core.store.ImageRoot;

/**
 * Resolves a path as a process chrooted into a rootfs would see it: symlinks are followed
 * but read relative to the rootfs, and ".." stops at its top. So an image's
 * {@code /etc -> /host/etc} or {@code ../../..} can never lead the host-side code out of the
 * rootfs.
 */
public final class RootfsPath {
    private static final int MAX_LINKS = 40; // as the kernel's ELOOP limit

    private RootfsPath() {}

    /**
     * The path inside the rootfs (absolute, no symlinks in the components that exist, no ".."),
     * for {@code path} as seen from inside. Components past the first missing one are kept as
     * written.
     */
    public static String resolve(Path rootfs, String path) { return resolve(new ImageRoot(List.of(), List.of(rootfs)), path); }

    /** {@link #resolve(Path, String)} in an image root of one tree or of stacked layers. */
    public static String resolve(ImageRoot root, String path) {
        Path rootfs = root.top();
        Deque<String> todo = new ArrayDeque<>(split(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) {
                if (!done.isEmpty()) done.remove(done.size() - 1);
                continue;
            }
            List<String> next = new ArrayList<>(done);
            next.add(c);
            Path host = root.locate(next);
            if (host != null && Files.isSymbolicLink(host)) {
                if (++links > MAX_LINKS) throw new JrktException("too many symlinks resolving " + path + " in " + rootfs);
                String target;
                try {
                    target = Files.readSymbolicLink(host).toString();
                } catch (IOException e) {
                    throw new JrktException("cannot read symlink " + host + ": " + e.getMessage(), e);
                }
                List<String> parts = split(target);
                for (int i = parts.size() - 1; i >= 0; i--) todo.addFirst(parts.get(i));
                if (target.startsWith("/")) done.clear();
                continue;
            }
            done.add(c);
        }
        return "/" + String.join("/", done);
    }

    /** The host path of {@link #resolve}. */
    public static Path resolveHost(Path rootfs, String path) {
        return host(rootfs, split(resolve(rootfs, path)));
    }

    /**
     * The host path of {@link #resolve(ImageRoot, String)}: where the file lies in the layer that
     * shows it, or a path in the top layer that does not exist when no layer shows it.
     */
    public static Path resolveHost(ImageRoot root, String path) {
        List<String> components = split(resolve(root, path));
        Path found = root.locate(components);
        if (found != null) return found;
        Path missing = root.top();
        for (String c : components) missing = missing.resolve(c);
        return jrkt.core.fs.Lstat.exists(missing) ? root.top().resolve(".jrkt-whiteout-" + System.nanoTime()) : missing;
    }

    /** Whether the resolved path exists inside the rootfs (without following a final link, which resolve already did). */
    public static boolean exists(Path rootfs, String path) {
        return jrkt.core.fs.Lstat.exists(resolveHost(rootfs, path));
    }

    private static Path host(Path rootfs, List<String> components) {
        Path p = rootfs;
        for (String c : components) p = p.resolve(c);
        return p;
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) if (!c.isEmpty()) out.add(c);
        return out;
    }
}
