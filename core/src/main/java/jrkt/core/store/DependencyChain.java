package jrkt.core.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;

/**
 * The flat dependency list of an image, built as appc's acirenderer builds it: the image
 * first (level 0), then each dependency's subtree, the last dependency first. An image
 * listed earlier takes precedence over one listed later, so applying the list from the end
 * to the start ({@link #applicationOrder}) lets later files replace earlier ones.
 *
 * <p>An image reached twice is listed once, where it is first reached: its files are all
 * there already, so the second place would add nothing (acirenderer lists it twice, which
 * differs only when the two places lie under different pathWhitelists of ancestors). So a graph
 * that fans out and repeats (10,000 dependencies on B, each of B's 10,000 on C) costs one visit
 * per distinct image and one lookup per reference. Each reference is resolved once; the walk is
 * iterative; more than {@code maxImages} distinct images are refused.
 */
final class DependencyChain {
    private DependencyChain() {}

    /** One image of the chain; level is its depth below the rendered image (where first reached). */
    record Node(String imageId, ImageManifest manifest, int level) {}

    /** A stored image that satisfies a dependency. */
    record Resolved(String imageId, ImageManifest manifest) {}

    /** Finds the stored image for a dependency of {@code dependent}; throws JrktException when it cannot. */
    interface Resolver {
        Resolved resolve(ImageManifest.Dependency dependency, Node dependent);
    }

    /** A node being walked and the index of the next dependency to visit (they go last to first). */
    private static final class Frame {
        final Node node;
        int next;

        Frame(Node node) {
            this.node = node;
            this.next = node.manifest().dependencies().size() - 1;
        }
    }

    /** Precedence order: the image itself first, then its dependencies' subtrees, last dependency first. */
    static List<Node> topDown(String imageId, ImageManifest manifest, Resolver resolver, long maxImages) {
        List<Node> out = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        Set<String> ancestors = new HashSet<>();
        Map<ImageManifest.Dependency, Resolved> resolved = new HashMap<>();
        Deque<Frame> stack = new ArrayDeque<>();
        Node top = new Node(imageId, manifest, 0);
        out.add(top);
        listed.add(imageId);
        ancestors.add(imageId);
        stack.push(new Frame(top));
        while (!stack.isEmpty()) {
            Frame frame = stack.peek();
            if (frame.next < 0) {
                ancestors.remove(frame.node.imageId());
                stack.pop();
                continue;
            }
            ImageManifest.Dependency dependency = frame.node.manifest().dependencies().get(frame.next--);
            Resolved dep = resolved.get(dependency);
            if (dep == null) {
                dep = resolver.resolve(dependency, frame.node);
                resolved.put(dependency, dep);
            }
            // content addressing makes a true cycle impossible by ID, but names can loop
            if (ancestors.contains(dep.imageId())) {
                throw new JrktException("image " + dep.manifest().name() + " (" + dep.imageId()
                        + ") depends on itself through its dependencies");
            }
            if (!listed.add(dep.imageId())) continue;
            if (out.size() >= maxImages) {
                throw new JrktException("image " + manifest.name() + " (" + imageId + "): its dependencies hold more than "
                        + maxImages + " distinct images (limit max-dependencies)");
            }
            Node node = new Node(dep.imageId(), dep.manifest(), frame.node.level() + 1);
            out.add(node);
            ancestors.add(node.imageId());
            stack.push(new Frame(node));
        }
        return out;
    }

    /** The order in which images are unpacked: dependencies first, the image itself last. */
    static List<Node> applicationOrder(List<Node> topDown) {
        List<Node> order = new ArrayList<>(topDown);
        Collections.reverse(order);
        return order;
    }
}
