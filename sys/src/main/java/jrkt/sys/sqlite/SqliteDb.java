package jrkt.sys.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import jrkt.sys.Scratch;

/**
 * An open SQLite connection (a {@code sqlite3*}). Opened with NOMUTEX: use it from one thread
 * at a time, including its statements. Close it when done; closing is idempotent.
 */
public final class SqliteDb implements AutoCloseable {
    private final Path file;
    /** The sqlite3*, 0 once closed. */
    private long handle;
    /**
     * Compiled statements not in use, by their SQL: a closed statement's sqlite3_stmt is reset and
     * kept for the next prepare of the same text (a run prepares three of its eight statements
     * twice, each a compile in SQLite and a walk through the gate); finalized with the connection.
     */
    private final Map<String, Long> idle = new HashMap<>();

    SqliteDb(long handle, Path file) {
        this.handle = handle;
        this.file = file;
    }

    /** The database file this connection was opened on. */
    public Path file() { return file; }

    long handle() {
        if (handle == 0) throw new IllegalStateException("SQLite connection to " + file + " is closed");
        return handle;
    }

    void extendedResultCodes() throws SqliteException {
        int rc;
        rc = (int) Native.EXTENDED_RESULT_CODES.call(handle(), 1);
        check("sqlite3_extended_result_codes", rc, null);
    }

    /** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
    public void busyTimeout(Duration timeout) throws SqliteException {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
        int rc;
        rc = (int) Native.BUSY_TIMEOUT.call(handle(), millis);
        check("sqlite3_busy_timeout", rc, null);
    }

    /** sqlite3_db_config's SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE (SQLite 3.16). */
    private static final int DBCONFIG_NO_CKPT_ON_CLOSE = 1006;

    /**
     * The last connection's close leaves a WAL database's log as it is, rather than copying it
     * into the database and deleting it. That copy costs two fdatasyncs at the end of every
     * short-lived process, and the next writer's new log two more (its header and its
     * directory); the log is copied anyway once it reaches SQLite's automatic checkpoint size.
     */
    public void keepWalOnClose() throws SqliteException {
        int rc = (int) Native.DB_CONFIG.call(handle(), DBCONFIG_NO_CKPT_ON_CLOSE, 1, 0);
        check("sqlite3_db_config", rc, null);
    }

    /** Runs one or more ';'-separated statements, discarding any rows they return. */
    public void exec(String sql) throws SqliteException {
        long db = handle();
        int rc = (int) Native.EXEC.call(db, Scratch.begin().cString(sql), 0, 0, 0);
        check("sqlite3_exec", rc, sql);
    }

    /** Compiles one statement (or takes one compiled before). The statement must be closed before (or with) this connection. */
    public SqliteStatement prepare(String sql) throws SqliteException {
        long db = handle();
        Long kept = idle.remove(sql);
        if (kept != null) return new SqliteStatement(this, kept, sql);
        byte[] utf8 = sql.getBytes(StandardCharsets.UTF_8);
        Scratch s = Scratch.begin();
        long text = s.cBytes(utf8);
        Scratch.Block out = s.allocate(16); // sqlite3_stmt* at 0, the tail's const char* at 8
        int rc = (int) Native.PREPARE_V2.call(db, text, utf8.length + 1, out.address(), out.address() + 8);
        long stmt = out.bytes().getLong(0);
        long tailOffset = out.bytes().getLong(8) - text;
        check("sqlite3_prepare_v2", rc, sql);
        SqliteStatement statement = stmt == 0 ? null : new SqliteStatement(this, stmt, sql);
        // prepare compiles only the first statement; silently dropping the rest would hide a bug
        String rest = tailOffset >= 0 && tailOffset <= utf8.length
                ? new String(utf8, (int) tailOffset, utf8.length - (int) tailOffset, StandardCharsets.UTF_8) : "";
        if (statement == null || !rest.replace(";", "").isBlank()) {
            if (statement != null) statement.discard(); // not kept: the next prepare of this text must fail the same way
            throw new IllegalArgumentException("prepare takes exactly one SQL statement: " + sql.strip());
        }
        return statement;
    }

    /** Rows changed by the most recent INSERT, UPDATE or DELETE on this connection. */
    public int changes() {
        return (int) Native.CHANGES.call(handle());
    }

    /** Throws the connection's current error if rc is not SQLITE_OK. */
    void check(String call, int rc, String sql) throws SqliteException {
        if (rc != Sqlite.OK) throw error(call, rc, sql);
    }

    SqliteException error(String call, int rc, String sql) {
        return new SqliteException(call, rc, Native.errmsg(handle()), sql);
    }

    /**
     * Closes the connection. With sqlite3_close_v2, statements still open keep the connection
     * alive as a zombie until they are closed, rather than failing with SQLITE_BUSY here.
     */
    /** A closed statement's handle, reset: kept for its SQL when none is, else finalized. */
    void release(String sql, long stmt) {
        if (handle != 0 && !idle.containsKey(sql)) idle.put(sql, stmt);
        else Native.FINALIZE.call(stmt);
    }

    @Override
    public void close() {
        if (handle == 0) return;
        for (long stmt : idle.values()) Native.FINALIZE.call(stmt);
        idle.clear();
        long h = handle;
        handle = 0;
        Native.CLOSE_V2.call(h); // only fails on a bad handle
    }
}
