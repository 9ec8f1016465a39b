package jrkt.core.isolation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The x86_64 system calls by name and number (the table is the resource
 * {@code syscalls-x86_64.txt}, taken from the kernel's syscall_64.tbl). seccomp filters name
 * calls by these names; a name not in the table is refused rather than ignored.
 */
public final class Syscalls {
    private Syscalls() {}

    /** Name → number, in number order. */
    public static final Map<String, Integer> X86_64 = load();

    /** The highest number the table knows: a filter answers ENOSYS above it (a newer kernel's calls). */
    public static final int MAX_KNOWN = X86_64.values().stream().mapToInt(Integer::intValue).max().orElseThrow();

    /** The call's number, or -1 when x86_64 has no call of that name. */
    public static int number(String name) {
        Integer n = X86_64.get(name);
        return n == null ? -1 : n;
    }

    private static Map<String, Integer> load() {
        Map<String, Integer> byName = new LinkedHashMap<>();
        try (InputStream in = Syscalls.class.getResourceAsStream("syscalls-x86_64.txt")) {
            if (in == null) throw new IllegalStateException("syscalls-x86_64.txt is missing from the jrkt-core jar");
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.trim().split("\\s+");
                if (f.length != 2 || byName.put(f[0], Integer.parseInt(f[1])) != null) {
                    throw new IllegalStateException("syscalls-x86_64.txt: bad line: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        byName.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return Collections.unmodifiableMap(sorted);
    }
}
