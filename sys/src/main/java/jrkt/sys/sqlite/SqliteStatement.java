package jrkt.sys.sqlite;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * A compiled statement (a {@code sqlite3_stmt*}). Parameters and columns are numbered as SQLite
 * numbers them: parameters from 1, columns from 0. Values read are copied into Java at once,
 * so they stay valid after the next step. Closing is idempotent.
 */
public final class SqliteStatement implements AutoCloseable {
    private final SqliteDb db;
    private final String sql;
    private final int columnCount;
    private MemorySegment handle;
    private boolean onRow;

    SqliteStatement(SqliteDb db, MemorySegment handle, String sql) {
        this.db = db;
        this.handle = handle;
        this.sql = sql;
        this.columnCount = (int) Native.COLUMN_COUNT.call(handle.address());
    }

    public String sql() { return sql; }

    public int columnCount() { return columnCount; }

    private MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("SQLite statement is closed: " + sql);
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
        rc = (int) Native.BIND_INT64.call(handle().address(), index, value);
        db.check("sqlite3_bind_int64", rc, sql);
        return this;
    }

    public SqliteStatement bindNull(int index) throws SqliteException {
        int rc;
        rc = (int) Native.BIND_NULL.call(handle().address(), index);
        db.check("sqlite3_bind_null", rc, sql);
        return this;
    }

    private SqliteStatement bindBytes(String call, Native.Fn fn, int index, byte[] bytes) throws SqliteException {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            // at least one byte: a NULL pointer would bind SQL NULL instead of an empty value
            MemorySegment copy = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, copy, JAVA_BYTE, 0, bytes.length);
            // SQLITE_TRANSIENT: SQLite copies the value now, so the arena may close after the call
            rc = (int) fn.call(handle().address(), index, copy.address(), bytes.length, Native.TRANSIENT);
        }
        db.check(call, rc, sql);
        return this;
    }

    /** Runs the statement to its next row: true if there is one to read, false when done. */
    public boolean step() throws SqliteException {
        onRow = false;
        int rc;
        rc = (int) Native.STEP.call(handle().address());
        if (rc == Sqlite.ROW) return onRow = true;
        if (rc == Sqlite.DONE) return false;
        throw db.error("sqlite3_step", rc, sql);
    }

    /** Rewinds the statement so it can run again; bindings are kept. */
    public void reset() throws SqliteException {
        onRow = false;
        int rc;
        rc = (int) Native.RESET.call(handle().address());
        db.check("sqlite3_reset", rc, sql);
    }

    /** The SQLite storage class of a column of the current row: {@link Sqlite#INTEGER} ... {@link Sqlite#NULL}. */
    public int columnType(int column) {
        checkColumn(column);
        return (int) Native.COLUMN_TYPE.call(handle().address(), column);
    }

    public boolean isNull(int column) { return columnType(column) == Sqlite.NULL; }

    /** The column as an integer (SQLite's conversion rules apply; NULL reads as 0). */
    public long getLong(int column) {
        checkColumn(column);
        return Native.COLUMN_INT64.call(handle().address(), column);
    }

    /** The column as UTF-8 text, or null for SQL NULL. */
    public String getString(int column) {
        if (isNull(column)) return null;
        MemorySegment text;
        text = MemorySegment.ofAddress(Native.COLUMN_TEXT.call(handle().address(), column));
        byte[] bytes = copy(text, column); // column_bytes after column_text: the length of the text form
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The column as bytes, or null for SQL NULL. */
    public byte[] getBytes(int column) {
        if (isNull(column)) return null;
        MemorySegment blob;
        blob = MemorySegment.ofAddress(Native.COLUMN_BLOB.call(handle().address(), column));
        return copy(blob, column);
    }

    private byte[] copy(MemorySegment data, int column) {
        int n;
        n = (int) Native.COLUMN_BYTES.call(handle().address(), column);
        if (n == 0 || data.equals(MemorySegment.NULL)) return new byte[0]; // SQLite returns NULL for empty
        return data.reinterpret(n).toArray(JAVA_BYTE);
    }

    private void checkColumn(int column) {
        handle();
        if (!onRow) throw new IllegalStateException("no current row (step() did not return true): " + sql);
        if (column < 0 || column >= columnCount) {
            throw new IndexOutOfBoundsException("column " + column + " of " + columnCount + " in: " + sql);
        }
    }

    /** Finalizes the statement. An error of the last step was already thrown by step, so it is not repeated. */
    @Override
    public void close() {
        if (handle == null) return;
        MemorySegment h = handle;
        handle = null;
        onRow = false;
        Native.FINALIZE.call(h.address());
    }
}
