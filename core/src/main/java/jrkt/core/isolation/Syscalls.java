package jrkt.core.isolation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The x86_64 system calls by name and number (the table is the resource
 * {@code syscalls-x86_64.txt}, taken from the kernel's syscall_64.tbl). seccomp filters name
 * calls by these names; a name not in the table is refused rather than ignored.
 */
public final class Syscalls {
    private Syscalls() {}

    /** Name → number, in number order. */
    public static final Map<String, Integer> X86_64;

    /** The highest number the table knows: a filter answers ENOSYS above it (a newer kernel's calls). */
    public static final int MAX_KNOWN;

    static {
        String[] byNumber = load();
        Map<String, Integer> sorted = new LinkedHashMap<>();
        for (int n = 0; n < byNumber.length; n++) if (byNumber[n] != null) sorted.put(byNumber[n], n);
        X86_64 = Collections.unmodifiableMap(sorted);
        MAX_KNOWN = byNumber.length - 1;
    }

    /** The call's number, or -1 when x86_64 has no call of that name. */
    public static int number(String name) {
        Integer n = X86_64.get(name);
        return n == null ? -1 : n;
    }

    /** The table's names by number. Parsed by hand: every seccomp filter of the run path reads it (no regex). */
    private static String[] load() {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (InputStream in = Syscalls.class.getResourceAsStream("syscalls-x86_64.txt")) {
            if (in == null) throw new IllegalStateException("syscalls-x86_64.txt is missing from the jrkt-core jar");
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
                int space = 0;
                while (space < trimmed.length() && !Character.isWhitespace(trimmed.charAt(space))) space++;
                String name = trimmed.substring(0, space), number = trimmed.substring(space).strip();
                int n = number.isEmpty() || number.length() > 6 ? -1 : 0;
                for (int i = 0; i < number.length() && n >= 0; i++) {
                    char c = number.charAt(i);
                    n = c >= '0' && c <= '9' ? n * 10 + (c - '0') : -1;
                }
                if (name.isEmpty() || n < 0 || !seen.add(name)) throw new IllegalStateException("syscalls-x86_64.txt: bad line: " + line);
                while (names.size() <= n) names.add(null);
                if (names.get(n) != null) throw new IllegalStateException("syscalls-x86_64.txt: bad line: " + line);
                names.set(n, name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names.toArray(new String[0]);
    }
}
