package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `jrkt run` and `prepare`/`run-prepared`: exit status, environment, users, and refusing bad input. */
class PodRunTest {
    static final String IMAGE = "example.com/shell";

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
    void runExitsWithTheAppsStatus() {
        Jrkt.Result one = env.run(args("run", sh(IMAGE, "exit 7")));
        assertEquals(7, one.exitCode(), one.toString());

        // The pod's status is the first failing app's in app order, not in time order: the
        // app exiting 6 ends first.
        Jrkt.Result three = env.run(args("run",
            sh(IMAGE, "exit 0"), "---",
            sh(IMAGE, "sleep 1; exit 5"), "---",
            sh(IMAGE, "exit 6")));
        assertEquals(5, three.exitCode(), three.toString());

        // and the image's own exec runs when no --exec is given, its output reaching the caller
        Jrkt.Result plain = env.run("run", IMAGE).expectSuccess();
        assertTrue(plain.stdout().contains("from-image"), plain.toString());
    }

    @Test
    void environmentLayersFollowTheDocumentedPrecedence() throws Exception {
        env.fetch(AciBuilder.busybox("example.com/env-app", "1.0", "/bin/env").appJson("{\"exec\":[\"/bin/env\"],"
            + "\"user\":\"0\",\"group\":\"0\",\"environment\":["
            + "{\"name\":\"FROM_IMAGE\",\"value\":\"image\"},"
            + "{\"name\":\"SET_ENV_WINS\",\"value\":\"image\"},"
            + "{\"name\":\"APP_ENV_WINS\",\"value\":\"image\"}]}"));
        // A variable of the jrkt process itself must not reach the app (no --inherit-env).
        Jrkt.Result r = env.jrkt().withEnv("JRKT_E2E_LEAK", "leaked").run("run",
            "--set-env=SET_ENV_WINS=set-env", "--set-env=APP_ENV_WINS=set-env", "--set-env=ONLY_SET_ENV=set-env",
            "--set-env=AC_APP_NAME=overridden",
            "example.com/env-app", "--environment=APP_ENV_WINS=app").expectSuccess();
        Map<String, String> seen = parseEnv(r.stdout());
        assertEquals("image", seen.get("FROM_IMAGE"), r.stdout());
        assertEquals("set-env", seen.get("SET_ENV_WINS"), r.stdout());
        assertEquals("app", seen.get("APP_ENV_WINS"), r.stdout());
        assertEquals("set-env", seen.get("ONLY_SET_ENV"), r.stdout());
        assertEquals("env-app", seen.get("AC_APP_NAME"), "AC_APP_NAME is always the app's name: " + r.stdout());
        assertEquals("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", seen.get("PATH"), r.stdout());
        assertFalse(seen.containsKey("JRKT_E2E_LEAK"), "jrkt's environment leaked into the app: " + r.stdout());
    }

    @Test
    void appsRunAsTheUserAndGroupsAsked() throws Exception {
        Jrkt.Result numeric = env.run(args("run", sh(IMAGE, "id -u; id -g; id -G", "--user=1000", "--group=1000")))
            .expectSuccess();
        assertEquals(List.of("1000", "1000", "1000"), numeric.stdout().strip().lines().toList(), numeric.toString());

        // names come from the image's /etc/passwd and /etc/group
        Jrkt.Result named = env.run(args("run", sh(IMAGE, "id -un; id -u; id -g", "--user=user", "--group=users")))
            .expectSuccess();
        assertEquals(List.of("user", "1000", "100"), named.stdout().strip().lines().toList(), named.toString());

        Jrkt.Result supplementary = env.run(args("run",
            sh(IMAGE, "id -G", "--user=1000", "--group=1000", "--supplementary-gids=100,1200"))).expectSuccess();
        List<String> gids = Arrays.asList(supplementary.out().split("\\s+"));
        assertTrue(gids.containsAll(List.of("1000", "100", "1200")), supplementary.toString());
        assertFalse(gids.contains("0"), "root's group must be gone: " + supplementary);

        // the image's own supplementaryGIDs, with its user given by name
        env.fetch(AciBuilder.busybox("example.com/grouped", "1.0").appJson(
            "{\"exec\":[\"/bin/sh\",\"-c\",\"id -u; id -G\"],\"user\":\"user\",\"group\":\"user\",\"supplementaryGIDs\":[1200]}"));
        Jrkt.Result fromImage = env.run("run", "example.com/grouped").expectSuccess();
        List<String> lines = fromImage.stdout().strip().lines().toList();
        assertEquals("1000", lines.get(0), fromImage.toString());
        assertTrue(Arrays.asList(lines.get(1).split("\\s+")).contains("1200"), fromImage.toString());

        List<String> podsBefore = env.allPods();
        Jrkt.Result unknown = env.run(args("run", sh(IMAGE, "true", "--user=nosuchuser")));
        assertOneLineFailure(unknown);
        assertTrue(unknown.stderr().contains("nosuchuser"), unknown.toString());
        assertEquals(podsBefore, env.allPods(), "a refused run left a pod");
    }

