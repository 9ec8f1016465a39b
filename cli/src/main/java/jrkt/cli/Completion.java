package jrkt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/** Build step: writes the bash completion script for the whole command tree to the given file. */
public final class Completion {
    private Completion() {}

    public static void main(String[] args) throws IOException {
        try (JrktCommand root = new JrktCommand()) {
            Files.writeString(Path.of(args[0]), AutoComplete.bash("jrkt", root.commandLine()));
        }
    }
}
