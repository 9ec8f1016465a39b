package jrkt.core.image.oci;

import java.util.Locale;
import java.util.regex.Pattern;
import jrkt.core.JrktException;

/**
 * A Docker image reference, normalized as Docker does: {@code busybox} is
 * {@code docker.io/library/busybox:latest}; {@code team/app} is {@code docker.io/team/app:latest};
 * a first component with a '.' or ':' or that is {@code localhost} names the registry.
 * {@code repo@sha256:<hex>} pins the manifest by digest (the tag, if also given, is kept for the
 * name only).
 *
 * @param registry   host[:port], as typed ("docker.io" for Docker Hub)
 * @param repository the path inside the registry ("library/busybox")
 * @param tag        null when only a digest is given
 * @param digest     "sha256:<hex>" or null
 */
public record DockerReference(String registry, String repository, String tag, String digest) {

    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:]+\\](:[0-9]{1,5})?");

    /** Parses what follows {@code docker://} (or a bare reference). */
    public static DockerReference parse(String text) {
        String rest = text;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!Digests.isValid(digest)) throw bad(text, "the digest \"" + digest + "\" is not of the form sha256:<64 hex digits>");
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[")) {
                if (!HOST.matcher(first).matches()) throw bad(text, "\"" + first + "\" is not a registry host");
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) throw bad(text, "the tag \"" + tag + "\" is not valid (letters, digits, '_', '.', '-'; at most 128)");
        }
        if (rest.isEmpty()) throw bad(text, "no repository name");
        for (String component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw bad(text, "\"" + component + "\" is not a valid repository name component (lowercase letters, digits, separators '.', '_', '-')");
            }
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) registry = DOCKER_HUB;
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) rest = "library/" + rest;
        if (tag == null && digest == null) tag = "latest";
        return new DockerReference(registry, rest, tag, digest);
    }

    /** What the manifest is asked for by: the digest when pinned, else the tag. */
    public String manifestReference() { return digest != null ? digest : tag; }

    /** The host the API is reached at: Docker Hub's API is not at docker.io. */
    public String apiHost() { return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry; }

    /** "docker.io/library/busybox". */
    public String repositoryName() { return registry + "/" + repository; }

    /**
     * The appc name of the image: lowercase, with the registry's port separator ':' (which an AC
     * identifier cannot hold) written as '_', as docker2aci did.
     */
    public String appcName() { return repositoryName().toLowerCase(Locale.ROOT).replace(':', '_').replace("[", "").replace("]", ""); }

    @Override public String toString() {
        return repositoryName() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    private static JrktException bad(String text, String why) {
        return new JrktException("docker image reference \"" + text + "\": " + why);
    }
}
