package jrkt.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import jrkt.cli.BaseCommand;
import jrkt.core.fs.Output;
import jrkt.core.store.Lease;
import jrkt.core.fs.TreeCopy;
import jrkt.core.store.RenderedTree;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jrkt image render IMAGE DIR}: a copy of the image's rendered tree, dependencies applied. */
@Command(name = "render", description = "Write an image rendered with its dependencies (as a pod would see it) into a directory.")
public final class ImageRenderCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = ImageCommand.IMAGE_REF)
    String image;

    @Parameters(index = "1", paramLabel = "DIR", description = "the directory to create")
    Path dir;

    @Option(names = "--rootfs-only", description = "put only the rendered root filesystem in DIR (no manifest)")
    boolean rootfsOnly;

    @Option(names = "--overwrite", description = "replace DIR if it exists")
    boolean overwrite;

    @Override public Integer call() throws IOException {
        Path target = Output.target(dir, Output.Kind.TREE, overwrite);
        try (Lease lease = store().lease()) { // an image gc meanwhile leaves the image and its tree
            String id = lease.resolve(image).id();
            write(target, lease.render(id), store().manifestBytes(id));
        }
        return 0;
    }

    private void write(Path target, RenderedTree tree, byte[] manifest) {
        Output.write(target, Output.Kind.TREE, staged -> {
            if (rootfsOnly) {
                TreeCopy.copy(tree.rootfs(), staged);
            } else {
                Files.createDirectory(staged, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                Files.write(staged.resolve("manifest"), manifest);
                TreeCopy.copy(tree.rootfs(), staged.resolve("rootfs"));
            }
        });
    }
}
