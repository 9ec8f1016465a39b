package jrkt.core.pod.userns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;

/**
 * Whether the kernel can mount a directory idmapped: only file systems that declare it
 * (FS_ALLOW_IDMAP) can. Checked when a pod is prepared, so that a pod that stage1 could not
 * build is refused before it exists, with the path and its file system named.
 */
public final class IdmapSupport {
    private IdmapSupport() {}

    /** File systems whose kernel driver supports idmapped mounts (Linux 6.x). */
    static final Set<String> IDMAPPABLE = Set.of("ext4", "ext3", "ext2", "xfs", "btrfs", "tmpfs", "f2fs", "vfat", "msdos",
        "fat", "exfat", "erofs", "squashfs", "overlay", "ntfs3", "hugetlbfs", "ceph", "virtiofs", "fuse", "bcachefs", "zfs");

    /** Refuses, naming what and where, a path whose file system cannot be idmapped. */
    public static void require(Path path, String what) {
        String type;
        try {
            type = Files.getFileStore(path).type();
        } catch (IOException e) {
            throw new JrktException("--private-users: cannot tell the file system of " + what + " " + path + ": " + IoErrors.reason(e), e);
        }
        if (!IDMAPPABLE.contains(type)) {
            throw new JrktException("--private-users: " + what + " " + path + " is on " + type
                + ", which cannot be mounted idmapped; use --private-users=chown (a shifted copy) or move it");
        }
    }
}
