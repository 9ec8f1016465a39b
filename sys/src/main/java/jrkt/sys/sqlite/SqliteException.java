package jrkt.sys.sqlite;

import java.io.IOException;

/**
 * A failed SQLite call: which call, the (extended) result code, SQLite's own message and,
 * when there is one, the SQL it was running. The message is one line.
 */
public final class SqliteException extends IOException {
    private static final int SQL_SHOWN = 160;

    private final String call;
    private final int code;
    private final String sql;

    public SqliteException(String call, int code, String detail, String sql) {
        super(call + ": " + detail + " (" + Sqlite.codeName(code) + ")" + (sql == null ? "" : " in: " + oneLine(sql)));
        this.call = call;
        this.code = code;
        this.sql = sql;
    }

    SqliteException(String call, int code, String detail, Throwable cause) {
        this(call, code, detail, (String) null);
        initCause(cause);
    }

    /** The name of the sqlite3 function that failed, e.g. {@code "sqlite3_step"}. */
    public String call() { return call; }

    /** The extended result code, e.g. 1555 (SQLITE_CONSTRAINT_PRIMARYKEY). */
    public int code() { return code; }

    /** The primary result code, e.g. 19 ({@link Sqlite#CONSTRAINT}). */
    public int primaryCode() { return code & 0xff; }

    /** The SQL text involved, or null. */
    public String sql() { return sql; }

    private static String oneLine(String sql) {
        String flat = sql.strip().replaceAll("\\s+", " ");
        return flat.length() <= SQL_SHOWN ? flat : flat.substring(0, SQL_SHOWN) + "...";
    }
}
