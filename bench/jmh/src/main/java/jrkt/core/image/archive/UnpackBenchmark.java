package jrkt.core.image.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jrkt.bench.TestImages;
import jrkt.sys.Linux;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Unpacking an ACI as a render does (SafeExtractor: names checked, owners, modes and times set,
 * one file at a time), reading it as an import does (TarReader), and digesting it (SHA-512 of
 * the blob, the image ID). Per operation: one image of {@code files} small files and a 4 MiB one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class UnpackBenchmark {
    @Param({"500"})
    int files;

    byte[] aci;
    Path work;
    Path target;
    int round;

    @Setup(Level.Trial)
    public void image() throws IOException {
        aci = TestImages.aci(files, 4096, 4 << 20);
        work = Files.createTempDirectory("jrkt-jmh-unpack");
    }

    @Setup(Level.Invocation)
    public void freshTarget() {
        target = work.resolve("t" + round++);
    }

    @TearDown(Level.Invocation)
    public void removeTarget() throws IOException {
        delete(target);
    }

    @TearDown(Level.Trial)
    public void removeWork() throws IOException {
        delete(work);
    }

    @Benchmark
    public Path extractRootfs() throws IOException {
        Files.createDirectory(target);
        new SafeExtractor(Linux.get()).extract(new ByteArrayInputStream(aci), target,
            SafeExtractor.Options.aciRootfs(path -> true, false, null));
        return target;
    }

    @Benchmark
    public void readTar(Blackhole out) throws IOException {
        TarReader reader = new TarReader(new ByteArrayInputStream(aci), SafeExtractor.MAX_METADATA);
        for (TarReader.Entry e = reader.next(); e != null; e = reader.next()) out.consume(e);
    }

    @Benchmark
    public byte[] sha512OfTheBlob() throws Exception {
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        try (DigestInputStream in = new DigestInputStream(new ByteArrayInputStream(aci), sha512)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return sha512.digest();
    }

    private static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
