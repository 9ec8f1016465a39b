package jrkt.core.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import jrkt.core.JrktException;
import org.junit.jupiter.api.Test;

/** Bounding sets as the plan's caps line carries them. */
class CapabilitiesTest {
    @Test
    void appcsDefaultSetIsA80425fb() {
        assertEquals("a80425fb", Capabilities.hex(Capabilities.DEFAULT));
        assertEquals(14, Capabilities.names(Capabilities.DEFAULT).size());
    }

    @Test
    void aRetainSetIsExactlyItsMembers() {
        long set = Capabilities.retain(List.of("CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN"));
        assertEquals("200400", Capabilities.hex(set));
        assertEquals(List.of("CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN"), Capabilities.names(set));
    }

    @Test
    void aRemoveSetTakesFromTheDefaultAndIgnoresWhatIsNotInIt() {
        long set = Capabilities.remove(List.of("CAP_MKNOD", "CAP_SYS_CHROOT", "CAP_SYS_ADMIN"));
        assertEquals(Capabilities.DEFAULT & ~(1L << 27) & ~(1L << 18), set);
        assertEquals(12, Capabilities.names(set).size());
    }

    @Test
    void namesAreAcceptedWithOrWithoutPrefixInAnyCase() {
        assertEquals("CAP_NET_RAW", Capabilities.canonical("net_raw", "--caps-retain"));
        assertEquals("CAP_NET_RAW", Capabilities.canonical("CAP_NET_RAW", "--caps-retain"));
        assertEquals("--caps-remove=CAP_FOO: \"CAP_FOO\" is not a Linux capability (like CAP_NET_BIND_SERVICE)",
            assertThrows(JrktException.class, () -> Capabilities.canonical("CAP_FOO", "--caps-remove=CAP_FOO")).getMessage());
    }
}
