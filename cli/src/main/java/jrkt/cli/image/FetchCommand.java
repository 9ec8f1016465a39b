package jrkt.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;
import jrkt.cli.BaseCommand;
import jrkt.core.JrktException;
import jrkt.core.store.ImageInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jrkt fetch IMAGE...}: imports images into the store and prints their IDs, one per line. */
@Command(name = "fetch", description = "Fetch images into the store and print their IDs.")
public final class FetchCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "IMAGE",
            description = "an ACI file (path or file:// URL; plain, gzip, bzip2, xz or zstd), or the name of a stored image")
    List<String> images;

    @Override public Integer call() throws IOException {
        for (String argument : images) {
            out().println(fetch(argument).id());
            out().flush();
        }
        return 0;
    }

    private ImageInfo fetch(String argument) throws IOException {
        return switch (ImageSource.parse(argument)) {
            case ImageSource.LocalFile file -> {
                if (!Files.exists(file.path())) throw new NoSuchFileException(file.path().toString());
                if (Files.isDirectory(file.path())) throw new JrktException(file.path() + ": is a directory, not an ACI file");
                yield store().importAci(file.path(), file.sourceUrl());
            }
            case ImageSource.Remote remote -> throw new JrktException(switch (remote.scheme()) {
                case "http", "https" -> "fetching images over " + remote.scheme() + " is not supported yet: " + remote.location();
                case "docker" -> "fetching docker images is not supported yet: " + remote.location();
                default -> "unsupported URL scheme '" + remote.scheme() + "' in " + remote.location()
                        + "; use a file path or a file:// URL";
            });
            // Without discovery, a name can only mean an image already in the store.
            case ImageSource.Name name -> {
                try {
                    yield store().resolve(name.reference());
                } catch (JrktException notStored) {
                    throw new JrktException("no file named '" + name.reference() + "', and no stored image matches it ("
                            + notStored.getMessage() + "); discovery of remote images is not supported yet");
                }
            }
        };
    }
}
