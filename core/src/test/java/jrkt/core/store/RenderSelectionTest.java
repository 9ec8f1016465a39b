package jrkt.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RenderSelectionTest {

    /** Entries as "dir/" for directories and "file" for anything else. */
    private static RenderSelection.Layer layer(int level, List<String> whitelist, String... entries) {
        List<RenderSelection.Entry> list = new ArrayList<>();
        for (String e : entries) {
            boolean dir = e.endsWith("/");
            list.add(new RenderSelection.Entry(dir ? e.substring(0, e.length() - 1) : e, dir));
        }
        return new RenderSelection.Layer(level, whitelist, list);
    }

    @Test
    void withoutWhitelistsTheUpperImageWinsAndEverythingElseIsKept() {
        List<Set<String>> s = RenderSelection.select(List.of(
                layer(0, List.of(), "etc/", "etc/app.conf"),
                layer(1, List.of(), "etc/", "etc/app.conf", "etc/base.conf", "bin/", "bin/sh")));
        assertEquals(Set.of("etc", "etc/app.conf"), s.get(0));
        assertEquals(Set.of("etc/base.conf", "bin", "bin/sh"), s.get(1));
    }

    @Test
    void theImagesOwnWhitelistKeepsItsDirectoriesAndOnlyTheListedFiles() {
        List<Set<String>> s = RenderSelection.select(List.of(
                layer(0, List.of("/bin/app"), "bin/", "bin/app", "bin/debug", "var/", "var/junk")));
        assertEquals(Set.of("bin", "bin/app", "var"), s.get(0));
    }

    @Test
    void anUpperWhitelistFiltersDependenciesIncludingTheirDirectories() {
        List<Set<String>> s = RenderSelection.select(List.of(
                layer(0, List.of("/bin/app", "/bin/sh", "/etc/ssl/"), "bin/", "bin/app"),
                layer(1, List.of(), "bin/", "bin/sh", "bin/ls", "etc/", "etc/ssl/", "etc/ssl/cert.pem")));
        assertEquals(Set.of("bin", "bin/app"), s.get(0));
        // "/etc/ssl/" names the directory itself, not what is below it
        assertEquals(Set.of("bin/sh", "etc/ssl"), s.get(1));
    }

    @Test
    void theTopMostAncestorWhitelistDecidesForDeepDependencies() {
        List<Set<String>> s = RenderSelection.select(List.of(
                layer(0, List.of("/app", "/lib/a"), "app"),
                layer(1, List.of("/lib/a", "/lib/b", "/mid"), "mid"),
                layer(2, List.of(), "lib/", "lib/a", "lib/b", "lib/c")));
        assertEquals(Set.of("app"), s.get(0));
        assertEquals(Set.of(), s.get(1)); // "mid" is not in the top image's list
        assertEquals(Set.of("lib/a"), s.get(2));
    }

    @Test
    void aSiblingsWhitelistDoesNotFilterAnotherBranch() {
        // a -> [b, c], c has a whitelist; precedence order a, c, b: b is not below c
        List<Set<String>> s = RenderSelection.select(List.of(
                layer(0, List.of(), "a"),
                layer(1, List.of("/c"), "c", "cjunk"),
                layer(1, List.of(), "b", "bfile")));
        assertEquals(Set.of("c"), s.get(1));
        assertEquals(Set.of("b", "bfile"), s.get(2));
    }

    @Test
    void nothingLandsBelowAPathAnUpperImageProvidesAsAFile() {
        List<Set<String>> s = RenderSelection.select(List.of(
                layer(0, List.of(), "opt"),
                layer(1, List.of(), "opt/", "opt/tool/", "opt/tool/run", "keep")));
        assertEquals(Set.of("opt"), s.get(0));
        assertEquals(Set.of("keep"), s.get(1));
    }

    @Test
    void whitelistPathsAreCleaned() {
        assertEquals(Set.of("etc/a", "b"), RenderSelection.whitelist(List.of("//etc/./a/", "/b")));
        assertEquals(null, RenderSelection.whitelist(List.of()));
    }
}
