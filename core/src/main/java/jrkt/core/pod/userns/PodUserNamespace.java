package jrkt.core.pod.userns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.core.JrktException;

/**
 * A pod's user namespace as recorded in its directory ({@code userns}: "UID GID COUNT MODE",
 * MODE idmap or chown): what status shows and what the plan's {@code userns} line says.
 */
public record PodUserNamespace(IdRange ids, PrivateUsers mode) {
    public static final String FILE = "userns";

    public void write(Path podDir) {
        try {
            Files.writeString(podDir.resolve(FILE), ids.uid() + " " + ids.gid() + " " + ids.count() + " "
                + jrkt.core.Ascii.lower(mode.name()) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new JrktException("cannot write " + podDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** The pod's user namespace, or null when it has none (or the record is unreadable). */
    public static PodUserNamespace read(Path podDir) {
        try {
            // most pods have none: asked first, without the exception a failed read builds
            if (!Files.exists(podDir.resolve(FILE))) return null;
            String[] f = Files.readString(podDir.resolve(FILE), StandardCharsets.UTF_8).strip().split(" ");
            return new PodUserNamespace(new IdRange(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])),
                PrivateUsers.valueOf(jrkt.core.Ascii.upper(f[3])));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** "0:UID:COUNT" as uid_map writes it; the gid map in the same form after a comma when it differs. */
    public String mapping() {
        String uid = "0:" + ids.uid() + ":" + ids.count();
        return ids.gid() == ids.uid() ? uid : uid + ",gid=0:" + ids.gid() + ":" + ids.count();
    }
}
