package jrkt.core.pod;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodsTest {
    @TempDir Path data;

    @Test void newUuidsAreRandomVersion4UuidsInLowercaseHex() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            String uuid = Pods.newUuid();
            assertTrue(Pods.isUuid(uuid), uuid);
            java.util.UUID parsed = java.util.UUID.fromString(uuid);
            assertEquals(uuid, parsed.toString());
            assertEquals(4, parsed.version(), uuid);
            assertEquals(2, parsed.variant(), uuid);
            assertTrue(seen.add(uuid), "repeated: " + uuid);
        }
    }

    @Test void statesComeFromTheDirectoryAndTheLock() throws Exception {
        PodDirs dirs = new PodDirs(data);
        PodTestSupport.makePod(dirs, PodDirs.EMBRYO, "00000000-0000-4000-8000-000000000001");
        Path preparing = PodTestSupport.makePod(dirs, PodDirs.PREPARE, "00000000-0000-4000-8000-000000000002");
        PodTestSupport.makePod(dirs, PodDirs.PREPARE, "00000000-0000-4000-8000-000000000003");
        PodTestSupport.makePod(dirs, PodDirs.PREPARED, "00000000-0000-4000-8000-000000000004");
        Path running = PodTestSupport.makePod(dirs, PodDirs.RUN, "00000000-0000-4000-8000-000000000005");
        PodTestSupport.makePod(dirs, PodDirs.RUN, "00000000-0000-4000-8000-000000000006");
        PodTestSupport.makePod(dirs, PodDirs.EXITED_GARBAGE, "00000000-0000-4000-8000-000000000007");
        Path deleting = PodTestSupport.makePod(dirs, PodDirs.GARBAGE, "00000000-0000-4000-8000-000000000008");
        PodTestSupport.makePod(dirs, PodDirs.GARBAGE, "00000000-0000-4000-8000-000000000009");
        Files.createDirectories(dirs.stateDir(PodDirs.RUN).resolve("not-a-pod"));

        Process p1 = PodTestSupport.holdLock(preparing), p2 = null, p3 = null;
        try {
            p2 = PodTestSupport.holdLock(running);
            p3 = PodTestSupport.holdLock(deleting);
            Map<String, PodState> states = new Pods(dirs).list().stream()
                .collect(Collectors.toMap(p -> p.uuid().substring(35), Pod::state));
            assertEquals(Map.of(
                "1", PodState.EMBRYO, "2", PodState.PREPARING, "3", PodState.ABORTED_PREPARE,
                "4", PodState.PREPARED, "5", PodState.RUNNING, "6", PodState.EXITED,
                "7", PodState.EXITED_GARBAGE, "8", PodState.DELETING, "9", PodState.GARBAGE), states);
        } finally {
            PodTestSupport.release(p1);
            PodTestSupport.release(p2);
            PodTestSupport.release(p3);
        }
    }

    @Test void statusFilesPlantedAsLinksOrFifosAreNotFollowedAndDoNotBlock() throws Exception {
        // the pod directory is jrkt's; should anything plant links there, status must not read
        // the host through them, nor wait forever on a FIFO
        PodDirs dirs = new PodDirs(data);
        Path dir = PodTestSupport.makePod(dirs, PodDirs.RUN, "00000000-0000-4000-8000-00000000000a");
        Path secret = Files.writeString(data.resolve("host-secret"), "4242\n");
        Path app = Files.createDirectories(dir.resolve("apps/web"));
        Files.createSymbolicLink(dir.resolve("pid"), secret);
        Files.createSymbolicLink(dir.resolve("metadata-service"), secret);
        Files.createSymbolicLink(app.resolve("error"), secret);
        Files.createSymbolicLink(app.resolve("started"), Path.of("/proc/self/root").resolve(secret.toString().substring(1)));
        assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("exit").toString(), app.resolve("exited").toString()).start().waitFor());
        Pod pod = new Pods(dirs).resolve("00000000-0000-4000-8000-00000000000a");
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            assertNull(pod.pid(), "pid is a link: not read");
            assertNull(pod.exitStatus(), "exit is a FIFO: not waited on");
            Pod.AppStatus web = pod.appStatus("web");
            assertNull(web.error());
            assertNull(web.started(), "a magic link is a link too");
            assertNull(web.exitStatus());
            assertNull(jrkt.core.metadata.PodMetadata.status(dir));
        });
    }

    @Test void aUniquePrefixResolvesAndAnAmbiguousOrUnknownOneIsAOneLineError() throws Exception {
        PodDirs dirs = new PodDirs(data);
        PodTestSupport.makePod(dirs, PodDirs.PREPARED, "abc00000-0000-4000-8000-000000000001");
        PodTestSupport.makePod(dirs, PodDirs.RUN, "abd00000-0000-4000-8000-000000000002");
        Pods pods = new Pods(dirs);

        assertEquals("abd00000-0000-4000-8000-000000000002", pods.resolve("abd").uuid());
        assertEquals(PodState.EXITED, pods.resolve("ABD").state());
        assertEquals("abc00000-0000-4000-8000-000000000001", pods.resolve("abc000000000").uuid(), "dashes are optional");

        JrktException ambiguous = assertThrows(JrktException.class, () -> pods.resolve("ab"));
        assertTrue(ambiguous.getMessage().contains("ambiguous"), ambiguous.getMessage());
        assertFalse(ambiguous.getMessage().contains("\n"));
        JrktException none = assertThrows(JrktException.class, () -> pods.resolve("ff"));
        assertTrue(none.getMessage().startsWith("no pod matches \"ff\""), none.getMessage());
        assertThrows(JrktException.class, () -> pods.resolve("xyz"));
    }

    @Test void aWholeUuidResolvesToThePodInTheLatestStateItIsIn() throws Exception {
        PodDirs dirs = new PodDirs(data);
        String uuid = "abc00000-0000-4000-8000-000000000001";
        PodTestSupport.makePod(dirs, PodDirs.PREPARED, uuid);
        PodTestSupport.makePod(dirs, PodDirs.PREPARED, "abc00000-0000-4000-8000-000000000002");
        Pods pods = new Pods(dirs);
        assertEquals(uuid, pods.resolve(uuid).uuid());
        assertEquals(uuid, pods.resolve(uuid.toUpperCase().replace("-", "")).uuid(), "case and dashes as for a prefix");
        assertEquals(PodState.PREPARED, pods.resolve(uuid).state());
        // seen in two directories while it moves on: the later state wins, as when resolving a prefix
        PodTestSupport.makePod(dirs, PodDirs.RUN, uuid);
        assertEquals(PodDirs.RUN, pods.resolve(uuid).stateDir());
        JrktException none = assertThrows(JrktException.class, () -> pods.resolve("ffc00000-0000-4000-8000-000000000001"));
        assertTrue(none.getMessage().startsWith("no pod matches \"ffc00000-0000-4000-8000-000000000001\" in "), none.getMessage());
    }

    @Test void aUuidFileNamesThePodAndSavingItIsAtomic() throws Exception {
        PodDirs dirs = new PodDirs(data);
        String uuid = Pods.newUuid();
        assertTrue(Pods.isUuid(uuid));
        assertEquals('4', uuid.charAt(14), "a version 4 UUID");
        PodTestSupport.makePod(dirs, PodDirs.PREPARED, uuid);
        Path file = data.resolve("uuid");
        Pods.saveUuidFile(file, uuid);
        assertEquals(uuid, new Pods(dirs).resolve(null, file).uuid());
        assertEquals(List.of("pods", "uuid"), Files.list(data).map(p -> p.getFileName().toString()).sorted().toList());
        assertThrows(JrktException.class, () -> new Pods(dirs).resolve(null, data.resolve("missing")));
    }

    @Test void appStatusPidAndExitComeFromStage1sFiles() throws Exception {
        PodDirs dirs = new PodDirs(data);
        Path dir = PodTestSupport.makePod(dirs, PodDirs.RUN, "00000000-0000-4000-8000-00000000000a");
        Files.createDirectories(dir.resolve("apps/web"));
        Files.writeString(dir.resolve("pid"), "4242\n");
        Files.writeString(dir.resolve("apps/web/started"), "1700000000000");
        Files.writeString(dir.resolve("apps/web/exited"), "137 1700000005000\n");
        Files.writeString(dir.resolve("exit"), "137");
        Pod pod = new Pods(dirs).resolve("00000000-0000-4000-8000-00000000000a");

        assertEquals(List.of(new Pod.App("web", "example.com/web", "sha512-00")), pod.apps());
        assertEquals(4242, pod.pid());
        assertEquals(137, pod.exitStatus());
        Pod.AppStatus web = pod.appStatus("web");
        assertEquals(137, web.exitStatus());
        assertEquals(1700000005000L, web.exited().toEpochMilli());
        assertEquals("exited", web.summary());
        assertNotNull(pod.started());
        JrktException noSuchApp = assertThrows(JrktException.class, () -> pod.app("db"));
        assertTrue(noSuchApp.getMessage().contains("web"), noSuchApp.getMessage());
    }
}
