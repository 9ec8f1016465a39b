package jrkt.core.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import jrkt.core.JrktException;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.Pods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pods' keys on disk, and signatures made and checked with them. */
class PodKeysTest {
    @TempDir Path tmp;

    @Test
    void aPodsKeyIs64RandomBytesOnlyRootCanRead() throws Exception {
        PodDirs dirs = new PodDirs(tmp);
        String a = Pods.newUuid(), b = Pods.newUuid();
        PodKeys.create(dirs, a);
        PodKeys.create(dirs, b);
        Path file = PodKeys.dir(dirs).resolve(a);
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(PodKeys.dir(dirs))));
        assertEquals(64, PodKeys.read(dirs, a).length);
        assertFalse(java.util.Arrays.equals(PodKeys.read(dirs, a), PodKeys.read(dirs, b)), "two pods, one key");
        assertThrows(JrktException.class, () -> PodKeys.create(dirs, a), "a pod's key is never replaced");
    }

    @Test
    void aDestroyedKeyIsGoneAndSoIsEveryPathThatIsNoPodUuid() {
        PodDirs dirs = new PodDirs(tmp);
        String a = Pods.newUuid();
        PodKeys.create(dirs, a);
        PodKeys.destroy(dirs, a);
        assertNull(PodKeys.read(dirs, a));
        PodKeys.destroy(dirs, a); // twice is fine
        assertNull(PodKeys.read(dirs, "../" + a));
        assertNull(PodKeys.read(dirs, "lock"));
    }

    @Test
    void aSignatureIsHmacSha512OfTheUuidBytesAndTheContent() throws Exception {
        byte[] key = new byte[64];
        for (int i = 0; i < key.length; i++) key[i] = (byte) i;
        String uuid = "01234567-89ab-cdef-0123-456789abcdef";
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(key, "HmacSHA512"));
        mac.update(new byte[] {0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xab, (byte) 0xcd, (byte) 0xef,
            0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xab, (byte) 0xcd, (byte) 0xef});
        assertArrayEquals(mac.doFinal("data".getBytes(StandardCharsets.UTF_8)),
            Signatures.sign(key, uuid, "data".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void onlyTheNamedPodsSignatureOfTheSameContentVerifiesAndOnlyWhileItsKeyExists() {
        PodDirs dirs = new PodDirs(tmp);
        String a = Pods.newUuid(), b = Pods.newUuid();
        PodKeys.create(dirs, a);
        PodKeys.create(dirs, b);
        byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] byA = Signatures.sign(PodKeys.read(dirs, a), a, content);
        assertNotNull(byA);
        assertTrue(Signatures.verify(dirs, a, content, byA));
        assertFalse(Signatures.verify(dirs, a, "hellO".getBytes(StandardCharsets.UTF_8), byA), "tampered content");
        assertFalse(Signatures.verify(dirs, b, content, byA), "a's signature in b's name");
        PodKeys.destroy(dirs, a);
        assertFalse(Signatures.verify(dirs, a, content, byA), "a pod that is gone");
    }
}
