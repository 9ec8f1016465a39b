package jrkt.cli.pod;

import jrkt.cli.BaseCommand;
import jrkt.core.pod.Pod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jrkt cat-manifest UUID}: the pod manifest. */
@Command(name = "cat-manifest", description = "Print the manifest of a pod.")
public final class CatManifestCommand extends BaseCommand {
    @Parameters(arity = "0..1", paramLabel = "UUID", description = PodArgument.UUID_HELP)
    String uuid;

    @Mixin PodArgument podArgument;

    @Option(names = "--pretty-print", description = "indent the JSON (default: the bytes exactly as stored)")
    boolean prettyPrint;

    @Override public Integer call() {
        Pod pod = podArgument.resolve(jrkt().dataDir(), uuid);
        printManifest(pod.manifestBytes(), prettyPrint);
        return 0;
    }
}
