package jrkt.core.pod.userns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import jrkt.core.JrktException;
import jrkt.core.pod.PodDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The id pool's configuration and the ranges given to pods, in a real pods directory. */
class IdRangesTest {
    @TempDir Path tmp;

    private PodDirs dirs() { return new PodDirs(tmp.resolve("data")); }

    /** A pod directory, as the preparer makes one before it allocates. */
    private String pod(PodDirs dirs, String state, String uuid) throws Exception {
        Files.createDirectories(dirs.pod(state, uuid));
        return uuid;
    }

    @Test
    void podsGetTheLowestFreeRangeAndGiveItBack() throws Exception {
        PodDirs dirs = dirs();
        IdRanges ranges = new IdRanges(dirs, new IdPool(100000, 200000, 3 * IdRange.SIZE));
        String a = pod(dirs, "prepare", "11111111-1111-4111-8111-111111111111");
        String b = pod(dirs, "prepare", "22222222-2222-4222-8222-222222222222");
        String c = pod(dirs, "prepare", "33333333-3333-4333-8333-333333333333");
        assertEquals(new IdRange(100000, 200000, 65536), ranges.allocate(a));
        assertEquals(new IdRange(165536, 265536, 65536), ranges.allocate(b));
        IdRanges.release(dirs, a);
        assertEquals(new IdRange(100000, 200000, 65536), ranges.allocate(c), "a's range is free again");
    }

    @Test
    void aRecordWhosePodIsGoneIsTakenBack() throws Exception {
        PodDirs dirs = dirs();
        IdRanges ranges = new IdRanges(dirs, new IdPool(100000, 100000, IdRange.SIZE));
        String a = pod(dirs, "run", "11111111-1111-4111-8111-111111111111");
        ranges.allocate(a);
        Files.delete(dirs.pod("run", a)); // the pod was deleted, but its record was not (a crash)
        String b = pod(dirs, "prepare", "22222222-2222-4222-8222-222222222222");
        assertEquals(100000, ranges.allocate(b).uid());
    }

    @Test
    void anExhaustedPoolSaysSo() throws Exception {
        PodDirs dirs = dirs();
        IdRanges ranges = new IdRanges(dirs, new IdPool(100000, 100000, IdRange.SIZE));
        ranges.allocate(pod(dirs, "run", "11111111-1111-4111-8111-111111111111"));
        JrktException e = assertThrows(JrktException.class, () -> ranges.allocate(pod(dirs, "prepare", "22222222-2222-4222-8222-222222222222")));
        assertTrue(e.getMessage().startsWith("--private-users: every one of the 1 id ranges of the pool is held by a pod"), e.getMessage());
    }

    @Test
    void thePoolComesFromConfigOrSubordinateIdFiles() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local")), system = Files.createDirectories(tmp.resolve("system"));
        Files.writeString(system.resolve(IdPool.CONFIG), "{\"uid\":{\"start\":500000,\"size\":131072},\"gid\":{\"start\":600000,\"size\":655360}}");
        assertEquals(new IdPool(500000, 600000, 131072), IdPool.load(local, system), "the smaller size of the two");
        Files.writeString(local.resolve(IdPool.CONFIG), "{\"uid\":{\"start\":700000,\"size\":65536},\"gid\":{\"start\":700000,\"size\":65536}}");
        assertEquals(new IdPool(700000, 700000, 65536), IdPool.load(local, system), "local wins");

        Path subuid = tmp.resolve("subuid");
        Files.writeString(subuid, "nobodyx:100000:65536\njrkt:1000000:1000000\n");
        assertEquals(1000000L, IdPool.subordinate(subuid)[0]);
        Files.writeString(subuid, "nobodyx:100000:65536\n");
        assertNull(IdPool.subordinate(subuid));
    }

    @Test
    void aBadPoolIsRefusedNamingTheFile() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        Files.writeString(local.resolve(IdPool.CONFIG), "{\"uid\":{\"start\":0,\"size\":65536},\"gid\":{\"start\":1,\"size\":65536}}");
        JrktException e = assertThrows(JrktException.class, () -> IdPool.load(local, tmp));
        assertTrue(e.getMessage().startsWith(local.resolve(IdPool.CONFIG) + ": the private-users pool"), e.getMessage());
        Files.writeString(local.resolve(IdPool.CONFIG), "{\"uid\":{\"start\":100000,\"size\":100},\"gid\":{\"start\":100000,\"size\":100}}");
        assertThrows(JrktException.class, () -> IdPool.load(local, tmp));
    }
}
