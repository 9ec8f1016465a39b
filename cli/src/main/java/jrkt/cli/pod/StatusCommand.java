package jrkt.cli.pod;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import jrkt.cli.BaseCommand;
import jrkt.cli.GoDuration;
import jrkt.cli.output.LocalZone;
import jrkt.cli.output.Table;
import jrkt.core.JrktException;
import jrkt.core.Quote;
import jrkt.core.isolation.IsolationStatus;
import jrkt.core.metadata.PodMetadata;
import jrkt.core.pod.userns.PodUserNamespace;
import jrkt.core.json.Json;
import jrkt.core.net.PodNetworks;
import jrkt.core.pod.Pod;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.PodState;
import jrkt.core.pod.Pods;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jrkt status UUID}: rkt's key=value lines: state, created, started, pid, exited, exit,
 * networks ({@code NAME:ip4=ADDRESS,...}, once the pod started on CNI networks), user-namespace, and per
 * app {@code app-NAME=STATUS} (its exit status, running, oom-killed, or the error that kept it from starting);
 * {@code insecure-options} and {@code not-applied} when the pod has any; {@code metadata-service}: the appc
 * metadata service's URL, or why the pod has none.
 */
@Command(name = "status", description = {
        "Print the state of a pod as key=value lines: state, created, started, pid, exited, networks, app-NAME=STATUS.",
        "An app's STATUS is its exit status once it exited, 'oom-killed' when the kernel's OOM killer ended it at its memory limit,",
        "'running', or 'error: WHY' when it could not start. insecure-options= names the protections the pod runs without,",
        "not-applied= the isolators jrkt could not apply (one line each, 'app NAME: ISOLATOR: why')."})
public final class StatusCommand extends BaseCommand {
    private static final long POLL_MILLIS = 100;

    @Parameters(arity = "0..1", paramLabel = "UUID", description = PodArgument.UUID_HELP)
    String uuid;

    @Mixin PodArgument podArgument;

    @Option(names = "--wait", arity = "0..1", fallbackValue = "true", paramLabel = "true|false|DURATION",
            converter = Wait.Converter.class, preprocessor = Wait.AttachedOnly.class, description = "wait until the pod has exited (at most DURATION, e.g. 30s)")
    Wait waitExit = Wait.NO;

    @Option(names = "--wait-ready", arity = "0..1", fallbackValue = "true", paramLabel = "true|false|DURATION",
            converter = Wait.Converter.class, preprocessor = Wait.AttachedOnly.class, description = "wait until every app of the pod has started (at most DURATION)")
    Wait waitReady = Wait.NO;

    @Option(names = "--format", paramLabel = "json|json-pretty", description = "print JSON instead of key=value lines")
    String format;

    @Override protected boolean opensStore() { return false; }

