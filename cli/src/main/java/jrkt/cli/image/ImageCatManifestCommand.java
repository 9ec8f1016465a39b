package jrkt.cli.image;

import java.io.IOException;
import jrkt.cli.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jrkt image cat-manifest IMAGE}: the image manifest, as stored or indented. */
@Command(name = "cat-manifest", description = "Print the manifest of an image.")
public final class ImageCatManifestCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = ImageCommand.IMAGE_REF)
    String image;

    @Option(names = "--pretty-print", description = "indent the JSON (default: the bytes exactly as in the image)")
    boolean prettyPrint;

    @Override public Integer call() throws IOException {
        String id = storeToRead().resolve(image).id();
        printManifest(storeToRead().manifestBytes(id), prettyPrint);
        return 0;
    }
}
