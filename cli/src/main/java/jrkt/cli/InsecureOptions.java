package jrkt.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** The names --insecure-options accepts, as rkt had them, and what the group names stand for. */
public final class InsecureOptions {
    private InsecureOptions() {}

    public static final List<String> FETCH = List.of("image", "tls", "http", "pubkey");
    /** "devices": renders create the device nodes images ship (jrkt's own; rkt had no such check). */
    public static final List<String> RUN = List.of("ondisk", "capabilities", "paths", "seccomp", "devices");

    private static final Map<String, List<String>> GROUPS = Map.of(
            "none", List.of(),
            "all-fetch", FETCH,
            "all-run", RUN,
            "all", concat(FETCH, RUN));

    /** Every accepted name, in the order help shows them. */
    public static final List<String> NAMES = List.of(
            "none", "image", "tls", "ondisk", "http", "pubkey", "capabilities", "paths", "seccomp", "devices",
            "all-fetch", "all-run", "all");

    /** The basic names a name stands for: itself, or the members of a group. */
    public static List<String> expand(String name) {
        List<String> group = GROUPS.get(name);
        return group != null ? group : List.of(name);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** Rejects unknown names; picocli then reports them with the option's name. */
    public static final class Converter implements CommandLine.ITypeConverter<String> {
        @Override public String convert(String value) {
            String name = value.trim();
            if (!NAMES.contains(name)) {
                throw new CommandLine.TypeConversionException(
                        "unknown insecure option '" + name + "'; valid: " + String.join(", ", NAMES));
            }
            return name;
        }
    }

    /** For help and shell completion. */
    public static final class Names extends ArrayList<String> {
        public Names() { super(NAMES); }
    }
}