    @Override public Integer call() throws InterruptedException {
        if (format != null && !format.equals("json") && !format.equals("json-pretty")) {
            throw new JrktException("--format " + format + ": expected json or json-pretty");
        }
        Pods pods = new Pods(new PodDirs(jrkt().dataDir()));
        Pod pod = podArgument.resolve(jrkt().dataDir(), uuid);
        if (waitReady.enabled()) pod = waitFor(pods, pod, "ready", waitReady, p -> p.ready() || ended(p));
        if (waitExit.enabled()) pod = waitFor(pods, pod, "exited", waitExit, StatusCommand::ended);
        Map<String, Object> status = status(pod);
        if (format == null) {
            for (Map.Entry<String, Object> e : status.entrySet()) {
                if (e.getKey().equals("apps") || e.getKey().equals("uuid")) continue;
                if (e.getKey().equals("networks")) {
                    // loops, not streams: a stream's first use in a JVM sets up a score of classes (and reflection)
                    List<String> lines = new ArrayList<>();
                    for (PodNetworks.NetworkStatus n : PodNetworks.status(pod.dir())) lines.add(n.line());
                    if (!lines.isEmpty()) out().println("networks=" + Quote.escape(String.join(",", lines)));
                    continue;
                }
                if (e.getValue() instanceof List<?> list) {
                    if (e.getKey().equals("not-applied")) list.forEach(v -> out().println(e.getKey() + "=" + Quote.escape(String.valueOf(v))));
                    else if (!list.isEmpty()) out().println(e.getKey() + "=" + Quote.escape(joined(list)));
                    continue;
                }
                if (e.getValue() != null) out().println(e.getKey() + "=" + Quote.escape(String.valueOf(e.getValue())));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> apps = (Map<String, Object>) status.get("apps");
            for (Map.Entry<String, Object> app : apps.entrySet()) {
                if (app.getValue() != null) {
                    // stage1 recorded the error; it quotes paths from the image, which may hold anything
                    out().println("app-" + Quote.escape(app.getKey()) + "=" + Quote.escape(String.valueOf(app.getValue())));
                }
            }
        } else {
            out().println(format.equals("json") ? Json.write(status) : Json.writePretty(status));
        }
        out().flush();
        return 0;
    }

    private static boolean ended(Pod pod) {
        return pod.state() != PodState.RUNNING && pod.state() != PodState.PREPARED && pod.state() != PodState.PREPARING
            && pod.state() != PodState.EMBRYO;
    }

    private static Pod waitFor(Pods pods, Pod pod, String what, Wait wait, Predicate<Pod> condition) throws InterruptedException {
        Instant deadline = wait.limit() == null ? null : Instant.now().plus(wait.limit());
        while (!condition.test(pod)) {
            if (deadline != null && Instant.now().isAfter(deadline)) {
                throw new JrktException("pod " + pod.uuid() + " is not " + what + " after " + GoDuration.format(wait.limit())
                    + " (it is " + pod.state() + ")");
            }
            Thread.sleep(POLL_MILLIS);
            pod = pods.resolve(pod.uuid());
        }
        return pod;
    }

    /** The facts, in rkt's order; values null when unknown. */
    static Map<String, Object> status(Pod pod) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("uuid", pod.uuid());
        s.put("state", pod.state().label());
        s.put("created", time(pod.created()));
        s.put("started", time(pod.started()));
        s.put("pid", pod.state().afterRun() ? pod.pid() : null);
        boolean exited = pod.state() == PodState.EXITED || pod.state() == PodState.EXITED_GARBAGE;
        s.put("exited", exited);
        if (exited) s.put("exit", pod.exitStatus());
        s.put("networks", json(PodNetworks.status(pod.dir())));
        PodUserNamespace userns = PodUserNamespace.read(pod.dir());
        s.put("user-namespace", userns == null ? null : userns.mapping());
        s.put("metadata-service", PodMetadata.status(pod.dir()));
        IsolationStatus isolation = IsolationStatus.read(pod.dir());
        s.put("insecure-options", isolation.insecureOptions());
        s.put("not-applied", isolation.notApplied());
        Map<String, Object> apps = new LinkedHashMap<>();
        List<Pod.App> list;
        try {
            list = pod.apps();
        } catch (JrktException unreadable) {
            list = new ArrayList<>();
        }
        for (Pod.App app : list) {
            Pod.AppStatus a = pod.appStatus(app.name());
            Object value = switch (a.summary()) {
                case "exited" -> IsolationStatus.oomKilled(pod.dir(), app.name(), a.exitStatus()) ? "oom-killed" : a.exitStatus();
                case "error" -> "error: " + a.error();
                case "running" -> exited ? null : "running";
                default -> null;
            };
            apps.put(app.name(), value);
        }
        s.put("apps", apps);
        return s;
    }

    /** Networks as JSON objects: name, and ip4 and ip6 when the network gave one (list shares it). */
    static List<Object> json(List<PodNetworks.NetworkStatus> networks) {
        List<Object> out = new ArrayList<>();
        for (PodNetworks.NetworkStatus n : networks) {
            Map<String, Object> net = new LinkedHashMap<>();
            net.put("name", n.name());
            if (n.ip4() != null) net.put("ip4", n.ip4());
            if (n.ip6() != null) net.put("ip6", n.ip6());
            out.add(net);
        }
        return out;
    }

    private static String time(Instant t) {
        return t == null ? null : LocalZone.rfc3339(t);
    }

    private static String joined(List<?> values) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.size(); i++) out.append(i == 0 ? "" : ",").append(values.get(i));
        return out.toString();
    }
}
