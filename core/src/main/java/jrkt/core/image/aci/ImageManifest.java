package jrkt.core.image.aci;

import static jrkt.core.image.aci.SchemaReader.absolutePath;
import static jrkt.core.image.aci.SchemaReader.acName;
import static jrkt.core.image.aci.SchemaReader.array;
import static jrkt.core.image.aci.SchemaReader.child;
import static jrkt.core.image.aci.SchemaReader.identifier;
import static jrkt.core.image.aci.SchemaReader.index;
import static jrkt.core.image.aci.SchemaReader.integer;
import static jrkt.core.image.aci.SchemaReader.invalid;
import static jrkt.core.image.aci.SchemaReader.object;
import static jrkt.core.image.aci.SchemaReader.optionalArray;
import static jrkt.core.image.aci.SchemaReader.optionalBoolean;
import static jrkt.core.image.aci.SchemaReader.optionalObject;
import static jrkt.core.image.aci.SchemaReader.optionalString;
import static jrkt.core.image.aci.SchemaReader.requiredNonEmptyString;
import static jrkt.core.image.aci.SchemaReader.requiredString;
import static jrkt.core.image.aci.SchemaReader.show;
import static jrkt.core.image.aci.SchemaReader.string;
import static jrkt.core.image.aci.SchemaReader.strings;
import static jrkt.core.image.aci.SchemaReader.wrongType;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jrkt.core.json.Json;
import jrkt.core.json.JsonException;

/**
 * An appc image manifest, parsed and validated against the appc schema
 * (https://github.com/appc/spec/blob/master/spec/aci.md#image-manifest-schema).
 * Labels and annotations keep their order. {@code json} is the manifest as parsed, for
 * cat-manifest and for fields jrkt does not model.
 */
