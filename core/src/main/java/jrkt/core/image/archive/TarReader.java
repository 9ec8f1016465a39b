package jrkt.core.image.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import jrkt.core.fs.RawNames;

/**
 * Reads a tar stream (POSIX ustar and pax, GNU long names) entry by entry, in one pass and in
 * memory bounded by {@code maxMetadata}. Names, link targets and xattr values are kept as the
 * bytes the archive holds, whatever the locale: names are {@link RawNames raw strings}, one char
 * per byte. (commons-compress decodes names with a charset, so a name that is not UTF-8 could not
 * survive it, and it expands sparse entries to their full size, which an archive can make huge.)
 *
 * <p>Sparse entries (GNU 'S' and pax GNU.sparse.*) are refused; device majors and minors, owners,
 * modes and times are read as numbers (octal or base-256) and checked to fit.
 */
public final class TarReader {
    private static final int BLOCK = 512;

    /** One entry: its type flag ('0' file, '1' hard link, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo, ...). */
    public record Entry(char type, String name, String linkName, int mode, long uid, long gid, long size,
                        long mtimeNanos, long atimeNanos, int devMajor, int devMinor, Map<String, byte[]> xattrs) {
        public boolean isDirectory() { return type == '5'; }
        public boolean isRegularFile() { return type == '0' || type == '7'; }
        public boolean isSymbolicLink() { return type == '2'; }
        public boolean isHardLink() { return type == '1'; }
        public boolean isCharacterDevice() { return type == '3'; }
        public boolean isBlockDevice() { return type == '4'; }
        public boolean isFifo() { return type == '6'; }
        /** The name as a user should read it (see {@link RawNames#display}). */
        public String displayName() { return RawNames.display(name); }
    }

    private final InputStream in;
    private final int maxMetadata;
    private final byte[] header = new byte[BLOCK];
    private final byte[] scratch = new byte[64 * 1024];
    private final Map<String, byte[]> globalPax = new LinkedHashMap<>();
    private long remaining;   // content bytes of the current entry not yet read
    private long padding;     // bytes after the content up to the next block
    private boolean ended;

    /** @param maxMetadata the largest pax header or GNU long name accepted, in bytes */
    public TarReader(InputStream in, int maxMetadata) {
        this.in = in;
        this.maxMetadata = maxMetadata;
    }

    /** The next entry, or null at the end of the archive; the previous entry's content is skipped. */
    public Entry next() throws IOException {
        if (ended) return null;
        skip(remaining + padding);
        remaining = padding = 0;
        Map<String, byte[]> pax = new LinkedHashMap<>(globalPax);
        byte[] longName = null, longLink = null;
        while (true) {
            if (!readBlock()) {
                ended = true;
                return null;
            }
            if (isZero(header)) { // end of archive (a second zero block and padding may follow)
                ended = true;
                return null;
            }
            checkChecksum();
            char type = (char) (header[156] & 0xff);
            long size = number(124, 12, "size");
            if (size < 0) throw bad("an entry has a negative size");
            switch (type) {
                case 'L' -> longName = trimNul(metadata(size, "GNU long name"));
                case 'K' -> longLink = trimNul(metadata(size, "GNU long link name"));
                case 'x' -> pax.putAll(parsePax(metadata(size, "pax header")));
                case 'g' -> {
                    Map<String, byte[]> global = parsePax(metadata(size, "pax global header"));
                    globalPax.putAll(global);
                    pax.putAll(global);
                }
                case 'V' -> skip(size + pad(size)); // a volume label: no file
                case 'S' -> throw bad("entry \"" + RawNames.display(headerName()) + "\" is a GNU sparse file, which jrkt does not unpack");
                default -> { return entry(type == '\0' ? '0' : type, size, pax, longName, longLink); }
            }
        }
    }

