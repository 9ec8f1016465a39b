package jrkt.core.isolation;

import java.util.ArrayList;
import java.util.List;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest.Isolator;

/**
 * The pod-wide isolation a user asked for: the pod's isolators (flags before the first image,
 * from {@link IsolatorFlags#resources}), where the pod's cgroups go, and the opt-outs of
 * {@code --insecure-options}. Each app's own isolators travel with its AppSpec.
 *
 * @param cgroupParent         the pod's cgroups go to {@code <hierarchy>/<cgroupParent>/<uuid>}; relative to each hierarchy's root
 * @param insecureCapabilities {@code --insecure-options=capabilities}: apps keep the capabilities stage1 has
 * @param insecurePaths        {@code --insecure-options=paths}: /proc and /sys paths are neither masked nor read-only
 * @param insecureSeccomp      {@code --insecure-options=seccomp}: no seccomp filter
 */
public record IsolationRequest(List<Isolator> podIsolators, String cgroupParent, boolean insecureCapabilities,
                               boolean insecurePaths, boolean insecureSeccomp) {
    public static final String DEFAULT_CGROUP_PARENT = "jrkt";

    public IsolationRequest {
        podIsolators = podIsolators == null ? List.of() : List.copyOf(podIsolators);
        cgroupParent = cgroupParent == null ? DEFAULT_CGROUP_PARENT : checkParent(cgroupParent);
        for (Isolator i : podIsolators) {
            if (!Isolators.POD_SCOPE.contains(i.name())) throw new JrktException("isolator " + i.name() + " applies to apps, not to a pod");
        }
    }

    /** Everything by default: the default parent, no pod limits, every protection on. */
    public static final IsolationRequest DEFAULT = new IsolationRequest(List.of(), null, false, false, false);

    /** The opt-outs in effect, by their --insecure-options names. */
    public List<String> insecureOptions() {
        List<String> names = new ArrayList<>();
        if (insecureCapabilities) names.add("capabilities");
        if (insecurePaths) names.add("paths");
        if (insecureSeccomp) names.add("seccomp");
        return List.copyOf(names);
    }

    /** [A-Za-z0-9._@:-]+, written out (no regex on the run path: docs/design-notes.md); also what Cgroups checks in a record. */
    static boolean isCgroupName(String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "._@:-".indexOf(c) >= 0)) return false;
        }
        return !part.isEmpty();
    }

    /** "a/b" or "/a/b" (the slash is optional): names of letters, digits, '.', '_', '-', '@', ':'; no "." or "..". */
    static String checkParent(String parent) {
        String p = parent.startsWith("/") ? parent.substring(1) : parent;
        if (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        if (p.isEmpty()) throw new JrktException("--cgroup-parent=" + parent + ": empty; give a path like jrkt or machine.slice/jrkt");
        for (String part : p.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || !isCgroupName(part)) {
                throw new JrktException("--cgroup-parent=" + parent + ": \"" + part + "\" is not a cgroup name"
                    + " (letters, digits, '.', '_', '-', '@', ':'; no empty, '.' or '..' parts)");
            }
        }
        return p;
    }
}
