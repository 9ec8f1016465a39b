package jrkt.core.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.json.Json;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite index of the store. Every write is one short IMMEDIATE transaction, so that
 * several jrkt processes wait on busy_timeout instead of failing on a lock upgrade.
 * One connection per Store, used by one thread at a time.
 */
final class StoreIndex implements AutoCloseable {

    /** Schema steps; step i brings the schema from version i to i + 1. Never edit a released step. */
    private static final List<String[]> MIGRATIONS = List.<String[]>of(
        new String[] {
            "CREATE TABLE images ("
                + " id TEXT PRIMARY KEY,"
                + " name TEXT NOT NULL,"
                + " labels TEXT NOT NULL,"          // JSON object, manifest order
                + " manifest BLOB NOT NULL,"        // bytes as in the archive
                + " import_time INTEGER NOT NULL,"  // epoch milliseconds
                + " last_used INTEGER NOT NULL,"
                + " size INTEGER NOT NULL,"
                + " source_url TEXT,"
                + " etag TEXT,"
                + " max_age INTEGER NOT NULL DEFAULT 0)",
            "CREATE INDEX images_by_name ON images(name)",
        });

    private static final String COLUMNS = "id, name, labels, import_time, last_used, size, source_url, etag, max_age";

    private final Connection db;
    private final Path file;

    StoreIndex(Path file) {
        this.file = file;
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(30_000);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        try {
            db = config.createConnection("jdbc:sqlite:" + file);
            migrate();
        } catch (SQLException e) {
            throw failure("open", e);
        }
    }

    private JrktException failure(String what, SQLException e) {
        return new JrktException("store index " + file + ": " + what + ": " + e.getMessage(), e);
    }

    private void migrate() throws SQLException {
        db.setAutoCommit(false);
        try (Statement st = db.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version = 0;
            try (ResultSet rs = st.executeQuery("SELECT version FROM schema_version")) {
                if (rs.next()) version = rs.getInt(1);
                else st.execute("INSERT INTO schema_version VALUES (0)");
            }
            if (version > MIGRATIONS.size()) {
                throw new JrktException("store index " + file + " has schema version " + version
                        + ", newer than this jrkt knows (" + MIGRATIONS.size() + ")");
            }
            for (int v = version; v < MIGRATIONS.size(); v++) {
                for (String sql : MIGRATIONS.get(v)) st.execute(sql);
            }
            st.execute("UPDATE schema_version SET version = " + MIGRATIONS.size());
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** Inserts a new row; when the image is already listed only records the new source. Returns the row. */
    synchronized ImageInfo insertOrTouch(String id, String name, Map<String, String> labels, byte[] manifest,
                                         long size, String sourceUrl, Instant now) {
        try {
            db.setAutoCommit(false);
            try {
                try (PreparedStatement ps = db.prepareStatement(
                        "INSERT INTO images (id, name, labels, manifest, import_time, last_used, size, source_url)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET source_url = excluded.source_url")) {
                    ps.setString(1, id);
                    ps.setString(2, name);
                    ps.setString(3, Json.write(labels));
                    ps.setBytes(4, manifest);
                    ps.setLong(5, now.toEpochMilli());
                    ps.setLong(6, now.toEpochMilli());
                    ps.setLong(7, size);
                    ps.setString(8, sourceUrl);
                    ps.executeUpdate();
                }
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("insert " + id, e);
        }
        return find(id);
    }

    synchronized ImageInfo find(String id) {
        List<ImageInfo> rows = query("SELECT " + COLUMNS + " FROM images WHERE id = ?", id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Rows whose ID starts with prefix ("sha512-..."); prefix must be validated hex by the caller. */
    synchronized List<ImageInfo> findByIdPrefix(String prefix) {
        return query("SELECT " + COLUMNS + " FROM images WHERE substr(id, 1, ?) = ? ORDER BY id",
                prefix.length(), prefix);
    }

    /** Rows with this name, most recently imported first. */
    synchronized List<ImageInfo> findByName(String name) {
        return query("SELECT " + COLUMNS + " FROM images WHERE name = ? ORDER BY import_time DESC, rowid DESC", name);
    }

    synchronized List<ImageInfo> all() {
        return query("SELECT " + COLUMNS + " FROM images ORDER BY import_time, rowid");
    }

    synchronized List<String> allIds() {
        List<String> ids = new ArrayList<>();
        for (ImageInfo i : all()) ids.add(i.id());
        return ids;
    }

    synchronized byte[] manifest(String id) {
        try (PreparedStatement ps = db.prepareStatement("SELECT manifest FROM images WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw failure("read manifest of " + id, e);
        }
    }

    synchronized boolean delete(String id) {
        return update("DELETE FROM images WHERE id = ?", id) > 0;
    }

    synchronized void markUsed(String id, Instant when) {
        update("UPDATE images SET last_used = ? WHERE id = ?", when.toEpochMilli(), id);
    }

    synchronized List<ImageInfo> unusedSince(Instant cutoff) {
        return query("SELECT " + COLUMNS + " FROM images WHERE last_used < ? ORDER BY id", cutoff.toEpochMilli());
    }

    private int update(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate(); // autocommit: one statement, one transaction
        } catch (SQLException e) {
            throw failure(sql.substring(0, sql.indexOf(' ')).toLowerCase(), e);
        }
    }

    private List<ImageInfo> query(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            List<ImageInfo> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
            return out;
        } catch (SQLException e) {
            throw failure("query", e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
    }

    private static ImageInfo row(ResultSet rs) throws SQLException {
        Map<String, String> labels = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : Json.asObject(Json.parse(rs.getString("labels"))).entrySet()) {
            labels.put(e.getKey(), String.valueOf(e.getValue()));
        }
        return new ImageInfo(rs.getString("id"), rs.getString("name"), labels,
                Instant.ofEpochMilli(rs.getLong("import_time")), Instant.ofEpochMilli(rs.getLong("last_used")),
                rs.getLong("size"), rs.getString("source_url"), rs.getString("etag"), rs.getLong("max_age"));
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing a read-mostly connection; nothing to save
        }
    }
}
