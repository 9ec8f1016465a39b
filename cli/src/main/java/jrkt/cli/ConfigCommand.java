package jrkt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import jrkt.core.pod.stage1.Stage1Images;
import java.util.Map;
import java.util.stream.Stream;
import jrkt.core.json.Json;
import picocli.CommandLine.Command;

/** {@code jrkt config}: the effective configuration, as JSON. */
@Command(name = "config", description = "Print the effective configuration as JSON: directories and what the config directories hold.")
public final class ConfigCommand extends BaseCommand {
    /** The configuration kinds jrkt reads from each config directory. */
    static final List<String> CONFIG_KINDS = List.of("net.d", "trustedkeys", "auth.d");

    @Override protected boolean callsNative() { return false; }

    @Override public Integer call() throws IOException {
        JrktCommand jrkt = jrkt();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("dataDir", jrkt.dataDir().toString());
        config.put("localConfig", describe(jrkt.localConfig()));
        config.put("systemConfig", describe(jrkt.systemConfig()));
        config.put("insecureOptions", List.copyOf(jrkt.insecureOptions()));
        config.put("limits", jrkt.imageLimits().asMap());
        String stage1 = Stage1Images.configuredDefault(jrkt.localConfig(), jrkt.systemConfig());
        config.put("stage1", stage1 != null ? stage1 : Stage1Images.DEFAULT_NAME);
        out().println(Json.writePretty(config));
        return 0;
    }

    /** The directory and, per kind, the names of the files in it (sorted; empty when absent). */
    private static Map<String, Object> describe(Path dir) throws IOException {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", dir.toString());
        for (String kind : CONFIG_KINDS) d.put(kind, fileNames(dir.resolve(kind)));
        return d;
    }

    private static List<String> fileNames(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
