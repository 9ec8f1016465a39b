package jrkt.core.pod.prepare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.store.ImageRoot;
import jrkt.core.Quote;

/**
 * What would keep stage1 from starting an app, found while preparing instead: a command or a
 * working directory the app's image does not have. Paths are looked up as the app sees them
 * (symlinks resolved inside the image). A path below a mount is looked up in the host
 * volume's source, and left to stage1 below an empty volume (another app may fill it); a
 * command is left to stage1 when a pre-start handler runs first (it may install it). What
 * stage1 still finds at run time it records in {@code apps/NAME/error}, which status shows.
 */
final class AppStartCheck {
    private AppStartCheck() {}

    static void check(String app, String image, ImageRoot rootfs, String command, String workdir, boolean hasPreStart,
                      List<MountSpec> mounts, Map<String, VolumeSpec> volumes) {
        if (!hasPreStart) {
            Path exec = locate(rootfs, command, mounts, volumes);
            if (exec != null) {
                String where = "app " + app + ": exec " + Quote.arg(command);
                if (!Files.exists(exec)) throw new JrktException(where + " does not exist in image " + image);
                if (!Files.isRegularFile(exec)) throw new JrktException(where + " is not a regular file in image " + image);
                if (!Files.isExecutable(exec)) throw new JrktException(where + " is not executable in image " + image);
            }
        }
        Path dir = locate(rootfs, workdir, mounts, volumes);
        if (dir != null && !Files.isDirectory(dir)) {
            String where = "app " + app + ": working directory " + Quote.arg(workdir);
            throw new JrktException(where + (Files.exists(dir) ? " is not a directory" : " does not exist") + " in image " + image);
        }
    }

    /** Where the app will find path on the host; null when that cannot be known before it runs. */
    private static Path locate(ImageRoot rootfs, String path, List<MountSpec> mounts, Map<String, VolumeSpec> volumes) {
        String inImage = RootfsPath.resolve(rootfs, path);
        for (MountSpec m : mounts) {
            String target = RootfsPath.resolve(rootfs, m.target());
            if (!inImage.equals(target) && !inImage.startsWith(target.endsWith("/") ? target : target + "/")) continue;
            VolumeSpec v = volumes.get(m.volume());
            if (v == null || v.kind() != VolumeSpec.Kind.HOST) return null;
            String rest = inImage.substring(target.length()).replaceFirst("^/+", "");
            return rest.isEmpty() ? Path.of(v.source()) : Path.of(v.source()).resolve(rest);
        }
        return RootfsPath.resolveHost(rootfs, inImage);
    }
}
