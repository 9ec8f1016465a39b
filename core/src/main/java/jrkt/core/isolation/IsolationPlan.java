package jrkt.core.isolation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.fs.NewFiles;
import jrkt.core.image.aci.ImageManifest.Isolator;
import jrkt.core.json.Json;
import jrkt.core.pod.prepare.PlanWriter;

/**
 * Everything a pod's isolation comes to, decided once when the pod is prepared: its cgroups
 * ({@link CgroupPlan}), and per app the capability bounding set, no-new-privileges, the seccomp
 * filter and the OOM score adjustment. It writes the pod directory's {@code cgroups} record,
 * the filters ({@code seccomp/NAME.bpf}) and the report {@code isolation} that status reads,
 * and the plan lines stage1 applies (docs/stage1-abi.md, plan version 2):
 * <pre>
 * cgroup HIERARCHY MOUNTPOINT PATH      (pod line, one per hierarchy)
 * caps NAME HEX | nonewprivs NAME | seccomp NAME FILE | oom-score-adj NAME N   (app lines)
 * </pre>
 * No {@code caps} line means capabilities stay as they are ({@code --insecure-options=capabilities});
 * no {@code seccomp} line, no filter ({@code --insecure-options=seccomp} or a retain set of
 * {@code @appc.io/all}).
 */
public final class IsolationPlan {
    public static final String REPORT = "isolation";
    /**
     * Where an app's filter goes in the pod directory, beside the app's other files: a pod prepared
     * by an earlier jrkt has it in seccomp/NAME.bpf, and its plan says so (stage1 reads the plan's path).
     */
    public static String seccompFile(String app) { return jrkt.core.pod.AppDirs.of(app) + "/seccomp.bpf"; }

    /** One app and its isolators (the image's with the flags' merged over them, see {@link Isolators#merge}). */
    public record App(String name, List<Isolator> isolators) {}

    /** What one app gets. capabilities null: no caps line; filter null: no seccomp line. */
    record AppIsolation(String name, Long capabilities, boolean noNewPrivileges, SeccompPolicy seccomp, byte[] filter,
                        Integer oomScoreAdj) {}

    private final IsolationRequest request;
    private final CgroupPlan cgroups;
    private final List<AppIsolation> apps;
    private final List<String> notApplied;

    private IsolationPlan(IsolationRequest request, CgroupPlan cgroups, List<AppIsolation> apps, List<String> notApplied) {
        this.request = request;
        this.cgroups = cgroups;
        this.apps = List.copyOf(apps);
        this.notApplied = List.copyOf(notApplied);
    }

    /**
     * Decides the pod's isolation on this host. Malformed or unknown values (a capability, a
     * syscall, an errno, a quantity) fail with a JrktException naming the app and the isolator.
     */
    public static IsolationPlan decide(String uuid, IsolationRequest request, List<App> apps, CgroupHost host) {
        return decide(uuid, request, apps, host, false);
    }

    /**
     * As {@link #decide(String, IsolationRequest, List, CgroupHost)}, for a stage1 that runs the
     * pod in a virtual machine when virtualMachine is set: the pod's cgroup then holds the
     * hypervisor, which the device policy lets open what it needs ({@link DevicePolicy#VM_HOST}).
     */
    public static IsolationPlan decide(String uuid, IsolationRequest request, List<App> apps, CgroupHost host, boolean virtualMachine) {
        List<String> notApplied = new ArrayList<>();
        Isolators.Resolved pod = Isolators.resolve(request.podIsolators(), "pod");
        for (String n : pod.notApplied()) notApplied.add("pod: " + n);
        Map<String, Isolators.Limits> limits = new LinkedHashMap<>();
        List<AppIsolation> decided = new ArrayList<>();
        for (App a : apps) {
            String who = "app " + a.name();
            Isolators.Resolved r = Isolators.resolve(a.isolators(), who);
            for (String n : r.notApplied()) notApplied.add(who + ": " + n);
            limits.put(a.name(), r.limits());

            Long caps = r.capabilities() != null ? r.capabilities() : Capabilities.DEFAULT;
            if (request.insecureCapabilities()) {
                caps = null;
                if (r.capabilities() != null) notApplied.add(who + ": capability isolator: --insecure-options=capabilities");
            }
            SeccompPolicy policy = r.seccomp() != null ? r.seccomp() : SeccompPolicy.jrktDefault();
            byte[] filter = null;
            if (request.insecureSeccomp()) {
                policy = null;
                if (r.seccomp() != null) notApplied.add(who + ": seccomp isolator: --insecure-options=seccomp");
            } else if (policy.optsOut()) {
                policy = null;
            } else {
                filter = policy.compile();
            }
            Integer oom = r.oomScoreAdj() != null ? r.oomScoreAdj() : pod.oomScoreAdj();
            decided.add(new AppIsolation(a.name(), caps, r.noNewPrivileges(), policy, filter, oom));
        }
        CgroupPlan cgroups = CgroupPlanner.plan(host, request.cgroupParent(), uuid, pod.limits(), limits, virtualMachine, notApplied);
        return new IsolationPlan(request, cgroups, decided, notApplied);
    }

