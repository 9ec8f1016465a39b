package jrkt.cli.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.cli.BaseCommand;
import jrkt.core.fs.Output;
import jrkt.core.store.Lease;
import jrkt.core.image.archive.SafeExtractor;
import jrkt.sys.Linux;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jrkt image extract IMAGE DIR}: unpacks this image's own ACI, without its dependencies. */
@Command(name = "extract", description = "Unpack an image's ACI (manifest and rootfs, without dependencies) into a directory.")
public final class ImageExtractCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = ImageCommand.IMAGE_REF)
    String image;

    @Parameters(index = "1", paramLabel = "DIR", description = "the directory to create")
    Path dir;

    @Option(names = "--rootfs-only", description = "put only the contents of rootfs/ in DIR")
    boolean rootfsOnly;

    @Option(names = "--overwrite", description = "replace DIR if it exists")
    boolean overwrite;

    @Override public Integer call() throws IOException {
        try (Lease lease = store().lease()) { // an image gc meanwhile leaves it
            extract(store().blob(lease.resolve(image).id()));
        }
        return 0;
    }

    private void extract(Path blob) {
        boolean devices = jrkt().imageDeviceNodes();
        SafeExtractor.Options options = rootfsOnly
                ? SafeExtractor.Options.aciRootfs(path -> true, devices, null)
                : new SafeExtractor.Options("", path -> true, devices, false, null);
        Output.write(Output.target(dir, Output.Kind.TREE, overwrite), Output.Kind.TREE, staged -> {
            Files.createDirectory(staged);
            try (InputStream tar = Files.newInputStream(blob)) {
                new SafeExtractor(Linux.get()).extract(tar, staged, options);
            }
        });
    }
}
