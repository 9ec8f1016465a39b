package jrkt.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;
import org.junit.jupiter.api.Test;

class DependencyChainTest {

    private final Map<String, ImageManifest> images = new LinkedHashMap<>();

    private void image(String name, String... deps) {
        List<ImageManifest.Dependency> list = new ArrayList<>();
        for (String d : deps) list.add(new ImageManifest.Dependency(d, null, Map.of(), 0));
        images.put(name, new ImageManifest("ImageManifest", "0.8.11", name, Map.of(), null, list, List.of(), Map.of(), Map.of()));
    }

    private List<DependencyChain.Node> chainOf(String name) {
        return DependencyChain.topDown("id-" + name, images.get(name), (dep, parent) -> {
            ImageManifest m = images.get(dep.imageName());
            if (m == null) throw new JrktException("dependency " + dep.imageName() + " not found");
            return new DependencyChain.Resolved("id-" + dep.imageName(), m);
        }, 256);
    }

    private static List<String> names(List<DependencyChain.Node> nodes) {
        return nodes.stream().map(n -> n.manifest().name()).toList();
    }

    @Test
    void dependenciesAreAppliedDepthFirstInOrderBeforeTheImage() {
        image("a", "b", "c");
        image("b");
        image("c", "d");
        image("d");
        List<DependencyChain.Node> topDown = chainOf("a");
        assertEquals(List.of("a", "c", "d", "b"), names(topDown));
        assertEquals(List.of(0, 1, 2, 1), topDown.stream().map(DependencyChain.Node::level).toList());
        assertEquals(List.of("b", "d", "c", "a"), names(DependencyChain.applicationOrder(topDown)));
    }

    @Test
    void aSharedDependencyIsAppliedOnceWhereItIsFirstReached() {
        image("a", "b", "c");
        image("b", "d");
        image("c", "d");
        image("d");
        assertEquals(List.of("b", "d", "c", "a"), names(DependencyChain.applicationOrder(chainOf("a"))));
    }

    @Test
    void aGraphThatFansOutAndRepeatsCostsOneVisitPerImageAndOneResolutionPerReference() {
        String[] toB = new String[10_000];
        java.util.Arrays.fill(toB, "b");
        String[] toC = new String[10_000];
        java.util.Arrays.fill(toC, "c");
        image("a", toB);
        image("b", toC);
        image("c");
        int[] resolutions = {0};
        List<DependencyChain.Node> chain = DependencyChain.topDown("id-a", images.get("a"), (dep, parent) -> {
            resolutions[0]++;
            return new DependencyChain.Resolved("id-" + dep.imageName(), images.get(dep.imageName()));
        }, 256);
        assertEquals(List.of("a", "b", "c"), names(chain));
        assertEquals(2, resolutions[0], "each distinct reference is resolved once");
    }

    @Test
    void moreDistinctImagesThanTheLimitAreRefusedNamingTheImageAndTheLimit() {
        String[] many = new String[300];
        for (int i = 0; i < many.length; i++) {
            many[i] = "d" + i;
            image(many[i]);
        }
        image("a", many);
        JrktException e = assertThrows(JrktException.class, () -> chainOf("a"));
        assertEquals("image a (id-a): its dependencies hold more than 256 distinct images (limit max-dependencies)", e.getMessage());
    }

    @Test
    void aChainDeeperThanTheStackCouldHoldIsWalkedWithoutRecursion() {
        for (int i = 0; i < 100_000; i++) image("n" + i, "n" + (i + 1));
        image("n100000");
        List<DependencyChain.Node> chain = DependencyChain.topDown("id-n0", images.get("n0"), (dep, parent) ->
            new DependencyChain.Resolved("id-" + dep.imageName(), images.get(dep.imageName())), 1_000_000);
        assertEquals(100_001, chain.size());
        assertEquals(100_000, chain.get(chain.size() - 1).level());
    }

    @Test
    void aLoopThroughNamesIsAnErrorNamingTheImage() {
        image("a", "b");
        image("b", "a");
        JrktException e = assertThrows(JrktException.class, () -> chainOf("a"));
        assertTrue(e.getMessage().contains("depends on itself"), e.getMessage());
    }

    @Test
    void treeIdDependsOnTheWholeChainAndItsOrder() {
        image("a", "b", "c");
        image("x", "c", "b");
        image("b");
        image("c");
        String ab = Store.treeId(chainOf("a"), false);
        assertTrue(ab.startsWith("deps-sha512-"), ab);
        assertEquals(ab, Store.treeId(chainOf("a"), false));
        assertEquals(ab + "-devices", Store.treeId(chainOf("a"), true), "a tree with device nodes is another tree");
        images.put("x", new ImageManifest("ImageManifest", "0.8.11", "a", Map.of(), null,
                List.of(new ImageManifest.Dependency("c", null, Map.of(), 0), new ImageManifest.Dependency("b", null, Map.of(), 0)),
                List.of(), Map.of(), Map.of()));
        String reordered = Store.treeId(DependencyChain.topDown("id-a", images.get("x"), (dep, parent) ->
                new DependencyChain.Resolved("id-" + dep.imageName(), images.get(dep.imageName())), 256), false);
        assertTrue(!ab.equals(reordered), "dependency order changes what is rendered, so it must change the tree ID");
    }
}
