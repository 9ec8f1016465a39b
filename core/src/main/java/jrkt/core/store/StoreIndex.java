package jrkt.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.json.Json;
import jrkt.sys.sqlite.Sqlite;
import jrkt.sys.sqlite.SqliteDb;
import jrkt.sys.sqlite.SqliteException;
import jrkt.sys.sqlite.SqliteStatement;

/**
 * The SQLite index of the store, on the system libsqlite3 through {@link Sqlite}. Every write is
 * one short BEGIN IMMEDIATE transaction: it takes the write lock up front, so several jrkt
 * processes wait on busy_timeout instead of failing with SQLITE_BUSY on a lock upgrade.
 * One connection per Store; the methods are synchronized because the connection is NOMUTEX.
 */
final class StoreIndex implements AutoCloseable {
    /**
     * Pages the WAL may hold before a writer copies them into the database and empties it. Not
     * SQLite's automatic checkpoint: that copies, but the log only starts over when a later
     * transaction of the same connection finds it copied, and each jrkt command is a new
     * connection whose open reads the whole log (SQLite's recovery), so the log grew without end
     * and every open with it (355 pages, 0.6 ms of reading, in a store used for a day).
     */
    static final int WAL_PAGES = 64;

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
        },
        // OCI and Docker images: their layers, bottom first (the image row's ID is "sha256-<config hex>")
        new String[] {
            "CREATE TABLE oci_layers ("
                + " image_id TEXT NOT NULL,"
                + " position INTEGER NOT NULL,"     // 0 is the bottom layer
                + " digest TEXT NOT NULL,"          // of the blob as stored: "sha256:<hex>"
                + " diff_id TEXT NOT NULL,"         // of the uncompressed tar: names the unpacked layer
                + " media_type TEXT NOT NULL,"
                + " size INTEGER NOT NULL,"
                + " PRIMARY KEY (image_id, position))",
            "CREATE INDEX oci_layers_by_digest ON oci_layers(digest)",
            "CREATE INDEX oci_layers_by_diff_id ON oci_layers(diff_id)",
            "CREATE TABLE oci_blobs (image_id TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (image_id, digest))",
            // when the remote (source_url) last said the image was current: max_age counts from here
            "ALTER TABLE images ADD COLUMN remote_time INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX images_by_source ON images(source_url)",
        });

    private static final String COLUMNS = "id, name, labels, import_time, last_used, size, source_url, etag, max_age";

    private final SqliteDb db;
    private final Path file;

    StoreIndex(Path file) {
        this.file = file;
        SqliteDb opened = null;
        try {
            opened = Sqlite.open(file, Sqlite.DEFAULT_BUSY_TIMEOUT);
            // One exec for the settings of every open:
            // - synchronous=NORMAL: WAL stays consistent; only the last commits may be lost on power loss;
            // - no automatic checkpoint: a writer empties a long log itself (emptyLongLog).
            opened.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0");
            opened.keepWalOnClose(); // no checkpoint with its fdatasyncs at the end of every command
            db = opened;
            migrate();
        } catch (SqliteException e) {
            if (opened != null) opened.close();
            throw failure("open", e);
        } catch (RuntimeException e) {
            if (opened != null) opened.close();
            throw e;
        }
    }

    private JrktException failure(String what, SqliteException e) {
        return new JrktException("store index " + file + ": " + what + ": " + e.getMessage(), e);
    }

    /** A unit of work run inside one write transaction. */
    private interface Work<T> {
        T run() throws SqliteException;
    }

    /** Runs work in BEGIN IMMEDIATE ... COMMIT, rolling back if anything in it fails. */
    private <T> T inWriteTransaction(Work<T> work) throws SqliteException {
        db.exec("BEGIN IMMEDIATE");
        T result;
        try {
            result = work.run();
            db.exec("COMMIT");
        } catch (SqliteException | RuntimeException e) {
            try {
                db.exec("ROLLBACK");
            } catch (SqliteException rollback) {
                e.addSuppressed(rollback); // SQLite may have rolled back already (e.g. on SQLITE_FULL)
            }
            throw e;
        }
        emptyLongLog();
        return result;
    }

    /**
     * Copies a log longer than {@link #WAL_PAGES} into the database and empties it (SQLite's
     * TRUNCATE checkpoint: two fdatasyncs). Without waiting: while another process reads, the
     * log cannot be emptied, and a later writer does it.
     */
    private void emptyLongLog() {
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        try {
            if (Files.size(wal) <= WAL_PAGES * 4096L) return;
        } catch (IOException e) {
            return;
        }
        try {
            db.busyTimeout(Duration.ZERO);
            try {
                db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
            } finally {
                db.busyTimeout(Sqlite.DEFAULT_BUSY_TIMEOUT);
            }
        } catch (SqliteException e) {
            // busy: the next writer tries again; the log is only longer meanwhile
        }
    }

    private void migrate() throws SqliteException {
        // Nearly always the schema is current: then reading says so without the write lock, which
        // every jrkt starting a pod at the same moment would otherwise queue for.
        if (schemaVersion() == MIGRATIONS.size()) return;
        inWriteTransaction(() -> {
            db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version = 0;
            try (SqliteStatement st = db.prepare("SELECT version FROM schema_version")) {
                if (st.step()) version = (int) st.getLong(0);
                else db.exec("INSERT INTO schema_version VALUES (0)");
            }
            if (version > MIGRATIONS.size()) {
                throw new JrktException("store index " + file + " has schema version " + version
                        + ", newer than this jrkt knows (" + MIGRATIONS.size() + ")");
            }
            for (int v = version; v < MIGRATIONS.size(); v++) {
                for (String sql : MIGRATIONS.get(v)) db.exec(sql);
            }
            db.exec("UPDATE schema_version SET version = " + MIGRATIONS.size());
            return null;
        });
    }

    /** The schema version recorded, or -1 when there is none yet (a new index). */
    private int schemaVersion() {
        try (SqliteStatement st = db.prepare("SELECT version FROM schema_version")) {
            return st.step() ? (int) st.getLong(0) : -1;
        } catch (SqliteException noTableYet) {
            return -1;
        }
    }

    /** Inserts a new row; when the image is already listed only records the new source. Returns the row. */
    synchronized ImageInfo insertOrTouch(String id, String name, Map<String, String> labels, byte[] manifest,
                                         long size, String sourceUrl, Instant now) {
        try {
            inWriteTransaction(() -> {
                try (SqliteStatement st = db.prepare(
                        "INSERT INTO images (id, name, labels, manifest, import_time, last_used, size, source_url)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET source_url = excluded.source_url")) {
                    st.bind(1, id)
                      .bind(2, name)
                      .bind(3, Json.write(labels))
                      .bind(4, manifest)
                      .bind(5, now.toEpochMilli())
                      .bind(6, now.toEpochMilli())
                      .bind(7, size)
                      .bind(8, sourceUrl);
                    st.step();
                }
                return null;
            });
        } catch (SqliteException e) {
            throw failure("insert " + id, e);
        }
        return find(id);
    }

    /** One layer of an OCI image as the index records it. */
    record Layer(String digest, String diffId, String mediaType, long size) {}

    /**
     * Inserts an OCI image: its row, its layers and its other blobs (config, manifest) in one
     * transaction; an image already listed only gets the new source.
     */
    synchronized ImageInfo insertOci(String id, String name, Map<String, String> labels, byte[] manifest, long size,
                                     String sourceUrl, Instant now, List<Layer> layers, List<String> otherBlobs) {
        try {
            inWriteTransaction(() -> {
                boolean listed;
                try (SqliteStatement st = db.prepare("SELECT 1 FROM images WHERE id = ?")) {
                    st.bind(1, id);
                    listed = st.step();
                }
                try (SqliteStatement st = db.prepare(
                        "INSERT INTO images (id, name, labels, manifest, import_time, last_used, size, source_url)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET source_url = excluded.source_url")) {
                    st.bind(1, id).bind(2, name).bind(3, Json.write(labels)).bind(4, manifest)
                      .bind(5, now.toEpochMilli()).bind(6, now.toEpochMilli()).bind(7, size).bind(8, sourceUrl);
                    st.step();
                }
                if (!listed) {
                    for (int i = 0; i < layers.size(); i++) {
                        Layer l = layers.get(i);
                        try (SqliteStatement st = db.prepare("INSERT INTO oci_layers VALUES (?, ?, ?, ?, ?, ?)")) {
                            st.bind(1, id).bind(2, (long) i).bind(3, l.digest()).bind(4, l.diffId()).bind(5, l.mediaType()).bind(6, l.size());
                            st.step();
                        }
                    }
                }
                for (String digest : otherBlobs) {
                    try (SqliteStatement st = db.prepare("INSERT OR IGNORE INTO oci_blobs VALUES (?, ?)")) {
                        st.bind(1, id).bind(2, digest);
                        st.step();
                    }
                }
                return null;
            });
        } catch (SqliteException e) {
            throw failure("insert " + id, e);
        }
        return find(id);
    }

    /** The layers of an OCI image, bottom first; empty for an ACI. */
    synchronized List<Layer> layers(String id) {
        try (SqliteStatement st = db.prepare(
                "SELECT digest, diff_id, media_type, size FROM oci_layers WHERE image_id = ? ORDER BY position")) {
            st.bind(1, id);
            List<Layer> out = new ArrayList<>();
            while (st.step()) out.add(new Layer(st.getString(0), st.getString(1), st.getString(2), st.getLong(3)));
            return out;
        } catch (SqliteException e) {
            throw failure("read layers of " + id, e);
        }
    }

    /** The other blobs (config, manifests) of an OCI image. */
    synchronized List<String> ociBlobs(String id) {
        return strings("SELECT digest FROM oci_blobs WHERE image_id = ?", id);
    }

    /** Every blob digest and diff ID some OCI image still lists. */
    synchronized java.util.Set<String> referencedBlobs() {
        java.util.Set<String> out = new java.util.HashSet<>(strings("SELECT digest FROM oci_layers"));
        out.addAll(strings("SELECT digest FROM oci_blobs"));
        return out;
    }

    synchronized java.util.Set<String> referencedDiffIds() {
        return new java.util.HashSet<>(strings("SELECT diff_id FROM oci_layers"));
    }

    /** Removes an OCI image's row with its layer and blob rows; returns whether it was listed. */
    synchronized boolean deleteOci(String id) {
        try {
            return inWriteTransaction(() -> {
                for (String sql : List.of("DELETE FROM oci_layers WHERE image_id = ?", "DELETE FROM oci_blobs WHERE image_id = ?")) {
                    try (SqliteStatement st = db.prepare(sql)) {
                        st.bind(1, id);
                        st.step();
                    }
                }
                try (SqliteStatement st = db.prepare("DELETE FROM images WHERE id = ?")) {
                    st.bind(1, id);
                    st.step();
                    return db.changes() > 0;
                }
            });
        } catch (SqliteException e) {
            throw failure("delete " + id, e);
        }
    }

    private List<String> strings(String sql, Object... args) {
        try (SqliteStatement st = db.prepare(sql)) {
            bind(st, args);
            List<String> out = new ArrayList<>();
            while (st.step()) out.add(st.getString(0));
            return out;
        } catch (SqliteException e) {
            throw failure("query", e);
        }
    }

    /** The images fetched from this URL, most recently imported first. */
    synchronized List<ImageInfo> findBySource(String url) {
        return query("SELECT " + COLUMNS + " FROM images WHERE source_url = ? ORDER BY import_time DESC, rowid DESC", url);
    }

    /** Records what the remote said of an image (ETag, Cache-Control max-age) and when. */
    synchronized void setRemote(String id, String etag, long maxAgeSeconds, Instant when) {
        update("UPDATE images SET etag = ?, max_age = ?, remote_time = ? WHERE id = ?", etag, maxAgeSeconds, when.toEpochMilli(), id);
    }

    /** When the remote last said the image was current (epoch ms; 0 never). */
    synchronized long remoteTime(String id) {
        try (SqliteStatement st = db.prepare("SELECT remote_time FROM images WHERE id = ?")) {
            st.bind(1, id);
            return st.step() ? st.getLong(0) : 0;
        } catch (SqliteException e) {
            throw failure("query", e);
        }
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
        try (SqliteStatement st = db.prepare("SELECT id FROM images ORDER BY import_time, rowid")) {
            List<String> ids = new ArrayList<>();
            while (st.step()) ids.add(st.getString(0));
            return ids;
        } catch (SqliteException e) {
            throw failure("query", e);
        }
    }

    synchronized byte[] manifest(String id) {
        try (SqliteStatement st = db.prepare("SELECT manifest FROM images WHERE id = ?")) {
            st.bind(1, id);
            return st.step() ? st.getBytes(0) : null;
        } catch (SqliteException e) {
            throw failure("read manifest of " + id, e);
        }
    }

    synchronized boolean delete(String id) {
        return update("DELETE FROM images WHERE id = ?", id) > 0;
    }

    /** One write transaction for all of them: a run renders two images. */
    synchronized void markUsed(java.util.Collection<String> ids, Instant when) {
        if (ids.isEmpty()) return;
        try {
            inWriteTransaction(() -> {
                try (SqliteStatement st = db.prepare("UPDATE images SET last_used = ? WHERE id = ?")) {
                    for (String id : ids) {
                        st.reset();
                        bind(st, when.toEpochMilli(), id);
                        st.step();
                    }
                }
                return null;
            });
        } catch (SqliteException e) {
            throw failure("mark images used", e);
        }
    }

    synchronized List<ImageInfo> unusedSince(Instant cutoff) {
        return query("SELECT " + COLUMNS + " FROM images WHERE last_used < ? ORDER BY id", cutoff.toEpochMilli());
    }

    /** One statement in its own write transaction; returns the rows it changed. */
    private int update(String sql, Object... args) {
        try {
            return inWriteTransaction(() -> {
                try (SqliteStatement st = db.prepare(sql)) {
                    bind(st, args);
                    st.step();
                    return db.changes();
                }
            });
        } catch (SqliteException e) {
            throw failure(jrkt.core.Ascii.lower(sql.substring(0, sql.indexOf(' '))), e);
        }
    }

    private List<ImageInfo> query(String sql, Object... args) {
        try (SqliteStatement st = db.prepare(sql)) {
            bind(st, args);
            List<ImageInfo> out = new ArrayList<>();
            while (st.step()) out.add(row(st));
            return out;
        } catch (SqliteException e) {
            throw failure("query", e);
        }
    }

    // instanceof rather than a pattern switch: the JDK links one at first use by generating code,
    // milliseconds of every jrkt command that opens the store
    private static void bind(SqliteStatement st, Object... args) throws SqliteException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) st.bindNull(i + 1);
            else if (a instanceof String s) st.bind(i + 1, s);
            else if (a instanceof Long l) st.bind(i + 1, l);
            else if (a instanceof Integer n) st.bind(i + 1, n);
            else if (a instanceof byte[] b) st.bind(i + 1, b);
            else throw new IllegalArgumentException("cannot bind " + a.getClass().getName());
        }
    }

    /** Reads a row selected with {@link #COLUMNS}, in that order. */
    private static ImageInfo row(SqliteStatement st) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : Json.asObject(Json.parse(st.getString(2))).entrySet()) {
            labels.put(e.getKey(), String.valueOf(e.getValue()));
        }
        return new ImageInfo(st.getString(0), st.getString(1), labels,
                Instant.ofEpochMilli(st.getLong(3)), Instant.ofEpochMilli(st.getLong(4)),
                st.getLong(5), st.getString(6), st.getString(7), st.getLong(8));
    }

    @Override
    public synchronized void close() {
        db.close();
    }
}
