package jrkt.cli.image;

import java.util.List;
import jrkt.cli.BaseCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jrkt image rm IMAGE...}: removes each image; goes on past failures and exits 254 if any. */
@Command(name = "rm", description = "Remove images from the store (their rendered trees go at the next image gc).")
public final class ImageRmCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = ImageCommand.IMAGE_REF)
    List<String> images;

    @Override public Integer call() throws java.io.IOException {
        jrkt().openStoreToFree(); // removing images is how a full disk is freed
        return forEachItem("rm", images, reference -> {
            String id = store().resolve(reference).id();
            store().removeImage(id);
            return "removed " + id;
        });
    }
}
