package jrkt.core.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.json.Json;

/**
 * What {@code status} tells of a pod's isolation: the opt-outs it was prepared with, the
 * isolators that are not applied (from the pod's {@code isolation} report), and whether an app
 * that died by SIGKILL was killed by the OOM killer (its memory cgroup counted an OOM kill).
 */
public record IsolationStatus(List<String> insecureOptions, List<String> notApplied) {
    private static final int SIGKILL_STATUS = 128 + 9;

    /**
     * The pod's report; empty lists for a pod without one (prepared by a jrkt before isolation). An
     * unreadable report says so in notApplied rather than failing the status of the whole pod.
     */
    public static IsolationStatus read(Path podDir) {
        Path file = podDir.resolve(IsolationPlan.REPORT);
        if (!Files.exists(file)) return new IsolationStatus(List.of(), List.of());
        try {
            Map<String, Object> m = Json.asObject(Json.parse(jrkt.core.fs.FileBytes.read(file)));
            return new IsolationStatus(strings(m.get("insecureOptions")), strings(m.get("notApplied")));
        } catch (IOException | RuntimeException e) {
            return new IsolationStatus(List.of(), List.of("unknown: cannot read the isolation report " + file + ": " + e.getMessage()));
        }
    }

    /**
     * Whether the app's exit status (128+9) came from the OOM killer: the kernel counted an OOM kill
     * in the app's memory cgroup. False when the cgroups are gone or the host has no memory controller.
     */
    public static boolean oomKilled(Path podDir, String app, Integer exitStatus) {
        if (exitStatus == null || exitStatus != SIGKILL_STATUS) return false;
        CgroupPlan plan;
        try {
            plan = CgroupPlan.read(podDir);
        } catch (JrktException unreadable) {
            return false;
        }
        return plan != null && Cgroups.oomKills(plan, app) > 0;
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        if (list != null) for (Object o : Json.asArray(list)) out.add((String) o);
        return List.copyOf(out);
    }
}
