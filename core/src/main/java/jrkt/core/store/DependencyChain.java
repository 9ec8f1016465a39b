package jrkt.core.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;

/**
 * The flat dependency list of an image, built as appc's acirenderer builds it: the image
 * first (level 0), then each dependency's subtree, the last dependency first. An image
 * listed earlier takes precedence over one listed later, so applying the list from the end
 * to the start ({@link #applicationOrder}) lets later files replace earlier ones.
 * A dependency reached twice is listed twice, where it appears.
 */
final class DependencyChain {
    private DependencyChain() {}

    /** One image of the chain; level is its depth below the rendered image. */
    record Node(String imageId, ImageManifest manifest, int level) {}

    /** Finds the stored image for a dependency of {@code dependent}; throws JrktException when it cannot. */
    interface Resolver {
        Node resolve(ImageManifest.Dependency dependency, Node dependent);
    }

    /** Precedence order: the image itself first, then its dependencies' subtrees, last dependency first. */
    static List<Node> topDown(String imageId, ImageManifest manifest, Resolver resolver) {
        List<Node> out = new ArrayList<>();
        List<Node> ancestors = new ArrayList<>();
        visit(new Node(imageId, manifest, 0), resolver, ancestors, out);
        return out;
    }

    private static void visit(Node node, Resolver resolver, List<Node> ancestors, List<Node> out) {
        for (Node ancestor : ancestors) {
            // content addressing makes a true cycle impossible by ID, but names can loop
            if (ancestor.imageId().equals(node.imageId())) {
                throw new JrktException("image " + node.manifest().name() + " (" + node.imageId()
                        + ") depends on itself through its dependencies");
            }
        }
        out.add(node);
        ancestors.add(node);
        List<ImageManifest.Dependency> deps = node.manifest().dependencies();
        for (int i = deps.size() - 1; i >= 0; i--) {
            Node dep = resolver.resolve(deps.get(i), node);
            visit(new Node(dep.imageId(), dep.manifest(), node.level() + 1), resolver, ancestors, out);
        }
        ancestors.remove(ancestors.size() - 1);
    }

    /** The order in which images are unpacked: dependencies first, the image itself last. */
    static List<Node> applicationOrder(List<Node> topDown) {
        List<Node> order = new ArrayList<>(topDown);
        Collections.reverse(order);
        return order;
    }
}
