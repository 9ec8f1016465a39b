package jrkt.core.pod.prepare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import jrkt.core.JrktException;
import jrkt.core.store.ImageRoot;

/**
 * Turns an app's user and group (appc: a number, a name from the image's /etc/passwd and
 * /etc/group, or an absolute path whose owner to take) into numbers. The image files are
 * read through {@link RootfsPath}, so a crafted image cannot make jrkt read host files.
 */
public final class Users {
    private Users() {}

    private static final long MAX_DB_SIZE = 16 << 20;

    public static int resolveUser(String app, Path rootfs, String user) {
        return resolveUser(app, new ImageRoot(List.of(), List.of(rootfs)), user);
    }

    public static int resolveGroup(String app, Path rootfs, String group) {
        return resolveGroup(app, new ImageRoot(List.of(), List.of(rootfs)), group);
    }

    public static int resolveUser(String app, ImageRoot rootfs, String user) {
        return resolve(app, rootfs, user, "user", "/etc/passwd", "unix:uid");
    }

    public static int resolveGroup(String app, ImageRoot rootfs, String group) {
        return resolve(app, rootfs, group, "group", "/etc/group", "unix:gid");
    }

    private static int resolve(String app, ImageRoot rootfs, String value, String what, String db, String ownerAttr) {
        if (value == null || value.isEmpty()) throw new JrktException("app " + app + ": the " + what + " is empty");
        if (digits(value, Integer.MAX_VALUE)) return number(app, what, value);
        if (value.startsWith("/")) {
            Path file = RootfsPath.resolveHost(rootfs, value);
            try {
                return (Integer) Files.getAttribute(file, ownerAttr, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw new JrktException("app " + app + ": " + what + " " + value + ": no such file in the image", e);
            }
        }
        Path file = RootfsPath.resolveHost(rootfs, db);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
            throw new JrktException("app " + app + ": " + what + " " + value + ": the image has no " + db);
        List<String> lines;
        try {
            if (Files.size(file) > MAX_DB_SIZE) throw new JrktException("app " + app + ": the image's " + db + " is too large");
            lines = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            throw new JrktException("app " + app + ": cannot read the image's " + db + ": " + e.getMessage(), e);
        }
        Integer id = lookup(lines, value);
        if (id == null) throw new JrktException("app " + app + ": " + what + " " + value + " is not in the image's " + db);
        return id;
    }

    /** The id (third field) of the entry named {@code name} in passwd/group-format lines, or null. */
    static Integer lookup(List<String> lines, String name) {
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split(":", -1);
            if (f.length < 3 || !f[0].equals(name)) continue;
            if (!digits(f[2], 10)) return null;
            long id = Long.parseLong(f[2]);
            return id > 0xfffffffeL ? null : (int) id;
        }
        return null;
    }

    /** One to max ASCII digits (String.matches would compile a regex at every call: two per app of every run). */
    private static boolean digits(String s, int max) {
        if (s.isEmpty() || s.length() > max) return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }

    private static int number(String app, String what, String value) {
        if (value.length() > 10 || Long.parseLong(value) > 0xfffffffeL)
            throw new JrktException("app " + app + ": " + what + " " + value + " is out of range");
        return Integer.parseInt(value);
    }

    /** Parses --supplementary-gids=1,2,3. */
    public static List<Integer> parseGids(String value) {
        if (value.isEmpty()) return List.of();
        java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
        for (String g : value.split(",", -1)) {
            if (!digits(g, 10) || Long.parseLong(g) > 0xfffffffeL)
                throw new JrktException("--supplementary-gids " + value + ": \"" + g + "\" is not a group id");
            out.add(Integer.parseInt(g));
        }
        return out;
    }
}
