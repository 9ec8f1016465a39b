package jrkt.core.store;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.KernelRandom;
import jrkt.core.fs.Dirs;
import jrkt.core.fs.Trees;
import jrkt.core.image.ImageLimits;
import jrkt.core.image.archive.Compression;
import jrkt.core.image.archive.EntryNames;
import jrkt.core.image.archive.SafeExtractor;
import jrkt.core.image.archive.TarReader;
import jrkt.core.image.archive.UnsafeArchiveException;
import jrkt.core.image.oci.Digests;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * The OCI part of the store: blobs by digest in {@code cas/blobs/sha256/<hex>} (layers as
 * fetched, configs, manifests), each stored once, and layers unpacked once by diff ID in
 * {@code cas/layers/<hex>} as overlayfs lower layers (whiteouts as 0:0 devices, opaque
 * directories by xattr; {@code <hex>-devices} when device nodes are created). Images that share a
 * layer share its blob and its directory.
 *
 * <p>Each blob and each unpacked layer is made in {@code cas/tmp/} and renamed into place only
 * when verified (digest, size, diff ID), so what is in place is whole: a fetch that fails keeps
 * the layers that arrived whole, and the next one reuses them. An image's index rows are written
 * last, after every blob and layer is in place. Imports hold the store's gc lock shared; sweeping
 * blobs and layers no image lists holds it exclusive. Layers go through the same {@link ImageLimits}
 * and the same {@link SafeExtractor} as ACIs.
 */
public final class LayerStore {
    /** The prefix of OCI image IDs: "sha256-" and the config's digest. */
    public static final String ID_PREFIX = "sha256-";
    /** Names of unpacked layers in a pod's {@code trees} file. */
    public static final String LAYER_PREFIX = "layer-";

    private final Path cas, blobs, layers, tmp, locks;
    private final StoreIndex index;
    private final ImageLimits limits;
    private final boolean deviceNodes;
    private final long pid = Linux.get().getpid(); // ProcessHandle's first use costs a start 1-2 ms

    LayerStore(Path cas, StoreIndex index, ImageLimits limits, boolean deviceNodes) {
        this.cas = cas;
        this.blobs = blobsDir(cas);
        this.layers = layersDir(cas);
        this.tmp = cas.resolve("tmp");
        this.locks = cas.resolve("locks");
        this.index = index;
        this.limits = limits;
        this.deviceNodes = deviceNodes;
    }

    /** Makes the directories of the OCI part of the store in cas, when missing (every open but a reader's). */
    static void makeDirs(Path cas) throws IOException {
        Dirs.made(blobsDir(cas));
        Dirs.made(layersDir(cas));
    }

    private static Path blobsDir(Path cas) { return cas.resolve("blobs").resolve("sha256"); }

    private static Path layersDir(Path cas) { return cas.resolve("layers"); }

    public static boolean isOciId(String imageId) { return imageId.startsWith(ID_PREFIX); }

    /** A lock held until closed. */
    public interface Hold extends AutoCloseable {
        @Override void close();
    }

    /** What an import holds for as long as it writes: the gc lock, shared. */
    public Hold importing() throws IOException { return FileLock.shared(gcLock())::close; }

    // ---- blobs -------------------------------------------------------------------------------

    public Path blobPath(String digest) { return blobs.resolve(Digests.hex(digest)); }

    public boolean hasBlob(String digest) { return Files.isRegularFile(blobPath(digest)); }

