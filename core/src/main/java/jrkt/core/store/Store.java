package jrkt.core.store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.KernelRandom;
import jrkt.core.fs.Dirs;
import jrkt.core.fs.DiskSpace;
import jrkt.core.fs.PrivateDirs;
import jrkt.core.fs.RawNames;
import jrkt.core.fs.Trees;
import jrkt.core.image.ImageLimits;
import jrkt.core.image.aci.AciArchive;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.image.aci.ImageReference;
import jrkt.core.image.archive.Compression;
import jrkt.core.image.archive.SafeExtractor;
import jrkt.core.image.archive.TarReader;
import jrkt.sys.Errno;
import jrkt.sys.Linux;
import jrkt.sys.PathBytes;
import jrkt.sys.SysException;

/**
 * The image store under {@code <dir>/cas}: content-addressed blobs, the SQLite index and
 * rendered trees. Safe to use from several jrkt processes at once.
 *
 * <p>Layout: {@code db/index.sqlite}; {@code blobs/sha512/<hex>} (uncompressed ACI tars);
 * {@code tmp/import-<pid>-<random>} (imports in progress); {@code trees/<treeId>/rootfs} and
 * {@code trees/<treeId>/hash} (written last: a tree without it is not rendered);
 * {@code locks/} (lock files, see {@link FileLock}).
 *
 * <p>Invariant: an index row never exists without its blob. Imports rename the blob into place
 * before inserting the row, removals delete the row before the blob, both under the image's
 * lock. A crash between the two steps of an import leaves an unlisted blob; imports hold the
 * gc lock shared, and {@link #open} deletes unlisted blobs only while holding it exclusively.
 *
 * <p>Images are untrusted input: imports and renders hold to the {@link ImageLimits} (size,
 * compression ratio, free space, entries, path length and depth, manifest, dependencies) and
 * refuse as soon as one is passed, leaving nothing behind. {@code cas/} is 0700 (see
 * {@link PrivateDirs}); device nodes an image ships are created only when the store was opened
 * with {@code deviceNodes}, and such trees have IDs of their own.
 */
public final class Store implements AutoCloseable {

    private static final String ID_PREFIX = "sha512-";
    private static final Duration ORPHAN_AGE = Duration.ofMinutes(1);

    private final Path cas, blobs, tmp, trees, locks;
    private final StoreIndex index;
    private final LayerStore layerStore;
    private final ImageLimits limits;
    private final boolean deviceNodes;
    /** This process's ID, in the names of its temporary files (ProcessHandle's first use costs a start 1 ms). */
    private long pid() { return Linux.get().getpid(); }
    /**
     * Manifests this process parsed, by image ID. An ID names its manifest for as long as the row
     * exists ({@link #removeLocked} forgets it): a run reads the stage1's and each app's several
     * times (selection, rendering, the pod's checks), and each parse is interpreted JSON.
     */
    private final Map<String, ImageManifest> parsedManifests = new ConcurrentHashMap<>();
    /** The same manifests as stored: a run reads the stage1's and the app's twice each (parse, and a copy in the pod). */
    private final Map<String, byte[]> storedManifests = new ConcurrentHashMap<>();

    /** reading: the store exists already and this process only reads it (see {@link #openToRead}). */
    private Store(Path cas, ImageLimits limits, boolean deviceNodes, boolean reading) {
        this.cas = PrivateDirs.ensure(cas);
        this.limits = limits;
        this.deviceNodes = deviceNodes;
        this.blobs = cas.resolve("blobs").resolve("sha512");
        this.tmp = cas.resolve("tmp");
        this.trees = cas.resolve("trees");
        this.locks = cas.resolve("locks");
        if (!reading) {
            try {
                for (Path dir : List.of(cas.resolve("db"), blobs, tmp, trees, locks)) Dirs.made(dir);
                LayerStore.makeDirs(cas);
            } catch (IOException e) {
                throw new JrktException("cannot create the store in " + cas + ": " + IoErrors.reason(e), e);
            }
        }
        checkWritable(cas);
        this.index = new StoreIndex(cas.resolve("db").resolve("index.sqlite"));
        this.layerStore = new LayerStore(cas, index, limits, deviceNodes);
    }

    /** The OCI part of the store: blobs by digest and unpacked layers (see {@link LayerStore}). */
    public LayerStore layers() { return layerStore; }

