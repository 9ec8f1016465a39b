package jrkt.core.image.fetch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.json.Json;
import jrkt.core.json.JsonException;

/**
 * Registry credentials from {@code auth.d/*.json} in the system and then the local config
 * directory (the local one wins for a registry both name), in rkt's format:
 * <pre>{"rktKind": "dockerAuth", "rktVersion": "v1", "registries": ["127.0.0.1:5000"],
 *  "credentials": {"user": "me", "password": "secret"}}</pre>
 * Files of other kinds (rkt's "auth" for ACI servers) are skipped.
 */
public final class DockerAuth {
    public record Credentials(String user, String password) {}

    private final Map<String, Credentials> byRegistry;

    private DockerAuth(Map<String, Credentials> byRegistry) { this.byRegistry = byRegistry; }

    public static DockerAuth none() { return new DockerAuth(Map.of()); }

    /** configDirs: in order of increasing precedence (system, then local). */
    public static DockerAuth load(List<Path> configDirs) {
        Map<String, Credentials> all = new HashMap<>();
        for (Path dir : configDirs) {
            for (Path file : jsonFiles(dir.resolve("auth.d"))) read(file, all);
        }
        return new DockerAuth(all);
    }

    /** The credentials for a registry host[:port], or null. */
    public Credentials forRegistry(String registry) { return byRegistry.get(registry); }

    private static List<Path> jsonFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) out.add(p);
        } catch (IOException e) {
            throw new JrktException(dir + ": cannot list: " + IoErrors.reason(e), e);
        }
        out.sort(null);
        return out;
    }

    private static void read(Path file, Map<String, Credentials> into) {
        Object root;
        try {
            if (Files.size(file) > 1 << 20) throw new JrktException(file + ": larger than 1MiB, not an auth file");
            root = Json.parse(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new JrktException(file + ": cannot read: " + IoErrors.reason(e), e);
        } catch (JsonException e) {
            throw new JrktException(file + ": " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> map)) throw new JrktException(file + ": must hold a JSON object");
        Map<String, Object> m = Json.asObject(map);
        if (!"dockerAuth".equals(m.get("rktKind"))) return;
        if (!"v1".equals(m.get("rktVersion"))) throw new JrktException(file + ": rktVersion must be \"v1\"");
        if (!(m.get("registries") instanceof List<?> registries) || registries.isEmpty()) {
            throw new JrktException(file + ": \"registries\" must be a non-empty array of registry hosts");
        }
        if (!(m.get("credentials") instanceof Map<?, ?> c)
                || !(Json.asObject(c).get("user") instanceof String user)
                || !(Json.asObject(c).get("password") instanceof String password)) {
            throw new JrktException(file + ": \"credentials\" must hold \"user\" and \"password\" strings");
        }
        for (Object r : registries) {
            if (!(r instanceof String host)) throw new JrktException(file + ": \"registries\" must hold strings");
            into.put(host, new Credentials(user, password));
        }
    }
}
