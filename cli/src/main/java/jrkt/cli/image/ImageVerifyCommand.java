package jrkt.cli.image;

import java.util.List;
import jrkt.cli.BaseCommand;
import jrkt.cli.Errors;
import jrkt.core.store.TreeCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jrkt image verify IMAGE...}: re-hashes each image's rendered tree. Exit 0 when every
 * tree matches (or was repaired), 1 when a tree differs, 254 when an image cannot be checked.
 */
@Command(name = "verify", description = "Check that the rendered trees of images still match their recorded hashes.")
public final class ImageVerifyCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = ImageCommand.IMAGE_REF)
    List<String> images;

    @Option(names = "--repair", description = "render a tree again when it does not match")
    boolean repair;

    @Override public Integer call() {
        boolean damaged = false, failed = false;
        for (String reference : images) {
            try {
                String id = store().resolve(reference).id();
                TreeCheck check = store().verifyTree(id, repair);
                if (check.ok()) {
                    out().println("ok " + id);
                } else if (check.repaired() && check.actualHash() == null) {
                    out().println("rendered " + id + " (tree " + check.treeId() + " was not rendered yet)");
                } else if (check.expectedHash() == null) {
                    // Never rendered: nothing on disk to be damaged.
                    out().println("unrendered " + id + " (tree " + check.treeId() + " does not exist yet; nothing to verify)");
                } else if (check.repaired()) {
                    out().println("repaired " + id + " (tree " + check.treeId() + " had hash " + check.actualHash()
                            + ", expected " + check.expectedHash() + ")");
                } else {
                    damaged = true;
                    out().println("damaged " + id + " (tree " + check.treeId() + " has hash " + check.actualHash()
                            + ", expected " + check.expectedHash() + "; --repair renders it again)");
                }
                out().flush();
            } catch (Exception e) {
                failed = true;
                warn("verify " + reference + ": " + Errors.describe(e));
            }
        }
        return failed ? Errors.EXIT_ERROR : damaged ? 1 : 0;
    }
}