public record ImageManifest(
        String acKind,
        String acVersion,
        String name,
        Map<String, String> labels,
        App app,                      // null when the image has no app
        List<Dependency> dependencies,
        List<String> pathWhitelist,
        Map<String, String> annotations,
        Map<String, Object> json) {

    /** os label value → allowed arch label values; appc's types.ValidOSArch. */
    public static final Map<String, List<String>> VALID_OS_ARCH = orderedMap(
            "linux", List.of("amd64", "i386", "aarch64", "aarch64_be", "armv6l", "armv7l", "armv7b", "ppc64", "ppc64le", "s390x"),
            "freebsd", List.of("amd64", "i386", "arm"),
            "darwin", List.of("x86_64", "i386"));

    /** Parses and validates; throws InvalidManifestException naming the offending field. */
    public static ImageManifest parse(byte[] json) { return parse(json, Json.Limits.DEFAULT); }

    /** Parses within these limits (an image being imported), and validates. */
    public static ImageManifest parse(byte[] json, Json.Limits limits) {
        Object root;
        try {
            root = Json.parse(json, limits);
        } catch (JsonException e) {
            throw new InvalidManifestException("manifest: " + e.getMessage());
        }
        if (!(root instanceof Map)) throw new InvalidManifestException("manifest: must be a JSON object but is " + SchemaReader.typeOf(root));
        Map<String, Object> m = Json.asObject(root);

        String acKind = requiredString(m, "acKind", "");
        if (!acKind.equals("ImageManifest")) throw invalid("acKind", show(acKind) + " must be \"ImageManifest\"");
        String acVersion = requiredString(m, "acVersion", "");
        if (!isSemVer(acVersion)) throw invalid("acVersion", show(acVersion) + " is not a semantic version (like 0.8.11)");
        String name = identifier(m, "name", "");

        Map<String, String> labels = labels(optionalArray(m, "labels", ""), "labels");
        Map<String, Object> appJson = optionalObject(m, "app", "");
        App app = appJson == null ? null : app(appJson, "app");

        List<Object> depsJson = optionalArray(m, "dependencies", "");
        List<Dependency> dependencies = new ArrayList<>(depsJson.size());
        for (int i = 0; i < depsJson.size(); i++) dependencies.add(dependency(depsJson.get(i), index("dependencies", i)));

        List<Object> whitelistJson = optionalArray(m, "pathWhitelist", "");
        List<String> pathWhitelist = new ArrayList<>(whitelistJson.size());
        for (int i = 0; i < whitelistJson.size(); i++) pathWhitelist.add(absolutePath(whitelistJson.get(i), index("pathWhitelist", i)));

        Map<String, String> annotations = annotations(optionalArray(m, "annotations", ""), "annotations");

        return new ImageManifest(acKind, acVersion, name, labels, app, List.copyOf(dependencies),
                List.copyOf(pathWhitelist), annotations, Collections.unmodifiableMap(m));
    }

    /** The manifest as parsed (for cat-manifest), including fields jrkt does not model. */
    public Map<String, Object> toJson() { return json; }

    /** The "version" label, or null. */
    public String version() { return labels.get("version"); }

    public record Dependency(String imageName, String imageId /* nullable */, Map<String, String> labels, long size) {}

    public record App(
            List<String> exec,               // may be empty for an app without exec (dependency images)
            String user,
            String group,
            List<Integer> supplementaryGids,
            String workingDirectory,         // null when absent
            List<EnvVar> environment,
            List<EventHandler> eventHandlers,
            List<MountPoint> mountPoints,
            List<Port> ports,
            List<Isolator> isolators) {}

    public record EnvVar(String name, String value) {}

    /** name is "pre-start" or "post-stop". */
    public record EventHandler(String name, List<String> exec) {}

    public record MountPoint(String name, String path, boolean readOnly) {}

    public record Port(String name, String protocol, int port, int count, boolean socketActivated) {}

    /** value is the isolator's JSON value as parsed (a Map for every appc isolator). */
    public record Isolator(String name, Object value) {}

    // ---- validation ----------------------------------------------------------------------

    // The checks of every manifest read are written out rather than regexes: compiling those at
    // class initialisation cost every run (the store's manifests are parsed at each start).

    /** SemVer 2.0.0 (semver.org): no leading zeros in numeric parts, dot-separated pre-release and build; appc refuses 0.0.0 too (schema/types/semver.go). */
    static boolean isSemVer(String s) {
        if (s.equals("0.0.0")) return false;
        int plus = s.indexOf('+');
        String build = plus < 0 ? null : s.substring(plus + 1);
        String rest = plus < 0 ? s : s.substring(0, plus);
        int dash = rest.indexOf('-');
        String pre = dash < 0 ? null : rest.substring(dash + 1);
        String[] core = (dash < 0 ? rest : rest.substring(0, dash)).split("\\.", -1);
        if (core.length != 3) return false;
        for (String n : core) if (!isNumericId(n)) return false;
        if (pre != null) {
            for (String id : pre.split("\\.", -1)) {
                if (id.isEmpty() || !isAlphanumericIds(id)) return false;
                if (allDigits(id) && !isNumericId(id)) return false; // a number, but with a leading zero
            }
        }
        if (build != null) for (String id : build.split("\\.", -1)) if (id.isEmpty() || !isAlphanumericIds(id)) return false;
        return true;
    }

    /** "0" or digits without a leading zero. */
    private static boolean isNumericId(String s) { return !s.isEmpty() && allDigits(s) && (s.length() == 1 || s.charAt(0) != '0'); }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }

    /** [0-9A-Za-z-]* */
    private static boolean isAlphanumericIds(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-')) return false;
        }
        return true;
    }

    /** POSIX names plus '.' and '-' (aci.md, environment; schema/types/environment.go): [A-Za-z_][A-Za-z0-9_.-]* */
    static boolean isEnvName(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_';
            if (!(letter || i > 0 && (c >= '0' && c <= '9' || c == '.' || c == '-'))) return false;
        }
        return true;
    }

    /** sha512- and 1 to 128 lower-case hex digits. */
    static boolean isImageId(String s) {
        if (!s.startsWith("sha512-") || s.length() == 7 || s.length() > 7 + 128) return false;
        for (int i = 7; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) return false;
        }
        return true;
    }

    /** RFC 3339 date-time (section 5.6); OffsetDateTime then checks the ranges (month 13, Feb 30...). Compiled when first needed. */
    private static final class Rfc3339 {
        static final Pattern PATTERN = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})");
    }

    private static final Set<String> EVENT_HANDLER_NAMES = Set.of("pre-start", "post-stop");

    /** Labels of the manifest or of a dependency: unique AC Identifier names, not "name", known os/arch. */
    static Map<String, String> labels(List<Object> list, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String p = index(path, i);
            Map<String, Object> label = object(list.get(i), p);
            String name = identifier(label, "name", p);
            if (name.equals("name")) throw invalid(child(p, "name"), "\"name\" is not allowed as a label name (the image name is its own field)");
            if (position.containsKey(name)) {
                throw invalid(child(p, "name"), show(name) + " duplicates " + index(path, position.get(name)) + ".name");
            }
            position.put(name, i);
            out.put(name, requiredString(label, "value", p));
        }
        // As in appc: arch is meaningful only with os, so it is checked only when os is given.
        String os = out.get("os");
        if (os != null) {
            List<String> arches = VALID_OS_ARCH.get(os);
            if (arches == null) {
                throw invalid(index(path, position.get("os")) + ".value",
                        show(os) + " is not a supported os (" + String.join(", ", VALID_OS_ARCH.keySet()) + ")");
            }
            String arch = out.get("arch");
            if (arch != null && !arches.contains(arch)) {
                throw invalid(index(path, position.get("arch")) + ".value",
                        show(arch) + " is not a supported arch for os " + os + " (" + String.join(", ", arches) + ")");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    static Map<String, String> annotations(List<Object> list, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String p = index(path, i);
            Map<String, Object> annotation = object(list.get(i), p);
            String name = identifier(annotation, "name", p);
            if (position.containsKey(name)) {
                throw invalid(child(p, "name"), show(name) + " duplicates " + index(path, position.get(name)) + ".name");
            }
            position.put(name, i);
            String value = requiredString(annotation, "value", p);
            String valuePath = child(p, "value");
            switch (name) {
                case "created" -> {
                    if (!isRfc3339(value)) throw invalid(valuePath, show(value) + " is not an RFC 3339 timestamp (like 2014-10-27T19:32:27Z)");
                }
                case "homepage", "documentation" -> {
                    if (!isHttpUrl(value)) throw invalid(valuePath, show(value) + " is not an http or https URL");
                }
                default -> { }
            }
            out.put(name, value);
        }
        return Collections.unmodifiableMap(out);
    }

    static boolean isRfc3339(String s) {
        if (!Rfc3339.PATTERN.matcher(s).matches()) return false;
        try {
            OffsetDateTime.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static boolean isHttpUrl(String s) {
        try {
            URI uri = new URI(s);
            String scheme = uri.getScheme();
            return scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static App app(Map<String, Object> a, String path) {
        List<String> exec = exec(optionalArray(a, "exec", path), child(path, "exec"), false);
        String user = requiredNonEmptyString(a, "user", path);
        String group = requiredNonEmptyString(a, "group", path);

        // Go's JSON decoder matches keys case-insensitively; the spec's text and example disagree on the
        // spelling ("supplementaryGIDs" vs "supplementaryGids"), so both are read.
        String gidsKey = a.containsKey("supplementaryGIDs") ? "supplementaryGIDs" : "supplementaryGids";
        if (a.containsKey("supplementaryGIDs") && a.containsKey("supplementaryGids")) {
            throw invalid(child(path, "supplementaryGids"), "and " + child(path, "supplementaryGIDs") + " are both given");
        }
        List<Object> gidsJson = optionalArray(a, gidsKey, path);
        List<Integer> gids = new ArrayList<>(gidsJson.size());
        for (int i = 0; i < gidsJson.size(); i++) {
            gids.add((int) integer(gidsJson.get(i), index(child(path, gidsKey), i), 0, Integer.MAX_VALUE));
        }

        String workingDirectory = optionalString(a, "workingDirectory", path);
        if (workingDirectory != null && workingDirectory.isEmpty()) workingDirectory = null; // Go's omitempty: "" means unset
        if (workingDirectory != null) absolutePath(workingDirectory, child(path, "workingDirectory"));

        List<EnvVar> environment = environment(optionalArray(a, "environment", path), child(path, "environment"));
        List<EventHandler> eventHandlers = eventHandlers(optionalArray(a, "eventHandlers", path), child(path, "eventHandlers"));
        List<MountPoint> mountPoints = mountPoints(optionalArray(a, "mountPoints", path), child(path, "mountPoints"));
        List<Port> ports = ports(optionalArray(a, "ports", path), child(path, "ports"));
        List<Isolator> isolators = Isolators.read(optionalArray(a, "isolators", path), child(path, "isolators"));

        stringMap(a, "userAnnotations", path);
        stringMap(a, "userLabels", path);

        return new App(exec, user, group, List.copyOf(gids), workingDirectory, environment, eventHandlers,
                mountPoints, ports, isolators);
    }

    /**
     * An exec array. The spec (aci.md, app.exec) lets exec[0] be a bare command name looked up in
     * PATH; a name with a slash that is not absolute would depend on the working directory, so it is refused.
     */
    private static List<String> exec(List<Object> list, String path, boolean required) {
        if (required && list.isEmpty()) throw invalid(path, "must not be empty");
        List<String> exec = strings(list, path);
        if (!exec.isEmpty()) {
            String first = exec.getFirst();
            String p = index(path, 0);
            if (first.isEmpty()) throw invalid(p, "must not be empty");
            if (first.contains("/") && !first.startsWith("/")) {
                throw invalid(p, show(first) + " must be an absolute path (or a command name without '/', looked up in PATH)");
            }
        }
        return exec;
    }

    private static List<EnvVar> environment(List<Object> list, String path) {
        List<EnvVar> out = new ArrayList<>(list.size());
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String p = index(path, i);
            Map<String, Object> e = object(list.get(i), p);
            String name = requiredString(e, "name", p);
            if (name.isEmpty()) throw invalid(child(p, "name"), "must not be empty");
            if (!isEnvName(name)) {
                throw invalid(child(p, "name"), show(name) + " is not a valid environment variable name (letters, digits, '_', '.', '-'; not starting with a digit, '.' or '-')");
            }
            if (position.containsKey(name)) throw invalid(child(p, "name"), show(name) + " duplicates " + index(path, position.get(name)) + ".name");
            position.put(name, i);
            out.add(new EnvVar(name, requiredString(e, "value", p)));
        }
        return List.copyOf(out);
    }

    private static List<EventHandler> eventHandlers(List<Object> list, String path) {
        List<EventHandler> out = new ArrayList<>(list.size());
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String p = index(path, i);
            Map<String, Object> h = object(list.get(i), p);
            String name = requiredString(h, "name", p);
            if (!EVENT_HANDLER_NAMES.contains(name)) throw invalid(child(p, "name"), show(name) + " must be \"pre-start\" or \"post-stop\"");
            if (position.containsKey(name)) throw invalid(child(p, "name"), show(name) + " duplicates " + index(path, position.get(name)) + ".name");
            position.put(name, i);
            Object execJson = h.get("exec");
            if (execJson == null) throw invalid(child(p, "exec"), "is required");
            out.add(new EventHandler(name, exec(array(execJson, child(p, "exec")), child(p, "exec"), true)));
        }
        return List.copyOf(out);
    }

    private static List<MountPoint> mountPoints(List<Object> list, String path) {
        List<MountPoint> out = new ArrayList<>(list.size());
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String p = index(path, i);
            Map<String, Object> mp = object(list.get(i), p);
            String name = acName(mp, "name", p);
            if (position.containsKey(name)) throw invalid(child(p, "name"), show(name) + " duplicates " + index(path, position.get(name)) + ".name");
            position.put(name, i);
            Object pathJson = mp.get("path");
            if (pathJson == null) throw invalid(child(p, "path"), "is required");
            String mountPath = absolutePath(pathJson, child(p, "path"));
            out.add(new MountPoint(name, mountPath, optionalBoolean(mp, "readOnly", p, false)));
        }
        return List.copyOf(out);
    }

    private static List<Port> ports(List<Object> list, String path) {
        List<Port> out = new ArrayList<>(list.size());
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String p = index(path, i);
            Map<String, Object> port = object(list.get(i), p);
            String name = acName(port, "name", p);
            if (position.containsKey(name)) throw invalid(child(p, "name"), show(name) + " duplicates " + index(path, position.get(name)) + ".name");
            position.put(name, i);
            String protocol = requiredNonEmptyString(port, "protocol", p);
            if (port.get("port") == null) throw invalid(child(p, "port"), "is required");
            int number = (int) integer(port.get("port"), child(p, "port"), 1, 65535);
            // appc's Go types write an unset count as 0 and read 0 as 1, so 0 is accepted as "unset".
            int count = 1;
            if (port.get("count") != null) {
                count = (int) integer(port.get("count"), child(p, "count"), 0, 65535);
                if (count == 0) count = 1;
            }
            if (number + count - 1 > 65535) {
                throw invalid(child(p, "count"), count + " makes the range " + number + "-" + (number + count - 1) + " end past port 65535");
            }
            out.add(new Port(name, protocol, number, count, optionalBoolean(port, "socketActivated", p, false)));
        }
        return List.copyOf(out);
    }

    private static Dependency dependency(Object json, String path) {
        Map<String, Object> d = object(json, path);
        String imageName = identifier(d, "imageName", path);
        String imageId = optionalString(d, "imageID", path);
        if (imageId != null && !isImageId(imageId)) {
            throw invalid(child(path, "imageID"), show(imageId) + " is not an image ID (sha512-<lowercase hex>)");
        }
        Map<String, String> labels = labels(optionalArray(d, "labels", path), child(path, "labels"));
        long size = d.get("size") == null ? 0 : integer(d.get("size"), child(path, "size"), 0, Long.MAX_VALUE);
        return new Dependency(imageName, imageId, labels, size);
    }

    /** userAnnotations and userLabels: objects whose values are all strings. */
    private static void stringMap(Map<String, Object> parent, String key, String path) {
        Map<String, Object> map = optionalObject(parent, key, path);
        if (map == null) return;
        for (Map.Entry<String, Object> e : map.entrySet()) string(e.getValue(), child(child(path, key), e.getKey()));
    }

    /** Validation of isolator values whose names appc defines (spec/ace.md; schema/types/isolator_*.go). */
    static final class Isolators {
        private Isolators() {}

        /** appc isolators that may appear only once per app. */
        private static final Set<String> SINGLE = Set.of(
                "os/linux/seccomp-retain-set", "os/linux/seccomp-remove-set", "os/linux/oom-score-adj",
                "os/linux/cpu-shares", "os/linux/selinux-context", "os/linux/apparmor-profile", "os/unix/sysctl");

        /** Pairs that exclude each other (ace.md: seccomp sets; capability retain vs remove set). */
        private static final Map<String, String> CONFLICTS = Map.of(
                "os/linux/seccomp-retain-set", "os/linux/seccomp-remove-set",
                "os/linux/seccomp-remove-set", "os/linux/seccomp-retain-set",
                "os/linux/capabilities-retain-set", "os/linux/capabilities-remove-set",
                "os/linux/capabilities-remove-set", "os/linux/capabilities-retain-set");

        /** Compiled when a seccomp isolator is first read, not with every manifest. */
        private static final class SeccompPatterns {
            static final Pattern SYSCALL = Pattern.compile("[a-z0-9_]+|@[^\\s/]+(/[^\\s/]+)+");
            static final Pattern ERRNO = Pattern.compile("E[A-Z0-9]*");
        }

        static List<Isolator> read(List<Object> list, String path) {
            List<Isolator> out = new ArrayList<>(list.size());
            Map<String, Integer> position = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                String p = index(path, i);
                Map<String, Object> iso = object(list.get(i), p);
                String name = identifier(iso, "name", p);
                Object value = iso.get("value");
                if (value == null) throw invalid(child(p, "value"), "is required");
                checkValue(name, value, child(p, "value"));
                if (SINGLE.contains(name) && position.containsKey(name)) {
                    throw invalid(child(p, "name"), show(name) + " may be given only once (see " + index(path, position.get(name)) + ")");
                }
                String conflict = CONFLICTS.get(name);
                if (conflict != null && position.containsKey(conflict)) {
                    throw invalid(child(p, "name"), show(name) + " cannot be combined with " + show(conflict) + " (" + index(path, position.get(conflict)) + ")");
                }
                position.putIfAbsent(name, i);
                out.add(new Isolator(name, value));
            }
            return List.copyOf(out);
        }

        private static void checkValue(String name, Object value, String path) {
            switch (name) {
                case "resource/cpu", "resource/memory" -> resource(name, value, path, false);
                case "resource/block-bandwidth", "resource/block-iops", "resource/network-bandwidth" -> resource(name, value, path, true);
                case "os/linux/capabilities-retain-set", "os/linux/capabilities-remove-set" -> {
                    List<String> set = nonEmptySet(object(value, path), path);
                    for (int i = 0; i < set.size(); i++) {
                        if (LinuxCapability.number(set.get(i)) < 0) {
                            throw invalid(index(child(path, "set"), i), show(set.get(i)) + " is not a Linux capability (like CAP_NET_BIND_SERVICE)");
                        }
                    }
                }
                case "os/linux/seccomp-retain-set", "os/linux/seccomp-remove-set" -> {
                    Map<String, Object> v = object(value, path);
                    List<String> set = nonEmptySet(v, path);
                    for (int i = 0; i < set.size(); i++) {
                        if (!SeccompPatterns.SYSCALL.matcher(set.get(i)).matches()) {
                            throw invalid(index(child(path, "set"), i), show(set.get(i)) + " is not a syscall name or an @scope/wildcard");
                        }
                    }
                    String errno = optionalString(v, "errno", path);
                    if (errno != null && !errno.isEmpty() && !SeccompPatterns.ERRNO.matcher(errno).matches()) {
                        throw invalid(child(path, "errno"), show(errno) + " is not an errno name (like EPERM)");
                    }
                }
                case "os/linux/no-new-privileges" -> {
                    if (!(value instanceof Boolean)) throw wrongType(path, "a boolean", value);
                }
                case "os/linux/oom-score-adj" -> integer(value, path, -1000, 1000);
                case "os/linux/cpu-shares" -> integer(value, path, 2, 262144);
                case "os/linux/selinux-context" -> {
                    Map<String, Object> v = object(value, path);
                    for (String part : List.of("user", "role", "type")) {
                        String s = requiredNonEmptyString(v, part, path);
                        if (s.contains(":")) throw invalid(child(path, part), show(s) + " must not contain ':'");
                    }
                    requiredNonEmptyString(v, "level", path);
                }
                case "os/linux/apparmor-profile" -> requiredNonEmptyString(object(value, path), "profile", path);
                case "os/unix/sysctl" -> {
                    for (Map.Entry<String, Object> e : object(value, path).entrySet()) string(e.getValue(), child(path, e.getKey()));
                }
                default -> { } // unknown isolators are opaque: an executor may ignore them (ace.md, Isolators)
            }
        }

        private static List<String> nonEmptySet(Map<String, Object> v, String path) {
            Object setJson = v.get("set");
            if (setJson == null) throw invalid(child(path, "set"), "is required");
            List<String> set = strings(array(setJson, child(path, "set")), child(path, "set"));
            if (set.isEmpty()) throw invalid(child(path, "set"), "must not be empty");
            return set;
        }

        /** Resource isolators: cpu/memory must not set default; the per-device ones must set it and take no request. */
        private static void resource(String name, Object value, String path, boolean defaultRequired) {
            Map<String, Object> v = object(value, path);
            boolean isDefault = optionalBoolean(v, "default", path, false);
            if (defaultRequired && !isDefault) throw invalid(child(path, "default"), "must be true for " + name);
            if (!defaultRequired && isDefault) throw invalid(child(path, "default"), "must be false for " + name);
            if (defaultRequired && v.get("request") != null) throw invalid(child(path, "request"), "is not supported by " + name);
            quantity(v, "request", path);
            quantity(v, "limit", path);
        }

        private static void quantity(Map<String, Object> v, String key, String path) {
            Object q = v.get(key);
            String p = child(path, key);
            switch (q) {
                case null -> { }
                case String s -> {
                    try {
                        Quantity.parse(s);
                    } catch (IllegalArgumentException e) {
                        throw invalid(p, show(s) + " is not a quantity (like 500m, 1G, 512Mi): it " + e.getMessage());
                    }
                }
                case Long n -> {
                    if (n < 0) throw invalid(p, n + " must not be negative");
                }
                case BigDecimal n -> {
                    if (n.signum() < 0) throw invalid(p, n + " must not be negative");
                }
                default -> throw wrongType(p, "a quantity string", q);
            }
        }
    }

    private static <V> Map<String, V> orderedMap(String k1, V v1, String k2, V v2, String k3, V v3) {
        Map<String, V> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        m.put(k3, v3);
        return Collections.unmodifiableMap(m);
    }
}