    /** The read-only root of an image for a pod: its rendered tree (an ACI) or its layers (OCI). */
    public ImageRoot imageRoot(String imageId) throws IOException {
        if (LayerStore.isOciId(imageId)) {
            ImageRoot root = layerStore.root(imageId);
            markUsed(imageId);
            return root;
        }
        return ImageRoot.of(render(imageId));
    }

    /**
     * jrkt writes its index even to read it (SQLite's WAL needs its shared-memory file), so a
     * store it cannot write is refused by name rather than failing deep in SQLite, or listing nothing.
     */
    private static void checkWritable(Path cas) {
        Path db = cas.resolve("db");
        if (Files.isWritable(db)) return;
        String why = "permission denied";
        try {
            Files.delete(Files.createTempFile(db, ".probe-", ""));
        } catch (IOException e) {
            why = IoErrors.reason(e); // "Read-only file system", "permission denied", ...
        }
        throw new JrktException("cannot use the store in " + cas + ": " + why + " (jrkt writes to its store even to list it)");
    }

    /** Opens the store with the default limits, creating no device nodes. */
    public static Store open(Path dataDir) throws IOException { return open(dataDir, ImageLimits.DEFAULT, false); }

    /**
     * Opens (creating when absent) the store in {@code <dataDir>/cas}, and cleans the temporary
     * files of killed imports and renders (their orphaned blobs go at the next import or image
     * gc). deviceNodes: renders create the device nodes images ship. On a full file
     * system it refuses with {@link DiskSpace.NoSpaceException}, before anything is changed: only
     * {@link #openToFree} opens a full store.
     */
    public static Store open(Path dataDir, ImageLimits limits, boolean deviceNodes) throws IOException {
        DiskSpace.requireSpace(dataDir);
        Store store = openUnchecked(dataDir, limits, deviceNodes, false);
        store.keepReserve();
        return store;
    }

    /**
     * Opens the store for commands that free space (image rm, image gc), also on a full file
     * system: the space the store keeps in reserve ({@code cas/reserve}) is given up first so
     * that SQLite can open its index, and taken again when the store is closed, if there is room.
     */
    public static Store openToFree(Path dataDir) throws IOException {
        if (DiskSpace.isFull(dataDir)) Files.deleteIfExists(dataDir.resolve("cas").resolve(RESERVE));
        Store store = openUnchecked(dataDir, ImageLimits.DEFAULT, false, false);
        store.refillReserveOnClose = true;
        return store;
    }

    /**
     * Opens the store for commands that only read it (image list, image cat-manifest): no free
     * space is required (a full disk is when a user lists images, to choose what to remove), and
     * what only writers need is left to them: the space reserve and the store's directories.
     * Killed imports and renders are cleaned as by every open. A store not made yet is made as
     * by {@link #open}.
     */
    public static Store openToRead(Path dataDir, ImageLimits limits) throws IOException {
        if (!Files.exists(dataDir.resolve("cas").resolve("db").resolve("index.sqlite"), LinkOption.NOFOLLOW_LINKS)) {
            return open(dataDir, limits, false);
        }
        return openUnchecked(dataDir, limits, false, true);
    }

