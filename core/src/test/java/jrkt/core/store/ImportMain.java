package jrkt.core.store;

import java.nio.file.Path;

/** Imports one file into a store; run in a child JVM by the tests that kill an import midway. */
public final class ImportMain {
    public static void main(String[] args) throws Exception {
        try (Store store = Store.open(Path.of(args[0]))) {
            store.importAci(Path.of(args[1]), "file://" + args[1]);
        }
    }
}
