package jrkt.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment jrkt was started with, as its caller set it: what {@code --inherit-env} gives
 * the apps and what stage1 inherits. The launcher ({@code ./jrkt}) runs the JVM under
 * {@code LC_ALL=C.UTF-8} when the caller's locale is not UTF-8, so that the JDK can name every
 * file (docs/design-notes.md, "File names are bytes"); it keeps the caller's LC_ALL in
 * {@code JRKT_CALLER_LC_ALL} ("=VALUE", or empty when LC_ALL was unset), and this class puts it back.
 */
public final class HostEnvironment {
    private HostEnvironment() {}

    /** The launcher's note of the caller's LC_ALL. */
    public static final String CALLER_LC_ALL = "JRKT_CALLER_LC_ALL";

    public static Map<String, String> get() { return restore(System.getenv()); }

    /** The same as NAME=VALUE strings: the environment for an execve of stage1. */
    public static String[] array() { return array(get()); }

    /** An environment as NAME=VALUE strings, for execve or spawn. */
    public static String[] array(Map<String, String> env) {
        String[] out = new String[env.size()];
        int i = 0;
        for (Map.Entry<String, String> e : env.entrySet()) out[i++] = e.getKey() + "=" + e.getValue();
        return out;
    }

    static Map<String, String> restore(Map<String, String> jvm) {
        String saved = jvm.get(CALLER_LC_ALL);
        if (saved == null) return jvm;
        Map<String, String> env = new LinkedHashMap<>(jvm);
        env.remove(CALLER_LC_ALL);
        if (saved.startsWith("=")) env.put("LC_ALL", saved.substring(1));
        else env.remove("LC_ALL");
        return Collections.unmodifiableMap(env);
    }
}
