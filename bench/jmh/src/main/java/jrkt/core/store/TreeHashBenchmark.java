package jrkt.core.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jrkt.bench.TestImages;
import jrkt.core.image.archive.SafeExtractor;
import jrkt.sys.Linux;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Digesting a rendered tree (TreeHash: paths, types, modes, owners, contents; what a render
 * records and image verify checks), and naming a tree (the dependency chain's SHA-512, which
 * every pod start computes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TreeHashBenchmark {
    Path tree;

    @Setup(Level.Trial)
    public void tree() throws IOException {
        tree = Files.createTempDirectory("jrkt-jmh-tree");
        new SafeExtractor(Linux.get()).extract(new ByteArrayInputStream(TestImages.aci(500, 4096, 4 << 20)), tree,
            SafeExtractor.Options.aciRootfs(path -> true, false, null));
    }

    @TearDown(Level.Trial)
    public void remove() throws IOException {
        try (Stream<Path> walk = Files.walk(tree)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public String treeHash() throws IOException {
        return TreeHash.of(tree);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] treeIdDigest() {
        return Sha512.digest(("sha512-" + "ab".repeat(64) + "\nsha512-" + "cd".repeat(64) + "\n").getBytes());
    }
}
