package jrkt.sys;

import java.nio.file.Path;
import jrkt.sys.sqlite.Sqlite;
import jrkt.sys.sqlite.SqliteDb;
import jrkt.sys.sqlite.SqliteStatement;

/**
 * Run by {@link LinuxTest} as its own JVM with jrkt's JNI library: makes the calls of jrkt's
 * start path (a lock test, a directory listing, the store's SQLite, a failure's strerror) and
 * prints the gate, a row's value and an errno's name. Argument: a scratch directory.
 */
public final class GateOnlyChild {
    public static void main(String[] args) throws Exception {
        Linux linux = Linux.get();
        Path dir = Path.of(args[0]);
        int fd = linux.open(dir.resolve("lock").toString(), Linux.O_RDWR | Linux.O_CREAT | Linux.O_CLOEXEC, 0644);
        linux.flock(fd, Linux.LOCK_EX | Linux.LOCK_NB);
        linux.statAt(fd, new byte[0]);
        linux.close(fd);
        int dirfd = linux.open(dir.toString(), Linux.O_RDONLY | Linux.O_DIRECTORY | Linux.O_CLOEXEC, 0);
        linux.readDirectory(dirfd);
        linux.close(dirfd);
        long value;
        try (SqliteDb db = Sqlite.open(dir.resolve("store.db"))) {
            db.exec("CREATE TABLE t (v INTEGER, s TEXT)");
            try (SqliteStatement insert = db.prepare("INSERT INTO t VALUES (?, ?)")) {
                insert.bind(1, 1).bind(2, "é").step();
            }
            try (SqliteStatement select = db.prepare("SELECT v, s FROM t")) {
                select.step();
                value = select.getLong(0);
                select.getString(1);
            }
        }
        String errno;
        try {
            linux.chmod(dir.resolve("missing"), 0644);
            errno = "none";
        } catch (SysException e) {
            errno = Errno.name(e.errno());
        }
        System.out.println(Downcall.gate() + " " + value + " " + errno);
    }
}
