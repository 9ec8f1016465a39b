package jrkt.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The host's mount table as this process sees it (/proc/self/mountinfo). */
public final class Mounts {
    private Mounts() {}

    /** One mountinfo line: where, what filesystem, from what source, with which super options. */
    public record Mount(String mountPoint, String fsType, String source, String superOptions, String line) {}

    public static List<Mount> all() {
        List<Mount> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = 6;
                while (dash < f.length && !f[dash].equals("-")) dash++;
                mounts.add(new Mount(unescape(f[4]), f[dash + 1], unescape(f[dash + 2]),
                    dash + 3 < f.length ? unescape(f[dash + 3]) : "", line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return mounts;
    }

    /**
     * Mounts at or below {@code dir}, or whose source or options name a path below it (an
     * overlayfs elsewhere with its layers in dir). Both mean jrkt left something on the host.
     */
    public static List<Mount> involving(Path dir) {
        String d = real(dir);
        List<Mount> found = new ArrayList<>();
        for (Mount m : all()) {
            if (m.mountPoint().equals(d) || m.mountPoint().startsWith(d + "/")
                || m.source().startsWith(d + "/") || m.superOptions().contains(d + "/")) {
                found.add(m);
            }
        }
        return found;
    }

    /** Mounts whose source is exactly {@code source} (tests give their mounts unique sources). */
    public static List<Mount> withSource(String source) {
        return all().stream().filter(m -> m.source().equals(source)).toList();
    }

    /** Lazily detaches every mount point at or below dir, deepest first; returns what it detached. */
    public static List<String> detachAllUnder(Path dir) {
        String d = real(dir);
        List<String> points = new ArrayList<>();
        for (Mount m : all()) {
            if (m.mountPoint().equals(d) || m.mountPoint().startsWith(d + "/")) points.add(m.mountPoint());
        }
        points.sort((a, b) -> b.length() - a.length());
        for (String p : points) {
            try {
                new ProcessBuilder("umount", "-l", p).inheritIO().start().waitFor();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return points;
    }

    static String real(Path dir) {
        try {
            return dir.toRealPath().toString();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize().toString();
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()
                && s.substring(i + 1, i + 4).chars().allMatch(ch -> ch >= '0' && ch <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
