package jrkt.cli.pod;

import jrkt.core.isolation.IsolatorFlags;
import picocli.CommandLine.Option;

/**
 * The resource flags, which {@code run} and {@code prepare} take twice: before the first image
 * they limit the pod (its cgroup, which bounds every app in it), after an image that app alone.
 */
public final class ResourceFlags {
    @Option(names = "--memory", paramLabel = "QUANTITY",
            description = "memory limit, appc quantity: 256M = 256,000,000 bytes, 256Mi = 256 MiB (pod; after an image: that app)")
    String memory;

    @Option(names = "--cpu", paramLabel = "QUANTITY", description = "CPU limit in cores: 500m = half a core, 2 = two cores (pod; after an image: that app)")
    String cpu;

    @Option(names = "--cpu-shares", paramLabel = "N", description = "relative CPU weight, 2 to 262144, 1024 by default (pod; after an image: that app)")
    String cpuShares;

    @Option(names = "--pids-limit", paramLabel = "N", description = "at most N processes and threads (pod; after an image: that app)")
    String pidsLimit;

    @Option(names = "--oom-score-adj", paramLabel = "N", description = "OOM killer score adjustment, -1000 to 1000 (every app; after an image: that app)")
    String oomScoreAdj;

    @Option(names = "--block-bandwidth", paramLabel = "QUANTITY", description = "read and write bytes per second on each block device (pod; after an image: that app)")
    String blockBandwidth;

    @Option(names = "--block-iops", paramLabel = "N", description = "read and write operations per second on each block device (pod; after an image: that app)")
    String blockIops;

    IsolatorFlags.Resources values() {
        return new IsolatorFlags.Resources(memory, cpu, cpuShares, pidsLimit, oomScoreAdj, blockBandwidth, blockIops);
    }
}
