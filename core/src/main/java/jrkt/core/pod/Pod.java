package jrkt.core.pod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.json.Json;

/**
 * One pod as found on disk at one moment: its UUID, the state directory it was in, and the
 * state derived from that and its lock. What stage0 and stage1 wrote into the pod
 * directory is read on demand, so a listing costs one stat and one flock per pod.
 */
public final class Pod {
    /** Where the pod manifest is, relative to the pod directory (appc pod manifest, JSON). */
    public static final String MANIFEST = "pod";

    private final String uuid;
    private final String stateDir;
    private final Path dir;
    private final PodState state;
    private Map<String, Object> manifest;

    Pod(String uuid, String stateDir, Path dir, PodState state) {
        this.uuid = uuid;
        this.stateDir = stateDir;
        this.dir = dir;
        this.state = state;
    }

    /** Reads the state of the pod in {@code dirs/stateDir/uuid}; throws PodLock.NoSuchPod when it is not there. */
    public static Pod load(PodDirs dirs, String stateDir, String uuid) {
        Path dir = dirs.pod(stateDir, uuid);
        boolean locked = PodLock.isHeld(dir);
        return new Pod(uuid, stateDir, dir, PodState.of(stateDir, locked));
    }

    public String uuid() { return uuid; }
    /** The name of the state directory the pod was found in, see {@link PodDirs}. */
    public String stateDir() { return stateDir; }
    public Path dir() { return dir; }
    public PodState state() { return state; }

    /** The appc pod manifest; throws JrktException when the pod has none (an embryo) or it is unreadable. */
    public Map<String, Object> manifest() {
        if (manifest == null) {
            Path file = dir.resolve(MANIFEST);
            try {
                manifest = Json.asObject(Json.parse(jrkt.core.fs.FileBytes.read(file)));
            } catch (NoSuchFileException e) {
                throw new JrktException("pod " + uuid + " has no pod manifest (" + file + "): it is " + state);
            } catch (IOException | RuntimeException e) {
                throw new JrktException("cannot read the pod manifest " + file + ": " + e.getMessage(), e);
            }
        }
        return manifest;
    }

    /** The pod manifest exactly as stored. */
    public byte[] manifestBytes() {
        Path file = dir.resolve(MANIFEST);
        try {
            return jrkt.core.fs.FileBytes.read(file); // java.io: no NIO channel in the pods group (see FileBytes)
        } catch (IOException e) {
            throw new JrktException("pod " + uuid + " has no readable pod manifest " + file + ": it is " + state, e);
        }
    }

    /** The apps of the pod manifest, in order; empty when the pod has no manifest yet. */
    public List<App> apps() {
        if (!Files.exists(dir.resolve(MANIFEST))) return List.of();
        List<App> apps = new ArrayList<>();
        Object list = manifest().get("apps");
        if (list == null) return apps;
        for (Object o : Json.asArray(list)) {
            Map<String, Object> app = Json.asObject(o);
            Map<String, Object> image = app.get("image") == null ? Map.of() : Json.asObject(app.get("image"));
            apps.add(new App((String) app.get("name"), (String) image.get("name"), (String) image.get("id")));
        }
        return apps;
    }

    /** The app called {@code name}, or the only app when name is null. */
    public App app(String name) {
        List<App> apps = apps();
        if (name == null) {
            if (apps.size() == 1) return apps.getFirst();
            if (apps.isEmpty()) throw new JrktException("pod " + uuid + " has no apps");
            throw new JrktException("pod " + uuid + " has several apps; pick one with --app: "
                + String.join(", ", apps.stream().map(App::name).toList()));
        }
        for (App a : apps) if (a.name().equals(name)) return a;
        throw new JrktException("pod " + uuid + " has no app named \"" + name + "\" (apps: "
            + String.join(", ", apps.stream().map(App::name).toList()) + ")");
    }

    /** What stage1 recorded about one app. */
    public AppStatus appStatus(String name) {
        Path appDir = dir.resolve("apps").resolve(name);
        Instant started = readEpochMillis(appDir.resolve("started"));
        String exited = readTrimmed(appDir.resolve("exited"));
        Integer exitStatus = null;
        Instant exitedAt = null;
        if (exited != null) {
            String[] f = exited.split(" ");
            exitStatus = parseIntOrNull(f[0]);
            if (f.length > 1) exitedAt = epochMillis(f[1]);
        }
        return new AppStatus(name, started, exitStatus, exitedAt, readTrimmed(appDir.resolve("error")));
    }

    /** The pod's PID 1 in the host PID namespace, or null when stage1 has not recorded it. */
    public Integer pid() { return parseIntOrNull(readTrimmed(dir.resolve("pid"))); }

    /** Whether every app has started (stage1 wrote {@code ready}). */
    public boolean ready() { return Files.exists(dir.resolve("ready")); }

    /** The pod's exit status once it ended, or null. */
    public Integer exitStatus() { return parseIntOrNull(readTrimmed(dir.resolve("exit"))); }

    /** When the pod was prepared: its manifest's modification time (null for embryos). */
    public Instant created() { return mtime(dir.resolve(MANIFEST)); }

    /**
     * When stage1 started the pod: when it wrote the {@code pid} file (null if it never ran). A pod
     * found before its start has none, and is not asked: NIO answers an absent file with two
     * exceptions, and list asks this of every pod.
     */
    public Instant started() {
        return switch (state) {
            case EMBRYO, PREPARING, ABORTED_PREPARE, PREPARED -> null;
            default -> mtime(dir.resolve("pid"));
        };
    }

    /** When the pod ended: when stage1 wrote {@code exit} (null while running or if it never ran). */
    public Instant finished() { return mtime(dir.resolve("exit")); }

    /** The stage1 entrypoints recorded for this pod. */
    public Stage1Entrypoints stage1() { return Stage1Entrypoints.read(dir); }

    @Override public String toString() { return uuid + " (" + state + ")"; }

    public record App(String name, String imageName, String imageId) {}

    /** exitStatus is null while the app runs or if it never started; error is why it could not start. */
    public record AppStatus(String name, Instant started, Integer exitStatus, Instant exited, String error) {
        /** "running", "exited", "error" or "" when it did not start (yet). */
        public String summary() {
            if (error != null) return "error";
            if (exitStatus != null) return "exited";
            if (started != null) return "running";
            return "";
        }
    }

    static Instant mtime(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    /** stage1's status files are one short line; more than this is not one of them. */
    private static final int STATUS_FILE_MAX = 64 * 1024;

    /**
     * The file's text, trimmed; null when it is absent, a symbolic link or unreadable. Through the
     * C gate: most status files are absent most of the time, which NIO would report by building
     * two exceptions each, and its first file channel loads the JDK's network library.
     */
    static String readTrimmed(Path file) {
        try {
            byte[] bytes = jrkt.sys.Linux.get().readSmall(file.toString(), STATUS_FILE_MAX);
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8).trim();
        } catch (jrkt.sys.SysException e) {
            return null;
        }
    }

    private static Instant readEpochMillis(Path file) { return epochMillis(readTrimmed(file)); }

    private static Instant epochMillis(String s) {
        Long ms = s == null ? null : parseLongOrNull(s);
        return ms == null ? null : Instant.ofEpochMilli(ms);
    }

    private static Integer parseIntOrNull(String s) {
        if (s == null) return null;
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLongOrNull(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
