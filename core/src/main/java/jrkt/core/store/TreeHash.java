package jrkt.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jrkt.core.fs.RawNames;
import jrkt.sys.Linux;

/**
 * The hash of a rendered tree: sha512 over every entry in path order, each contributing its
 * path, type and permission bits, owner, group, and then its content (regular files, with the
 * size), its target (symlinks) or its device number (device nodes). Times are left out:
 * directory mtimes change when anything is merely looked up or touched. Paths and link targets
 * go in as their exact bytes (see RawNames), whatever the locale.
 */
final class TreeHash {
    private TreeHash() {}

    static String of(Path root) throws IOException {
        MessageDigest digest = sha512();
        List<String> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(p -> paths.add(RawNames.of(root.relativize(p))));
        }
        paths.sort(null); // raw strings sort as their bytes do
        byte[] buffer = new byte[64 * 1024];
        for (String rel : paths) {
            Path p = RawNames.resolve(root, rel);
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,rdev", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            StringBuilder record = new StringBuilder();
            record.append("/").append(rel).append('\0')
                  .append(Integer.toOctalString(mode)).append(' ')
                  .append(a.get("uid")).append(' ').append(a.get("gid"));
            int type = mode & 0170000;
            if (type == 0100000) {
                record.append(" size=").append(a.get("size"));
            } else if (type == 0120000) {
                record.append(" -> ").append(RawNames.of(Linux.get().readlink(p)));
            } else if (type == 0020000 || type == 0060000) {
                record.append(" dev=").append(a.get("rdev"));
            }
            record.append('\n');
            digest.update(RawNames.bytes(record.toString()));
            if (type == 0100000) {
                try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                    for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
                }
            }
        }
        return "sha512-" + HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-512 of large data (blobs, trees), by libcrypto when it is there: no security providers to set up. */
    static MessageDigest sha512() { return jrkt.sys.crypto.NativeDigest.sha512(); }
}
