package jrkt.core.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.KernelRandom;
import jrkt.core.fs.PrivateDirs;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.Pods;

/**
 * The pods' signing keys: one file of 64 random bytes per pod, {@code <dir>/pods/hmac-keys/<uuid>},
 * mode 0400 in a directory only root may enter. A key is made when its pod is prepared and
 * deleted before anything else of the pod when gc or rm removes it (or when its preparation
 * fails), so a key exists exactly while its pod does: the metadata service, in a pod's stage1 or
 * {@code jrkt metadata-service}, verifies a signature only with the key of the pod it names, read
 * from here.
 */
public final class PodKeys {
    public static final String DIR = "hmac-keys";
    public static final int SIZE = 64;

    private PodKeys() {}

    public static Path dir(PodDirs dirs) { return dirs.root().resolve(DIR); }

    /** Makes the key of pod uuid; fails if it has one. */
    public static void create(PodDirs dirs, String uuid) {
        Path dir = PrivateDirs.ensure(dir(dirs));
        byte[] key = new byte[SIZE];
        KernelRandom.fill(key, "the signing key of pod " + uuid); // not SecureRandom: see KernelRandom
        Path file = dir.resolve(requireUuid(uuid));
        try {
            jrkt.sys.Linux.get().writeNew(file.toString(), key, 0400); // a file of its own, nothing planted at its name opened
        } catch (IOException e) {
            throw new JrktException("cannot make the signing key of pod " + uuid + ": " + IoErrors.describe(e), e);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    /** The key of pod uuid, or null when there is none (the pod is gone, or never was). */
    public static byte[] read(PodDirs dirs, String uuid) {
        if (!Pods.isUuid(uuid)) return null;
        Path file = dir(dirs).resolve(uuid);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return null;
            byte[] key = Files.readAllBytes(file);
            return key.length == SIZE ? key : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new JrktException("cannot read the signing key of pod " + uuid + ": " + IoErrors.describe(e), e);
        }
    }

    /** Deletes the key of pod uuid; a pod without one is fine. */
    public static void destroy(PodDirs dirs, String uuid) {
        if (!Pods.isUuid(uuid)) return;
        try {
            Files.deleteIfExists(dir(dirs).resolve(uuid));
        } catch (IOException e) {
            throw new JrktException("cannot delete the signing key of pod " + uuid + ": " + IoErrors.describe(e), e);
        }
    }

    private static String requireUuid(String uuid) {
        if (!Pods.isUuid(uuid)) throw new IllegalArgumentException("not a pod UUID: " + uuid);
        return uuid;
    }
}
