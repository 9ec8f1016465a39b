package jrkt.core.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.HostEnvironment;
import jrkt.core.IoErrors;
import jrkt.core.JrktException;
import jrkt.core.json.Json;
import jrkt.sys.Linux;
import jrkt.sys.SysException;

/**
 * Runs one CNI plugin binary as the CNI spec says: the command and the pod in {@code CNI_*}
 * variables, the network config on stdin, the result (or an error object) on stdout. Every
 * failure becomes one line that names the network and the plugin:
 * {@code network NAME: plugin TYPE: MESSAGE}.
 *
 * <p>The plugin sees jrkt's environment (PATH: plugins run iptables) without any inherited
 * {@code CNI_*} variable. Its stdout and stderr go to files in a scratch directory (the pod's
 * {@code net/}), so that a plugin that hangs cannot block jrkt on a pipe; stderr is shown with
 * the error when stdout holds no CNI error object.
 */
final class CniPlugin {
    /** A safety net only: a plugin that hangs this long is killed and its network fails. */
    private static final long TIMEOUT_SECONDS = 120;
    private static final int SIGKILL = 9;

    private CniPlugin() {}

    /** The environment and stdin of one call; netns may be null (a DEL after the namespace is gone). */
    record Call(String command, String containerId, Path netns, String ifName, String args, List<Path> pluginPath) {}

    /** The plugin binary: the first executable regular file named {@code type} on the path, or null. */
    static Path find(String type, List<Path> pluginPath) {
        for (Path dir : pluginPath) {
            Path p = dir.resolve(type);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** Throws {@link #notFound} for the first plugin of the network's chain that is not on the path. */
    static void requireAll(NetworkConfig network, List<Path> pluginPath) {
        for (String type : network.types()) if (find(type, pluginPath) == null) throw notFound(network.name(), type, pluginPath);
    }

    static JrktException notFound(String network, String type, List<Path> pluginPath) {
        return new JrktException("network " + network + ": plugin " + type + " not found in "
            + searchPath(pluginPath));
    }

    /** The directories joined with ':', as CNI_PATH has them. */
    static String searchPath(List<Path> dirs) {
        StringBuilder path = new StringBuilder();
        for (Path dir : dirs) (path.isEmpty() ? path : path.append(':')).append(dir);
        return path.toString();
    }

    /**
     * Runs the plugin; returns its stdout (the result of ADD, usually empty for DEL). Spawned
     * through {@link Linux#spawn}, not ProcessBuilder (whose first start sets up the JDK's
     * logging: 12-20 ms of every start on a network); its config on stdin from a file.
     */
    static byte[] run(String network, String type, Call call, Map<String, Object> config, Path scratch) {
        Path exe = find(type, call.pluginPath());
        if (exe == null) throw notFound(network, type, call.pluginPath());
        Path stdinFile = scratch.resolve("plugin.in"), stdoutFile = scratch.resolve("plugin.out"), stderrFile = scratch.resolve("plugin.err");
        Map<String, String> env = new LinkedHashMap<>(HostEnvironment.get());
        for (var names = env.keySet().iterator(); names.hasNext(); ) if (names.next().startsWith("CNI_")) names.remove(); // no lambda: see PodNetworks.anyState
        if (!env.containsKey("PATH")) env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("CNI_COMMAND", call.command());
        env.put("CNI_CONTAINERID", call.containerId());
        env.put("CNI_NETNS", call.netns() == null ? "" : call.netns().toString());
        env.put("CNI_IFNAME", call.ifName());
        env.put("CNI_ARGS", call.args());
        env.put("CNI_PATH", searchPath(call.pluginPath()));
        byte[] stdout;
        int status;
        Linux linux = Linux.get();
        try {
            // through the gate and java.io, not NIO: its file channels (some 35 classes) would join
            // the run group's cache, which every run loads, on a network or not
            if (jrkt.core.fs.Lstat.isRegularFile(stdinFile)) jrkt.core.fs.Lstat.deleteIfExists(stdinFile); // the last call's; anything else fails (EEXIST)
            jrkt.core.fs.NewFiles.write(stdinFile, Json.write(config).getBytes(StandardCharsets.UTF_8));
            int pid = linux.spawn(exe.toString(), new String[] {exe.toString()}, HostEnvironment.array(env), null,
                stdinFile.toString(), stdoutFile.toString(), stderrFile.toString());
            status = linux.waitChild(pid, TIMEOUT_SECONDS * 1000);
            if (status < 0) {
                linux.kill(pid, SIGKILL);
                linux.waitChild(pid, -1);
                throw new JrktException("network " + network + ": plugin " + type + " (" + call.command() + ") did not finish in "
                    + TIMEOUT_SECONDS + "s and was killed");
            }
            stdout = jrkt.core.fs.FileBytes.read(stdoutFile);
        } catch (SysException e) {
            throw new JrktException("network " + network + ": plugin " + type + ": cannot run " + exe + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new JrktException("network " + network + ": plugin " + type + ": " + IoErrors.describe(e), e);
        }
        if (status != 0) throw new JrktException("network " + network + ": plugin " + type + ": " + errorMessage(stdout, status, stderrFile));
        return stdout;
    }

    /** The CNI error object's msg and details, else the last line of stderr, else the exit status. */
    static String errorMessage(byte[] stdout, int status, Path stderrFile) {
        try {
            if (Json.parse(stdout) instanceof Map<?, ?> error && error.get("msg") instanceof String msg) {
                Object details = error.get("details");
                String text = msg + (details instanceof String d && !d.isBlank() ? ": " + d : "");
                return oneLine(text);
            }
        } catch (RuntimeException notJson) {
            // fall through to stderr
        }
        String stderr = "";
        try {
            stderr = new String(jrkt.core.fs.FileBytes.read(stderrFile), StandardCharsets.UTF_8).strip();
        } catch (IOException ignored) {
            // nothing more to tell than the status
        }
        if (!stderr.isEmpty()) return oneLine(stderr.substring(stderr.lastIndexOf('\n') + 1));
        return "exited with status " + status;
    }

    private static String oneLine(String s) { return s.replaceAll("\\s*\\R\\s*", " ").strip(); }
}
