package jrkt.core.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jrkt.core.fs.RawNames;

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

    /** A rootfs entry: raw path (see RawNames) relative to rootfs without leading or trailing slash. */
    record Entry(String path, boolean directory) {}

    /** One image of the chain in precedence order (see {@link DependencyChain#topDown}). */
    record Layer(int level, List<String> pathWhitelist, List<Entry> entries) {}

    /** For each layer (same order), the set of paths to unpack from it. */
    static List<Set<String>> select(List<Layer> topDown) {
        Map<String, Boolean> provided = new HashMap<>(); // path -> is a directory
        List<Set<String>> whitelists = new ArrayList<>();
        for (Layer layer : topDown) whitelists.add(whitelist(layer.pathWhitelist()));
        List<Set<String>> result = new ArrayList<>();
        for (int i = 0; i < topDown.size(); i++) {
            Layer layer = topDown.get(i);
            Set<String> own = whitelists.get(i);
            Set<String> upper = upperWhitelist(topDown, whitelists, i);
            Set<String> selected = new HashSet<>();
            Map<String, Boolean> blocked = new HashMap<>(); // directory -> lies at or below a non-directory provided
            for (Entry e : layer.entries()) {
                String path = e.path();
                if (path.isEmpty()) continue;
                if (!e.directory() && own != null && !own.contains(path)) continue;
                if (upper != null && !upper.contains(path)) continue;
                if (provided.containsKey(path)) continue;
                int slash = path.lastIndexOf('/');
                if (slash > 0 && blocked(path.substring(0, slash), provided, blocked)) continue;
                selected.add(path);
                provided.put(path, e.directory());
            }
            result.add(selected);
        }
        return result;
    }

    /** The whitelist of the top-most ancestor of layer i that has a non-empty one, or null. */
    private static Set<String> upperWhitelist(List<Layer> topDown, List<Set<String>> whitelists, int i) {
        Set<String> found = null;
        int minLevel = topDown.get(i).level();
        for (int j = i - 1; j >= 0; j--) {
            Layer candidate = topDown.get(j);
            if (candidate.level() < minLevel) { // an ancestor: shallower than everything between
                minLevel = candidate.level();
                if (whitelists.get(j) != null) found = whitelists.get(j);
            }
        }
        return found;
    }

    /**
     * Whether directory is, or lies below, a path an earlier layer provides as a non-directory;
     * remembered per directory, so that each costs one look-up however many entries it holds.
     */
    private static boolean blocked(String directory, Map<String, Boolean> provided, Map<String, Boolean> memo) {
        Boolean known = memo.get(directory);
        if (known != null) return known;
        // walk up to the nearest directory already answered, then answer the ones passed on the way down
        List<String> unanswered = new ArrayList<>();
        boolean answer = false;
        for (String d = directory; ; ) {
            Boolean isDir = provided.get(d);
            if (isDir != null && !isDir) { answer = true; break; }
            unanswered.add(d);
            int slash = d.lastIndexOf('/');
            if (slash <= 0) break;
            d = d.substring(0, slash);
            Boolean above = memo.get(d);
            if (above != null) { answer = above; break; }
        }
        for (String d : unanswered) memo.put(d, answer);
        memo.put(directory, answer);
        return answer;
    }

    /** null for an absent or empty whitelist (appc: both mean "everything"); paths as raw names. */
    static Set<String> whitelist(List<String> pathWhitelist) {
        if (pathWhitelist == null || pathWhitelist.isEmpty()) return null;
        Set<String> set = new HashSet<>();
        for (String p : pathWhitelist) set.add(clean(RawNames.fromUnicode(p)));
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
