package jrkt.core.pod.prepare;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.fs.UserFiles;
import jrkt.core.image.aci.ImageManifest;

/**
 * An app's environment, layered as rkt does; each layer replaces the variables of the ones
 * before it (docs/pods.md, "Environment precedence"):
 * defaults (PATH) → host environment (--inherit-env) → image → --set-env-file → --set-env →
 * per-app --environment → AC_APP_NAME.
 */
public final class Environment {
    private Environment() {}

    /** The most an environment file may hold: far more than execve would pass to an app (ARG_MAX). */
    static final int ENV_FILE_MAX = 4 << 20;

    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static Map<String, String> compose(String appName, Map<String, String> inherited,
                                              List<ImageManifest.EnvVar> image, Map<String, String> fromFiles,
                                              Map<String, String> setEnv, Map<String, String> perApp) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.putAll(inherited);
        for (ImageManifest.EnvVar v : image) env.put(v.name(), v.value());
        env.putAll(fromFiles);
        env.putAll(setEnv);
        env.putAll(perApp);
        env.put("AC_APP_NAME", appName); // the appc spec makes this the app's own name, always
        return env;
    }

    /** Parses one {@code KEY=VALUE} of a flag (--set-env, --environment); the error names the flag. */
    public static Map.Entry<String, String> parseAssignment(String flag, String value) {
        int eq = value.indexOf('=');
        if (eq < 0) throw new JrktException(flag + " " + value + ": expected NAME=VALUE");
        String name = value.substring(0, eq);
        checkName(name, flag + " " + value);
        return Map.entry(name, value.substring(eq + 1));
    }

    /** Parses several assignments of one flag, later ones winning. */
    public static Map<String, String> parseAssignments(String flag, List<String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : values) {
            Map.Entry<String, String> e = parseAssignment(flag, v);
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * Reads an environment file as rkt's --set-env-file: one NAME=VALUE a line; blank lines
     * and lines starting with '#' are skipped; the value is the rest of the line, verbatim.
     */
    public static Map<String, String> readEnvFile(Path file) {
        List<String> lines = new String(UserFiles.read(file, "--set-env-file", ENV_FILE_MAX), StandardCharsets.UTF_8).lines().toList();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) continue;
            String where = "--set-env-file " + file + " line " + (i + 1);
            int eq = line.indexOf('=');
            if (eq < 0) throw new JrktException(where + ": expected NAME=VALUE");
            String name = line.substring(0, eq);
            checkName(name, where);
            String value = line.substring(eq + 1);
            // stage1 hands values to execve as C strings: a NUL would cut the value silently
            if (value.indexOf('\0') >= 0) throw new JrktException(where + ": the value of " + name + " holds a NUL byte");
            out.put(name, value);
        }
        return out;
    }

    private static void checkName(String name, String where) {
        if (name.isEmpty()) throw new JrktException(where + ": empty variable name");
        for (char c : name.toCharArray())
            if (c == '\0' || c == '\n' || Character.isWhitespace(c))
                throw new JrktException(where + ": variable name \"" + name + "\" holds whitespace or NUL");
    }
}
