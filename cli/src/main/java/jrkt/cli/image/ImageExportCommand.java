package jrkt.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.cli.BaseCommand;
import jrkt.core.fs.Output;
import jrkt.core.store.Lease;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jrkt image export IMAGE FILE}: writes the stored ACI (an uncompressed tar). */
@Command(name = "export", description = "Write an image from the store to an ACI file (uncompressed tar).")
public final class ImageExportCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = ImageCommand.IMAGE_REF)
    String image;

    @Parameters(index = "1", paramLabel = "FILE", description = "the ACI file to write")
    Path file;

    @Option(names = "--overwrite", description = "replace FILE if it exists")
    boolean overwrite;

    @Override public Integer call() throws IOException {
        try (Lease lease = store().lease()) { // an image gc meanwhile leaves it
            Path blob = store().blob(lease.resolve(image).id());
            Output.write(Output.target(file, Output.Kind.FILE, overwrite), Output.Kind.FILE, staged -> Files.copy(blob, staged));
        }
        return 0;
    }
}
