package jrkt.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** An interrupt does not cut the wait short; it is there again after it. */
class ThreadsTest {
    @Test
    void aJoinOutlastsAnInterruptAndKeepsIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        Thread worker = new Thread(() -> {
            Threads.awaitUninterruptibly(release);
            done.set(true);
        });
        worker.start();
        Thread.currentThread().interrupt(); // the join below starts interrupted
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            release.countDown();
        });
        releaser.start();
        Threads.joinUninterruptibly(worker);
        assertTrue(Thread.interrupted(), "the interrupt is set again after the join");
        assertTrue(done.get(), "the join returned only once the worker was done");
    }

    @Test
    void anAwaitOutlastsAnInterruptAndKeepsIt() {
        CountDownLatch latch = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Thread other = new Thread(() -> {
            main.interrupt();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                // counted down below all the same
            }
            latch.countDown();
        });
        other.start();
        Threads.awaitUninterruptibly(latch);
        assertTrue(Thread.interrupted(), "the interrupt is set again after the wait");
        assertFalse(latch.getCount() > 0, "the wait ended only once the latch was counted down");
    }
}
