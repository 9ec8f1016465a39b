package jrkt.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The host's cgroup hierarchies as mounted here, and what a test's pods left in them. */
public final class CgroupDirs {
    private CgroupDirs() {}

    /** Mount points of every cgroup v1 and v2 hierarchy. */
    public static List<Path> mountPoints() {
        List<Path> points = new ArrayList<>();
        for (Mounts.Mount m : Mounts.all()) {
            if (m.fsType().equals("cgroup") || m.fsType().equals("cgroup2")) points.add(Path.of(m.mountPoint()));
        }
        return points;
    }

    /** The cgroup directories below {@code parent} in every hierarchy, deepest first. */
    public static List<Path> below(String parent) {
        List<Path> dirs = new ArrayList<>();
        for (Path mount : mountPoints()) {
            Path top = mount.resolve(parent);
            if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) continue;
            try (Stream<Path> s = Files.walk(top)) {
                s.filter(p -> !p.equals(top) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(dirs::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        dirs.sort((a, b) -> b.getNameCount() - a.getNameCount());
        return dirs;
    }

    /** Removes {@code parent} from every hierarchy: what is left below it first, its processes killed. */
    public static void removeAll(String parent) {
        for (Path dir : below(parent)) removeOne(dir);
        for (Path mount : mountPoints()) {
            Path top = mount.resolve(parent);
            if (Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) removeOne(top);
        }
    }

    private static void removeOne(Path dir) {
        for (int attempt = 0; attempt < 200; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException busy) {
                try {
                    for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) Procs.kill9(Long.parseLong(pid.strip()));
                } catch (IOException | RuntimeException gone) {
                    // processes ended meanwhile
                }
                PodEnv.sleep(50);
            }
        }
        throw new AssertionError("cannot remove test cgroup " + dir);
    }

    /** A file of a pod's cgroup, e.g. ("memory", parent/uuid/app-web, "memory.limit_in_bytes"); null when no hierarchy has it. */
    public static Path file(String hierarchy, String path, String file) {
        for (Mounts.Mount m : Mounts.all()) {
            boolean match = hierarchy.equals("unified") ? m.fsType().equals("cgroup2")
                : m.fsType().equals("cgroup") && List.of(m.superOptions().split(",")).containsAll(List.of(hierarchy.split(",")));
            if (match) {
                Path p = Path.of(m.mountPoint()).resolve(path).resolve(file);
                if (Files.exists(p)) return p;
            }
        }
        return null;
    }
}
