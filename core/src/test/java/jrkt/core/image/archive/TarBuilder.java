package jrkt.core.image.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds tar archives in memory for tests, absolute and ".." names included. */
public final class TarBuilder {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    public TarBuilder() {
        tar = new TarArchiveOutputStream(bytes);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    @SafeVarargs
    public final TarBuilder file(String name, String content, Consumer<TarArchiveEntry>... tweaks) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), tweaks);
    }

    @SafeVarargs
    public final TarBuilder file(String name, byte[] content, Consumer<TarArchiveEntry>... tweaks) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        entry.setMode(0644);
        entry.setSize(content.length);
        return add(entry, content, tweaks);
    }

    @SafeVarargs
    public final TarBuilder dir(String name, Consumer<TarArchiveEntry>... tweaks) {
        TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true);
        entry.setMode(0755);
        return add(entry, null, tweaks);
    }

    @SafeVarargs
    public final TarBuilder symlink(String name, String target, Consumer<TarArchiveEntry>... tweaks) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        entry.setLinkName(target);
        entry.setMode(0777);
        return add(entry, null, tweaks);
    }

    public TarBuilder hardlink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        entry.setLinkName(target);
        return add(entry, null);
    }

    @SafeVarargs
    public final TarBuilder charDevice(String name, int major, int minor, Consumer<TarArchiveEntry>... tweaks) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_CHR, true);
        entry.setDevMajor(major);
        entry.setDevMinor(minor);
        entry.setMode(0666);
        return add(entry, null, tweaks);
    }

    public TarBuilder fifo(String name, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_FIFO, true);
        entry.setMode(mode);
        return add(entry, null);
    }

    @SafeVarargs
    private TarBuilder add(TarArchiveEntry entry, byte[] content, Consumer<TarArchiveEntry>... tweaks) {
        for (Consumer<TarArchiveEntry> tweak : tweaks) tweak.accept(entry);
        try {
            tar.putArchiveEntry(entry);
            if (content != null) tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public byte[] bytes() {
        try {
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public InputStream stream() { return new ByteArrayInputStream(bytes()); }

    public Path writeTo(Path file) throws IOException { return Files.write(file, bytes()); }

    public static Consumer<TarArchiveEntry> owner(int uid, int gid) {
        return e -> { e.setUserId(uid); e.setGroupId(gid); };
    }

    public static Consumer<TarArchiveEntry> mode(int mode) { return e -> e.setMode(mode); }

    public static Consumer<TarArchiveEntry> mtimeSeconds(long seconds) {
        return e -> e.setModTime(java.nio.file.attribute.FileTime.from(seconds, java.util.concurrent.TimeUnit.SECONDS));
    }

    public static Consumer<TarArchiveEntry> pax(String key, String value) { return e -> e.addPaxHeader(key, value); }
}
