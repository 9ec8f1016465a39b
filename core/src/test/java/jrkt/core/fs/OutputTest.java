package jrkt.core.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staged outputs of export, extract and render replace their target whole, or vanish; --overwrite replaces only what they make. */
class OutputTest {
    @TempDir Path tmp;

    @Test
    void existingTargetNeedsOverwrite() throws Exception {
        Path out = Files.writeString(tmp.resolve("out.aci"), "precious");
        JrktException e = assertThrows(JrktException.class, () -> Output.target(out, Output.Kind.FILE, false));
        assertTrue(e.getMessage().contains("--overwrite") && e.getMessage().contains("out.aci"), e.getMessage());
        assertEquals("precious", Files.readString(out));
        assertEquals(out, Output.target(out, Output.Kind.FILE, true));
    }

    @Test
    void commitReplacesADirectoryWholeAndLeavesNoSiblings() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("dir"));
        Files.writeString(target.resolve("old-file"), "old");
        Path staged = Output.sibling(target, "test");
        Files.createDirectories(staged.resolve("sub"));
        Files.writeString(staged.resolve("sub/new-file"), "new");

        Output.commit(staged, target);

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
        JrktException e = assertThrows(JrktException.class, () -> Output.write(target, Output.Kind.FILE, staged -> {
            Files.createDirectories(staged.resolve("half"));
            throw failure;
        }));
        assertEquals(failure, e.getCause());
        assertEquals("cannot write " + target + ": disk full", e.getMessage());
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

    @Test
    void overwriteRefusesWhatTheCommandDoesNotMake() throws Exception {
        Path fifo = tmp.resolve("fifo");
        Path device = tmp.resolve("full");
        jrkt.sys.Linux.get().mknod(fifo, jrkt.sys.Linux.S_IFIFO | 0644, 0);
        jrkt.sys.Linux.get().mknod(device, jrkt.sys.Linux.S_IFCHR | 0666, jrkt.sys.Linux.makedev(1, 7));
        Path file = Files.writeString(tmp.resolve("hostname"), "host\n");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), file);
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        for (Path p : java.util.List.of(fifo, device, link, dir)) {
            JrktException e = assertThrows(JrktException.class, () -> Output.target(p, Output.Kind.FILE, true), p.toString());
            assertTrue(e.getMessage().endsWith("; --overwrite replaces only a regular file"), e.getMessage());
        }
        for (Path p : java.util.List.of(fifo, device, link, file)) {
            JrktException e = assertThrows(JrktException.class, () -> Output.target(p, Output.Kind.TREE, true), p.toString());
            assertTrue(e.getMessage().endsWith("; --overwrite replaces only a directory"), e.getMessage());
        }
        assertTrue(Files.isSameFile(device, device) && !Files.isRegularFile(device), "the device node is still one");
        assertEquals("host\n", Files.readString(file));
        assertEquals(dir, Output.target(dir, Output.Kind.TREE, true));
    }
}
