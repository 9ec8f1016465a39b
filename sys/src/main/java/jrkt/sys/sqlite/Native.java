package jrkt.sys.sqlite;

import jrkt.sys.Downcall;

/**
 * The sqlite3 C functions, from the system's libsqlite3.so.0. The library is loaded, and each
 * function bound, on first use: a process that never touches the store pays nothing, and one
 * that does binds only the dozen functions it calls, all of one downcall shape ({@link Downcall}).
 */
final class Native {
    static final String LIBRARY = "libsqlite3.so.0";
    static final String DEBIAN_PACKAGE = "libsqlite3-0";

    /** Tells sqlite3_bind_* to copy the value before returning, so our scratch memory may be reused. */
    static final long TRANSIENT = -1L;

    // Called through the one downcall shape of jrkt.sys.Downcall: integers and pointers as longs.
    static final Fn OPEN_V2 = new Fn("sqlite3_open_v2");                       // int (const char*, sqlite3**, int, const char*)
    static final Fn CLOSE_V2 = new Fn("sqlite3_close_v2");                     // int (sqlite3*)
    static final Fn EXTENDED_RESULT_CODES = new Fn("sqlite3_extended_result_codes"); // int (sqlite3*, int)
    static final Fn BUSY_TIMEOUT = new Fn("sqlite3_busy_timeout");             // int (sqlite3*, int)
    static final Fn DB_CONFIG = new Fn("sqlite3_db_config");                   // int (sqlite3*, int op, ...): variadic
    static final Fn ERRMSG = new Fn("sqlite3_errmsg");                         // const char* (sqlite3*)
    static final Fn ERRSTR = new Fn("sqlite3_errstr");                         // const char* (int)
    static final Fn EXEC = new Fn("sqlite3_exec");                             // int (sqlite3*, const char*, cb, void*, char**)
    static final Fn CHANGES = new Fn("sqlite3_changes");                       // int (sqlite3*)
    static final Fn PREPARE_V2 = new Fn("sqlite3_prepare_v2");                 // int (sqlite3*, const char*, int, stmt**, const char**)
    static final Fn STEP = new Fn("sqlite3_step");                             // int (stmt*)
    static final Fn RESET = new Fn("sqlite3_reset");                           // int (stmt*)
    static final Fn CLEAR_BINDINGS = new Fn("sqlite3_clear_bindings");         // int (stmt*)
    static final Fn FINALIZE = new Fn("sqlite3_finalize");                     // int (stmt*)
    static final Fn BIND_TEXT = new Fn("sqlite3_bind_text");                   // int (stmt*, int, const char*, int, dtor)
    static final Fn BIND_BLOB = new Fn("sqlite3_bind_blob");                   // int (stmt*, int, const void*, int, dtor)
    static final Fn BIND_INT64 = new Fn("sqlite3_bind_int64");                 // int (stmt*, int, sqlite3_int64)
    static final Fn BIND_NULL = new Fn("sqlite3_bind_null");                   // int (stmt*, int)
    static final Fn COLUMN_COUNT = new Fn("sqlite3_column_count");             // int (stmt*)
    static final Fn COLUMN_TYPE = new Fn("sqlite3_column_type");               // int (stmt*, int)
    static final Fn COLUMN_INT64 = new Fn("sqlite3_column_int64");             // sqlite3_int64 (stmt*, int)
    static final Fn COLUMN_TEXT = new Fn("sqlite3_column_text");               // const unsigned char* (stmt*, int)
    static final Fn COLUMN_BLOB = new Fn("sqlite3_column_blob");               // const void* (stmt*, int)
    static final Fn COLUMN_BYTES = new Fn("sqlite3_column_bytes");             // int (stmt*, int)

    private Native() {}

    /** Loaded on first use; a missing library is remembered and reported on every open. */
    private static final class Library {
        static final long HANDLE;
        static final UnsatisfiedLinkError LOAD_ERROR;
        static {
            long handle = 0;
            UnsatisfiedLinkError error = null;
            try {
                handle = Downcall.openLibrary(LIBRARY);
            } catch (UnsatisfiedLinkError e) {
                error = e;
            }
            HANDLE = handle;
            LOAD_ERROR = error;
        }
    }

    /** Loads a library by name the way {@link Library} loads libsqlite3 (its handle); the error is the one users see. */
    static long load(String library) throws SqliteException {
        try {
            return Downcall.openLibrary(library);
        } catch (UnsatisfiedLinkError e) {
            throw cannotLoad(library, e);
        }
    }

    /** Throws the one-line "cannot load" error if libsqlite3 is not installed. */
    static void requireLibrary() throws SqliteException {
        if (Library.LOAD_ERROR != null) throw cannotLoad(LIBRARY, Library.LOAD_ERROR);
    }

    private static SqliteException cannotLoad(String library, Throwable cause) {
        return new SqliteException("dlopen", Sqlite.CANTOPEN,
            "cannot load " + library + ", the SQLite library (install Debian package " + DEBIAN_PACKAGE + ")", cause);
    }

    /** Finds the functions opening the store calls, so that they are ready when it does. */
    static void bindOpenPath() {
        for (Fn f : new Fn[] {OPEN_V2, EXTENDED_RESULT_CODES, BUSY_TIMEOUT, DB_CONFIG, EXEC, PREPARE_V2, STEP, RESET, CLEAR_BINDINGS, FINALIZE, BIND_TEXT,
                COLUMN_COUNT, COLUMN_TYPE, COLUMN_INT64, COLUMN_TEXT, COLUMN_BYTES}) {
            f.handle();
        }
    }

    /** A sqlite3 function found on first use. */
    static final class Fn {
        private final String name;
        private volatile Downcall.Function function;

        Fn(String name) {
            this.name = name;
        }

        private Downcall.Function handle() {
            Downcall.Function f = function;
            if (f == null) function = f = Downcall.find(Library.HANDLE, LIBRARY, name);
            return f;
        }

        // SQLite reports its errors itself (errmsg): errno is not read.
        long call(long a) { return Downcall.call(handle(), Downcall.ignoredErrno(), a); }

        long call(long a, long b) { return Downcall.call(handle(), Downcall.ignoredErrno(), a, b); }

        long call(long a, long b, long c) { return Downcall.call(handle(), Downcall.ignoredErrno(), a, b, c); }

        long call(long a, long b, long c, long d) { return Downcall.call(handle(), Downcall.ignoredErrno(), a, b, c, d); }

        long call(long a, long b, long c, long d, long e) { return Downcall.call(handle(), Downcall.ignoredErrno(), a, b, c, d, e); }
    }

    /** A NUL-terminated C string owned by SQLite, copied out as UTF-8. */
    static String cString(long p) {
        return Downcall.cString(p);
    }

    static String errmsg(long db) {
        return cString(ERRMSG.call(db));
    }

    static String errstr(int code) {
        return cString(ERRSTR.call(code));
    }
}