    /** Also makes {@code <dataDir>/pods} private when it exists: older jrkt left it open to all. */
    private static Store openUnchecked(Path dataDir, ImageLimits limits, boolean deviceNodes, boolean reading) throws IOException {
        if (Files.isDirectory(dataDir.resolve("pods"), LinkOption.NOFOLLOW_LINKS)) PrivateDirs.ensure(dataDir.resolve("pods"));
        Store store = new Store(dataDir.resolve("cas"), limits, deviceNodes, reading);
        try {
            store.cleanLeftovers();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    // ---- the space reserve -----------------------------------------------------------------

    /** A file of zeros the store keeps, so that on a full disk the commands that free space can still open the index. */
    static final String RESERVE = "reserve";
    static final int RESERVE_BYTES = 1 << 20;
    private boolean refillReserveOnClose;

    /** Writes cas/reserve when it is missing and there is room for it and more; a failure only means no reserve. */
    private void keepReserve() {
        Path reserve = cas.resolve(RESERVE);
        if (Files.exists(reserve) || DiskSpace.usable(cas) < DiskSpace.FULL_BELOW + 2L * RESERVE_BYTES) return;
        Path staged = cas.resolve(RESERVE + ".tmp-" + pid());
        try (FileChannel out = FileChannel.open(staged, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(64 * 1024);
            for (int written = 0; written < RESERVE_BYTES; written += zeros.capacity()) {
                zeros.clear();
                while (zeros.hasRemaining()) out.write(zeros);
            }
            out.force(true);
            Files.move(staged, reserve, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // no room after all: the store works without its reserve
        } finally {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException ignored) {
                // a stray file of zeros; the next keepReserve overwrites it
            }
        }
    }

    // ---- import ------------------------------------------------------------------------

    /**
     * Imports an ACI from a local file (plain, gzip, bzip2, xz or zstd). Returns the stored
     * image; importing an image already present returns it unchanged (and records the new
     * source). {@code sourceUrl} is recorded as the image's remote (a file: URL for local files).
     */
    public ImageInfo importAci(Path file, String sourceUrl) throws IOException {
        sweepOrphanBlobs();
        try (FileLock importing = FileLock.shared(gcLock())) {
            Path staged = tmp.resolve("import-" + pid() + "-" + KernelRandom.hex(16, "an import's name"));
            try {
                return importStaged(file, sourceUrl, staged);
            } finally {
                Files.deleteIfExists(staged);
            }
        }
    }

    /**
     * One pass over the archive: decompressed (within the limits), hashed, copied to staged and
     * checked as an ACI as it streams by; then renamed into the store.
     */
    private ImageInfo importStaged(Path file, String sourceUrl, Path staged) throws IOException {
        String what = "image " + file;
        MessageDigest sha512 = TreeHash.sha512();
        long size;
        byte[] manifestBytes;
        ImageManifest manifest;
        FreeSpace space = new FreeSpace(cas, limits.minFreeSpace(), what);
        try (InputStream raw = Files.newInputStream(file);
             OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(staged), 64 * 1024), sha512)) {
            space.require(Files.size(file)); // an image takes at least its compressed size
            BoundedImageStream.CountingInputStream compressed = new BoundedImageStream.CountingInputStream(raw);
            InputStream decompressed;
            try {
                decompressed = Compression.decompress(new BufferedInputStream(compressed, 64 * 1024));
            } catch (IOException e) {
                throw new JrktException(file + ": cannot read the archive: " + IoErrors.reason(e), e);
            }
            BoundedImageStream image = new BoundedImageStream(decompressed, compressed, out, limits, space, what);
            try {
                manifestBytes = AciArchive.checkLayoutAndReadManifest(image, limits);
                image.transferTo(OutputStream.nullOutputStream()); // the padding after the archive's end is part of the ID
                manifest = ImageManifest.parse(manifestBytes, limits.manifestJson());
            } catch (JrktException e) {
                throw e.getMessage().startsWith(what) ? e : new JrktException(file + ": " + e.getMessage(), e);
            } catch (IOException e) {
                if (e instanceof jrkt.sys.SysException) throw e;
                throw new JrktException(file + ": cannot read the archive: " + IoErrors.reason(e), e);
            }
            size = image.total();
        } catch (NoSuchFileException e) {
            if (!file.equals(Path.of(e.getFile() == null ? "" : e.getFile()))) throw e;
            throw new JrktException("image file " + file + " does not exist");
        }
        String hex = HexFormat.of().formatHex(sha512.digest());
        String id = ID_PREFIX + hex;
        try (FileLock image = FileLock.exclusive(imageLock(hex))) {
            Path blob = blobs.resolve(hex);
            if (Files.exists(blob)) {
                Files.delete(staged);
            } else {
                Files.setPosixFilePermissions(staged, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(staged, blob, StandardCopyOption.ATOMIC_MOVE);
            }
            return index.insertOrTouch(id, manifest.name(), manifest.labels(), manifestBytes, size,
                    sourceUrl, Instant.now());
        }
    }

    // ---- queries -----------------------------------------------------------------------

    public List<ImageInfo> listImages() { return index.all(); }

    /** The images fetched from a URL, most recently imported first. */
    public List<ImageInfo> listImagesFrom(String url) { return index.findBySource(url); }

    /** Records what a remote said of an image: its ETag and Cache-Control max-age, now. */
    public void recordRemote(String imageId, String etag, long maxAgeSeconds) {
        index.setRemote(imageId, etag, maxAgeSeconds, Instant.now());
    }

    /** When the remote last said the image was current; null when never. */
    public Instant remoteTime(String imageId) {
        long ms = index.remoteTime(imageId);
        return ms == 0 ? null : Instant.ofEpochMilli(ms);
    }

    /** The images of one name, most recently imported first. */
    public List<ImageInfo> listImagesNamed(String name) { return index.findByName(name); }

    /**
     * Resolves what a user typed: a full ID ("sha512-<128 hex>"), an unambiguous ID prefix
     * ("sha512-1a2b" or "1a2b"...), or a name with labels ("name", "name:version",
     * "name,label=value,..."). Throws JrktException when nothing or more than one matches.
     *
     * <p>A bare hex string of at least 4 characters is tried as an ID prefix first and as a name
     * when no ID starts with it. When several images match a name and its labels, the most
     * recently imported one is chosen, as appc discovery returns the latest version when none
     * is asked for.
     */
    public ImageInfo resolve(String reference) {
        if (reference.startsWith(LayerStore.ID_PREFIX)) {
            String hex = reference.substring(LayerStore.ID_PREFIX.length());
            if (!isHex(hex)) {
                throw new JrktException("image ID \"" + reference + "\" is not of the form sha256-<hex>");
            }
            return byIdPrefix(reference, reference);
        }
        if (reference.startsWith(ID_PREFIX)) {
            String hex = reference.substring(ID_PREFIX.length());
            if (!isHex(hex)) {
                throw new JrktException("image ID \"" + reference + "\" is not of the form sha512-<hex>");
            }
            return byIdPrefix(reference, reference);
        }
        if (reference.length() >= 4 && isHex(reference)) {
            List<ImageInfo> byId = new ArrayList<>(index.findByIdPrefix(ID_PREFIX + reference));
            byId.addAll(index.findByIdPrefix(LayerStore.ID_PREFIX + reference));
            if (byId.size() == 1) return byId.get(0);
            if (byId.size() > 1) {
                throw new JrktException("image ID prefix \"" + reference + "\" is ambiguous: " + byId.size()
                        + " images match; give more digits");
            }
        }
        ImageReference query = ImageReference.parse(reference);
        for (ImageInfo candidate : index.findByName(query.name())) {
            if (query.matches(candidate.name(), candidate.labels())) return candidate;
        }
        throw new JrktException("image \"" + reference + "\" not found in the store");
    }

    private ImageInfo byIdPrefix(String reference, String prefix) {
        List<ImageInfo> found = index.findByIdPrefix(prefix);
        if (found.isEmpty()) throw new JrktException("image \"" + reference + "\" not found in the store");
        if (found.size() > 1) {
            throw new JrktException("image ID prefix \"" + reference + "\" is ambiguous: " + found.size()
                    + " images match; give more digits");
        }
        return found.get(0);
    }

    /** The manifest of a stored image. */
    public ImageManifest manifest(String imageId) {
        ImageManifest parsed = parsedManifests.get(imageId);
        if (parsed == null) {
            parsed = ImageManifest.parse(storedManifest(imageId));
            parsedManifests.put(imageId, parsed);
        }
        return parsed;
    }

    /** The manifest exactly as stored (bytes from the archive). */
    public byte[] manifestBytes(String imageId) {
        return storedManifest(imageId).clone(); // the caller's to keep or change
    }

    private byte[] storedManifest(String imageId) {
        byte[] bytes = storedManifests.get(imageId);
        if (bytes == null) {
            bytes = index.manifest(imageId);
            if (bytes == null) throw notFound(imageId);
            storedManifests.put(imageId, bytes);
        }
        return bytes;
    }

    /** The uncompressed ACI tar of an image. */
    public Path blob(String imageId) {
        Path blob = blobs.resolve(hexOf(imageId));
        if (index.find(imageId) == null || !Files.exists(blob)) throw notFound(imageId);
        return blob;
    }

    private static JrktException notFound(String imageId) {
        return new JrktException("image " + imageId + " not found in the store");
    }

    private static String hexOf(String imageId) {
        String hex = imageId.startsWith(ID_PREFIX) ? imageId.substring(ID_PREFIX.length()) : "";
        if (hex.length() != 128 || !isHex(hex)) {
            throw new JrktException("\"" + imageId + "\" is not a full image ID (sha512-<128 hex digits>)");
        }
        return hex;
    }

    // ---- removal and gc ----------------------------------------------------------------

    /** Removes an image from the index and its blob; trees stay until image gc. Waits while a {@link Lease} holds it. */
    public void removeImage(String imageId) throws IOException {
        try (FileLock inUse = FileLock.exclusive(lockFile(useLockName(imageId)))) {
            if (!removeLocked(imageId)) throw notFound(imageId);
        }
    }

    // ---- leases -------------------------------------------------------------------------

    /** A new lease: what it resolves and renders stays until it is closed (see {@link Lease}). */
    public Lease lease() { return new Lease(this); }

    /** The lock a lease holds shared on an image (by ID) or a tree (by tree ID). */
    static String useLockName(String imageOrTreeId) {
        if (LayerStore.isOciId(imageOrTreeId)) return "use-" + imageOrTreeId; // "sha256-<hex>": a name already
        return "use-" + (imageOrTreeId.startsWith(ID_PREFIX) ? hexOf(imageOrTreeId) : imageOrTreeId);
    }

    Path lockFile(String name) { return locks.resolve(name); }

    /** The image's row when it is in the store (its row, and for an ACI its blob), or null. */
    ImageInfo stored(String imageId) {
        ImageInfo row = index.find(imageId);
        if (row == null || LayerStore.isOciId(imageId)) return row; // its blobs and layers: the layer store's
        return Files.exists(blobs.resolve(hexOf(imageId))) ? row : null;
    }

    /** Row first, then blob, under the image lock: a row never outlives its blob. Returns whether a row was removed. */
    private boolean removeLocked(String imageId) throws IOException {
        parsedManifests.remove(imageId);
        storedManifests.remove(imageId);
        if (LayerStore.isOciId(imageId)) return layerStore.remove(imageId);
        String hex = hexOf(imageId);
        try (FileLock image = FileLock.exclusive(imageLock(hex))) {
            boolean listed = index.delete(imageId);
            if (listed) Files.deleteIfExists(blobs.resolve(hex));
            return listed;
        }
    }

    /** Records that a pod used the image now (for image gc). */
    public void markUsed(String imageId) { markUsed(List.of(imageId)); }

    /** Marks the images used now, in one write transaction. */
    void markUsed(java.util.Collection<String> imageIds) { markUsed(imageIds, Instant.now()); }

    void markUsed(java.util.Collection<String> imageIds, Instant when) { index.markUsed(imageIds, when); }

    /**
     * Removes images not used within gracePeriod, and rendered trees no pod references
     * (treesInUse: tree IDs of existing pods).
     *
     * <p>Trees are caches that can be rendered again, so every tree not in use is removed,
     * except one being rendered right now (its lock is held) or rendered or reused within the
     * grace period (a pod being prepared may be about to reference it).
     */
    public GcReport gc(Duration gracePeriod, Set<String> treesInUse) throws IOException {
        sweepOrphanBlobs();
        Instant cutoff = Instant.now().minus(gracePeriod);
        List<String> removedImages = new ArrayList<>();
        List<String> removedTrees = new ArrayList<>();
        long freed = 0;
        for (ImageInfo image : index.unusedSince(cutoff)) {
            // a pod may have used it since the query; render marks use without the image lock,
            // so this narrows the window rather than closing it (a used image's tree survives anyway)
            ImageInfo now = index.find(image.id());
            if (now == null || !now.lastUsed().isBefore(cutoff)) continue;
            try (FileLock inUse = FileLock.tryExclusive(lockFile(useLockName(image.id())))) {
                if (inUse == null) continue; // a preparation holds it (a Lease)
                if (removeLocked(image.id())) {
                    removedImages.add(image.id());
                    freed += image.size();
                }
            }
        }
        List<Path> entries = list(trees);
        for (Path dir : entries) {
            String name = dir.getFileName().toString();
            if (isRenderInProgress(name)) {
                if (!ownerAlive(name)) freed += Trees.delete(dir);
                continue;
            }
            if (treesInUse.contains(name)) continue;
            try (FileLock inUse = FileLock.tryExclusive(lockFile(useLockName(name)));
                 FileLock tree = inUse == null ? null : FileLock.tryExclusive(treeLock(name))) {
                if (tree == null) continue; // held by a preparation, or being rendered or repaired
                Path hash = dir.resolve("hash");
                if (Files.exists(hash) && Files.getLastModifiedTime(hash).toInstant().isAfter(cutoff)) continue;
                Files.deleteIfExists(hash); // first, so that a crash leaves a tree known as unrendered
                freed += Trees.delete(dir);
                removedTrees.add(name);
            }
        }
        long[] layersFreed = {0};
        removedTrees.addAll(layerStore.gc(treesInUse, layersFreed));
        freed += layersFreed[0];
        return new GcReport(removedImages, removedTrees, freed);
    }

    // ---- rendering ---------------------------------------------------------------------

    /**
     * Renders an image with its dependencies (appc rules) into a tree, once; later calls
     * return the same tree. Marks the image used now.
     */
    public RenderedTree render(String imageId) throws IOException {
        List<DependencyChain.Node> chain = chain(imageId);
        RenderedTree tree = renderChain(chain, treeIdOf(chain));
        List<String> ids = new ArrayList<>();
        for (DependencyChain.Node node : chain) ids.add(node.imageId());
        markUsed(ids);
        return tree;
    }

    /** {@link #render} of a chain and tree ID the caller has already (a {@link Lease}), without marking use. */
    RenderedTree renderChain(List<DependencyChain.Node> chain, String treeId) throws IOException {
        Path dir = trees.resolve(treeId);
        try (FileLock lock = FileLock.exclusive(treeLock(treeId))) {
            String hash = null;
            if (!isRendered(dir)) {
                hash = renderInto(chain, dir);
            } else {
                // tree gc keeps what was used lately; through the C gate, not NIO's attribute view
                long now = System.currentTimeMillis() * 1_000_000L;
                Linux.get().lutimes(dir.resolve("hash"), now, now);
            }
            return new RenderedTree(treeId, dir.resolve("rootfs"), hash);
        }
    }

    /** Re-hashes a rendered tree; with repair, re-renders it when the hash differs. */
    public TreeCheck verifyTree(String imageId, boolean repair) throws IOException {
        List<DependencyChain.Node> chain = chain(imageId);
        String treeId = treeIdOf(chain);
        Path dir = trees.resolve(treeId);
        try (FileLock lock = FileLock.exclusive(treeLock(treeId))) {
            String expected = readHash(dir);
            String actual = expected == null || !Files.isDirectory(dir.resolve("rootfs"))
                    ? null : TreeHash.of(dir.resolve("rootfs"));
            boolean ok = expected != null && expected.equals(actual);
            if (ok || !repair) return new TreeCheck(imageId, treeId, ok, false, expected, actual);
            String rendered = renderInto(chain, dir);
            return new TreeCheck(imageId, treeId, false, true, expected == null ? rendered : expected, actual);
        }
    }

    /**
     * Renders into a fresh directory beside the tree and swaps it in; the caller holds the tree lock.
     * The hash is written last: until then the tree counts as not rendered.
     */
    private String renderInto(List<DependencyChain.Node> chain, Path dir) throws IOException {
        String treeId = dir.getFileName().toString();
        for (Path stale : list(trees)) { // earlier attempts at this tree by killed processes
            String name = stale.getFileName().toString();
            if (name.startsWith(treeId + ".tmp-") || name.startsWith(treeId + ".old-")) Trees.delete(stale);
        }
        Path fresh = trees.resolve(treeId + ".tmp-" + pid());
        Path rootfs = fresh.resolve("rootfs");
        Files.createDirectories(rootfs);
        try {
            unpack(chain, rootfs);
            String hash = TreeHash.of(rootfs);
            Files.deleteIfExists(dir.resolve("hash"));
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Path old = trees.resolve(treeId + ".old-" + pid());
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
                Trees.delete(old);
            } else {
                Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
            }
            Path hashTmp = dir.resolve("hash.tmp");
            Files.writeString(hashTmp, hash + "\n");
            Files.move(hashTmp, dir.resolve("hash"), StandardCopyOption.ATOMIC_MOVE);
            return hash;
        } finally {
            if (Files.exists(fresh, LinkOption.NOFOLLOW_LINKS)) Trees.delete(fresh);
        }
    }

    private void unpack(List<DependencyChain.Node> chain, Path rootfs) throws IOException {
        if (chain.size() == 1 && LayerStore.isOciId(chain.get(0).imageId())) { // an OCI image: its layers, flattened
            layerStore.flattenInto(chain.get(0).imageId(), rootfs);
            return;
        }
        List<RenderSelection.Layer> layers = new ArrayList<>();
        for (DependencyChain.Node node : chain) {
            layers.add(new RenderSelection.Layer(node.level(), node.manifest().pathWhitelist(), rootfsEntries(node)));
        }
        List<Set<String>> selected = RenderSelection.select(layers);
        SafeExtractor extractor = new SafeExtractor(Linux.get());
        FreeSpace space = new FreeSpace(cas, limits.minFreeSpace(), "rendering image " + chain.get(0).manifest().name());
        long size = 0;
        for (DependencyChain.Node node : chain) size += Files.size(blob(node.imageId()));
        space.require(size); // a tree takes about what its images' tars hold
        for (int i = chain.size() - 1; i >= 0; i--) { // dependencies first, the image last
            Set<String> paths = selected.get(i);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(blob(chain.get(i).imageId())), 64 * 1024)) {
                extractor.extract(in, rootfs, SafeExtractor.Options.aciRootfs(paths::contains, deviceNodes, space::wrote));
            }
        }
    }

    private List<RenderSelection.Entry> rootfsEntries(DependencyChain.Node node) throws IOException {
        List<RenderSelection.Entry> entries = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(blob(node.imageId())), 64 * 1024)) {
            TarReader tar = new TarReader(in, SafeExtractor.MAX_METADATA);
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                String path = RenderSelection.clean(e.name());
                if (!path.startsWith("rootfs/")) continue;
                entries.add(new RenderSelection.Entry(path.substring("rootfs/".length()), e.isDirectory()));
            }
        }
        return entries;
    }

    /** The image and its dependencies in appc precedence order (see {@link DependencyChain}). */
    List<DependencyChain.Node> chain(String imageId) {
        ImageManifest top = manifest(imageId);
        return DependencyChain.topDown(imageId, top, this::resolveDependency, limits.maxDependencies());
    }

    private DependencyChain.Resolved resolveDependency(ImageManifest.Dependency dep, DependencyChain.Node dependent) {
        ImageReference query = new ImageReference(dep.imageName(), dep.labels() == null ? java.util.Map.of() : dep.labels());
        String what = "dependency " + dep.imageName() + " of image " + dependent.manifest().name();
        ImageInfo chosen = null;
        for (ImageInfo candidate : index.findByName(dep.imageName())) {
            if (!query.matches(candidate.name(), candidate.labels())) continue;
            if (dep.imageId() == null || dep.imageId().equals(candidate.id())) { chosen = candidate; break; }
        }
        if (chosen == null) {
            if (dep.imageId() != null) {
                List<ImageInfo> byName = index.findByName(dep.imageName());
                if (!byName.isEmpty()) {
                    throw new JrktException(what + ": the stored image " + byName.get(0).id()
                            + " does not match the imageID " + dep.imageId() + " the manifest requires");
                }
            }
            throw new JrktException(what + " (" + query.labels() + ") not found in the store");
        }
        return new DependencyChain.Resolved(chosen.id(), manifest(chosen.id()));
    }

    /**
     * "deps-sha512-" + the first 256 bits of sha512 over the IDs in application order; a tree with
     * the images' device nodes is another tree: its ID ends in "-devices".
     */
    static String treeId(List<DependencyChain.Node> topDown, boolean deviceNodes) {
        StringBuilder ids = new StringBuilder();
        for (DependencyChain.Node n : DependencyChain.applicationOrder(topDown)) ids.append(n.imageId()).append('\n');
        byte[] digest = Sha512.digest(ids.toString().getBytes(StandardCharsets.UTF_8)); // not MessageDigest: see Sha512
        return "deps-sha512-" + HexFormat.of().formatHex(digest).substring(0, 64) + (deviceNodes ? "-devices" : "");
    }

    /** Tree IDs this process computed, by the image IDs of their chains: a run asks twice for each of its two trees. */
    private final Map<List<String>, String> treeIds = new ConcurrentHashMap<>();

    /** The ID of the tree this store renders for the chain (its device-node setting included). */
    String treeIdOf(List<DependencyChain.Node> chain) {
        List<String> ids = new ArrayList<>(chain.size());
        for (DependencyChain.Node n : chain) ids.add(n.imageId());
        String id = treeIds.get(ids);
        if (id == null) {
            id = treeId(chain, deviceNodes);
            treeIds.put(ids, id);
        }
        return id;
    }

    /** Whether the tree's render completed: its hash file is there, not empty (one statx, nothing read). */
    private static boolean isRendered(Path treeDir) throws IOException {
        try {
            Linux.FileStat st = Linux.get().statAt(Linux.AT_FDCWD, PathBytes.of(treeDir.resolve("hash")));
            return st.isRegularFile() && st.size() > 0;
        } catch (SysException e) {
            if (e.errno() == Errno.ENOENT) return false;
            throw e;
        }
    }

    /** The hash a tree's render recorded, or null when it has none (not rendered, or not completely). */
    static String readHash(Path treeDir) throws IOException {
        try {
            String h = Files.readString(treeDir.resolve("hash")).trim();
            return h.isEmpty() ? null : h;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    // ---- housekeeping ------------------------------------------------------------------

    /** Deletes the files of imports and renders whose process died. */
    private void cleanLeftovers() throws IOException {
        for (String name : names(tmp)) {
            if (!ownerAlive(name)) Trees.delete(RawNames.resolve(tmp, name));
        }
        for (String name : names(trees)) {
            if (isRenderInProgress(name) && !ownerAlive(name)) Trees.delete(RawNames.resolve(trees, name));
        }
    }

    /**
     * The raw names in dir (see RawNames), read by getdents64 through the C gate: every command
     * that opens the store lists two directories, and a DirectoryStream's iterator, a Path per
     * entry and its close were a tenth of the open, interpreted.
     */
    private static List<String> names(Path dir) throws IOException {
        List<Linux.DirEntry> entries;
        try {
            entries = Linux.get().readDirectory(dir);
        } catch (SysException e) {
            if (e.errno() == Errno.ENOENT) return List.of(); // removed by hand: a reader leaves it to the next writer to make
            throw e;
        }
        List<String> names = new ArrayList<>(entries.size());
        for (Linux.DirEntry e : entries) names.add(RawNames.of(e.name()));
        return names;
    }

    /**
     * Deletes blobs no row lists: an import killed between its blob's rename and its row's
     * insert leaves one. Done by imports and image gc, not at every open: it reads every blob's
     * name and every row's ID, milliseconds of each run and listing that gain nothing from it.
     */
    private void sweepOrphanBlobs() throws IOException {
        try (FileLock sweep = FileLock.tryExclusive(gcLock())) {
            if (sweep == null) return; // an import is running; the next sweep will do
            Set<String> listed = new java.util.HashSet<>(index.allIds());
            Instant old = Instant.now().minus(ORPHAN_AGE);
            for (Path blob : list(blobs)) {
                String id = ID_PREFIX + blob.getFileName();
                if (listed.contains(id)) continue;
                if (Files.getLastModifiedTime(blob).toInstant().isBefore(old)) Files.deleteIfExists(blob);
            }
        }
    }

    /** A tree being rendered ("<tree>.tmp-<pid>") or swapped out by a repair ("<tree>.old-<pid>"). */
    private static boolean isRenderInProgress(String treeDirName) {
        return treeDirName.contains(".tmp-") || treeDirName.contains(".old-");
    }

    /**
     * Whether the process whose pid is in a name like "import-<pid>-..." or "<tree>.tmp-<pid>"
     * still runs. Read by hand, as {@link #isHex} is: a regex compiled at class initialisation
     * cost every command that opens the store.
     */
    private static boolean ownerAlive(String name) {
        int at;
        if (name.startsWith("import-")) at = "import-".length();
        else if ((at = name.indexOf(".tmp-")) >= 0 || (at = name.indexOf(".old-")) >= 0) at += 5;
        else return false;
        int end = at;
        while (end < name.length() && end - at < 10 && name.charAt(end) >= '0' && name.charAt(end) <= '9') end++;
        if (end == at) return false;
        return ProcessHandle.of(Long.parseLong(name, at, end, 10)).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Lower-case hex digits, at least one. */
    static boolean isHex(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) return false;
        }
        return true;
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) out.add(p);
        }
        return out;
    }

    private Path gcLock() { return locks.resolve("gc"); }
    private Path imageLock(String hex) { return locks.resolve("image-" + hex); }
    private Path treeLock(String treeId) { return locks.resolve("tree-" + treeId); }

    @Override public void close() {
        index.close();
        if (refillReserveOnClose) keepReserve();
    }
}
