package jrkt.core.pod.stage1;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.json.Json;
import jrkt.core.store.ImageInfo;
import jrkt.core.store.Lease;
import jrkt.core.store.Store;

/**
 * Picks the stage1 image of a new pod. --stage1-path imports a file, --stage1-hash picks from
 * the store, --stage1-name picks a flavor this installation builds (imported from
 * {@code $jrkt.home/stage1/target/}, once, and again only when the file is newer) or else an image
 * in the store. Without a flag, the flavor {@code stage1.json} names ({@code {"name": "..."}}, in
 * the local then the system config directory), else {@link #DEFAULT_NAME}.
 */
public final class Stage1Images {
    public static final String DEFAULT_NAME = "jrkt.io/stage1-default";
    static final String CONFIG = "stage1.json";

    /** The flavors the build makes, by image name, with their files below the installation. */
    public static final Map<String, String> BUILT_IN = builtIn();

    private static Map<String, String> builtIn() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(DEFAULT_NAME, "stage1/target/stage1-default.aci");
        m.put("jrkt.io/stage1-fly", "stage1/target/stage1-fly.aci");
        m.put("jrkt.io/stage1-kvm", "stage1/target/stage1-kvm.aci");
        return java.util.Collections.unmodifiableMap(m);
    }

    private final Store store;
    private final Path home;

    /** home: the installation directory ({@code jrkt.home}), or null when unknown. */
    public Stage1Images(Store store, Path home) {
        this.store = store;
        this.home = home;
    }

    /** Where the build leaves a built-in flavor's image, or null. */
    public static Path builtInFile(Path home, String name) {
        String file = BUILT_IN.get(name);
        return home == null || file == null ? null : home.resolve(file);
    }

    /** The stage1 image's ID, held by lease (an image gc running meanwhile cannot remove it). */
    public String select(Lease lease, Path path, String name, String hash, String configuredDefault) throws IOException {
        int given = (path != null ? 1 : 0) + (name != null ? 1 : 0) + (hash != null ? 1 : 0);
        if (given > 1) throw new JrktException("give only one of --stage1-path, --stage1-name and --stage1-hash");
        if (hash != null) {
            if (!hash.matches("(sha512-)?[0-9a-f]+")) throw new JrktException("--stage1-hash " + hash + ": not an image ID (sha512-HEX or a prefix)");
            return lease.resolve(hash.startsWith("sha512-") ? hash : "sha512-" + hash).id();
        }
        if (name != null && name.startsWith("sha512-")) throw new JrktException("--stage1-name " + name + ": that is an image ID; use --stage1-hash");
        String wanted = name != null ? name : configuredDefault != null ? configuredDefault : DEFAULT_NAME;
        Path file = path != null ? path : builtInFile(home, wanted);
        if (file == null) return lease.resolve(wanted).id();
        // An import can be collected by an image gc before the lease holds it: then import again.
        for (int attempt = 1; ; attempt++) {
            String id = path != null ? store.importAci(path, path.toAbsolutePath().normalize().toUri().toString()).id()
                : builtInImage(wanted, file);
            try {
                lease.image(id);
                return id;
            } catch (JrktException gone) {
                if (attempt == 3) throw gone;
            }
        }
    }

    /** The built-in flavor's image, imported again only when its file is newer than the import. */
    private String builtInImage(String name, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new JrktException("stage1 image " + name + ": " + file + " does not exist (build it: ./mvnw package), or give --stage1-path");
        }
        String source = fileUri(file.toAbsolutePath().normalize());
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        ImageInfo newest = null;
        for (ImageInfo image : store.listImagesNamed(name)) { // only the stage1 rows, not the whole store
            if (!source.equals(image.sourceUrl())) continue;
            if (newest == null || image.importTime().isAfter(newest.importTime())) newest = image;
        }
        if (newest != null && !newest.importTime().isBefore(modified)) return newest.id();
        return store.importAci(file, source).id();
    }

    /**
     * The file: URL of a regular file, as Path.toUri writes it; a path of only the characters it
     * leaves as they are is written out here (its first use costs a run 0.1-0.2 ms).
     */
    static String fileUri(Path absolute) {
        String p = absolute.toString();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "/._-~".indexOf(c) >= 0)) {
                return absolute.toUri().toString();
            }
        }
        return "file://" + p;
    }

    /** The built-in flavors that give a pod no network of its own. */
    static final java.util.Set<String> HOST_NETWORK = java.util.Set.of("jrkt.io/stage1-fly");

    /** What a pod without --net is on, for the stage1 the flags pick. */
    public enum DefaultNetwork { CNI_DEFAULT, HOST }

    /**
     * The network of a pod without --net for the stage1 the flags will pick, as far as it can be
     * told without the store (a built-in flavor by name); a stage1 given by path or ID gets jrkt's
     * default, and prepare checks its annotation.
     */
    public static DefaultNetwork defaultNetwork(Path path, String name, String hash, String configuredDefault) {
        if (path != null || hash != null) return DefaultNetwork.CNI_DEFAULT;
        String wanted = name != null ? name : configuredDefault != null ? configuredDefault : DEFAULT_NAME;
        if (HOST_NETWORK.contains(wanted)) return DefaultNetwork.HOST;
        return DefaultNetwork.CNI_DEFAULT;
    }

    /** The namespaces a stage1 image gives a pod (its {@code jrkt.io/stage1/isolates}; absent: all). */
    public static List<String> isolates(Store store, String stage1Id) {
        String isolates = store.manifest(stage1Id).annotations().get(jrkt.core.pod.Stage1Entrypoints.ISOLATES);
        return List.of((isolates != null ? isolates : "pid,mount,network,uts,ipc,user").split(","));
    }

    /** The flavor {@code stage1.json} names, local config first; null when neither has one. */
    public static String configuredDefault(Path localConfig, Path systemConfig) {
        for (Path dir : List.of(localConfig, systemConfig)) {
            Path file = dir.resolve(CONFIG);
            if (!Files.exists(file)) continue; // without the exception Files.size would throw: most hosts have none
            try {
                if (Files.size(file) > 64 << 10) throw new JrktException(file + ": larger than 64 KiB");
                Object name = Json.asObject(Json.parse(Files.readAllBytes(file))).get("name");
                if (!(name instanceof String s) || s.isEmpty()) throw new JrktException(file + ": \"name\" must name a stage1 image");
                return s;
            } catch (NoSuchFileException e) {
                // next
            } catch (IOException e) {
                throw new JrktException("cannot read " + file + ": " + IoErrors.reason(e), e);
            } catch (ClassCastException | jrkt.core.json.JsonException e) {
                throw new JrktException(file + ": not a JSON object like {\"name\": \"jrkt.io/stage1-fly\"}", e);
            }
        }
        return null;
    }
}
