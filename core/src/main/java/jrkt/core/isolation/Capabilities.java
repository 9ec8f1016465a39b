package jrkt.core.isolation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jrkt.core.JrktException;
import jrkt.core.image.aci.LinuxCapability;

/**
 * An app's capability bounding set as a bit mask over capability numbers, as the plan's
 * {@code caps} line carries it. Without a capability isolator an app gets appc's default set
 * ({@link #DEFAULT}, {@code a80425fb}); {@code os/linux/capabilities-retain-set} gives exactly
 * its set, {@code -remove-set} the default set without its members.
 */
public final class Capabilities {
    private Capabilities() {}

    /** appc's default bounding set: 0xa80425fb. */
    public static final long DEFAULT = mask(LinuxCapability.APPC_DEFAULT_SET);

    /** Exactly these capabilities. */
    public static long retain(List<String> names) { return mask(names); }

    /** The default set without these (a name outside the default set changes nothing, as appc says). */
    public static long remove(List<String> names) { return DEFAULT & ~mask(names); }

    /** The plan's form: lowercase hex without leading zeros ("a80425fb", "0" for none). */
    public static String hex(long mask) { return Long.toHexString(mask); }

    /**
     * A capability name as a user may type it: {@code CAP_NET_ADMIN}, {@code cap_net_admin} or
     * {@code NET_ADMIN}; returned as appc spells it. Throws naming {@code where} when unknown.
     */
    public static String canonical(String name, String where) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        String full = upper.startsWith("CAP_") ? upper : "CAP_" + upper;
        if (LinuxCapability.number(full) < 0) {
            throw new JrktException(where + ": \"" + name + "\" is not a Linux capability (like CAP_NET_BIND_SERVICE)");
        }
        return full;
    }

    /** The names of the capabilities in a mask, in number order. */
    public static List<String> names(long mask) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < LinuxCapability.NAMES.size(); i++) if ((mask & (1L << i)) != 0) names.add(LinuxCapability.NAMES.get(i));
        return names;
    }

    private static long mask(List<String> names) {
        long mask = 0;
        for (String n : names) {
            int bit = LinuxCapability.number(n);
            if (bit < 0) throw new JrktException("\"" + n + "\" is not a Linux capability (like CAP_NET_BIND_SERVICE)");
            mask |= 1L << bit;
        }
        return mask;
    }
}
