package jrkt.sys.sqlite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import jrkt.sys.Scratch;

/**
 * SQLite through the system's libsqlite3 (Debian package libsqlite3-0), called through {@link jrkt.sys.Downcall}.
 * Entry point: {@link #open(Path)}.
 */
public final class Sqlite {
    // primary result codes (sqlite3.h)
    public static final int OK = 0, ERROR = 1, BUSY = 5, LOCKED = 6, READONLY = 8, IOERR = 10, CORRUPT = 11,
        CANTOPEN = 14, CONSTRAINT = 19, MISUSE = 21, RANGE = 25, NOTADB = 26, ROW = 100, DONE = 101;

    // column types (sqlite3_column_type)
    public static final int INTEGER = 1, FLOAT = 2, TEXT = 3, BLOB = 4, NULL = 5;

    static final int OPEN_READWRITE = 0x02, OPEN_CREATE = 0x04, OPEN_NOMUTEX = 0x8000, OPEN_EXRESCODE = 0x02000000;

    /** What {@link #open(Path)} waits for another connection's lock before giving up with SQLITE_BUSY. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(30);

    private static final String[] PRIMARY_NAMES = {
        "OK", "ERROR", "INTERNAL", "PERM", "ABORT", "BUSY", "LOCKED", "NOMEM", "READONLY", "INTERRUPT",
        "IOERR", "CORRUPT", "NOTFOUND", "FULL", "CANTOPEN", "PROTOCOL", "EMPTY", "SCHEMA", "TOOBIG", "CONSTRAINT",
        "MISMATCH", "MISUSE", "NOLFS", "AUTH", "FORMAT", "RANGE", "NOTADB", "NOTICE", "WARNING",
    };

    /** The extended codes a user of the store may plausibly meet. */
    private static final Map<Integer, String> EXTENDED_NAMES = Map.ofEntries(
        Map.entry(261, "BUSY_RECOVERY"), Map.entry(517, "BUSY_SNAPSHOT"), Map.entry(773, "BUSY_TIMEOUT"),
        Map.entry(262, "LOCKED_SHAREDCACHE"),
        Map.entry(264, "READONLY_RECOVERY"), Map.entry(520, "READONLY_CANTLOCK"), Map.entry(776, "READONLY_ROLLBACK"),
        Map.entry(1032, "READONLY_DBMOVED"), Map.entry(1288, "READONLY_CANTINIT"), Map.entry(1544, "READONLY_DIRECTORY"),
        Map.entry(1038, "CANTOPEN_ISDIR"), Map.entry(1294, "CANTOPEN_FULLPATH"),
        Map.entry(275, "CONSTRAINT_CHECK"), Map.entry(787, "CONSTRAINT_FOREIGNKEY"),
        Map.entry(1299, "CONSTRAINT_NOTNULL"), Map.entry(1555, "CONSTRAINT_PRIMARYKEY"),
        Map.entry(1811, "CONSTRAINT_TRIGGER"), Map.entry(2067, "CONSTRAINT_UNIQUE"),
        Map.entry(2579, "CONSTRAINT_ROWID"), Map.entry(3091, "CONSTRAINT_DATATYPE"),
        Map.entry(266, "IOERR_READ"), Map.entry(522, "IOERR_SHORT_READ"), Map.entry(778, "IOERR_WRITE"),
        Map.entry(1034, "IOERR_FSYNC"), Map.entry(3338, "IOERR_ACCESS"), Map.entry(3850, "IOERR_LOCK"),
        Map.entry(4874, "IOERR_SHMOPEN"), Map.entry(5130, "IOERR_SHMSIZE"), Map.entry(267, "CORRUPT_VTAB"));

    private Sqlite() {}

    /**
     * Opens (creating if absent) the database file, read-write, with extended result codes and a
     * {@link #DEFAULT_BUSY_TIMEOUT busy timeout}. The connection is for one thread at a time.
     */
    public static SqliteDb open(Path file) throws SqliteException {
        return open(file, DEFAULT_BUSY_TIMEOUT);
    }

    public static SqliteDb open(Path file, Duration busyTimeout) throws SqliteException {
        Native.requireLibrary();
        // NOMUTEX: callers keep a connection to one thread at a time, so SQLite's own locking is waste.
        int flags = OPEN_READWRITE | OPEN_CREATE | OPEN_NOMUTEX | OPEN_EXRESCODE;
        Scratch s = Scratch.begin();
        Scratch.Block out = s.allocate(8); // sqlite3*
        int rc = (int) Native.OPEN_V2.call(s.cString(file.toString()), out.address(), flags, 0);
        long db = out.bytes().getLong(0);
        if (rc != OK) {
            // SQLite hands back a handle even on failure (except out of memory); it holds the message
            String message = db == 0 ? Native.errstr(rc) : Native.errmsg(db);
            if (db != 0) {
                Native.CLOSE_V2.call(db);
            }
            throw new SqliteException("sqlite3_open_v2", rc, message + ": " + file, (String) null);
        }
        SqliteDb opened = new SqliteDb(db, file);
        try {
            opened.extendedResultCodes();
            opened.busyTimeout(busyTimeout);
        } catch (SqliteException | RuntimeException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    /**
     * Loads libsqlite3 and binds the functions every store open calls, ahead of the first open
     * ({@link jrkt.sys.NativeWarmUp}); a library that is missing is left for that open to report.
     */
    public static void loadLibrary() {
        try {
            Native.requireLibrary();
        } catch (SqliteException e) {
            return;
        }
        Native.bindOpenPath();
    }

    /** "SQLITE_CONSTRAINT_PRIMARYKEY", or "SQLITE_IOERR/4618" for an extended code without a name here. */
    public static String codeName(int code) {
        String extended = EXTENDED_NAMES.get(code);
        if (extended != null) return "SQLITE_" + extended;
        int primary = code & 0xff;
        String name = primary < PRIMARY_NAMES.length ? PRIMARY_NAMES[primary]
                : primary == ROW ? "ROW" : primary == DONE ? "DONE" : String.valueOf(primary);
        return "SQLITE_" + name + (code == primary ? "" : "/" + code);
    }
}