    @Test
    void badInputFailsWithOneLineAndLeavesNoPod() throws Exception {
        env.fetch(AciBuilder.busybox("example.com/no-app", "1.0")); // an image without an app
        List<String[]> bad = new ArrayList<>();
        bad.add(args("run", "example.com/no-such-image"));
        bad.add(args("run", "--volume=data,kind=bogus", sh(IMAGE, "true")));
        bad.add(args("run", "--volume=data", sh(IMAGE, "true")));
        bad.add(args("run", "--volume=data,kind=host", sh(IMAGE, "true")));
        bad.add(args("run", sh(IMAGE, "true", "--mount=volume=undeclared,target=/data")));
        bad.add(args("run", "example.com/no-app"));
        bad.add(args("run", IMAGE, "--exec=no-such-program")); // looked up in the image's PATH at prepare
        bad.add(args("run", "--volume=data,kind=host,source=" + tmp.resolve("does-not-exist"),
            sh(IMAGE, "true", "--mount=volume=data,target=/data")));
        bad.add(args("prepare", "example.com/no-such-image"));
        Path notStage1 = AciBuilder.busybox("example.com/not-stage1", "1.0", "/bin/true").write(tmp.resolve("not-stage1.aci"));
        bad.add(args("run", "--stage1-path=" + notStage1, sh(IMAGE, "true"))); // an image without stage1 entrypoints
        bad.add(args("run", "--set-env-file=" + tmp.resolve("no-such-env-file"), sh(IMAGE, "true")));
        for (String[] cmd : bad) {
            Jrkt.Result r = env.run(cmd);
            assertOneLineFailure(r);
            assertNoPodInTheMaking();
        }
        assertEquals(List.of(), env.allPods(), "no pod directory may be left by refused commands");
    }

    @Test
    void preparedPodRunsOnceEvenWhenStartedTwiceAtOnce() throws Exception {
        String uuid = env.run(args("prepare", sh(IMAGE, "exit 3"))).expectSuccess().out().lines().toList().getLast();
        assertEquals(List.of(uuid), env.podsIn("prepared"));
        assertEquals("prepared", env.state(uuid));
        Jrkt.Result run = env.run("run-prepared", uuid);
        assertEquals(3, run.exitCode(), run.toString());
        assertEquals("exited", env.state(uuid));

        // Two run-prepared of one pod at once: exactly one runs it, the other is refused.
        Path marker = tmp.resolve("runs");
        java.nio.file.Files.createDirectories(marker);
        String race = env.run(args("prepare", "--volume=out,kind=host,source=" + marker,
            sh(IMAGE, "mkdir /out/run-$$ && sleep 2; exit 4", "--mount=volume=out,target=/out")))
            .expectSuccess().out().lines().toList().getLast();
        Jrkt.Background a = env.start("run-prepared", race);
        Jrkt.Background b = env.start("run-prepared", race);
        Jrkt.Result ra = a.await(120), rb = b.await(120);
        List<Integer> codes = new ArrayList<>(List.of(ra.exitCode(), rb.exitCode()));
        codes.sort(null);
        assertEquals(List.of(4, 254), codes, "one run, one refusal: " + ra + " / " + rb);
        Jrkt.Result loser = ra.exitCode() == 254 ? ra : rb;
        assertEquals(1, loser.stderr().strip().lines().count(), loser.toString());
        try (var s = java.nio.file.Files.list(marker)) {
            assertEquals(1, s.count(), "the app ran more than once or never");
        }
    }

    static void assertOneLineFailure(Jrkt.Result r) {
        assertEquals(254, r.exitCode(), r.toString());
        assertEquals(1, r.stderr().strip().lines().count(), "one line on stderr: " + r);
    }

    void assertNoPodInTheMaking() {
        for (String state : List.of("embryo", "prepare", "prepared", "run")) {
            assertEquals(List.of(), env.podsIn(state), "pods left in " + state);
        }
    }

    static Map<String, String> parseEnv(String out) {
        Map<String, String> m = new TreeMap<>();
        for (String line : out.lines().toList()) {
            int eq = line.indexOf('=');
            if (eq > 0) m.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return m;
    }
}
