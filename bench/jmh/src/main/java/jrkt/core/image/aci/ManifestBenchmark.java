package jrkt.core.image.aci;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jrkt.bench.TestImages;
import jrkt.core.json.Json;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Parsing an image manifest (JSON, then the appc schema and its checks), and JSON alone both ways. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ManifestBenchmark {
    final byte[] manifest = TestImages.MANIFEST.getBytes(StandardCharsets.UTF_8);
    final Map<String, Object> json = Json.asObject(Json.parse(manifest));

    @Benchmark
    public ImageManifest parseImageManifest() {
        return ImageManifest.parse(manifest);
    }

    @Benchmark
    public Object parseJson() {
        return Json.parse(manifest);
    }

    @Benchmark
    public String writeJsonPretty() {
        return Json.writePretty(json);
    }
}
