package jrkt.core.pod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.KernelRandom;
import jrkt.core.Quote;
import jrkt.core.fs.Output;
import jrkt.core.fs.UserFiles;

/** Finds pods: lists them across every state directory and resolves what a user typed to one pod. */
public final class Pods {

    private final PodDirs dirs;

    public Pods(PodDirs dirs) { this.dirs = dirs; }

    /**
     * A random (version 4) UUID from the kernel's random source. Not UUID.randomUUID: its
     * SecureRandom sets up the JDK's security providers, about 20 ms of every pod's preparation.
     */
    public static String newUuid() {
        byte[] random = new byte[16];
        KernelRandom.fill(random, "a pod UUID");
        random[6] = (byte) (random[6] & 0x0f | 0x40); // version 4
        random[8] = (byte) (random[8] & 0x3f | 0x80); // IETF variant
        // by hand: UUID.toString's first use sets up VarHandles, 1 ms of a start
        char[] text = new char[36];
        int at = 0;
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) text[at++] = '-';
            text[at++] = HEX_DIGITS.charAt(random[i] >> 4 & 0xf);
            text[at++] = HEX_DIGITS.charAt(random[i] & 0xf);
        }
        return new String(text);
    }

    private static final String HEX_DIGITS = "0123456789abcdef";

    /** Whether s is a UUID as jrkt writes them: 8-4-4-4-12 lowercase hex digits. Checked by hand: listings test every name. */
    public static boolean isUuid(String s) {
        if (s.length() != 36) return false;
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }

    /** Every pod, each once, ordered by UUID. */
    public List<Pod> list() {
        // A pod moving forward while we scan can be seen in two directories; the scan goes in
        // lifecycle order, so the later sighting is the newer state and wins.
        Map<String, Pod> byUuid = new LinkedHashMap<>();
        for (String state : PodDirs.ALL) {
            for (String uuid : uuidsIn(state)) {
                try {
                    byUuid.put(uuid, Pod.load(dirs, state, uuid));
                } catch (PodLock.NoSuchPod moved) {
                    // it moved on between readdir and open; it shows up in a later directory or is gone
                }
            }
        }
        List<Pod> pods = new ArrayList<>(byUuid.values());
        pods.sort((a, b) -> a.uuid().compareTo(b.uuid())); // not Comparator.comparing: the JDK's lambda inside is linked at first use
        return pods;
    }

    /** The UUIDs in one state directory (names that are not UUIDs are ignored). */
    public List<String> uuidsIn(String state) {
        List<String> uuids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dirs.stateDir(state))) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (isUuid(name)) uuids.add(name);
            }
        } catch (NoSuchFileException e) {
            return uuids;
        } catch (IOException e) {
            throw new JrktException("cannot list pods: " + IoErrors.describe(e), e);
        }
        uuids.sort(null);
        return uuids;
    }

    /**
     * The pod with this full UUID or unambiguous prefix (dashes optional, case ignored).
     * Throws JrktException when no pod or several pods match.
     */
    public Pod resolve(String prefix) {
        String wanted = jrkt.core.Ascii.lower(prefix).replace("-", "");
        if (wanted.isEmpty() || !isHex(wanted)) {
            throw new JrktException(Quote.arg(prefix) + " is not a pod UUID or UUID prefix");
        }
        if (wanted.length() == 32) return resolveWhole(prefix, wanted);
        // Only the pods whose names match are loaded (a lock test each), not every pod of the host.
        Map<String, Pod> byUuid = new LinkedHashMap<>();
        for (String state : PodDirs.ALL) {
            for (String uuid : uuidsIn(state)) {
                if (!uuid.replace("-", "").startsWith(wanted)) continue;
                try {
                    byUuid.put(uuid, Pod.load(dirs, state, uuid)); // as in list(): a later state wins
                } catch (PodLock.NoSuchPod moved) {
                    // it moved on; it shows up in a later directory or is gone
                }
            }
        }
        List<Pod> matches = new ArrayList<>(byUuid.values());
        matches.sort((a, b) -> a.uuid().compareTo(b.uuid()));
        if (matches.isEmpty()) throw new JrktException("no pod matches " + Quote.arg(prefix) + " in " + dirs.root());
        if (matches.size() > 1) {
            throw new JrktException("pod UUID prefix " + Quote.arg(prefix) + " is ambiguous: it matches "
                + String.join(", ", matches.stream().map(Pod::uuid).toList()));
        }
        return matches.getFirst();
    }

    /**
     * A whole UUID (32 hex digits): looked up in each state directory by its name rather than
     * among every pod's, so that status or stop of one pod does not list a host's thousand. In
     * lifecycle order, as resolve lists them: a pod moving on is found where it went.
     */
    private Pod resolveWhole(String typed, String hex) {
        String uuid = hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20)
            + "-" + hex.substring(20);
        Pod found = null;
        for (String state : PodDirs.ALL) {
            // asked first, without exceptions: a failed open builds two, stack traces and all, for
            // each of the states the pod is not in
            if (!Files.exists(dirs.pod(state, uuid))) continue;
            try {
                found = Pod.load(dirs, state, uuid);
            } catch (PodLock.NoSuchPod notHere) {
                // gone to its next state meanwhile
            }
        }
        if (found == null) throw new JrktException("no pod matches " + Quote.arg(typed) + " in " + dirs.root());
        return found;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }

    /** Resolves either a UUID (prefix) argument or the UUID stored in a --uuid-file; exactly one must be given. */
    public Pod resolve(String prefix, Path uuidFile) {
        if (prefix != null && uuidFile != null) throw new JrktException("give either a pod UUID or --uuid-file, not both");
        if (uuidFile != null) return resolve(readUuidFile(uuidFile));
        if (prefix == null) throw new JrktException("missing pod UUID (or --uuid-file)");
        return resolve(prefix);
    }

    /** The most a --uuid-file may hold: a UUID, blanks, and room for a comment-free editor's newline. */
    static final int UUID_FILE_MAX = 1024;

    /** The UUID written in a --uuid-file (surrounding whitespace ignored); read with a limit, see {@link UserFiles}. */
    public static String readUuidFile(Path file) {
        String s = new String(UserFiles.read(file, "--uuid-file", UUID_FILE_MAX), StandardCharsets.UTF_8).trim();
        if (s.isEmpty()) throw new JrktException("--uuid-file " + file + " is empty");
        return s;
    }

    /** Fails unless file is absent or a regular file: what --uuid-file-save may write. */
    public static void checkUuidFileSave(Path file) {
        String existing = Output.existingKind(file);
        if (existing != null && !existing.equals("a regular file")) {
            throw new JrktException("--uuid-file-save " + file + ": it is " + existing + "; only a regular file is replaced");
        }
    }

    /**
     * Writes a pod's UUID to a --uuid-file-save file, whole or not at all; an existing file is
     * replaced only when it is a regular file (never a device node, a FIFO or a symlink).
     */
    public static void saveUuidFile(Path file, String uuid) {
        checkUuidFileSave(file);
        try {
            Output.write(Output.target(file, Output.Kind.FILE, true), Output.Kind.FILE, staged -> Files.writeString(staged, uuid));
        } catch (JrktException e) {
            throw new JrktException("--uuid-file-save " + file + ": " + e.getMessage(), e);
        }
    }
}
