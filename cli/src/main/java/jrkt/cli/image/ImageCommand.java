package jrkt.cli.image;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jrkt image ...}: the image store. */
@Command(name = "image", description = "Operate on the images in the local store.",
        subcommands = {
            ImageListCommand.class,
            ImageCatManifestCommand.class,
            ImageExportCommand.class,
            ImageExtractCommand.class,
            ImageRenderCommand.class,
            ImageRmCommand.class,
            ImageGcCommand.class,
            ImageVerifyCommand.class,
        })
public final class ImageCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() {
        // Like git: a bare group command shows what it holds.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The text every image argument accepts, for help. */
    static final String IMAGE_REF = "image: full ID, unambiguous ID prefix, or name[:version][,label=value...]";

}
