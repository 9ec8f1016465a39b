package jrkt.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import jrkt.cli.BaseCommand;
import jrkt.cli.GoDuration;
import jrkt.cli.output.Table;
import jrkt.core.pod.PodDirs;
import jrkt.core.store.GcReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jrkt image gc}: removes images unused for the grace period and trees no pod uses. */
@Command(name = "gc", description = "Remove images not used within the grace period, and rendered trees no pod uses.")
public final class ImageGcCommand extends BaseCommand {
    @Option(names = "--grace-period", paramLabel = "DURATION", converter = GoDuration.class, defaultValue = "24h",
            description = "keep images used within this long (default: ${DEFAULT-VALUE}; e.g. 48h, 90m, 0s)")
    Duration gracePeriod;

    @Override public Integer call() throws IOException {
        jrkt().openStoreToFree(); // collecting images is how a full disk is freed
        GcReport report = store().gc(gracePeriod, treesInUse(jrkt().dataDir()));
        for (String tree : report.removedTrees()) out().println("removed tree " + tree);
        for (String image : report.removedImages()) out().println("removed image " + image);
        out().println("freed " + Table.humanSize(report.bytesFreed()));
        out().flush();
        return 0;
    }

    /**
     * The rendered trees existing pods use, in any state: each pod's {@code trees} file (one
     * tree ID a line, written by the preparer) names the trees its apps' roots are built on.
     */
    static Set<String> treesInUse(Path dataDir) throws IOException {
        Set<String> trees = new HashSet<>();
        PodDirs pods = new PodDirs(dataDir);
        for (String state : PodDirs.ALL) {
            for (Path pod : list(pods.stateDir(state))) {
                String uuid = pod.getFileName().toString();
                // A pod that changed state since the listing is read where it is now.
                for (int i = 0; i < PodDirs.ALL.length && !readIds(pod.resolve("trees"), trees); i++) {
                    pod = pods.pod(PodDirs.ALL[i], uuid);
                }
            }
        }
        return trees;
    }

    private static Iterable<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return Set.of();
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        }
    }

    /** False when there is no such file (an embryo, a pod gone or moved). */
    private static boolean readIds(Path file, Set<String> into) throws IOException {
        try {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) into.add(line.strip());
            }
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
