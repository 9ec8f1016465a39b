package jrkt.core.pod;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.fs.TreeDeleter;
import jrkt.sys.Errno;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * Removes a pod directory from the disk: first every mount left below it (deepest first,
 * detached so a busy one cannot block), then the tree, without ever following a symlink.
 */
public final class PodDeleter {
    private PodDeleter() {}

    /** Unmounts what is mounted at or below dir, then deletes dir recursively. */
    public static void delete(Path dir) {
        Path real;
        try {
            real = dir.toRealPath(LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new JrktException("cannot resolve pod directory " + dir + ": " + e.getMessage(), e);
        }
        unmountBelow(real);
        List<String> left = mountsBelow(real);
        if (!left.isEmpty()) {
            // Deleting through a mount would delete files that are not the pod's.
            throw new JrktException("cannot delete " + real + ": still mounted: " + left.getFirst());
        }
        try {
            deleteTree(real);
        } catch (IOException e) {
            throw new JrktException("cannot delete " + IoErrors.describe(e), e);
        }
    }

    /** Detaches every mount at or below dir (an absolute, symlink-free path), deepest first. */
    public static void unmountBelow(Path dir) {
        Linux linux = Linux.get();
        // A few rounds: a mount may hide another one below it, which appears only once it is gone.
        for (int round = 0; round < 8; round++) {
            List<String> mounts = mountsBelow(dir);
            if (mounts.isEmpty()) return;
            for (String m : mounts) {
                try {
                    linux.umount2(m, Linux.MNT_DETACH | Linux.UMOUNT_NOFOLLOW);
                } catch (SysException e) {
                    if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) {
                        throw new JrktException("cannot unmount " + m + ": " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** Mount points at or below dir from /proc/self/mountinfo, deepest and latest first. */
    public static List<String> mountsBelow(Path dir) {
        String prefix = dir.toString();
        List<String> lines;
        try {
            lines = jrkt.core.fs.FileBytes.lines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new JrktException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
        List<String> found = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 5) continue;
            String mountPoint = unescape(f[4]);
            if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) found.add(mountPoint);
        }
        // mountinfo lists in mount order: reverse it so that a mount stacked on another goes first,
        // then sort deeper paths before shallower ones (the sort is stable).
        java.util.Collections.reverse(found);
        found.sort(Comparator.comparingInt((String m) -> m.split("/").length).reversed());
        return found;
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    public static String unescape(String field) {
        if (field.indexOf('\\') < 0) return field;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Deletes a tree relative to open directory fds: a symlink is removed, never followed; any depth (see TreeDeleter). */
    static void deleteTree(Path dir) throws IOException {
        TreeDeleter.delete(dir);
    }
}
