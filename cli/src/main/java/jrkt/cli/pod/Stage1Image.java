package jrkt.cli.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import jrkt.cli.VersionInfo;
import jrkt.core.JrktException;
import jrkt.core.store.ImageInfo;
import jrkt.core.store.Store;

/**
 * Picks the stage1 image of a new pod: --stage1-path imports a file, --stage1-name and
 * --stage1-hash pick from the store, and by default the stage1 built by this project next to
 * the installation ({@code $jrkt.home/stage1/target/stage1-default.aci}) is used, imported once
 * and again only when the file is newer than the stored import.
 */
final class Stage1Image {
    static final String DEFAULT_NAME = "jrkt.io/stage1-default";

    private Stage1Image() {}

    static String select(Store store, Path path, String name, String hash) throws IOException {
        int given = (path != null ? 1 : 0) + (name != null ? 1 : 0) + (hash != null ? 1 : 0);
        if (given > 1) throw new JrktException("give only one of --stage1-path, --stage1-name and --stage1-hash");
        if (path != null) return store.importAci(path, path.toAbsolutePath().normalize().toUri().toString()).id();
        if (name != null) {
            if (name.startsWith("sha512-")) throw new JrktException("--stage1-name " + name + ": that is an image ID; use --stage1-hash");
            return store.resolve(name).id();
        }
        if (hash != null) {
            if (!hash.matches("(sha512-)?[0-9a-f]+")) throw new JrktException("--stage1-hash " + hash + ": not an image ID (sha512-HEX or a prefix)");
            return store.resolve(hash.startsWith("sha512-") ? hash : "sha512-" + hash).id();
        }
        return defaultImage(store, defaultFile());
    }

    static Path defaultFile() {
        Path file = VersionInfo.defaultStage1();
        if (file == null) {
            throw new JrktException("no default stage1: the system property jrkt.home is not set (the ./jrkt launcher sets it); give --stage1-path");
        }
        return file;
    }

    static String defaultImage(Store store, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new JrktException("default stage1 image " + file + " does not exist (build it: ./mvnw package), or give --stage1-path");
        }
        String source = file.toAbsolutePath().normalize().toUri().toString();
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        ImageInfo newest = null;
        for (ImageInfo image : store.imagesNamed(DEFAULT_NAME)) {
            if (!source.equals(image.sourceUrl())) continue;
            if (newest == null || image.importTime().isAfter(newest.importTime())) newest = image;
        }
        if (newest != null && !newest.importTime().isBefore(modified)) return newest.id();
        return store.importAci(file, source).id();
    }
}
