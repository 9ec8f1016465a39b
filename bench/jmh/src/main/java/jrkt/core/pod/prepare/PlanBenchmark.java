package jrkt.core.pod.prepare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.isolation.CgroupHost;
import jrkt.core.isolation.IsolationPlan;
import jrkt.core.isolation.IsolationRequest;
import jrkt.core.isolation.SeccompPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Writing a pod's plan (docs/stage1-abi.md) and manifest for two apps, as prepare does, and
 * the pieces of the isolation plan: detecting the host's cgroups, compiling jrkt's default
 * seccomp filter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PlanBenchmark {
    PrepareRequest request;
    List<PreparedApp> apps;
    IsolationPlan isolation;
    Path plan;

    @Setup(Level.Trial)
    public void pod() throws IOException {
        Path tree = Files.createTempDirectory("jrkt-jmh-plan").resolve("rootfs");
        Files.createDirectories(tree.resolve("etc"));
        apps = List.of(app("web", tree), app("sidecar", tree));
        request = new PrepareRequest(List.of(AppSpec.of("web"), AppSpec.of("sidecar")), List.of(), null, NetMode.NONE,
            DnsConfig.IMAGE, List.of(), Map.of(), Map.of(), Map.of(), "sha512-stage1", false, false, null, Map.of(),
            new IsolationRequest(List.of(), "jrkt", false, false, false));
        isolation = IsolationPlan.decide("uuid", request.isolation(),
            apps.stream().map(a -> new IsolationPlan.App(a.name(), a.isolators())).toList(), CgroupHost.detect());
        plan = tree.getParent().resolve("plan");
    }

    private static PreparedApp app(String name, Path tree) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Environment.DEFAULT_PATH);
        env.put("AC_APP_NAME", name);
        return new PreparedApp(name, "sha512-abc", "example.com/" + name, Map.of("version", "1.0"), "deps-sha512-abc", tree,
            List.of("/bin/sh", "-c", "echo hi"), "0", "0", 0, 0, List.of(), "/", env,
            List.of(new ImageManifest.EventHandler("pre-start", List.of("/bin/true"))), List.of(), List.of(), List.of(),
            List.of(), false);
    }

    @Benchmark
    public String planText() {
        return new PodPlan("jrkt-bench", request, apps, Map.of(), isolation).build().text();
    }

    /** As prepare writes it: a new file renamed to a name that does not exist yet (replacing one makes ext4 flush it). */
    @Benchmark
    public Path planWritten() throws IOException {
        Files.deleteIfExists(plan);
        new PodPlan("jrkt-bench", request, apps, Map.of(), isolation).build().writeTo(plan);
        return plan;
    }

    @Benchmark
    public String podManifest() {
        return jrkt.core.json.Json.writePretty(PodManifest.build(apps, List.of(), Map.of()));
    }

    @Benchmark
    public CgroupHost detectCgroups() {
        return CgroupHost.detect();
    }

    @Benchmark
    public byte[] compileDefaultSeccompFilter() {
        return SeccompPolicy.jrktDefault().compile();
    }
}
