package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import jrkt.it.support.AciBuilder;
import jrkt.it.support.Jrkt;
import jrkt.it.support.PodEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code image gc --grace-period=0s} in a loop beside runs of the same image: gc may take the
 * image before a run resolves it (the run then says the name is not in the store), but never
 * between resolution and the pod's own reference to its trees.
 */
class ImageGcRaceTest {
    static final String IMAGE = "example.com/race";

    @TempDir Path tmp;
    PodEnv env;
    Path aci;

    @BeforeEach
    void setUp() throws Exception {
        env = new PodEnv(tmp);
        aci = AciBuilder.busybox(IMAGE, "1.0", "/bin/sh").write(tmp.resolve("race.aci"));
        env.fetch(aci);
    }

    @AfterEach
    void cleanUp() { env.close(); }

    @Test
    void anImageGcLoopNeverRemovesAnImageARunHasResolved() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger gcs = new AtomicInteger();
        List<String> gcFailures = Collections.synchronizedList(new ArrayList<>());
        Thread gcLoop = new Thread(() -> {
            for (int i = 0; i < 500 && !stop.get(); i++) {
                Jrkt.Result gc = env.run("image", "gc", "--grace-period=0s");
                if (gc.exitCode() != 0) gcFailures.add(gc.toString());
                gcs.incrementAndGet();
            }
        });
        List<Jrkt.Result> runs = Collections.synchronizedList(new ArrayList<>());
        List<Thread> runners = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            runners.add(new Thread(() -> {
                for (int i = 0; i < 6; i++) {
                    env.run("fetch", aci.toString()); // gc takes it away again and again
                    runs.add(env.run("run", IMAGE, "--exec=/bin/echo", "--", "ran"));
                }
            }));
        }
        gcLoop.start();
        runners.forEach(Thread::start);
        for (Thread r : runners) r.join(TimeUnit.MINUTES.toMillis(10));
        stop.set(true);
        gcLoop.join(TimeUnit.MINUTES.toMillis(2));

        assertEquals(List.of(), gcFailures, "image gc failed");
        assertTrue(gcs.get() > 1, "gc ran beside the runs");
        int ran = 0;
        for (Jrkt.Result run : runs) {
            if (run.exitCode() == 0) {
                assertEquals("ran", run.out(), run.toString());
                ran++;
            } else {
                // gc took the image before this run resolved its name: the only acceptable failure
                assertEquals("jrkt: image \"" + IMAGE + "\" not found in the store", run.stderr().strip(), run.toString());
                assertEquals(254, run.exitCode());
            }
        }
        assertTrue(ran > 0, "no run succeeded: " + runs);
        env.run("fetch", aci.toString()).expectSuccess();
        assertEquals("ran", env.run("run", IMAGE, "--exec=/bin/echo", "--", "ran").expectSuccess().out(), "the store still works");
    }
}