    public CgroupPlan cgroups() { return cgroups; }

    /** One line per isolator (or protection) that is not applied, with the reason: "app web: resource/block-iops: ...". */
    public List<String> notApplied() { return notApplied; }

    /** The pod manifest's pod-level "isolators". */
    public List<Object> podIsolatorsJson() {
        List<Object> out = new ArrayList<>();
        for (Isolator i : request.podIsolators()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", i.name());
            m.put("value", i.value());
            out.add(m);
        }
        return out;
    }

    /** Writes the cgroup record, the seccomp filters and the report into the pod directory. */
    public void write(Path pod) throws IOException {
        NewFiles.write(pod.resolve(CgroupPlan.FILE), Json.writePretty(cgroups.toJson()) + "\n");
        for (AppIsolation a : apps) {
            if (a.filter() == null) continue;
            Path file = pod.resolve(seccompFile(a.name()));
            jrkt.core.fs.Dirs.made(file.getParent()); // the preparer made it already; a file fewer than a seccomp/ of its own
            NewFiles.write(file, a.filter());
        }
        NewFiles.write(pod.resolve(REPORT), Json.writePretty(report()) + "\n");
    }

    /** The pod lines: where each hierarchy has the pod's cgroup. */
    public void podLines(PlanWriter plan) {
        for (CgroupPlan.Tree t : cgroups.trees()) plan.line("cgroup", t.hierarchy(), t.mountPoint(), t.path());
    }

    /** The app's lines. */
    public void appLines(PlanWriter plan, String app) {
        AppIsolation a = app(app);
        if (a.capabilities() != null) plan.line("caps", app, Capabilities.hex(a.capabilities()));
        if (a.noNewPrivileges()) plan.line("nonewprivs", app);
        if (a.filter() != null) plan.line("seccomp", app, seccompFile(app));
        if (a.oomScoreAdj() != null) plan.line("oom-score-adj", app, Integer.toString(a.oomScoreAdj()));
    }

    AppIsolation app(String name) {
        for (AppIsolation a : apps) if (a.name().equals(name)) return a;
        throw new IllegalArgumentException("no app " + name + " in the isolation plan");
    }

    /** The {@code isolation} report: opt-outs, what is not applied, and per app what is. */
    Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("insecureOptions", new ArrayList<Object>(request.insecureOptions()));
        m.put("notApplied", new ArrayList<Object>(notApplied));
        Map<String, Object> perApp = new LinkedHashMap<>();
        for (AppIsolation a : apps) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("capabilities", a.capabilities() == null ? null : new ArrayList<Object>(Capabilities.names(a.capabilities())));
            am.put("noNewPrivileges", a.noNewPrivileges());
            am.put("seccomp", a.seccomp() == null ? null : a.seccomp().effective().describe());
            am.put("oomScoreAdj", a.oomScoreAdj() == null ? null : (long) a.oomScoreAdj());
            perApp.put(a.name(), am);
        }
        m.put("apps", perApp);
        return m;
    }
}
