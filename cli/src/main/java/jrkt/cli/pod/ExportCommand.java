package jrkt.cli.pod;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import jrkt.cli.BaseCommand;
import jrkt.core.JrktException;
import jrkt.core.pod.Pod;
import jrkt.core.pod.PodExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jrkt export UUID FILE}: an app of a pod that is not running, as an ACI. */
@Command(name = "export", description = "Write an app of a pod that is not running, with the changes it made, as an ACI file.")
public final class ExportCommand extends BaseCommand {
    @Parameters(arity = "1..2", paramLabel = "[UUID] FILE", hideParamSyntax = true,
            description = "the pod (UUID or unambiguous prefix; omitted with --uuid-file) and the ACI file to write")
    List<String> arguments;

    @Mixin PodArgument podArgument;

    @Option(names = "--app", paramLabel = "NAME", description = "the app to export (needed when the pod has several)")
    String app;

    @Option(names = "--overwrite", description = "replace FILE if it exists")
    boolean overwrite;

    @Override public Integer call() throws IOException {
        boolean fromFile = podArgument.uuidFile != null;
        int wanted = fromFile ? 1 : 2;
        if (arguments.size() != wanted) {
            throw new JrktException("export needs " + (fromFile ? "FILE (the pod comes from --uuid-file)" : "UUID and FILE")
                + ", got " + arguments.size() + " argument(s)");
        }
        Pod pod = podArgument.resolve(jrkt().dataDir(), fromFile ? null : arguments.get(0));
        PodExporter.export(store(), pod, app, Path.of(arguments.get(wanted - 1)), overwrite);
        return 0;
    }
}
