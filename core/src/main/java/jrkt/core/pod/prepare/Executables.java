package jrkt.core.pod.prepare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.store.ImageRoot;

/** Finds an app's command inside its rootfs, as a shell would with the app's PATH. */
public final class Executables {
    private Executables() {}

    /**
     * Returns {@code command} itself when it holds a '/', else the first {@code dir/command} of
     * the app's PATH that is an executable regular file in the rootfs (symlinks resolved within
     * the rootfs). The returned path is as written in PATH, so that argv[0] looks as usual.
     */
    public static String resolve(String app, Path rootfs, String command, Map<String, String> env) {
        return resolve(app, new ImageRoot(java.util.List.of(), java.util.List.of(rootfs)), command, env);
    }

    /** {@link #resolve(String, Path, String, Map)} in an image root of one tree or of stacked layers. */
    public static String resolve(String app, ImageRoot rootfs, String command, Map<String, String> env) {
        if (command.isEmpty()) throw new JrktException("app " + app + ": the command is empty");
        if (command.indexOf('/') >= 0) {
            if (!command.startsWith("/")) throw new JrktException("app " + app + ": command " + command + " is a relative path; give an absolute one or a bare name");
            return command;
        }
        String path = env.getOrDefault("PATH", Environment.DEFAULT_PATH);
        for (String dir : path.split(":")) {
            if (!dir.startsWith("/")) continue; // a relative PATH entry means nothing before chdir
            String candidate = (dir.endsWith("/") ? dir : dir + "/") + command;
            Path host = RootfsPath.resolveHost(rootfs, candidate);
            if (Files.isRegularFile(host) && Files.isExecutable(host)) return candidate;
        }
        throw new JrktException("app " + app + ": command " + command + " not found in the image (PATH=" + path + ")");
    }
}
