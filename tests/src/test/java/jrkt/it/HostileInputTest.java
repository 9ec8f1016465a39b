package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.Mounts;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator can type or point jrkt at, and what images and pods can make jrkt print:
 * every failure is one short line with exit status 254, nothing is echoed whole or raw, and
 * --overwrite never replaces what the command does not itself make. Device nodes are made in
 * the test's own scratch directory; nothing here writes to the real /dev.
 */
class HostileInputTest {
    static final String IMAGE = "example.com/shell";
    static final String ESC = "\u001b";

    @TempDir Path tmp;
    PodEnv env;
    Path scratch;

    @BeforeEach
    void setUp() throws Exception {
        env = new PodEnv(tmp);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/sh"));
        scratch = Files.createDirectory(tmp.resolve("scratch"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        Mounts.detachAllUnder(scratch);
        env.close();
    }

    static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), command);
    }

    /** A failure of jrkt itself: status 254 and exactly one line on stderr, short and free of control characters. */
    static String oneLineError(Jrkt.Result r) {
        assertEquals(254, r.exitCode(), r.toString());
        List<String> lines = r.stderr().lines().toList();
        assertEquals(1, lines.size(), r.toString());
        String line = lines.getFirst();
        assertTrue(line.startsWith("jrkt: "), line);
        assertTrue(line.length() < 2200, "the message is short: " + line.length() + " characters");
        assertTrue(line.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "no control character is printed raw: " + line);
        return line;
    }

    @Test
    void uuidFilesThatAreEndlessOrBinaryFailInOneShortLine() throws Exception {
        String zero = oneLineError(env.run("status", "--uuid-file=/dev/zero"));
        assertTrue(zero.contains("--uuid-file /dev/zero: longer than"), zero);
        Path binary = scratch.resolve("binary");
        byte[] bytes = new byte[700];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 7 + 40); // binary, ESC and NUL among it
        Files.write(binary, bytes);
        String garbage = oneLineError(env.run("status", "--uuid-file=" + binary));
        assertTrue(garbage.contains("is not a pod UUID") && garbage.contains("\\x1b") && garbage.contains("characters left out"), garbage);
        String directory = oneLineError(env.run("status", "--uuid-file=" + scratch));
        assertTrue(directory.contains("is a directory"), directory);
        Path envFile = scratch.resolve("env");
        Files.write(envFile, "A=1\nB=x\0y\n".getBytes());
        assertTrue(oneLineError(env.run(args("run", "--set-env-file=" + envFile, IMAGE))).contains("line 2: the value of B holds a NUL byte"));
    }

    /** The launcher with exactly these arguments (no --dir of the test's). */
    static Jrkt.Result launcher(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Jrkt.LAUNCHER.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        return new Jrkt.Result(p.exitValue(), new String(out), new String(err));
    }

    @Test
    void hugeArgumentsAreQuotedShortened() {
        String huge = "a".repeat(120_000);
        for (String[] command : List.of(new String[] {"image", "rm", huge}, new String[] {"status", huge},
                new String[] {"run", huge}, new String[] {"list", "--fields=" + huge}, new String[] {"list", "--bogus" + huge},
                new String[] {"run", "--volume=" + huge, IMAGE}, new String[] {"run", IMAGE, "--exec=" + huge},
                new String[] {"gc", "--grace-period=" + huge}, new String[] {"fetch", huge})) {
            String line = oneLineError(env.run(command));
            assertTrue(line.contains("characters left out"), line);
        }
    }

    @Test
    void dataDirectoriesThatAreEmptyFilesOrUnwritableAreNamed() throws Exception {
        assertEquals("jrkt: --dir is empty; give a directory", oneLineError(launcher("--dir=", "list")));
        Path file = Files.writeString(scratch.resolve("file"), "x");
        assertEquals("jrkt: --dir " + file + " is not a directory", oneLineError(launcher("--dir=" + file, "image", "list")));
        Path readOnly = Files.createDirectory(scratch.resolve("ro"));
        sh("mount --bind " + env.data() + " " + readOnly + " && mount -o remount,bind,ro " + readOnly);
        String line = oneLineError(launcher("--dir=" + readOnly, "image", "list"));
        assertTrue(line.contains("cannot use the store in " + readOnly + "/cas: ") && line.contains("ead-only"), line);
    }

    @Test
    void labelsAndAnnotationsWithControlCharactersAreEscapedInListingsButExactInJson() throws Exception {
        env.fetch(AciBuilder.busybox("example.com/hostile", "1.0" + ESC + "]2;owned\u0007\nFAKE-LINE \u202e", "/bin/sh")
            .annotation("note", ESC + "[2J"));
        Jrkt.Result list = env.run("image", "list").expectSuccess();
        assertFalse(list.stdout().contains(ESC), list.stdout());
        assertTrue(list.stdout().contains("1.0\\x1b]2;owned\\x07\\nFAKE-LINE\\x20\\u202e"), list.stdout());
        assertEquals(3, list.stdout().lines().count(), "one header and one line per image: " + list.stdout());
        Jrkt.Result json = env.run("image", "list", "--format=json", "--fields=name,version").expectSuccess();
        assertTrue(json.stdout().contains("\"1.0\\u001b]2;owned\\u0007\\nFAKE-LINE \\u202e\""), json.stdout());
        Jrkt.Result manifest = env.run("image", "cat-manifest", "example.com/hostile").expectSuccess();
        assertFalse(manifest.stdout().contains(ESC) || manifest.stdout().contains("\u202e"), manifest.stdout());
    }

    @Test
    void overwriteReplacesOnlyWhatTheCommandMakes() throws Exception {
        Path full = scratch.resolve("full");
        Path fifo = scratch.resolve("fifo");
        sh("mknod " + full + " c 1 7 && mkfifo " + fifo);
        Path hostname = Files.writeString(scratch.resolve("hostname"), "host\n");

        String device = oneLineError(env.run("image", "export", IMAGE, full.toString(), "--overwrite"));
        assertTrue(device.endsWith(full + " is a character device; --overwrite replaces only a regular file"), device);
        oneLineError(env.run("image", "export", IMAGE, fifo.toString(), "--overwrite"));
        String file = oneLineError(env.run("image", "extract", IMAGE, hostname.toString(), "--overwrite"));
        assertTrue(file.endsWith(hostname + " is a regular file; --overwrite replaces only a directory"), file);
        oneLineError(env.run("image", "render", IMAGE, fifo.toString(), "--overwrite"));
        String save = oneLineError(env.run(args("run", "--uuid-file-save=" + full, IMAGE, "--exec=/bin/true")));
        assertTrue(save.endsWith("--uuid-file-save " + full + ": it is a character device; only a regular file is replaced"), save);
        assertEquals(List.of(), env.allPods(), "the pod nobody could name was removed");
        sh("test -c " + full + " && test -p " + fifo); // still what they were
        assertEquals("host\n", Files.readString(hostname));

        Path old = Files.writeString(scratch.resolve("old.aci"), "old");
        env.run("image", "export", IMAGE, old.toString(), "--overwrite").expectSuccess();
        assertTrue(Files.size(old) > 1000, "a regular file is replaced");
    }

    @Test
    void anExportOntoAFullDiskFailsAndLeavesNoPartialFile() throws Exception {
        Path tiny = Files.createDirectory(scratch.resolve("tiny"));
        sh("mount -t tmpfs -o size=256k jrkt-test-tiny " + tiny);
        String line = oneLineError(env.run("image", "export", IMAGE, tiny.resolve("out.aci").toString()));
        assertTrue(line.contains("cannot write " + tiny.resolve("out.aci")) && line.contains("No space left on device"), line);
        try (Stream<Path> left = Files.list(tiny)) {
            assertEquals(List.of(), left.toList(), "no partial output, no staged file");
        }
        String uuid = env.runDetached(args(IMAGE, "--exec=/bin/true"));
        env.awaitState(uuid, "exited", 60);
        String pod = oneLineError(env.run("export", uuid, tiny.resolve("pod.aci").toString()));
        assertTrue(pod.contains("No space left on device"), pod);
        try (Stream<Path> left = Files.list(tiny)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void anAppWhoseCommandOrWorkingDirectoryIsMissingFailsWithTheReason() {
        assertEquals("jrkt: app shell: exec \"/bin/nothere\" does not exist in image " + IMAGE,
            oneLineError(env.run("run", IMAGE, "--exec=/bin/nothere")));
        assertEquals("jrkt: app shell: working directory \"/nope\" does not exist in image " + IMAGE,
            oneLineError(env.run("prepare", IMAGE, "--working-dir=/nope")));
        assertEquals("jrkt: app shell: exec \"/etc/passwd\" is not executable in image " + IMAGE,
            oneLineError(env.run("run", IMAGE, "--exec=/etc/passwd")));
        assertEquals(List.of(), env.allPods(), "nothing was left prepared");

        // below an empty volume only stage1 can tell: it says why, a detached run still names the
        // pod, and status shows what stage1 recorded
        Jrkt.Result detached = env.run("run", "--detach", "--volume=d,kind=empty", IMAGE, "--mount=volume=d,target=/d",
            "--working-dir=/d/missing", "--exec=/bin/true");
        assertEquals(254, detached.exitCode(), detached.toString());
        assertEquals("stage1: app shell: workdir /d/missing: No such file or directory", detached.stderr().strip());
        String uuid = detached.out();
        var status = env.awaitState(uuid, "exited", 60);
        assertEquals("error: workdir /d/missing: No such file or directory", status.get("app-shell"), status.toString());
        Jrkt.Result foreground = env.run("run", "--volume=d,kind=empty", IMAGE, "--mount=volume=d,target=/d",
            "--working-dir=/d/missing", "--exec=/bin/true");
        assertEquals(254, foreground.exitCode(), foreground.toString());
        assertEquals("stage1: app shell: workdir /d/missing: No such file or directory", foreground.stderr().strip());
    }
}
