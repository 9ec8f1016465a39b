package jrkt.core.net;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;

/**
 * The networks a pod can join: the files in {@code <system-config>/net.d} and
 * {@code <local-config>/net.d} ({@code *.conf}, {@code *.json}: one plugin; {@code *.conflist}: a
 * chain), and the built-in {@code default} and {@code default-restricted}. A network is known by
 * the {@code name} inside its file; a local file overrides a system file and a built-in of the same
 * name. When a network is first asked for, every file is read (a file that is not valid JSON is an
 * error, whatever is selected); a name defined twice in one directory is an error when that
 * network is used.
 *
 * <p>Plugins are looked up in both net.d directories and then in {@link #SYSTEM_PLUGIN_DIR}.
 */
public final class NetworkConfigs {
    /** Where Debian's containernetworking-plugins are. */
    public static final Path SYSTEM_PLUGIN_DIR = Path.of("/usr/lib/cni");

    private final Path localDir;
    private final Path systemDir;
    private final Path hostLocalDataDir;
    /** The winning definition of each name, ordered by its file name. */
    private final Map<String, NetworkConfig> byName = new LinkedHashMap<>();
    /** Names defined twice in one directory (and not overridden locally), with the error to give. */
    private final Map<String, String> duplicates = new HashMap<>();

    private boolean loaded;

    /**
     * Nothing is read until a network is asked for, so that a broken file in net.d does not
     * stand in the way of {@code --net=host} or {@code --net=none}.
     *
     * @param dataDir jrkt's data directory: host-local's leases go to {@code <dataDir>/net/host-local}
     */
    public NetworkConfigs(Path localConfig, Path systemConfig, Path dataDir) {
        this.localDir = localConfig.resolve("net.d");
        this.systemDir = systemConfig.resolve("net.d");
        this.hostLocalDataDir = leaseDir(dataDir);
    }

    private void load() {
        if (loaded) return;
        Map<String, String> systemDuplicates = new HashMap<>(), localDuplicates = new HashMap<>();
        Map<String, NetworkConfig> winners = new HashMap<>();
        for (NetworkConfig c : loadDir(systemDir, systemDuplicates)) winners.put(c.name(), c);
        for (NetworkConfig c : loadDir(localDir, localDuplicates)) {
            winners.put(c.name(), c);
            systemDuplicates.remove(c.name());
        }
        duplicates.putAll(systemDuplicates);
        duplicates.putAll(localDuplicates);
        // Loops, not streams: a start on a network reads these, and a first stream costs it its classes (docs/design-notes.md)
        List<NetworkConfig> ordered = new ArrayList<>(winners.values());
        ordered.sort(NetworkConfigs::byFileName);
        for (NetworkConfig c : ordered) byName.put(c.name(), c);
        loaded = true;
    }

    /** By the name of the file that defines a network, then by the file's path. */
    private static int byFileName(NetworkConfig a, NetworkConfig b) {
        int byName = Path.of(a.source()).getFileName().toString().compareTo(Path.of(b.source()).getFileName().toString());
        return byName != 0 ? byName : a.source().compareTo(b.source());
    }

    /** Where host-local keeps the leases of the pods of one data directory (one subdirectory per network). */
    public static Path leaseDir(Path dataDir) { return dataDir.resolve("net").resolve("host-local"); }

    /** CNI_PATH: the directories searched for plugin binaries, in order. */
    public List<Path> pluginPath() { return List.of(localDir, systemDir, SYSTEM_PLUGIN_DIR); }

    private static List<NetworkConfig> loadDir(Path dir, Map<String, String> duplicates) {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if ((n.endsWith(".conf") || n.endsWith(".conflist") || n.endsWith(".json")) && Files.isRegularFile(p)) files.add(p);
            }
            Collections.sort(files);
        } catch (IOException | DirectoryIteratorException e) {
            throw new JrktException("cannot list network configs in " + dir + ": " + e.getMessage(), e);
        }
        List<NetworkConfig> configs = new ArrayList<>();
        Map<String, Path> seen = new LinkedHashMap<>();
        for (Path f : files) {
            NetworkConfig c = NetworkConfig.load(f);
            Path first = seen.putIfAbsent(c.name(), f);
            if (first != null) {
                duplicates.put(c.name(), "network " + c.name() + " is defined twice in " + dir + ": "
                    + first.getFileName() + " and " + f.getFileName());
                continue;
            }
            configs.add(c);
        }
        return configs;
    }

    /** The network of this name (a file's, else a built-in's); throws when there is none. */
    public NetworkConfig get(String name) {
        load();
        String duplicate = duplicates.get(name);
        if (duplicate != null) throw new JrktException(duplicate);
        NetworkConfig c = byName.get(name);
        if (c != null) return c;
        if (name.equals(NetworkConfig.DEFAULT) || name.equals(NetworkConfig.DEFAULT_RESTRICTED)) return NetworkConfig.builtIn(name);
        throw new JrktException("network " + name + " is not defined: no file in " + localDir + " or " + systemDir
            + " has \"name\": \"" + name + "\"" + (byName.isEmpty() ? "" : " (defined: " + String.join(", ", byName.keySet()) + ")"));
    }

    /** Every configured network in file-name order, then the built-in default unless a file overrides it (as rkt's "all"). */
    public List<NetworkConfig> all() {
        load();
        List<NetworkConfig> all = new ArrayList<>();
        for (String name : byName.keySet()) all.add(get(name));
        if (!byName.containsKey(NetworkConfig.DEFAULT)) all.add(NetworkConfig.builtIn(NetworkConfig.DEFAULT));
        return all;
    }

    /**
     * The networks of a selection (HOST and NONE select none), in order, with their CNI_ARGS and
     * with host-local's dataDir pointed into jrkt's data directory.
     */
    public List<SelectedNetwork> select(NetworkSelection selection) {
        List<SelectedNetwork> out = new ArrayList<>();
        switch (selection.kind()) {
            case HOST, NONE -> { }
            case ALL -> { for (NetworkConfig c : all()) out.add(new SelectedNetwork(c.withHostLocalDataDir(hostLocalDataDir), "")); }
            case NAMED -> {
                for (NetworkSelection.Requested r : selection.networks())
                    out.add(new SelectedNetwork(get(r.name()).withHostLocalDataDir(hostLocalDataDir), r.args()));
            }
        }
        return out;
    }

    /** One network of a pod: its config and the CNI_ARGS given with it ("" for none). */
    public record SelectedNetwork(NetworkConfig config, String args) {
        public String name() { return config.name(); }
    }
}
