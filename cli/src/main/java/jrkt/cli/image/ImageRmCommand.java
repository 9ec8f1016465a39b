package jrkt.cli.image;

import java.util.List;
import jrkt.cli.BaseCommand;
import jrkt.cli.Errors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jrkt image rm IMAGE...}: removes each image; goes on past failures and exits 254 if any. */
@Command(name = "rm", description = "Remove images from the store (their rendered trees go at the next image gc).")
public final class ImageRmCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = ImageCommand.IMAGE_REF)
    List<String> images;

    @Override public Integer call() {
        int failed = 0;
        for (String reference : images) {
            try {
                String id = store().resolve(reference).id();
                store().removeImage(id);
                out().println("removed " + id);
                out().flush();
            } catch (Exception e) {
                failed++;
                warn("rm " + reference + ": " + Errors.describe(e));
            }
        }
        return failed == 0 ? 0 : 254;
    }
}
