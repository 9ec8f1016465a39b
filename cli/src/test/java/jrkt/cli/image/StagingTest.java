package jrkt.cli.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import jrkt.core.JrktException;
import jrkt.core.fs.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staged outputs of export, extract and render replace their target whole, or vanish. */
class StagingTest {
    @TempDir Path tmp;

    @Test
    void existingTargetNeedsOverwrite() throws Exception {
        Path out = Files.writeString(tmp.resolve("out.aci"), "precious");
        JrktException e = assertThrows(JrktException.class, () -> Staging.target(out, false));
        assertTrue(e.getMessage().contains("--overwrite") && e.getMessage().contains("out.aci"), e.getMessage());
        assertEquals("precious", Files.readString(out));
        assertEquals(out, Staging.target(out, true));
    }

    @Test
    void commitReplacesADirectoryWholeAndLeavesNoSiblings() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("dir"));
        Files.writeString(target.resolve("old-file"), "old");
        Path staged = Staging.sibling(target, "test");
        Files.createDirectories(staged.resolve("sub"));
        Files.writeString(staged.resolve("sub/new-file"), "new");

        Staging.commit(staged, target);

        assertFalse(Files.exists(target.resolve("old-file")));
        assertEquals("new", Files.readString(target.resolve("sub/new-file")));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(java.util.List.of(target), left.toList(), "staging and old copies are gone");
        }
    }

    @Test
    void aFailedWriteLeavesTheOldTargetAndNoSiblings() throws Exception {
        Path target = Files.writeString(tmp.resolve("out.aci"), "precious");
        java.io.IOException failure = new java.io.IOException("disk full");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> Staging.write(target, "test", staged -> {
            Files.createDirectories(staged.resolve("half"));
            throw failure;
        }));
        assertEquals(failure, e);
        assertEquals("precious", Files.readString(target));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(java.util.List.of(target), left.toList(), "the half-written output is gone");
        }
    }

    @Test
    void deleteTreeDoesNotFollowSymlinksOut() throws Exception {
        Path outside = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("keep"), "keep");
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.createSymbolicLink(tree.resolve("link"), outside.getParent());
        Trees.delete(tree);
        assertFalse(Files.exists(tree));
        assertEquals("keep", Files.readString(outside));
    }
}
