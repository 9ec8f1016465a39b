package jrkt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    static final String BIG = "example.com/big";

    @TempDir Path tmp;
    PodEnv env;
    Path aci;
    Path bigAci;

    @BeforeEach
    void setUp() throws Exception {
        env = new PodEnv(tmp);
        aci = AciBuilder.busybox(IMAGE, "1.0", "/bin/sh").write(tmp.resolve("race.aci"));
        env.fetch(aci);
        // an image with many files takes a while to render: the window gc used to hit
        AciBuilder big = AciBuilder.busybox(BIG, "1.0", "/bin/true").dir("rootfs/many", 0755);
        for (int i = 0; i < 6000; i++) big.file("rootfs/many/f" + i, "file " + i);
        bigAci = big.write(tmp.resolve("big.aci"));
    }

    @AfterEach
    void cleanUp() { env.close(); }

    @Test
    void anImageGcNeverRemovesAnImageARunHasResolved() throws Exception {
        int ran = 0;
        for (int i = 0; i < 4; i++) {
            env.run("fetch", aci.toString(), bigAci.toString()).expectSuccess(); // the previous gc took them
            Jrkt.Background run = env.start("run", BIG, "--exec=/bin/true", IMAGE, "--exec=/bin/echo", "--", "ran");
            // Once the pod's directory exists the run resolves both images at once, then renders
            // the big one for a while before the other: gc, a JVM start later, hits that window.
            PodEnv.await("the pod to be prepared", 120, () -> !run.isAlive()
                || !env.podsIn("prepare").isEmpty() || !env.podsIn("prepared").isEmpty() || !env.podsIn("run").isEmpty());
            Jrkt.Result gc = env.run("image", "gc", "--grace-period=0s");
            assertEquals(0, gc.exitCode(), gc.toString());
            Jrkt.Result result = run.await(300);
            if (result.exitCode() == 0) {
                assertEquals("ran", result.out(), result.toString());
                ran++;
            } else {
                // gc can only have come before the run resolved the names, never after
                assertTrue(result.stderr().strip().matches("jrkt: image \"example.com/(race|big)\" not found in the store"), result.toString());
            }
            env.run("gc", "--grace-period=0s").expectSuccess();
        }
        assertTrue(ran > 0, "no run got past resolution");
        env.run("fetch", aci.toString()).expectSuccess();
        Jrkt.Result gc = env.run("image", "gc", "--grace-period=0s").expectSuccess();
        assertTrue(gc.stdout().contains("removed image"), "once no pod is being prepared, gc takes the image: " + gc);
    }

    @Test
    void anImageGcLoopBesideRunsOnlyEverFailsThemBeforeResolution() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<String> gcFailures = Collections.synchronizedList(new ArrayList<>());
        Thread gcLoop = new Thread(() -> {
            for (int i = 0; i < 500 && !stop.get(); i++) {
                Jrkt.Result gc = env.run("image", "gc", "--grace-period=0s");
                if (gc.exitCode() != 0) gcFailures.add(gc.toString());
            }
        });
        List<Jrkt.Result> runs = new ArrayList<>();
        gcLoop.start();
        try {
            for (int i = 0; i < 6; i++) {
                env.run("fetch", aci.toString());
                runs.add(env.run("run", IMAGE, "--exec=/bin/echo", "--", "ran"));
            }
        } finally {
            stop.set(true);
            gcLoop.join(TimeUnit.MINUTES.toMillis(2));
        }
        assertEquals(List.of(), gcFailures, "image gc failed");
        for (Jrkt.Result run : runs) {
            if (run.exitCode() == 0) assertEquals("ran", run.out(), run.toString());
            else assertEquals("jrkt: image \"" + IMAGE + "\" not found in the store", run.stderr().strip(), run.toString());
        }
    }
}
