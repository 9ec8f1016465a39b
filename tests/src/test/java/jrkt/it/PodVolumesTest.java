package jrkt.it;

import static jrkt.it.support.PodEnv.args;
import static jrkt.it.support.PodEnv.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Volumes, event handlers, and what a pod leaves in its app's root for export. */
class PodVolumesTest {
    static final String IMAGE = "example.com/shell";

    @TempDir Path tmp;
    PodEnv env;
    Path host;

    @BeforeEach
    void setUp() throws Exception {
        env = new PodEnv(tmp);
        env.fetch(AciBuilder.busybox(IMAGE, "1.0", "/bin/sh"));
        host = Files.createDirectories(tmp.resolve("host"));
    }

    @AfterEach
    void cleanUp() { env.close(); }

    @Test
    void hostVolumesShowTheHostsFilesAndReadOnlyHolds() throws Exception {
        Files.writeString(host.resolve("hello.txt"), "hello from the host\n");
        String volume = "--volume=data,kind=host,source=" + host;
        String mount = "--mount=volume=data,target=/data";

        Jrkt.Result read = env.run(args("run", volume, sh(IMAGE, "cat /data/hello.txt && echo from-pod > /data/written", mount)))
            .expectSuccess();
        assertEquals("hello from the host", read.out(), read.toString());
        assertEquals("from-pod\n", Files.readString(host.resolve("written")), "a writable host volume writes through");

        Jrkt.Result readOnly = env.run(args("run", volume + ",readOnly=true",
            sh(IMAGE, "cat /data/hello.txt; echo nope > /data/denied", mount)));
        assertNotEquals(0, readOnly.exitCode(), "writing to a read-only volume succeeded: " + readOnly);
        assertTrue(readOnly.stdout().contains("hello from the host"), "still readable: " + readOnly);
        assertFalse(Files.exists(host.resolve("denied")), "the write reached the host");
    }

    @Test
    void anEmptyVolumeIsSharedByTheAppsOfOnePod() {
        // the reader waits (bounded) for the writer, which starts after it
        Jrkt.Result r = env.run(args("run", "--volume=shared,kind=empty",
            sh(IMAGE, "i=0; while [ ! -s /v/note ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; cat /v/note",
                "--mount=volume=shared,target=/v"), "---",
            sh(IMAGE, "echo written-by-the-other-app > /v/note.tmp && mv /v/note.tmp /v/note",
                "--mount=volume=shared,target=/v")));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("written-by-the-other-app"), r.toString());
    }

    @Test
    void aMissingHostSourceIsRefusedBeforeAnythingRuns() {
        Jrkt.Result r = env.run(args("run", "--volume=data,kind=host,source=" + tmp.resolve("absent"),
            sh(IMAGE, "echo ran > /data/x", "--mount=volume=data,target=/data")));
        assertEquals(254, r.exitCode(), r.toString());
        assertEquals(1, r.stderr().strip().lines().count(), "one line: " + r);
        assertTrue(r.stderr().contains(tmp.resolve("absent").toString()), "it names the source: " + r);
        for (String state : List.of("embryo", "prepare", "prepared", "run")) {
            assertEquals(List.of(), env.podsIn(state), "a pod was left in " + state);
        }
    }

    @Test
    void eventHandlersRunAroundTheApp() throws Exception {
        env.fetch(AciBuilder.busybox("example.com/handled", "1.0").appJson("{"
            + "\"exec\":[\"/bin/sh\",\"-c\",\"echo app >> /log/order\"],\"user\":\"0\",\"group\":\"0\","
            + "\"eventHandlers\":["
            + "{\"name\":\"pre-start\",\"exec\":[\"/bin/sh\",\"-c\",\"echo pre-start >> /log/order\"]},"
            + "{\"name\":\"post-stop\",\"exec\":[\"/bin/sh\",\"-c\",\"echo post-stop >> /log/order\"]}],"
            + "\"mountPoints\":[{\"name\":\"log\",\"path\":\"/log\"}]}"));
        env.run("run", "--volume=log,kind=host,source=" + host, "example.com/handled").expectSuccess();
        assertEquals("pre-start\napp\npost-stop\n", Files.readString(host.resolve("order")));

        env.fetch(AciBuilder.busybox("example.com/refused", "1.0").appJson("{"
            + "\"exec\":[\"/bin/sh\",\"-c\",\"echo app >> /log/refused\"],\"user\":\"0\",\"group\":\"0\","
            + "\"eventHandlers\":["
            + "{\"name\":\"pre-start\",\"exec\":[\"/bin/sh\",\"-c\",\"echo pre-start >> /log/refused; exit 3\"]}],"
            + "\"mountPoints\":[{\"name\":\"log\",\"path\":\"/log\"}]}"));
        Jrkt.Result refused = env.run("run", "--volume=log,kind=host,source=" + host, "example.com/refused");
        assertNotEquals(0, refused.exitCode(), "a pod whose pre-start failed succeeded: " + refused);
        assertEquals("pre-start\n", Files.readString(host.resolve("refused")), "the app started after a failed pre-start");
    }

    @Test
    void anExportedAppCarriesWhatThePodWrote() throws Exception {
        Path uuidFile = tmp.resolve("uuid");
        env.run(args("run", "--uuid-file-save=" + uuidFile,
            sh(IMAGE, "mkdir -p /var/state && echo written-in-pod-one > /var/state/note"))).expectSuccess();
        String uuid = PodEnv.readOrNull(uuidFile);
        assertEquals("exited", env.state(uuid));

        Path exported = tmp.resolve("exported.aci");
        env.run("export", uuid, exported.toString()).expectSuccess();
        assertTrue(Files.size(exported) > 0);
        String id = env.fetch(exported);
        assertTrue(id.startsWith("sha512-"), "fetch prints the new image's ID: " + id);

        Jrkt.Result second = env.run(args("run", sh(id, "cat /var/state/note"))).expectSuccess();
        assertEquals("written-in-pod-one", second.out(), second.toString());
    }

    @Test
    void aPodAnEarlierJrktLaidOutExportsFromItsOverlayDirectory() throws Exception {
        Path uuidFile = tmp.resolve("uuid");
        env.run(args("run", "--uuid-file-save=" + uuidFile, sh(IMAGE, "echo kept > /note"))).expectSuccess();
        String uuid = PodEnv.readOrNull(uuidFile);
        // before apps/NAME/ held the app's upper directory, overlay/NAME/upper did
        Path apps = env.podDir(uuid).resolve("apps");
        String app;
        try (var names = Files.list(apps)) {
            app = names.map(p -> p.getFileName().toString()).findFirst().orElseThrow();
        }
        Path old = Files.createDirectories(env.podDir(uuid).resolve("overlay").resolve(app));
        Files.move(apps.resolve(app).resolve("upper"), old.resolve("upper"));

        Path exported = tmp.resolve("old-layout.aci");
        env.run("export", uuid, exported.toString()).expectSuccess();
        String id = env.fetch(exported);
        Jrkt.Result again = env.run(args("run", sh(id, "cat /note"))).expectSuccess();
        assertEquals("kept", again.out(), again.toString());
    }
}