    /** Stores a small blob (a config, a manifest) after checking its digest. */
    public void putBlob(String digest, byte[] data, String what) throws IOException {
        if (!Digests.of(data).equals(digest)) {
            throw new JrktException(what + ": digest mismatch: expected " + digest + ", got " + Digests.of(data));
        }
        if (hasBlob(digest)) return;
        Path staged = tmp.resolve("import-" + pid + "-blob-" + KernelRandom.hex(16, "an import's name"));
        try {
            Files.write(staged, data);
            publish(staged, blobPath(digest));
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    /** A fresh directory for work in progress (an archive unpacked to read it), removed by the caller. */
    public Path newWorkDir(String purpose) throws IOException {
        return Files.createDirectory(tmp.resolve("import-" + pid + "-" + purpose + "-" + KernelRandom.hex(16, "an import's name")));
    }

    public byte[] readBlob(String digest) throws IOException { return Files.readAllBytes(blobPath(digest)); }

    // ---- layers ------------------------------------------------------------------------------

    /** Opens a layer's bytes as they come (a registry response, a file in a layout). */
    public interface Opener {
        InputStream open() throws IOException;
    }

    /** A layer in the store: its blob's digest and size, and its diff ID. */
    public record Layer(String digest, String diffId, String mediaType, long size) {}

    /** The directory a layer is unpacked in (it exists only once complete). */
    public Path layerDir(String diffId) { return layers.resolve(Digests.hex(diffId) + (deviceNodes ? "-devices" : "")); }

    /**
     * Makes a layer present: blob and unpacked directory. Reuses what is there; else streams the
     * bytes once, storing, hashing, decompressing and unpacking them as they come, and verifies
     * the blob's digest and size (when known: a docker-archive's layers have none but their diff
     * ID) and the diff ID. progress is told the compressed bytes as they are read.
     *
     * @param what the image and the layer, for messages ("image docker://x: layer 2 of 3 (sha256:ab12...)")
     */
    public Layer fetchLayer(String digest, long size, String diffId, String mediaType, Opener opener, String what,
                            LongConsumer progress) throws IOException {
        if (digest != null && hasBlob(digest)) {
            if (!Files.isDirectory(layerDir(diffId))) unpackFromBlob(digest, diffId, what);
            progress.accept(size > 0 ? size : 0);
            return new Layer(digest, diffId, mediaType, Files.size(blobPath(digest)));
        }
        Path stagedBlob = tmp.resolve("import-" + pid + "-blob-" + KernelRandom.hex(16, "an import's name"));
        Path stagedDir = tmp.resolve("import-" + pid + "-layer-" + KernelRandom.hex(16, "an import's name"));
        try {
            MessageDigest blobDigest = Digests.sha256();
            long read;
            String actualDiffId;
            try (InputStream raw = opener.open();
                 OutputStream copy = new BufferedOutputStream(Files.newOutputStream(stagedBlob), 1 << 16)) {
                Tee tee = new Tee(raw, copy, blobDigest, progress);
                actualDiffId = unpack(new BufferedInputStream(tee, 1 << 16), stagedDir, tee, what);
                tee.transferTo(OutputStream.nullOutputStream()); // the digest covers the whole blob
                read = tee.count;
            } catch (SysException e) {
                throw new JrktException(what + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new JrktException(what + ": the download broke off: " + IoErrors.reason(e), e);
            }
            String actual = Digests.of(blobDigest);
            if (size >= 0 && read != size) {
                throw new JrktException(what + ": truncated or overlong: " + read + " bytes arrived, the manifest says " + size);
            }
            if (digest != null && !actual.equals(digest)) {
                throw new JrktException(what + ": digest mismatch: the blob's sha256 is " + actual + ", the manifest says " + digest
                    + " (a corrupt or tampered layer)");
            }
            if (!actualDiffId.equals(diffId)) {
                throw new JrktException(what + ": the uncompressed layer has digest " + actualDiffId
                    + " but the image config says " + diffId + " (a corrupt or tampered layer)");
            }
            Layer layer = new Layer(actual, diffId, mediaType, read);
            publish(stagedBlob, blobPath(actual));
            publishLayer(stagedDir, diffId);
            return layer;
        } finally {
            Files.deleteIfExists(stagedBlob);
            if (Files.exists(stagedDir, LinkOption.NOFOLLOW_LINKS)) Trees.delete(stagedDir);
        }
    }

    private void unpackFromBlob(String digest, String diffId, String what) throws IOException {
        Path stagedDir = tmp.resolve("import-" + pid + "-layer-" + KernelRandom.hex(16, "an import's name"));
        try {
            Path blob = blobPath(digest);
            String actualDiffId;
            try (InputStream in = Files.newInputStream(blob)) {
                Tee counted = new Tee(in, OutputStream.nullOutputStream(), Digests.sha256(), n -> {});
                actualDiffId = unpack(new BufferedInputStream(counted, 1 << 16), stagedDir, counted, what);
            }
            if (!actualDiffId.equals(diffId)) {
                throw new JrktException(what + ": the stored layer " + digest + " has diff ID " + actualDiffId + ", not " + diffId);
            }
            publishLayer(stagedDir, diffId);
        } finally {
            if (Files.exists(stagedDir, LinkOption.NOFOLLOW_LINKS)) Trees.delete(stagedDir);
        }
    }

    /** Decompresses and unpacks a layer into dir within the limits; returns its diff ID. */
    private String unpack(InputStream compressed, Path dir, Tee counter, String what) throws IOException {
        MessageDigest diff = Digests.sha256();
        FreeSpace space = new FreeSpace(cas, limits.minFreeSpace(), what);
        space.require(0);
        BoundedImageStream.CountingInputStream counting = new BoundedImageStream.CountingInputStream(compressed);
        InputStream decompressed;
        try {
            decompressed = Compression.decompress(counting);
        } catch (IOException e) {
            throw new JrktException(what + ": cannot read the layer: " + IoErrors.reason(e), e);
        }
        InputStream bounded = new BoundedImageStream(new DigestInputStream(decompressed, diff), counting,
            OutputStream.nullOutputStream(), limits, space, what);
        try {
            new SafeExtractor(Linux.get()).extract(bounded, dir,
                SafeExtractor.Options.overlayLayer(deviceNodes, space::wrote, new EntryLimits(limits)));
            bounded.transferTo(OutputStream.nullOutputStream()); // padding after the archive's end is part of the diff ID
        } catch (JrktException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(what) ? e : new JrktException(what + ": " + e.getMessage(), e);
        } catch (SysException e) {
            throw new JrktException(what + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new JrktException(what + ": cannot read the layer: " + IoErrors.reason(e), e);
        }
        return Digests.of(diff);
    }

    /** max-entries, max-path-length and max-path-depth, per layer. */
    private static final class EntryLimits implements Consumer<TarReader.Entry> {
        private final ImageLimits limits;
        private long entries;

        EntryLimits(ImageLimits limits) { this.limits = limits; }

        @Override public void accept(TarReader.Entry entry) {
            if (++entries > limits.maxEntries()) {
                throw new UnsafeArchiveException("the layer has more than " + limits.maxEntries() + " entries (limit max-entries)");
            }
            String name = EntryNames.normalize(entry.name());
            if (name.length() + 1 > limits.maxPathLength()
                    || (entry.isSymbolicLink() && entry.linkName().length() > limits.maxPathLength())) {
                throw new UnsafeArchiveException("archive entry \"" + entry.displayName() + "\" has a path or link longer than "
                    + limits.maxPathLength() + " bytes (limit max-path-length)");
            }
            long depth = name.chars().filter(c -> c == '/').count();
            if (depth > limits.maxPathDepth()) {
                throw new UnsafeArchiveException("archive entry \"" + entry.displayName() + "\" lies more than "
                    + limits.maxPathDepth() + " directories deep (limit max-path-depth)");
            }
        }
    }

    /** Counts, hashes and copies what is read through it. */
    private static final class Tee extends FilterInputStream {
        private final OutputStream copy;
        private final MessageDigest digest;
        private final LongConsumer progress;
        long count;

        Tee(InputStream in, OutputStream copy, MessageDigest digest, LongConsumer progress) {
            super(in);
            this.copy = copy;
            this.digest = digest;
            this.progress = progress;
        }

        @Override public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
                digest.update(b, off, n);
                count += n;
                progress.accept(n);
            }
            return n;
        }

        @Override public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(n, 1 << 16)];
            int r = read(buffer, 0, buffer.length);
            return Math.max(r, 0);
        }

        @Override public boolean markSupported() { return false; }
    }