    /** The current entry's content; reading past its end gives -1. */
    public InputStream content() {
        return new InputStream() {
            @Override public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) return -1;
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) throw new EOFException("the archive ends inside an entry");
                remaining -= n;
                return n;
            }
        };
    }

    private Entry entry(char type, long headerSize, Map<String, byte[]> pax, byte[] longName, byte[] longLink) throws IOException {
        for (String key : pax.keySet()) {
            if (key.startsWith("GNU.sparse.")) throw bad("entry \"" + RawNames.display(headerName()) + "\" is a sparse file (pax " + key + "), which jrkt does not unpack");
        }
        String name = pax.containsKey("path") ? RawNames.of(pax.get("path"))
            : longName != null ? RawNames.of(longName) : headerName();
        String linkName = pax.containsKey("linkpath") ? RawNames.of(pax.get("linkpath"))
            : longLink != null ? RawNames.of(longLink) : RawNames.of(field(157, 100));
        long size = pax.containsKey("size") ? paxLong(pax, "size", name) : headerSize;
        if (size < 0) throw bad("entry \"" + RawNames.display(name) + "\" has a negative size");
        long uid = pax.containsKey("uid") ? paxLong(pax, "uid", name) : number(108, 8, "uid");
        long gid = pax.containsKey("gid") ? paxLong(pax, "gid", name) : number(116, 8, "gid");
        if (uid < 0 || uid > 0xfffffffeL || gid < 0 || gid > 0xfffffffeL) {
            throw bad("entry \"" + RawNames.display(name) + "\" has an owner out of range (" + uid + ":" + gid + ")");
        }
        long mtime = pax.containsKey("mtime") ? paxTime(pax, "mtime", name) : number(136, 12, "mtime") * 1_000_000_000L;
        long atime = pax.containsKey("atime") ? paxTime(pax, "atime", name) : -1;
        int mode = (int) (number(100, 8, "mode") & 07777);
        long major = number(329, 8, "devmajor"), minor = number(337, 8, "devminor");
        if (major < 0 || major > 0xfffff || minor < 0 || minor > 0xfffff) {
            throw bad("entry \"" + RawNames.display(name) + "\" has a device number out of range");
        }
        // old tars mark a directory by a trailing slash on a file entry
        if (type == '0' && name.endsWith("/")) type = '5';
        // only files carry content; a size on a link or directory is skipped, not read as a file
        remaining = size;
        padding = pad(size);
        if (type != '0' && type != '7') {
            skip(remaining + padding);
            remaining = padding = 0;
        }
        return new Entry(type, name, linkName, mode, uid, gid, size, mtime, atime, (int) major, (int) minor, xattrs(pax, name));
    }

    /** The name field, with the ustar prefix when there is one (not in GNU headers, which use the space otherwise). */
    private String headerName() {
        byte[] name = field(0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
            && header[261] == 'r' && header[262] == 0;
        if (ustar) {
            byte[] prefix = field(345, 155);
            if (prefix.length > 0) return RawNames.of(prefix) + "/" + RawNames.of(name);
        }
        return RawNames.of(name);
    }

    /** xattrs from SCHILY.xattr.NAME (raw bytes) and LIBARCHIVE.xattr.NAME (base64, %-escaped names; these win). */
    private Map<String, byte[]> xattrs(Map<String, byte[]> pax, String name) throws IOException {
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : pax.entrySet()) {
            if (e.getKey().startsWith("SCHILY.xattr.")) xattrs.put(e.getKey().substring("SCHILY.xattr.".length()), e.getValue());
        }
        for (Map.Entry<String, byte[]> e : pax.entrySet()) {
            if (!e.getKey().startsWith("LIBARCHIVE.xattr.")) continue;
            String attribute = percentDecode(e.getKey().substring("LIBARCHIVE.xattr.".length()));
            try {
                xattrs.put(attribute, Base64.getDecoder().decode(new String(e.getValue(), StandardCharsets.ISO_8859_1).strip()));
            } catch (IllegalArgumentException notBase64) {
                throw bad("entry \"" + RawNames.display(name) + "\" has xattr \"" + attribute + "\" whose value is not base64");
            }
        }
        return xattrs.isEmpty() ? Map.of() : Collections.unmodifiableMap(xattrs);
    }

    /** "LEN KEY=VALUE\n" records; LEN counts the whole record. Keys are text, values kept as bytes. */
    private Map<String, byte[]> parsePax(byte[] data) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        int pos = 0;
        while (pos < data.length) {
            if (data[pos] == 0) break; // some writers pad with NULs
            int space = pos;
            while (space < data.length && data[space] >= '0' && data[space] <= '9' && space - pos < 10) space++;
            if (space == pos || space >= data.length || data[space] != ' ') throw bad("a pax header record has no length");
            int length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            int end = pos + length;
            if (length <= space - pos + 1 || end > data.length || data[end - 1] != '\n') throw bad("a pax header record has a wrong length");
            int eq = space + 1;
            while (eq < end && data[eq] != '=') eq++;
            if (eq >= end) throw bad("a pax header record has no '='");
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            out.put(key, Arrays.copyOfRange(data, eq + 1, end - 1));
            pos = end;
        }
        // an empty value removes the key (pax: "the value is deleted")
        out.values().removeIf(v -> v.length == 0);
        return out;
    }

    private long paxLong(Map<String, byte[]> pax, String key, String name) throws IOException {
        String text = new String(pax.get(key), StandardCharsets.US_ASCII);
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(Character::isDigit)) {
            throw bad("entry \"" + RawNames.display(name) + "\" has a pax " + key + " that is not a number");
        }
        return Long.parseLong(text);
    }

    /** "1700000000.5" (seconds, with up to 9 decimals; may be negative) as nanoseconds. */
    private long paxTime(Map<String, byte[]> pax, String key, String name) throws IOException {
        String text = new String(pax.get(key), StandardCharsets.US_ASCII);
        if (!text.matches("-?[0-9]{1,12}(\\.[0-9]{0,9}[0-9]*)?") || text.length() > 40) {
            throw bad("entry \"" + RawNames.display(name) + "\" has a pax " + key + " that is not a time");
        }
        int dot = text.indexOf('.');
        String seconds = dot < 0 ? text : text.substring(0, dot);
        String fraction = dot < 0 ? "" : text.substring(dot + 1);
        fraction = (fraction + "000000000").substring(0, 9);
        long s = Long.parseLong(seconds);
        long nanos = Long.parseLong(fraction);
        return text.startsWith("-") ? s * 1_000_000_000L - nanos : s * 1_000_000_000L + nanos;
    }

    /** A numeric header field: octal text (NUL or space terminated), or base-256 when the top bit is set. */
    private long number(int offset, int length, String what) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            boolean negative = (header[offset] & 0x40) != 0;
            long value = header[offset] & 0x3f;
            for (int i = 1; i < length; i++) {
                if ((value >>> 55) != 0) throw bad("a header's " + what + " is too large");
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return negative ? -1 : value;
        }
        long value = 0;
        int i = offset, end = offset + length;
        while (i < end && (header[i] == ' ' || header[i] == 0)) i++;
        for (; i < end; i++) {
            byte b = header[i];
            if (b == 0 || b == ' ') break;
            if (b < '0' || b > '7') throw bad("a header's " + what + " is not an octal number");
            value = (value << 3) | (b - '0');
        }
        return value;
    }

    private void checkChecksum() throws IOException {
        long expected = number(148, 8, "checksum");
        long unsigned = 0, signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : header[i];
            unsigned += b & 0xff;
            signed += (i >= 148 && i < 156) ? ' ' : header[i];
        }
        if (expected != unsigned && expected != signed) throw bad("a header has a wrong checksum (not a tar archive, or a damaged one)");
    }

    private byte[] metadata(long size, String what) throws IOException {
        if (size > maxMetadata) {
            throw bad("a " + what + " of " + size + " bytes is larger than the " + maxMetadata + " bytes accepted");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) throw new EOFException("the archive ends inside a " + what);
        skip(pad(size));
        return data;
    }

    private byte[] field(int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) end++;
        return Arrays.copyOfRange(header, offset, end);
    }

    private static byte[] trimNul(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        return end == b.length ? b : Arrays.copyOf(b, end);
    }

    /** Reads a whole header block; false at the end of input before any byte of it. */
    private boolean readBlock() throws IOException {
        int n = in.readNBytes(header, 0, BLOCK);
        if (n == 0) return false;
        if (n < BLOCK) throw new EOFException("the archive ends inside a header");
        return true;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            int read = in.read(scratch, 0, (int) Math.min(scratch.length, n));
            if (read < 0) throw new EOFException("the archive ends inside an entry");
            n -= read;
        }
    }

    private static long pad(long size) { return (BLOCK - size % BLOCK) % BLOCK; }

    private static boolean isZero(byte[] block) {
        for (byte b : block) if (b != 0) return false;
        return true;
    }

    private static String percentDecode(String encoded) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            int high = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
            int low = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 2), 16) : -1;
            if (c == '%' && high >= 0 && low >= 0) {
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static UnsafeArchiveException bad(String what) { return new UnsafeArchiveException("not a valid tar archive: " + what); }
}
