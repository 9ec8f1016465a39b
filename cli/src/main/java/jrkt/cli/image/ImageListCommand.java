package jrkt.cli.image;

import java.io.IOException;
import java.util.List;
import jrkt.cli.BaseCommand;
import jrkt.cli.output.ListingOptions;
import jrkt.cli.output.LocalZone;
import jrkt.cli.output.Table;
import jrkt.core.store.ImageInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code jrkt image list}: the stored images, oldest import first. */
@Command(name = "list", description = "List the images in the store. Fields: id, name, version, size, importtime, lastused, source.")
public final class ImageListCommand extends BaseCommand {
    @Mixin ListingOptions listing;

    static Table table() {
        return new Table(List.of(
                Table.id("id", "ID"),
                Table.text("name", "NAME"),
                Table.text("version", "VERSION"),
                Table.size("size", "SIZE"),
                Table.time("importtime", "IMPORT TIME"),
                Table.time("lastused", "LAST USED"),
                Table.text("source", "SOURCE").hidden()),
                "importtime");
    }

    /**
     * The host's zone, for the times printed, found on the warm-up thread (once libsqlite3 is
     * loaded) while the main thread opens the store: 0.4-0.6 ms less of image list's main thread.
     * Not so for list and status, whose main thread has no such wait: there the two threads'
     * first uses of the JDK met, and main was 0.3 ms slower.
     */
    @Override protected Runnable workAhead() { return LocalZone::isUtc; }

    @Override public Integer call() throws IOException {
        Table table = table();
        for (ImageInfo image : storeToRead().listImages()) {
            table.add(image.id(), image.name(), image.labels().get("version"), image.size(),
                    image.importTime(), image.lastUsed(), image.sourceUrl());
        }
        table.print(out(), listing);
        return 0;
    }
}
