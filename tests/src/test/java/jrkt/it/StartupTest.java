package jrkt.it;

import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What makes jrkt start fast costs speed only, never correctness: without the AOT cache, with one
 * older than jrkt's jars, or with one the JVM refuses, every command still does what it does, and
 * {@code --debug} says why the cache was not used. --debug also shows where a command's time went.
 */
class StartupTest {
    static final String IMAGE = "example.com/startup";
    static final Path LIB = Jrkt.LAUNCHER.getParent().resolve("cli/target/lib");
    static final Path BUILT_CACHE = LIB.resolve("jrkt-run.aot");

    @TempDir Path tmp;
    PodEnv env;

    @BeforeEach
    void fetchImage() throws Exception {
        env = new PodEnv(tmp);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/sh", "-c", "echo from-image"));
    }

    @AfterEach
    void cleanUp() { env.close(); }

    @Test
    void debugShowsThePhasesOfARunUpToTheExecOfStage1() {
        Jrkt.Result r = env.run(PodEnv.args("--debug", "run", sh(IMAGE, "echo ran; exit 3")));
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("ran"), r.toString());
        List<String> phases = phaseNames(r.stderr());
        assertEquals(List.of("jvm", "parse", "request", "store-open", "stage1-image", "pod-directory", "images-resolved",
            "stage1-checked", "apps-isolation", "manifest-metadata", "app-roots", "prepare", "exec"), phases, r.stderr());
        assertTrue(r.stderr().contains("jrkt: debug: main to exec "), r.stderr());
        // printed before jrkt became stage1: stage1's own debug lines come after
        assertTrue(r.stderr().indexOf("jrkt: debug: main to exec") < r.stderr().indexOf("stage1: debug:"), r.stderr());
        assertTrue(r.stderr().contains("jrkt: debug: C calls: through jrkt's JNI gate"), r.stderr());
    }

    @Test
    void debugShowsThePhasesOfEveryOtherCommandToo() {
        Jrkt.Result list = env.run("--debug", "image", "list").expectSuccess();
        assertEquals(List.of("jvm", "parse", "store-open", "command"), phaseNames(list.stderr()), list.stderr());
        assertTrue(list.stdout().contains(IMAGE), list.toString());
        // what picocli parses (help, a usage error) is timed as one phase
        Jrkt.Result bad = env.run("--debug", "image", "list", "--colour");
        assertEquals(254, bad.exitCode(), bad.toString());
        assertEquals(List.of("jvm", "picocli"), phaseNames(bad.stderr()), bad.stderr());
        // and without --debug nothing of it
        Jrkt.Result quiet = env.run("image", "list").expectSuccess();
        assertEquals("", quiet.stderr());
    }

    /**
     * The first use of streams, of a regex or of a reflective enum lookup (EnumSet, EnumMap,
     * Enum.valueOf) initialises classes the AOT cache cannot initialise ahead: 0.4-0.5 ms each on
     * the path to stage1's exec (docs/design-notes.md). A run's main thread uses none of them,
     * once the image's tree is rendered (a first render walks trees with Files.walk).
     */
    @Test
    void aRunsMainThreadInitialisesNoStreamRegexOrReflection() throws Exception {
        env.run(PodEnv.args("run", "--net=none", sh(IMAGE, "true"))).expectSuccess(); // renders the tree
        Path log = tmp.resolve("class-init.log");
        Jrkt traced = env.jrkt().withEnv("JRKT_JVM_OPTS", "-Xlog:class+init=info:file=" + log);
        traced.run(PodEnv.args("run", "--net=none", sh(IMAGE, "echo traced"))).expectSuccess();
        List<String> byMain = Files.readAllLines(log).stream()
            .dropWhile(l -> !l.contains("'jrkt/cli/Main'")) // the JVM's own start comes before
            .filter(l -> l.contains("by thread \"main\"")).toList();
        assertTrue(byMain.stream().anyMatch(l -> l.contains("'jrkt/core/pod/prepare/PodPreparer'")), "no trace of the run: " + byMain);
        for (String unwanted : List.of("'java/util/stream/", "'java/util/regex/", "'jdk/internal/reflect/MethodHandleAccessorFactory'")) {
            assertEquals(List.of(), byMain.stream().filter(l -> l.contains(unwanted)).toList(), unwanted);
        }
    }

    /**
     * A class of jrkt's the AOT training never loaded costs a run a read of jrkt's jars and, for a
     * lambda, a class generated at run time. A run that marks its images used (their last use 10 s
     * old, as for most runs started alone) and one that does not both find all of jrkt's classes
     * (and the libraries' in its jars) in the cache. The JDK's own may still come from its runtime
     * image when a thread happens to wait (a lock's queue node): that depends on timing, not on
     * the training.
     */
    @Test
    void aRunLoadsEveryClassFromItsGroupsCacheWhetherItMarksItsImagesUsedOrNot() throws Exception {
        env.run(PodEnv.args("run", "--net=none", sh(IMAGE, "true"))).expectSuccess(); // renders the tree
        Thread.sleep(11_000); // the images' last use is older than 10 s: the next run writes it
        for (String which : List.of("marks its images used", "within 10 s of that")) {
            Path log = tmp.resolve("class-load.log");
            Files.deleteIfExists(log);
            env.jrkt().withEnv("JRKT_JVM_OPTS", "-Xlog:class+load=info:file=" + log)
                .run(PodEnv.args("run", "--net=none", sh(IMAGE, "true"))).expectSuccess();
            List<String> loaded = Files.readAllLines(log);
            assertTrue(loaded.size() > 1000, "no trace of the run: " + loaded.size() + " lines");
            assertEquals(List.of(), loaded.stream().filter(l -> !l.contains("source: shared objects file") && !l.contains("source: jrt:/"))
                .toList(), "a run that " + which + " loaded classes from outside the cache");
        }
    }

    /**
     * The JVM loads every class of a cache at each start, so the run group's cache must hold what
     * runs load and not what the training's own harness did (making images and pods, removing
     * them) nor what only a failed start does: regexes, a tar writer and the archive readers once
     * made up a fifth of it. An image's first render, once per image, is not trained either. A run
     * lists every class it loaded, the whole cache included, with -Xlog:class+load.
     */
    @Test
    void theRunGroupsCacheHoldsNothingOfTheTrainingsOwnWork() throws Exception {
        env.run(PodEnv.args("run", "--net=none", sh(IMAGE, "true"))).expectSuccess(); // renders the tree
        Path log = tmp.resolve("class-load.log");
        env.jrkt().withEnv("JRKT_JVM_OPTS", "-Xlog:class+load=info:file=" + log)
            .run(PodEnv.args("run", "--net=none", sh(IMAGE, "true"))).expectSuccess();
        List<String> loaded = Files.readAllLines(log);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" jrkt.core.pod.prepare.PodPreparer source: shared objects file")),
            "the run did not start with the cache: " + loaded.size() + " lines");
        for (String unwanted : List.of(" java.util.regex.Pattern ", " org.apache.commons.compress.archivers.tar.TarArchiveOutputStream ",
                " org.apache.commons.compress.archivers.tar.TarArchiveInputStream ", " java.util.zip.GZIPOutputStream ",
                " jrkt.core.image.archive.SafeExtractor ", " sun.nio.ch.FileChannelImpl ", " java.time.format.DateTimeFormatter ")) {
            assertEquals(List.of(), loaded.stream().filter(l -> l.contains(unwanted)).toList(), unwanted);
        }
    }

    /**
     * list, status and image list (their JSON and --wait forms too) and gc set up no regex, no
     * java.time formatter and no NIO file channel: their group's cache, which every start of the
     * group loads whole, would hold them (the query group's held 137 such classes: 2 ms a start).
     */
    @Test
    void theQueryAndPodsCommandsSetUpNoRegexNoTimeFormatterNoFileChannel() throws Exception {
        Path uuidFile = tmp.resolve("uuid");
        env.run(PodEnv.args("run", "--net=none", "--uuid-file-save=" + uuidFile, sh(IMAGE, "true"))).expectSuccess();
        String uuid = Files.readString(uuidFile).strip();
        List<List<String>> commands = List.of(List.of("list", "--format=json"), List.of("image", "list", "--format=json"),
            List.of("status", "--format=json", uuid), List.of("status", "--wait=1s", uuid), List.of("gc", "--grace-period=0s"));
        for (List<String> command : commands) {
            Path log = tmp.resolve("class-load-" + command.get(0) + "-" + command.get(1) + ".log");
            env.jrkt().withEnv("JRKT_JVM_OPTS", "-Xlog:class+load=info:file=" + log).run(command.toArray(String[]::new)).expectSuccess();
            List<String> loaded = Files.readAllLines(log);
            assertTrue(loaded.size() > 500, command + " logged no class loads: " + loaded.size() + " lines");
            for (String unwanted : List.of(" java.util.regex.Pattern ", " java.time.format.DateTimeFormatter ", " sun.nio.ch.FileChannelImpl ")) {
                assertEquals(List.of(), loaded.stream().filter(l -> l.contains(unwanted)).toList(), command + ": " + unwanted);
            }
        }
    }

    @Test
    void eachCommandStartsWithItsGroupsCache() {
        // Jrkt passes --dir DIR and --local-config DIR first: the launcher skips global options and their values
        assertCache("jrkt-info.aot", "--debug", "version");
        assertCache("jrkt-query.aot", "--debug", "list");
        assertCache("jrkt-query.aot", "--debug", "image", "list");
        assertCache("jrkt-query.aot", "--insecure-options", "image", "--debug", "image", "list");
        assertCache("jrkt-pods.aot", "--debug", "gc");
        assertCache("jrkt-images.aot", "--debug", "image", "gc");
        Jrkt.Result run = env.run(PodEnv.args("--debug", "run", sh(IMAGE, "true")));
        assertTrue(run.stderr().contains("jrkt: debug: aot cache: in use (" + LIB.resolve("jrkt-run.aot") + ")"), run.stderr());
    }

    @Test
    void versionTellsTheBuildsVersionFromTheJar() {
        Jrkt.Result r = env.run("version").expectSuccess();
        assertTrue(r.stdout().lines().anyMatch(l -> l.matches("jrkt Version: \\d+\\.\\d+\\.\\d+.*")), r.stdout());
    }

    private void assertCache(String cache, String... args) {
        Jrkt.Result r = env.run(args).expectSuccess();
        assertTrue(r.stderr().contains("jrkt: debug: aot cache: in use (" + LIB.resolve(cache) + ")"), r.stderr());
    }

    @Test
    void withoutTheCacheEveryCommandStillWorksAndDebugSaysWhy() {
        Jrkt noCache = env.jrkt().withEnv("JRKT_AOT_CACHE", tmp.resolve("no-such.aot").toString());
        Jrkt.Result run = noCache.run(PodEnv.args("--debug", "run", sh(IMAGE, "echo without cache"))).expectSuccess();
        assertTrue(run.stdout().contains("without cache"), run.toString());
        assertTrue(run.stderr().contains("aot cache: not used: " + tmp.resolve("no-such.aot") + " does not exist"), run.stderr());
        assertTrue(noCache.run("image", "list").expectSuccess().stdout().contains(IMAGE));
        Jrkt.Result off = env.jrkt().withEnv("JRKT_AOT_CACHE", "").run("--debug", "list").expectSuccess();
        assertTrue(off.stderr().contains("aot cache: not used: turned off"), off.stderr());
    }

    @Test
    void withoutTheJniGateCCallsTakeFfmAndEveryCommandStillWorks() {
        Jrkt ffm = env.jrkt().withEnv("JRKT_NATIVE_GATE", "");
        Jrkt.Result run = ffm.run(PodEnv.args("--debug", "run", sh(IMAGE, "echo through ffm; exit 5")));
        assertEquals(5, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("through ffm"), run.stdout());
        assertTrue(run.stderr().contains("jrkt: debug: C calls: through FFM downcalls (jrkt's JNI gate was not loaded: slower)"), run.stderr());
        ffm.run("list").expectSuccess();
        Jrkt.Result missing = env.jrkt().withEnv("JRKT_NATIVE_GATE", "/nonexistent/libjrkt-gate.so").run("--debug", "image", "list").expectSuccess();
        assertTrue(missing.stderr().contains("through FFM downcalls"), missing.stderr());
    }

    @Test
    void aStaleCacheIsNotUsedAndDebugSaysSo() throws Exception {
        Path stale = tmp.resolve("stale.aot");
        Files.copy(BUILT_CACHE, stale);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));
        Jrkt jrkt = env.jrkt().withEnv("JRKT_AOT_CACHE", stale.toString());
        Jrkt.Result r = jrkt.run(PodEnv.args("--debug", "run", sh(IMAGE, "echo with a stale cache"))).expectSuccess();
        assertTrue(r.stdout().contains("with a stale cache"), r.toString());
        assertTrue(r.stderr().contains("aot cache: not used: " + stale + " is older than jrkt's classes"), r.stderr());
    }

    @Test
    void aCacheTheJvmRefusesCostsSpeedOnly() throws Exception {
        Path garbage = tmp.resolve("garbage.aot");
        byte[] noise = new byte[64 * 1024];
        new Random(1).nextBytes(noise);
        Files.write(garbage, noise); // newer than the jars: the launcher passes it, the JVM refuses it
        Jrkt jrkt = env.jrkt().withEnv("JRKT_AOT_CACHE", garbage.toString());
        Jrkt.Result r = jrkt.run(PodEnv.args("--debug", "run", sh(IMAGE, "echo with a broken cache; exit 4")));
        assertEquals(4, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("with a broken cache"), r.toString());
        assertTrue(r.stderr().contains("aot cache: not used: the JVM rejected " + garbage), r.stderr());
        assertTrue(r.stderr().lines().noneMatch(l -> l.contains("[aot]") || l.contains("[cds]")), "the JVM's own complaint stays quiet: " + r.stderr());
    }

    /** The NAME of each "jrkt: debug: phase NAME MS ms" line, in order. */
    private static List<String> phaseNames(String stderr) {
        return stderr.lines().filter(l -> l.startsWith("jrkt: debug: phase ")).map(l -> l.split(" ")[3]).toList();
    }
}
