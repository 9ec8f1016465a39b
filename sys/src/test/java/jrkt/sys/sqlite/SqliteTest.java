package jrkt.sys.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTest {
    @TempDir Path tmp;

    private SqliteDb openWal(Path file) throws SqliteException {
        SqliteDb db = Sqlite.open(file);
        db.exec("PRAGMA journal_mode=WAL");
        return db;
    }

    private static long count(SqliteDb db, String table) throws SqliteException {
        try (SqliteStatement st = db.prepare("SELECT count(*) FROM " + table)) {
            assertTrue(st.step());
            return st.getLong(0);
        }
    }

    @Test
    void aConnectionThatKeepsItsWalLeavesItForTheNextWhichSeesEveryCommit() throws Exception {
        Path file = tmp.resolve("kept.sqlite");
        Path wal = tmp.resolve("kept.sqlite-wal");
        try (SqliteDb db = openWal(file)) {
            db.exec("CREATE TABLE t (k INTEGER)");
        }
        assertFalse(Files.exists(wal), "by default the last close checkpoints and deletes the log");
        try (SqliteDb db = openWal(file)) {
            db.keepWalOnClose();
            db.exec("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)");
        }
        assertTrue(Files.size(wal) > 0, "the commits stay in the log, not yet copied into the database");
        try (SqliteDb db = openWal(file)) {
            db.keepWalOnClose();
            assertEquals(2, count(db, "t"));
            db.exec("INSERT INTO t VALUES (3)");
        }
        try (SqliteDb db = openWal(file)) {
            assertEquals(3, count(db, "t"));
        }
        assertFalse(Files.exists(wal), "a connection that does not keep it checkpoints everything at its close");
        try (SqliteDb db = Sqlite.open(file)) {
            assertEquals(3, count(db, "t"));
        }
    }

    @Test
    void storesAndReadsBackEveryTypeIncludingNull() throws Exception {
        Path file = tmp.resolve("a.sqlite");
        byte[] withNul = {1, 0, 2, 0, 0, (byte) 0xff};
        String unicode = "naïve 日本語 ✓ \uD83D\uDE80 and a\u0000nul";
        try (SqliteDb db = Sqlite.open(file)) {
            db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, s TEXT, n INTEGER, b BLOB)");
            try (SqliteStatement ins = db.prepare("INSERT INTO t VALUES (?, ?, ?, ?)")) {
                ins.bind(1, 1).bind(2, unicode).bind(3, Long.MIN_VALUE).bind(4, withNul);
                assertFalse(ins.step());
                assertEquals(1, db.changes());
                ins.reset();
                ins.bind(1, 2).bind(2, (String) null).bindNull(3).bind(4, (byte[]) null);
                assertFalse(ins.step());
                ins.reset();
                ins.bind(1, 3).bind(2, "").bind(3, Long.MAX_VALUE).bind(4, new byte[0]);
                assertFalse(ins.step());
            }
        }
        assertTrue(Files.size(file) > 0);
        try (SqliteDb db = Sqlite.open(file); SqliteStatement q = db.prepare("SELECT s, n, b FROM t ORDER BY k")) {
            assertTrue(q.step());
            assertEquals(unicode, q.getString(0));
            assertEquals(Long.MIN_VALUE, q.getLong(1));
            assertArrayEquals(withNul, q.getBytes(2));
            assertEquals(Sqlite.BLOB, q.columnType(2));

            assertTrue(q.step());
            assertTrue(q.isNull(0));
            assertNull(q.getString(0));
            assertTrue(q.isNull(1));
            assertNull(q.getBytes(2));

            assertTrue(q.step());
            assertEquals("", q.getString(0));
            assertEquals(Long.MAX_VALUE, q.getLong(1));
            assertFalse(q.isNull(2), "an empty blob is not NULL");
            assertArrayEquals(new byte[0], q.getBytes(2));

            assertFalse(q.step());
            assertThrows(IllegalStateException.class, () -> q.getString(0));
        }
    }

    @Test
    void syntaxErrorCarriesCodeMessageAndSql() throws Exception {
        try (SqliteDb db = Sqlite.open(tmp.resolve("b.sqlite"))) {
            SqliteException e = assertThrows(SqliteException.class, () -> db.prepare("SELEC 1 FROM\n  nowhere"));
            assertEquals(Sqlite.ERROR, e.code());
            assertEquals("sqlite3_prepare_v2", e.call());
            assertTrue(e.getMessage().contains("syntax error"), e.getMessage());
            assertTrue(e.getMessage().contains("SELEC 1 FROM nowhere"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());

            SqliteException noTable = assertThrows(SqliteException.class, () -> db.exec("DELETE FROM missing"));
            assertTrue(noTable.getMessage().contains("no such table: missing"), noTable.getMessage());
        }
    }

    @Test
    void constraintViolationCarriesExtendedCode() throws Exception {
        try (SqliteDb db = Sqlite.open(tmp.resolve("c.sqlite"))) {
            db.exec("CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT NOT NULL UNIQUE)");
            db.exec("INSERT INTO t VALUES ('a', 'x')");
            try (SqliteStatement ins = db.prepare("INSERT INTO t VALUES (?, ?)")) {
                ins.bind(1, "a").bind(2, "y");
                SqliteException pk = assertThrows(SqliteException.class, ins::step);
                assertEquals(Sqlite.CONSTRAINT, pk.primaryCode());
                assertEquals(1555, pk.code());
                assertTrue(pk.getMessage().contains("UNIQUE constraint failed: t.id"), pk.getMessage());
                assertTrue(pk.getMessage().contains("SQLITE_CONSTRAINT_PRIMARYKEY"), pk.getMessage());
                assertTrue(pk.getMessage().contains("INSERT INTO t VALUES (?, ?)"), pk.getMessage());
            }
            SqliteException notNull = assertThrows(SqliteException.class, () -> db.exec("INSERT INTO t VALUES ('b', NULL)"));
            assertEquals(1299, notNull.code());
            assertEquals(1, count(db, "t"), "failed inserts leave nothing behind");
        }
    }

    @Test
    void prepareRefusesSeveralStatements() throws Exception {
        try (SqliteDb db = Sqlite.open(tmp.resolve("d.sqlite"))) {
            db.exec("CREATE TABLE t (x); CREATE TABLE u (y);");
            assertThrows(IllegalArgumentException.class, () -> db.prepare("DELETE FROM t; DELETE FROM u"));
            // and again: nothing of the refused text is kept to be handed out without the check
            assertThrows(IllegalArgumentException.class, () -> db.prepare("DELETE FROM t; DELETE FROM u"));
            db.prepare("SELECT 1; ").close(); // a trailing semicolon is one statement
            assertThrows(IllegalArgumentException.class, () -> db.prepare("  "));
        }
    }

    @Test
    void bindOutOfRangeIsAnError() throws Exception {
        try (SqliteDb db = Sqlite.open(tmp.resolve("e.sqlite")); SqliteStatement st = db.prepare("SELECT ?")) {
            SqliteException e = assertThrows(SqliteException.class, () -> st.bind(2, "x"));
            assertEquals(Sqlite.RANGE, e.code());
        }
    }

    @Test
    void openingADirectoryFailsNamingIt() {
        SqliteException e = assertThrows(SqliteException.class, () -> Sqlite.open(tmp));
        assertEquals(Sqlite.CANTOPEN, e.primaryCode());
        assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
    }

    @Test
    void aFileThatIsNotADatabaseIsReportedAsSuch() throws Exception {
        Path file = tmp.resolve("junk.sqlite");
        Files.writeString(file, "this is not a database, just text long enough to fill a header of one hundred bytes"
                + " ................................................................................");
        try (SqliteDb db = Sqlite.open(file)) { // SQLite reads the header lazily, on first use
            SqliteException e = assertThrows(SqliteException.class, () -> db.exec("PRAGMA journal_mode=WAL"));
            assertEquals(Sqlite.NOTADB, e.primaryCode());
            assertTrue(e.getMessage().contains("file is not a database"), e.getMessage());
        }
        assertTrue(Files.readString(file).startsWith("this is not a database"), "the file is left as it was");
    }

    @Test
    void aMissingLibraryIsNamedWithItsDebianPackage() {
        SqliteException e = assertThrows(SqliteException.class, () -> Native.load("libsqlite3-not-here.so.0"));
        assertTrue(e.getMessage().contains("libsqlite3-not-here.so.0"), e.getMessage());
        assertTrue(e.getMessage().contains("libsqlite3-0"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void twoWalConnectionsSeeEachOthersCommits() throws Exception {
        Path file = tmp.resolve("wal.sqlite");
        try (SqliteDb a = openWal(file); SqliteDb b = openWal(file)) {
            try (SqliteStatement mode = a.prepare("PRAGMA journal_mode")) {
                assertTrue(mode.step());
                assertEquals("wal", mode.getString(0));
            }
            a.exec("CREATE TABLE t (v TEXT)");
            a.exec("INSERT INTO t VALUES ('from a')");
            assertEquals(1, count(b, "t"));
            b.exec("BEGIN IMMEDIATE; INSERT INTO t VALUES ('from b')");
            assertEquals(1, count(a, "t"), "uncommitted writes stay invisible");
            b.exec("COMMIT");
            assertEquals(2, count(a, "t"));
        }
    }

    @Test
    void aWriterWaitsForAnotherWritersCommit() throws Exception {
        Path file = tmp.resolve("busy.sqlite");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (SqliteDb a = openWal(file)) {
            a.exec("CREATE TABLE t (v TEXT)");
            a.exec("BEGIN IMMEDIATE");
            a.exec("INSERT INTO t VALUES ('first')");
            CountDownLatch started = new CountDownLatch(1);
            Future<Long> second = other.submit(() -> {
                try (SqliteDb b = openWal(file)) {
                    b.busyTimeout(Duration.ofMinutes(2));
                    started.countDown();
                    b.exec("BEGIN IMMEDIATE"); // blocks in the busy handler until a commits
                    b.exec("INSERT INTO t VALUES ('second')");
                    long seen = count(b, "t");
                    b.exec("COMMIT");
                    return seen;
                }
            });
            assertTrue(started.await(1, TimeUnit.MINUTES));
            Thread.sleep(200); // give the second writer time to reach the lock; not an assertion
            assertFalse(second.isDone(), "the second writer cannot get in while the first holds the write lock");
            a.exec("COMMIT");
            assertEquals(2, second.get(2, TimeUnit.MINUTES), "the second writer saw the first one's row");
            assertEquals(2, count(a, "t"));
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void withoutABusyTimeoutASecondWriterFailsWithBusy() throws Exception {
        Path file = tmp.resolve("nowait.sqlite");
        try (SqliteDb a = openWal(file); SqliteDb b = Sqlite.open(file, Duration.ZERO)) {
            a.exec("CREATE TABLE t (v TEXT)");
            a.exec("BEGIN IMMEDIATE");
            SqliteException e = assertThrows(SqliteException.class, () -> b.exec("BEGIN IMMEDIATE"));
            assertEquals(Sqlite.BUSY, e.primaryCode());
            assertTrue(e.getMessage().contains("database is locked"), e.getMessage());
            a.exec("ROLLBACK");
            b.exec("BEGIN IMMEDIATE; ROLLBACK");
        }
    }

    @Test
    void aStatementPreparedAgainStartsAfreshWithoutTheLastUsesRowOrBindings() throws Exception {
        try (SqliteDb db = Sqlite.open(tmp.resolve("again.sqlite"))) {
            db.exec("CREATE TABLE t (k TEXT, v INTEGER); INSERT INTO t VALUES ('a', 1), ('b', 2), (NULL, 3)");
            String sql = "SELECT v FROM t WHERE k IS ? ORDER BY v";
            try (SqliteStatement first = db.prepare(sql)) {
                first.bind(1, "a");
                assertTrue(first.step()); // left on a row, with a binding: both must go with the close
                assertEquals(1, first.getLong(0));
            }
            try (SqliteStatement again = db.prepare(sql)) {
                assertTrue(again.step(), "unbound is NULL, as in a new statement");
                assertEquals(3, again.getLong(0));
                assertFalse(again.step());
                // the same SQL while one is in use: a second statement of its own
                try (SqliteStatement nested = db.prepare(sql)) {
                    nested.bind(1, "b");
                    assertTrue(nested.step());
                    assertEquals(2, nested.getLong(0));
                }
            }
            // kept for the next prepare, the statements hold no read open: another connection
            // can still write and empty the log, which a snapshot held open would refuse
            try (SqliteDb other = Sqlite.open(tmp.resolve("again.sqlite"))) {
                other.exec("PRAGMA journal_mode=WAL; UPDATE t SET v = v + 10");
                try (SqliteStatement checkpoint = other.prepare("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    assertTrue(checkpoint.step());
                    assertEquals(0, checkpoint.getLong(0), "the checkpoint was not blocked");
                }
            }
            try (SqliteStatement after = db.prepare(sql)) {
                after.bind(1, "a");
                assertTrue(after.step());
                assertEquals(11, after.getLong(0), "a statement kept idle reads the data as it is now");
            }
        }
    }

    @Test
    void closedObjectsRefuseUse() throws Exception {
        SqliteDb db = Sqlite.open(tmp.resolve("f.sqlite"));
        SqliteStatement st = db.prepare("SELECT 1");
        st.close();
        st.close();
        assertThrows(IllegalStateException.class, st::step);
        db.close();
        db.close();
        assertThrows(IllegalStateException.class, () -> db.exec("SELECT 1"));
    }

    @Test
    void valuesLargerThanTheScratchBufferAndTextBeyondAsciiRoundTrip() throws Exception {
        // 100 KB and 60,000 characters: beyond the 16 KiB of a thread's native scratch memory
        byte[] blob = new byte[100_000];
        for (int i = 0; i < blob.length; i++) blob[i] = (byte) (i * 31);
        String text = "pod ünïcödé 🚀 ".repeat(4_000);
        try (SqliteDb db = Sqlite.open(tmp.resolve("big.sqlite"))) {
            db.exec("CREATE TABLE t (b BLOB, s TEXT)");
            try (SqliteStatement insert = db.prepare("INSERT INTO t VALUES (?, ?)")) {
                insert.bind(1, blob).bind(2, text).step();
            }
            try (SqliteStatement select = db.prepare("SELECT b, s, length(s) FROM t WHERE s = ?")) {
                select.bind(1, text);
                assertTrue(select.step());
                assertArrayEquals(blob, select.getBytes(0));
                assertEquals(text, select.getString(1));
                assertEquals(text.codePointCount(0, text.length()), select.getLong(2));
            }
        }
    }
}