    private void publish(Path staged, Path blob) throws IOException {
        if (Files.exists(blob)) return;
        Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(staged, blob, StandardCopyOption.ATOMIC_MOVE);
    }

    private void publishLayer(Path staged, String diffId) throws IOException {
        Path dir = layerDir(diffId);
        try (FileLock lock = FileLock.exclusive(locks.resolve("layer-" + dir.getFileName()))) {
            if (Files.isDirectory(dir)) return; // another fetch unpacked it meanwhile
            Files.move(staged, dir, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    // ---- images ------------------------------------------------------------------------------

    /**
     * Lists an OCI image whose blobs and layers are all in place: appcManifest is its appc view
     * (name and labels are read from it), otherBlobs its config and manifest digests.
     */
    public ImageInfo commit(String configDigest, String name, Map<String, String> labels, byte[] appcManifest,
                            String sourceUrl, List<Layer> imageLayers, List<String> otherBlobs) throws IOException {
        String id = ID_PREFIX + Digests.hex(configDigest);
        long size = 0;
        List<StoreIndex.Layer> rows = new ArrayList<>();
        for (Layer l : imageLayers) {
            if (!hasBlob(l.digest()) || !Files.isDirectory(layerDir(l.diffId()))) {
                throw new JrktException("image " + name + ": layer " + l.digest() + " is not in the store");
            }
            rows.add(new StoreIndex.Layer(l.digest(), l.diffId(), l.mediaType(), l.size()));
            size += l.size();
        }
        for (String b : otherBlobs) {
            if (!hasBlob(b)) throw new JrktException("image " + name + ": blob " + b + " is not in the store");
            size += Files.size(blobPath(b));
        }
        try (FileLock image = FileLock.exclusive(locks.resolve("image-" + Digests.hex(configDigest)))) {
            return index.insertOci(id, name, labels, appcManifest, size, sourceUrl, Instant.now(), rows, otherBlobs);
        }
    }

    /** The layers of a stored OCI image, bottom first. */
    public List<Layer> layersOf(String imageId) {
        List<Layer> out = new ArrayList<>();
        for (StoreIndex.Layer l : index.layers(imageId)) out.add(new Layer(l.digest(), l.diffId(), l.mediaType(), l.size()));
        return out;
    }

    /**
     * The most layers a pod's overlay mount stacks. overlayfs takes 500 lower layers, but a kernel
     * that cannot be given layers one by one (fsconfig "lowerdir+") takes them as one string of at
     * most a page: about 45 store paths. An image with more layers has its bottom layers merged
     * into one (applied in order, whiteouts resolved: nothing lies below them), made once and kept
     * in {@code cas/layers/merged-<hex>} until image gc.
     */
    public static final int MAX_STACK = 40;

    /** The image's root for a pod: its unpacked layers, top first (unpacked again from their blobs if need be). */
    public ImageRoot root(String imageId) throws IOException {
        List<Layer> stack = layersOf(imageId);
        if (stack.isEmpty()) throw new JrktException("image " + imageId + " has no layers in the store");
        List<String> ids = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try (Hold lock = importing()) {
            int bottom = stack.size() > MAX_STACK ? stack.size() - MAX_STACK + 1 : 0; // layers below this index are merged
            for (int i = stack.size() - 1; i >= bottom; i--) {
                Layer l = stack.get(i);
                Path dir = layerDir(l.diffId());
                if (!Files.isDirectory(dir)) {
                    if (!hasBlob(l.digest())) {
                        throw new JrktException("image " + imageId.substring(0, 19) + ": layer " + l.digest()
                            + " is missing from the store; fetch the image again");
                    }
                    unpackFromBlob(l.digest(), l.diffId(), "image " + imageId.substring(0, 19) + ": layer " + l.digest());
                }
                ids.add(LAYER_PREFIX + dir.getFileName());
                dirs.add(dir);
            }
            if (bottom > 0) {
                Path merged = merged(imageId, stack.subList(0, bottom));
                ids.add(LAYER_PREFIX + merged.getFileName());
                dirs.add(merged);
            }
        }
        return new ImageRoot(ids, dirs);
    }

    /** The bottom layers applied one over the other into one directory, named by their diff IDs. */
    private Path merged(String imageId, List<Layer> bottom) throws IOException {
        MessageDigest chain = Digests.sha256();
        for (Layer l : bottom) chain.update((l.diffId() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path dir = layers.resolve("merged-" + Digests.of(chain).substring(7) + (deviceNodes ? "-devices" : ""));
        if (Files.isDirectory(dir)) return dir;
        Path staged = tmp.resolve("import-" + pid + "-merged-" + KernelRandom.hex(16, "an import's name"));
        try {
            SafeExtractor extractor = new SafeExtractor(Linux.get());
            FreeSpace space = new FreeSpace(cas, limits.minFreeSpace(), "image " + imageId.substring(0, 19) + ": merging layers");
            for (Layer l : bottom) {
                try (InputStream in = Compression.decompress(new BufferedInputStream(Files.newInputStream(blobPath(l.digest())), 1 << 16))) {
                    extractor.extract(in, staged, new SafeExtractor.Options("", null, deviceNodes, true, space::wrote));
                }
            }
            try (FileLock lock = FileLock.exclusive(locks.resolve("layer-" + dir.getFileName()))) {
                if (!Files.isDirectory(dir)) Files.move(staged, dir, StandardCopyOption.ATOMIC_MOVE);
            }
            return dir;
        } finally {
            if (Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) Trees.delete(staged);
        }
    }

    /** Unpacks the image's layers one over the other into target, whiteouts applied (a flat copy). */
    public void flattenInto(String imageId, Path target) throws IOException {
        SafeExtractor extractor = new SafeExtractor(Linux.get());
        FreeSpace space = new FreeSpace(cas, limits.minFreeSpace(), "image " + imageId.substring(0, 19));
        for (Layer l : layersOf(imageId)) {
            try (InputStream in = Compression.decompress(new BufferedInputStream(Files.newInputStream(blobPath(l.digest())), 1 << 16))) {
                extractor.extract(in, target, new SafeExtractor.Options("", null, deviceNodes, true, space::wrote));
            }
        }
    }

    // ---- removal and gc ----------------------------------------------------------------------

    /** Removes an OCI image's rows, then the blobs no other image lists; unpacked layers go at gc. */
    boolean remove(String imageId) throws IOException {
        boolean listed;
        try (FileLock image = FileLock.exclusive(locks.resolve("image-" + imageId.substring(ID_PREFIX.length())))) {
            listed = index.deleteOci(imageId);
        }
        if (listed) sweepBlobs();
        return listed;
    }

    /** Deletes blobs no image lists, unless an import is running (it may be about to list them). */
    long sweepBlobs() throws IOException {
        long freed = 0;
        try (FileLock sweep = FileLock.tryExclusive(gcLock())) {
            if (sweep == null) return 0;
            Set<String> referenced = index.referencedBlobs();
            try (var list = Files.newDirectoryStream(blobs)) {
                for (Path blob : list) {
                    if (referenced.contains("sha256:" + blob.getFileName())) continue;
                    freed += Files.size(blob);
                    Files.deleteIfExists(blob);
                }
            }
        }
        return freed;
    }

    /**
     * image gc: unpacked layers no image lists and no pod uses (inUse: the names of pods'
     * {@code trees} files), and unlisted blobs. Returns the names of the layers removed.
     */
    List<String> gc(Set<String> inUse, long[] freed) throws IOException {
        List<String> removed = new ArrayList<>();
        try (FileLock sweep = FileLock.tryExclusive(gcLock())) {
            if (sweep == null) return removed;
            Set<String> diffIds = index.referencedDiffIds();
            try (var list = Files.newDirectoryStream(layers)) {
                for (Path dir : list) {
                    String name = dir.getFileName().toString();
                    String hex = name.endsWith("-devices") ? name.substring(0, name.length() - "-devices".length()) : name;
                    if (diffIds.contains("sha256:" + hex) || inUse.contains(LAYER_PREFIX + name)) continue;
                    freed[0] += Trees.delete(dir);
                    removed.add(LAYER_PREFIX + name);
                }
            }
        }
        freed[0] += sweepBlobs();
        return removed;
    }

    private Path gcLock() { return locks.resolve("gc"); }

    static String shortHex(byte[] digest) { return HexFormat.of().formatHex(digest).substring(0, 12); }
}
