package jrkt.core.net;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jrkt.core.JrktException;

/**
 * What {@code --net} asks for, checked before anything is created: the host's network, none
 * (a namespace with only lo), {@code all} configured networks, or CNI networks by name in the
 * order given, each with its own CNI_ARGS ({@code --net=mynet:IP=10.1.2.3;K=V,other}). The
 * flag may be repeated; its values add up. Without it, the pod is on {@code default}.
 */
public record NetworkSelection(Kind kind, List<Requested> networks) {
    public enum Kind { HOST, NONE, ALL, NAMED }

    /** One network by name; args is its CNI_ARGS ("K=V;K2=V2"), empty when none were given. */
    public record Requested(String name, String args) {}

    public static final NetworkSelection HOST = new NetworkSelection(Kind.HOST, List.of());
    public static final NetworkSelection NONE = new NetworkSelection(Kind.NONE, List.of());
    public static final NetworkSelection ALL = new NetworkSelection(Kind.ALL, List.of());
    public static final NetworkSelection DEFAULT = new NetworkSelection(Kind.NAMED, List.of(new Requested(NetworkConfig.DEFAULT, "")));

    public NetworkSelection {
        networks = List.copyOf(networks);
    }

    /** A CNI network name: letters, digits, '-', '_' and '.', as the CNI spec allows. */
    static boolean validName(String name) {
        return isPlainName(name) && name.length() <= 128;
    }

    /**
     * {@code [A-Za-z0-9][A-Za-z0-9_.-]*}: a network's name, a plugin's type. Written out, as every
     * check on the way to a pod's start is: a first regex costs a start the regex engine's classes
     * (docs/design-notes.md).
     */
    static boolean isPlainName(String s) {
        if (s.isEmpty() || !isAsciiAlphanumeric(s.charAt(0))) return false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAsciiAlphanumeric(c) && c != '_' && c != '.' && c != '-') return false;
        }
        return true;
    }

    /** {@code [A-Za-z0-9_]+}: the key of a CNI_ARGS pair. */
    static boolean isArgKey(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (!isAsciiAlphanumeric(s.charAt(i)) && s.charAt(i) != '_') return false;
        return true;
    }

    private static boolean isAsciiAlphanumeric(char c) { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'; }

    /** From the values of every --net flag (each a comma list); none at all means {@link #DEFAULT}. */
    public static NetworkSelection parse(List<String> values) {
        List<String> items = new ArrayList<>();
        for (String v : values) {
            for (String item : v.split(",", -1)) {
                if (item.isEmpty()) throw new JrktException("--net=" + v + ": an empty network name");
                items.add(item);
            }
        }
        if (items.isEmpty()) return DEFAULT;

        List<Requested> named = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Kind special = null;
        for (String item : items) {
            int colon = item.indexOf(':');
            String name = colon < 0 ? item : item.substring(0, colon);
            String args = colon < 0 ? "" : item.substring(colon + 1);
            Kind kind = switch (name) {
                case "host" -> Kind.HOST;
                case "none" -> Kind.NONE;
                case "all" -> Kind.ALL;
                default -> null;
            };
            if (kind != null) {
                if (colon >= 0) throw new JrktException("--net=" + item + ": " + name + " takes no arguments");
                if (special != null && special != kind || !named.isEmpty())
                    throw new JrktException("--net=" + name + " cannot be combined with other networks");
                special = kind;
                continue;
            }
            if (special != null) throw new JrktException("--net=" + jrkt.core.Ascii.lower(special.name()) + " cannot be combined with other networks");
            if (!validName(name))
                throw new JrktException("--net=" + item + ": \"" + name + "\" is not a network name (letters, digits, '-', '_', '.')");
            if (!seen.add(name)) throw new JrktException("--net: network " + name + " is named twice");
            named.add(new Requested(name, checkArgs(item, args)));
        }
        if (special != null) {
            return switch (special) {
                case HOST -> HOST;
                case NONE -> NONE;
                default -> ALL;
            };
        }
        return new NetworkSelection(Kind.NAMED, named);
    }

    /** CNI_ARGS are KEY=VALUE pairs separated by ';' (the CNI spec's format). */
    private static String checkArgs(String item, String args) {
        if (args.isEmpty()) {
            if (item.endsWith(":")) throw new JrktException("--net=" + item + ": no arguments after ':'");
            return "";
        }
        for (String pair : args.split(";", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || !isArgKey(pair.substring(0, eq)))
                throw new JrktException("--net=" + item + ": argument \"" + pair + "\" is not KEY=VALUE (arguments are separated by ';')");
        }
        return args;
    }
}
