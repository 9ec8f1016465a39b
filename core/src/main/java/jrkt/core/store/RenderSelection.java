package jrkt.core.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which rootfs entries of each image of a dependency chain end up in the rendered tree,
 * following appc's acirenderer:
 * <ul>
 * <li>an image with a pathWhitelist contributes, besides its directories, only the files
 *     its whitelist names (exact paths; a trailing slash names the directory itself);</li>
 * <li>a dependency contributes only entries (directories included) named by the
 *     pathWhitelist of its top-most ancestor that has one: the upper whitelist is the final
 *     list of what exists;</li>
 * <li>an entry already provided by an image of higher precedence is skipped, as is an entry
 *     below a path that such an image provides as a non-directory.</li>
 * </ul>
 * One deliberate difference: acirenderer's walk back to the ancestors also looks at the
 * whitelists of earlier siblings' subtrees; here only true ancestors count.
 */
final class RenderSelection {
    private RenderSelection() {}

    /** A rootfs entry: path relative to rootfs without leading or trailing slash. */
    record Entry(String path, boolean directory) {}

    /** One image of the chain in precedence order (see {@link DependencyChain#topDown}). */
    record Layer(int level, List<String> pathWhitelist, List<Entry> entries) {}

    /** For each layer (same order), the set of paths to unpack from it. */
    static List<Set<String>> select(List<Layer> topDown) {
        Map<String, Boolean> provided = new HashMap<>(); // path -> is a directory
        List<Set<String>> result = new ArrayList<>();
        for (int i = 0; i < topDown.size(); i++) {
            Layer layer = topDown.get(i);
            Set<String> own = whitelist(layer.pathWhitelist());
            Set<String> upper = upperWhitelist(topDown, i);
            Set<String> selected = new HashSet<>();
            for (Entry e : layer.entries()) {
                String path = e.path();
                if (path.isEmpty()) continue;
                if (!e.directory() && own != null && !own.contains(path)) continue;
                if (upper != null && !upper.contains(path)) continue;
                if (provided.containsKey(path)) continue;
                if (underNonDirectory(path, provided)) continue;
                selected.add(path);
                provided.put(path, e.directory());
            }
            result.add(selected);
        }
        return result;
    }

    /** The whitelist of the top-most ancestor of layer i that has a non-empty one, or null. */
    private static Set<String> upperWhitelist(List<Layer> topDown, int i) {
        Set<String> found = null;
        int minLevel = topDown.get(i).level();
        for (int j = i - 1; j >= 0; j--) {
            Layer candidate = topDown.get(j);
            if (candidate.level() < minLevel) { // an ancestor: shallower than everything between
                minLevel = candidate.level();
                Set<String> wl = whitelist(candidate.pathWhitelist());
                if (wl != null) found = wl;
            }
        }
        return found;
    }

    private static boolean underNonDirectory(String path, Map<String, Boolean> provided) {
        for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
            Boolean isDir = provided.get(path.substring(0, slash));
            if (isDir != null && !isDir) return true;
        }
        return false;
    }

    /** null for an absent or empty whitelist (appc: both mean "everything"). */
    static Set<String> whitelist(List<String> pathWhitelist) {
        if (pathWhitelist == null || pathWhitelist.isEmpty()) return null;
        Set<String> set = new HashSet<>();
        for (String p : pathWhitelist) set.add(clean(p));
        return set;
    }

    /** "/etc//a/./b/" -> "etc/a/b"; ".." is kept for the extractor to reject. */
    static String clean(String path) {
        StringBuilder sb = new StringBuilder();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (!sb.isEmpty()) sb.append('/');
            sb.append(part);
        }
        return sb.toString();
    }
}
