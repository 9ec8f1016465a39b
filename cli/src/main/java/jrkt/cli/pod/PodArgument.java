package jrkt.cli.pod;

import java.nio.file.Path;
import java.util.List;
import jrkt.core.JrktException;
import jrkt.core.pod.Pod;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.Pods;
import picocli.CommandLine.Option;

/** {@code --uuid-file}, shared by the commands that take one pod: {@code @Mixin PodArgument pod;}. */
public final class PodArgument {
    static final String UUID_HELP = "the pod: its UUID or an unambiguous prefix";

    @Option(names = "--uuid-file", paramLabel = "FILE", description = "read the pod's UUID from FILE instead of an argument")
    Path uuidFile;

    /** For commands taking several pods: the UUIDs (prefixes) given, or the one in --uuid-file. */
    List<String> each(List<String> uuids) {
        if (uuidFile != null && !uuids.isEmpty()) throw new JrktException("give either pod UUIDs or --uuid-file, not both");
        if (uuidFile != null) return List.of(Pods.readUuidFile(uuidFile));
        if (uuids.isEmpty()) throw new JrktException("missing pod UUID (or --uuid-file)");
        return uuids;
    }

    /** The pod named by the UUID argument (may be null) or --uuid-file, exactly one of them. */
    Pod resolve(Path dataDir, String uuidArgument) {
        return new Pods(new PodDirs(dataDir)).resolve(uuidArgument, uuidFile);
    }
}
