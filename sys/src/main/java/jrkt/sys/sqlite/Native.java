package jrkt.sys.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The sqlite3 C functions, from the system's libsqlite3.so.0. The library is loaded, and each
 * function bound, on first use: a process that never touches the store pays nothing, and one
 * that does binds only the dozen functions it calls.
 */
final class Native {
    static final String LIBRARY = "libsqlite3.so.0";
    static final String DEBIAN_PACKAGE = "libsqlite3-0";

    private static final Linker LINKER = Linker.nativeLinker();

    /** Tells sqlite3_bind_* to copy the value before returning, so our arena can go away. */
    static final MemorySegment TRANSIENT = MemorySegment.ofAddress(-1L);

    static final Fn OPEN_V2 = fn("sqlite3_open_v2", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    static final Fn CLOSE_V2 = fn("sqlite3_close_v2", JAVA_INT, ADDRESS);
    static final Fn EXTENDED_RESULT_CODES = fn("sqlite3_extended_result_codes", JAVA_INT, ADDRESS, JAVA_INT);
    static final Fn BUSY_TIMEOUT = fn("sqlite3_busy_timeout", JAVA_INT, ADDRESS, JAVA_INT);
    static final Fn ERRMSG = fn("sqlite3_errmsg", ADDRESS, ADDRESS);
    static final Fn ERRSTR = fn("sqlite3_errstr", ADDRESS, JAVA_INT);
    static final Fn EXEC = fn("sqlite3_exec", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    static final Fn CHANGES = fn("sqlite3_changes", JAVA_INT, ADDRESS);
    static final Fn PREPARE_V2 = fn("sqlite3_prepare_v2", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    static final Fn STEP = fn("sqlite3_step", JAVA_INT, ADDRESS);
    static final Fn RESET = fn("sqlite3_reset", JAVA_INT, ADDRESS);
    static final Fn FINALIZE = fn("sqlite3_finalize", JAVA_INT, ADDRESS);
    static final Fn BIND_TEXT = fn("sqlite3_bind_text", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    static final Fn BIND_BLOB = fn("sqlite3_bind_blob", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    static final Fn BIND_INT64 = fn("sqlite3_bind_int64", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG);
    static final Fn BIND_NULL = fn("sqlite3_bind_null", JAVA_INT, ADDRESS, JAVA_INT);
    static final Fn COLUMN_COUNT = fn("sqlite3_column_count", JAVA_INT, ADDRESS);
    static final Fn COLUMN_TYPE = fn("sqlite3_column_type", JAVA_INT, ADDRESS, JAVA_INT);
    static final Fn COLUMN_INT64 = fn("sqlite3_column_int64", JAVA_LONG, ADDRESS, JAVA_INT);
    static final Fn COLUMN_TEXT = fn("sqlite3_column_text", ADDRESS, ADDRESS, JAVA_INT);
    static final Fn COLUMN_BLOB = fn("sqlite3_column_blob", ADDRESS, ADDRESS, JAVA_INT);
    static final Fn COLUMN_BYTES = fn("sqlite3_column_bytes", JAVA_INT, ADDRESS, JAVA_INT);

    private Native() {}

    /** Loaded on first use; a missing library is remembered and reported on every open. */
    private static final class Library {
        static final SymbolLookup LOOKUP;
        static final IllegalArgumentException LOAD_ERROR;
        static {
            SymbolLookup lookup = null;
            IllegalArgumentException error = null;
            try {
                lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            } catch (IllegalArgumentException e) {
                error = e;
            }
            LOOKUP = lookup;
            LOAD_ERROR = error;
        }
    }

    /** Loads a library by name the way {@link Library} loads libsqlite3; the error is the one users see. */
    static SymbolLookup load(String library) throws SqliteException {
        try {
            return SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
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

    /** A sqlite3 function whose downcall handle is made on first use. */
    static final class Fn {
        private final String name;
        private final FunctionDescriptor descriptor;
        private volatile MethodHandle handle;

        Fn(String name, FunctionDescriptor descriptor) {
            this.name = name;
            this.descriptor = descriptor;
        }

        MethodHandle handle() {
            MethodHandle h = handle;
            if (h == null) {
                MemorySegment symbol = Library.LOOKUP.find(name)
                    .orElseThrow(() -> new UnsatisfiedLinkError(LIBRARY + " has no " + name));
                h = LINKER.downcallHandle(symbol, descriptor);
                handle = h;
            }
            return h;
        }
    }

    private static Fn fn(String name, MemoryLayout result, MemoryLayout... args) {
        return new Fn(name, FunctionDescriptor.of(result, args));
    }

    /** Downcalls throw only what the JVM throws; anything checked here is a bug, not a failed call. */
    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** A NUL-terminated C string owned by SQLite, copied out as UTF-8. */
    static String cString(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    static String errmsg(MemorySegment db) {
        try {
            return cString((MemorySegment) ERRMSG.handle().invokeExact(db));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static String errstr(int code) {
        try {
            return cString((MemorySegment) ERRSTR.handle().invokeExact(code));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
