package jrkt.core.pod.userns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.json.Json;

/**
 * The host ids jrkt hands out to pods with {@code --private-users}, {@link IdRange#SIZE} at a
 * time: range i is uids {@code uidStart + i * SIZE} on, gids {@code gidStart + i * SIZE} on.
 *
 * <p>Where it comes from, the first that has it: {@code private-users.json} in the local, then
 * the system config directory ({@code {"uid": {"start": N, "size": M}, "gid": {...}}}); the
 * lines for the user {@code jrkt} in /etc/subuid and /etc/subgid, the convention tools such as
 * podman follow; else {@link #DEFAULT}, ids 2^31 to 2^31 + 2^30 (16,384 pods).
 */
public record IdPool(long uidStart, long gidStart, long size) {
    public static final IdPool DEFAULT = new IdPool(1L << 31, 1L << 31, 1L << 30);
    static final String CONFIG = "private-users.json";
    private static final long MAX_ID = 0xfffffffeL;

    public IdPool {
        if (size < IdRange.SIZE) throw new JrktException("the private-users pool holds " + size + " ids, fewer than one pod's " + IdRange.SIZE);
        if (uidStart < 1 || gidStart < 1 || uidStart + size - 1 > MAX_ID || gidStart + size - 1 > MAX_ID)
            throw new JrktException("the private-users pool " + uidStart + "/" + gidStart + "+" + size + " is outside 1.." + MAX_ID);
    }

    /** How many pods the pool has room for. */
    public long ranges() { return size / IdRange.SIZE; }

    public IdRange range(long index) {
        return new IdRange(uidStart + index * IdRange.SIZE, gidStart + index * IdRange.SIZE, IdRange.SIZE);
    }

    /** The pool the configuration gives (see the class comment). */
    public static IdPool load(Path localConfig, Path systemConfig) {
        for (Path dir : List.of(localConfig, systemConfig)) {
            IdPool p = fromJson(dir.resolve(CONFIG));
            if (p != null) return p;
        }
        long[] uids = subordinate(Path.of("/etc/subuid")), gids = subordinate(Path.of("/etc/subgid"));
        if (uids != null && gids != null) return new IdPool(uids[0], gids[0], Math.min(uids[1], gids[1]));
        return DEFAULT;
    }

    static IdPool fromJson(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > 64 << 10) throw new JrktException(file + ": larger than 64 KiB");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new JrktException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
        try {
            Map<String, Object> m = Json.asObject(Json.parse(bytes));
            long[] uid = startAndSize(m.get("uid")), gid = startAndSize(m.get("gid"));
            return new IdPool(uid[0], gid[0], Math.min(uid[1], gid[1]));
        } catch (RuntimeException e) {
            throw new JrktException(file + ": " + e.getMessage() + " (expected {\"uid\": {\"start\": N, \"size\": M}, \"gid\": {...}})", e);
        }
    }

    private static long[] startAndSize(Object o) {
        Map<String, Object> m = Json.asObject(o);
        if (!(m.get("start") instanceof Number start) || !(m.get("size") instanceof Number size))
            throw new JrktException("start and size must be numbers");
        return new long[] {start.longValue(), size.longValue()};
    }

    /** The first "jrkt:START:COUNT" line of a subordinate id file, or null. */
    static long[] subordinate(Path file) {
        String text;
        try {
            if (Files.size(file) > 1 << 20) return null;
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
        for (String line : text.split("\n")) {
            String[] f = line.strip().split(":");
            if (f.length == 3 && f[0].equals("jrkt") && f[1].matches("[0-9]{1,10}") && f[2].matches("[0-9]{1,10}"))
                return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
        }
        return null;
    }
}
