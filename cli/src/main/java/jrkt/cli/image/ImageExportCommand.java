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
@Command(name = "export", description = "Write an image from the store to an ACI file (uncompressed tar); an OCI image is flattened.")
public final class ImageExportCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = ImageCommand.IMAGE_REF)
    String image;

    @Parameters(index = "1", paramLabel = "FILE", description = "the ACI file to write")
    Path file;

    @Option(names = "--overwrite", description = "replace FILE if it exists")
    boolean overwrite;

    @Override public Integer call() throws IOException {
        try (Lease lease = store().lease()) { // an image gc meanwhile leaves it
            String id = lease.resolve(image).id();
            if (jrkt.core.store.LayerStore.isOciId(id)) { // an OCI image: its layers flattened, with its appc manifest
                java.util.List<Path> layers = new java.util.ArrayList<>(store().imageRoot(id).layers());
                java.util.Collections.reverse(layers);
                jrkt.core.pod.AciExporter.write(store().manifestBytes(id), layers, file, overwrite);
                return 0;
            }
            Path blob = store().blob(id);
            Output.write(Output.target(file, Output.Kind.FILE, overwrite), Output.Kind.FILE, staged -> Files.copy(blob, staged));
        }
        return 0;
    }
}
