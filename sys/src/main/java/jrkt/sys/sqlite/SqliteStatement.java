package jrkt.sys.sqlite;

import java.nio.charset.StandardCharsets;
import jrkt.sys.Downcall;
import jrkt.sys.Scratch;

/**
 * A compiled statement (a {@code sqlite3_stmt*}). Parameters and columns are numbered as SQLite
 * numbers them: parameters from 1, columns from 0. Values read are copied into Java at once,
 * so they stay valid after the next step. Closing is idempotent.
 */
public final class SqliteStatement implements AutoCloseable {
    private final SqliteDb db;
    private final String sql;
    private final int columnCount;
    /** The sqlite3_stmt*, 0 once closed. */
    private long handle;
    private boolean onRow;

    SqliteStatement(SqliteDb db, long handle, String sql) {
        this.db = db;
        this.handle = handle;
        this.sql = sql;
        this.columnCount = (int) Native.COLUMN_COUNT.call(handle);
    }

    public String sql() { return sql; }

    public int columnCount() { return columnCount; }

    private long handle() {
        if (handle == 0) throw new IllegalStateException("SQLite statement is closed: " + sql);
        return handle;
    }

    /** Binds text as UTF-8; null binds SQL NULL. */
    public SqliteStatement bind(int index, String value) throws SqliteException {
        if (value == null) return bindNull(index);
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return bindBytes("sqlite3_bind_text", Native.BIND_TEXT, index, utf8);
    }

    /** Binds a blob; null binds SQL NULL, an empty array an empty blob. */
    public SqliteStatement bind(int index, byte[] value) throws SqliteException {
        if (value == null) return bindNull(index);
        return bindBytes("sqlite3_bind_blob", Native.BIND_BLOB, index, value);
    }

    public SqliteStatement bind(int index, long value) throws SqliteException {
        int rc;
        rc = (int) Native.BIND_INT64.call(handle(), index, value);
        db.check("sqlite3_bind_int64", rc, sql);
        return this;
    }

    public SqliteStatement bindNull(int index) throws SqliteException {
        int rc;
        rc = (int) Native.BIND_NULL.call(handle(), index);
        db.check("sqlite3_bind_null", rc, sql);
        return this;
    }

    private SqliteStatement bindBytes(String call, Native.Fn fn, int index, byte[] bytes) throws SqliteException {
        long stmt = handle();
        // at least one byte: a NULL pointer would bind SQL NULL instead of an empty value
        Scratch.Block copy = Scratch.begin().allocate(Math.max(1, bytes.length));
        copy.bytes().put(0, bytes);
        // SQLITE_TRANSIENT: SQLite copies the value now, so the scratch memory may be reused after the call
        int rc = (int) fn.call(stmt, index, copy.address(), bytes.length, Native.TRANSIENT);
        db.check(call, rc, sql);
        return this;
    }

    /** Runs the statement to its next row: true if there is one to read, false when done. */
    public boolean step() throws SqliteException {
        onRow = false;
        int rc;
        rc = (int) Native.STEP.call(handle());
        if (rc == Sqlite.ROW) return onRow = true;
        if (rc == Sqlite.DONE) return false;
        throw db.error("sqlite3_step", rc, sql);
    }

    /** Rewinds the statement so it can run again; bindings are kept. */
    public void reset() throws SqliteException {
        onRow = false;
        int rc;
        rc = (int) Native.RESET.call(handle());
        db.check("sqlite3_reset", rc, sql);
    }

    /** The SQLite storage class of a column of the current row: {@link Sqlite#INTEGER} ... {@link Sqlite#NULL}. */
    public int columnType(int column) {
        checkColumn(column);
        return (int) Native.COLUMN_TYPE.call(handle(), column);
    }

    public boolean isNull(int column) { return columnType(column) == Sqlite.NULL; }

    /** The column as an integer (SQLite's conversion rules apply; NULL reads as 0). */
    public long getLong(int column) {
        checkColumn(column);
        return Native.COLUMN_INT64.call(handle(), column);
    }

    /** The column as UTF-8 text, or null for SQL NULL. */
    public String getString(int column) {
        if (isNull(column)) return null;
        long text = Native.COLUMN_TEXT.call(handle(), column);
        byte[] bytes = copy(text, column); // column_bytes after column_text: the length of the text form
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The column as bytes, or null for SQL NULL. */
    public byte[] getBytes(int column) {
        if (isNull(column)) return null;
        long blob = Native.COLUMN_BLOB.call(handle(), column);
        return copy(blob, column);
    }

    private byte[] copy(long data, int column) {
        int n = (int) Native.COLUMN_BYTES.call(handle(), column);
        if (n == 0 || data == 0) return new byte[0]; // SQLite returns NULL for empty
        return Downcall.bytes(data, n);
    }

    private void checkColumn(int column) {
        handle();
        if (!onRow) throw new IllegalStateException("no current row (step() did not return true): " + sql);
        if (column < 0 || column >= columnCount) {
            throw new IndexOutOfBoundsException("column " + column + " of " + columnCount + " in: " + sql);
        }
    }

    /** Finalizes the statement, keeping nothing for a later prepare. */
    void discard() {
        if (handle == 0) return;
        long h = handle;
        handle = 0;
        onRow = false;
        Native.FINALIZE.call(h);
    }

    /**
     * Ends this statement's use: its compiled form is reset and handed back to the connection for
     * the next prepare of the same SQL (this object refuses use from now on). An error of the last
     * step was already thrown by step, so reset's repeat of it is not thrown again.
     */
    @Override
    public void close() {
        if (handle == 0) return;
        long h = handle;
        handle = 0;
        onRow = false;
        Native.RESET.call(h);
        Native.CLEAR_BINDINGS.call(h); // the next use starts from NULLs, as a new statement does
        db.release(sql, h);
    }
}
