package jrkt.core.pod;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodGcTest {
    @TempDir Path data;

    private static final String EXITED = "00000000-0000-4000-8000-000000000001",
        RUNNING = "00000000-0000-4000-8000-000000000002", FRESH_PREPARED = "00000000-0000-4000-8000-000000000003",
        OLD_PREPARED = "00000000-0000-4000-8000-000000000004", ABORTED = "00000000-0000-4000-8000-000000000005";

    @Test void gcMarksExitedPodsThenSweepsThemAfterTheGracePeriodAndNeverTouchesARunningPod() throws Exception {
        PodDirs dirs = new PodDirs(data);
        PodTestSupport.makePod(dirs, PodDirs.RUN, EXITED);
        Path running = PodTestSupport.makePod(dirs, PodDirs.RUN, RUNNING);
        PodTestSupport.makePod(dirs, PodDirs.PREPARED, FRESH_PREPARED);
        Path old = PodTestSupport.makePod(dirs, PodDirs.PREPARED, OLD_PREPARED);
        Files.setLastModifiedTime(old.resolve(Pod.MANIFEST), FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        abandon(PodTestSupport.makePod(dirs, PodDirs.PREPARE, ABORTED));
        Path activePrepare = PodTestSupport.makePod(dirs, PodDirs.PREPARE, "00000000-0000-4000-8000-000000000006");
        Process stage1 = PodTestSupport.holdLock(running);
        try {
            List<String> progress = new ArrayList<>();
            PodGc gc = new PodGc(dirs, progress::add);

            PodGc.Result first = gc.gc(new PodGc.Options(Duration.ofMinutes(30), Duration.ofHours(24), false, false));
            assertEquals(List.of(), first.failures());
            assertEquals(List.of(EXITED, OLD_PREPARED, ABORTED), first.marked());
            assertEquals(List.of(OLD_PREPARED, ABORTED), first.removed(), "garbage goes at once, exited pods wait");
            assertTrue(Files.isDirectory(dirs.pod(PodDirs.EXITED_GARBAGE, EXITED)));
            assertTrue(Files.isDirectory(running), "a running pod stays");
            assertTrue(Files.isDirectory(dirs.pod(PodDirs.PREPARED, FRESH_PREPARED)));
            assertTrue(Files.isDirectory(activePrepare), "a preparation that just changed may still be going on");
            assertFalse(Files.exists(dirs.pod(PodDirs.GARBAGE, OLD_PREPARED)));
            assertFalse(Files.exists(dirs.pod(PodDirs.GARBAGE, ABORTED)));
            assertEquals(PodState.EXITED_GARBAGE, new Pods(dirs).resolve(EXITED).state());
            assertFalse(progress.isEmpty());

            // the grace period is measured from the mark
            Files.setLastModifiedTime(dirs.pod(PodDirs.EXITED_GARBAGE, EXITED).resolve(PodGc.MARK_FILE),
                FileTime.from(Instant.now().minus(Duration.ofHours(1))));
            PodGc.Result second = gc.gc(PodGc.Options.defaults());
            assertEquals(List.of(EXITED), second.removed());
            assertFalse(Files.exists(dirs.pod(PodDirs.EXITED_GARBAGE, EXITED)));
            assertFalse(Files.exists(dirs.pod(PodDirs.GARBAGE, EXITED)));
            assertTrue(Files.isDirectory(running));
        } finally {
            PodTestSupport.release(stage1);
        }
        // once stage1 let go, the pod is exited and collectable
        PodGc.Result third = new PodGc(dirs, s -> {}).gc(new PodGc.Options(Duration.ZERO, Duration.ofHours(24), false, false));
        assertEquals(List.of(RUNNING), third.removed());
    }

    private static void abandon(Path podDir) throws Exception {
        Files.setLastModifiedTime(podDir, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    }

    @Test void markOnlyMovesButDeletesNothing() throws Exception {
        PodDirs dirs = new PodDirs(data);
        PodTestSupport.makePod(dirs, PodDirs.RUN, EXITED);
        abandon(PodTestSupport.makePod(dirs, PodDirs.PREPARE, ABORTED));
        PodGc.Result r = new PodGc(dirs, s -> {}).gc(new PodGc.Options(Duration.ZERO, Duration.ofHours(24), true, false));
        assertEquals(List.of(EXITED, ABORTED), r.marked());
        assertEquals(List.of(), r.removed());
        assertTrue(Files.isDirectory(dirs.pod(PodDirs.EXITED_GARBAGE, EXITED)));
        assertTrue(Files.isDirectory(dirs.pod(PodDirs.GARBAGE, ABORTED)));
    }

    @Test void aPodBeingDeletedByAnotherProcessIsSkipped() throws Exception {
        PodDirs dirs = new PodDirs(data);
        Path garbage = PodTestSupport.makePod(dirs, PodDirs.GARBAGE, EXITED);
        Process other = PodTestSupport.holdLock(garbage);
        try {
            PodGc.Result r = new PodGc(dirs, s -> {}).gc(PodGc.Options.defaults());
            assertEquals(List.of(), r.removed());
            assertTrue(Files.isDirectory(garbage));
        } finally {
            PodTestSupport.release(other);
        }
    }

    @Test void aPreparationKilledWhileCopyingStage1IsStillRemovedButAPodThatRanNeedsItsStage1Gc() throws Exception {
        PodDirs dirs = new PodDirs(data);
        // the manifest names a gc entrypoint that the interrupted copy never wrote
        String stage1Manifest = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"s1\",\"annotations\":["
            + "{\"name\":\"jrkt.io/stage1/run\",\"value\":\"/init\"},{\"name\":\"jrkt.io/stage1/gc\",\"value\":\"/gc\"}]}";
        Path aborted = PodTestSupport.makePod(dirs, PodDirs.PREPARE, ABORTED);
        Files.createDirectories(aborted.resolve("stage1/rootfs"));
        Files.writeString(aborted.resolve("stage1/manifest"), stage1Manifest);
        new PodRemover(dirs, false).remove(new Pods(dirs).resolve(ABORTED));
        assertFalse(Files.exists(dirs.pod(PodDirs.GARBAGE, ABORTED)));

        Path ran = PodTestSupport.makePod(dirs, PodDirs.RUN, EXITED);
        Files.createDirectories(ran.resolve("stage1/rootfs"));
        Files.writeString(ran.resolve("stage1/manifest"), stage1Manifest);
        Files.writeString(ran.resolve("pid"), "12345");
        JrktException e = assertThrows(JrktException.class, () -> new PodRemover(dirs, false).remove(new Pods(dirs).resolve(EXITED)));
        assertTrue(e.getMessage().contains("gc is missing or not executable"), e.getMessage());
        assertTrue(Files.isDirectory(dirs.pod(PodDirs.GARBAGE, EXITED)), "what stage1 should undo is not forgotten");
    }

    @Test void manyPodsAreSweptBesideEachOtherEachOnceWithTheResultInTheirOrder() throws Exception {
        PodDirs dirs = new PodDirs(data);
        // every pod's stage1 gc is a real process that records the pod it was run for
        Path calls = data.resolve("gc-calls");
        String stage1Manifest = "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"s1\",\"annotations\":["
            + "{\"name\":\"jrkt.io/stage1/run\",\"value\":\"/init\"},{\"name\":\"jrkt.io/stage1/gc\",\"value\":\"/gc\"}]}";
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String uuid = String.format("00000000-0000-4000-8000-0000000001%02d", i);
            all.add(uuid);
            Path pod = PodTestSupport.makePod(dirs, PodDirs.RUN, uuid);
            Files.writeString(pod.resolve("pid"), "12345");
            Files.createDirectories(pod.resolve("stage1/rootfs"));
            Files.writeString(pod.resolve("stage1/manifest"), stage1Manifest);
            if (i == 5) continue; // its gc entrypoint is missing: this pod fails, the others go on
            Path gc = pod.resolve("stage1/rootfs/gc");
            Files.writeString(gc, "#!/bin/sh\necho \"$1\" >> " + calls + "\n");
            gc.toFile().setExecutable(true);
        }
        Process other = PodTestSupport.holdLock(dirs.pod(PodDirs.RUN, all.get(9))); // still running: not touched
        List<String> progress = new ArrayList<>();
        PodGc.Result r;
        try {
            r = new PodGc(dirs, progress::add).gc(new PodGc.Options(Duration.ZERO, Duration.ofHours(24), false, false));
        } finally {
            PodTestSupport.release(other);
        }
        List<String> removed = new ArrayList<>(all);
        removed.remove(9);
        removed.remove(5);
        assertEquals(removed, r.removed(), "the result lists the pods in their order, whichever thread swept them");
        assertEquals(1, r.failures().size(), r.failures().toString());
        assertTrue(r.failures().get(0).startsWith("pod " + all.get(5) + ": "), r.failures().toString());
        assertTrue(r.failures().get(0).contains("gc is missing or not executable"), r.failures().toString());
        List<String> ran = new ArrayList<>(Files.readAllLines(calls));
        java.util.Collections.sort(ran);
        assertEquals(removed, ran, "each pod's stage1 gc ran once");
        for (String uuid : removed) assertFalse(Files.exists(dirs.pod(PodDirs.GARBAGE, uuid)), uuid);
        assertTrue(Files.isDirectory(dirs.pod(PodDirs.GARBAGE, all.get(5))), "the failed pod stays for the next gc");
        assertTrue(Files.isDirectory(dirs.pod(PodDirs.RUN, all.get(9))));
        for (String uuid : removed) {
            assertEquals(1, progress.stream().filter(line -> line.equals("Garbage collecting pod " + uuid)).count(), uuid);
        }
    }

    @Test void rmRefusesARunningPodAndRemovesAnExitedOne() throws Exception {
        PodDirs dirs = new PodDirs(data);
        Path running = PodTestSupport.makePod(dirs, PodDirs.RUN, RUNNING);
        PodTestSupport.makePod(dirs, PodDirs.RUN, EXITED);
        Pods pods = new Pods(dirs);
        PodRemover rm = new PodRemover(dirs, false);
        Process stage1 = PodTestSupport.holdLock(running);
        try {
            JrktException e = assertThrows(JrktException.class, () -> rm.remove(pods.resolve(RUNNING)));
            assertTrue(e.getMessage().contains("running"), e.getMessage());
            assertTrue(Files.isDirectory(running));
            rm.remove(pods.resolve(EXITED));
            assertEquals(List.of(RUNNING), pods.list().stream().map(Pod::uuid).toList());
        } finally {
            PodTestSupport.release(stage1);
        }
    }

    @Test void runPreparedMovesThePodUnderItsLockAndOnlyOnce() throws Exception {
        PodDirs dirs = new PodDirs(data);
        PodTestSupport.makePod(dirs, PodDirs.PREPARED, FRESH_PREPARED);
        PodRunner runner = new PodRunner(dirs);
        PodRunner.Started started = runner.moveToRun(FRESH_PREPARED);
        try (PodLock lock = started.lock()) {
            assertEquals(dirs.pod(PodDirs.RUN, FRESH_PREPARED), started.runDir());
            assertEquals(PodState.RUNNING, new Pods(dirs).resolve(FRESH_PREPARED).state());
            JrktException second = assertThrows(JrktException.class, () -> runner.moveToRun(FRESH_PREPARED));
            assertTrue(second.getMessage().contains("not prepared"), second.getMessage());
            assertTrue(second.getMessage().contains("running"), second.getMessage());
        }
    }
}
