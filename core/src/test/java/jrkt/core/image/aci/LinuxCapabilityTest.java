package jrkt.core.image.aci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinuxCapabilityTest {
    @Test
    void numbersMatchTheKernelHeader() {
        assertEquals(0, LinuxCapability.number("CAP_CHOWN"));
        assertEquals(10, LinuxCapability.number("CAP_NET_BIND_SERVICE"));
        assertEquals(21, LinuxCapability.number("CAP_SYS_ADMIN"));
        assertEquals(40, LinuxCapability.number("CAP_CHECKPOINT_RESTORE"));
        assertEquals(-1, LinuxCapability.number("CAP_NOPE"));
        assertEquals(41, LinuxCapability.NAMES.size());
        assertEquals(14, LinuxCapability.APPC_DEFAULT_SET.size());
        for (String name : LinuxCapability.APPC_DEFAULT_SET) assertTrue(LinuxCapability.number(name) >= 0, name);
    }
}
