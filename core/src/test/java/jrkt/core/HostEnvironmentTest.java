package jrkt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HostEnvironmentTest {
    @Test
    void anLcAllTheLauncherAddedIsRemovedAgain() {
        assertEquals(Map.of("PATH", "/bin"), HostEnvironment.restore(
            Map.of("PATH", "/bin", "LC_ALL", "C.UTF-8", HostEnvironment.CALLER_LC_ALL, "")));
    }

    @Test
    void anLcAllTheLauncherReplacedIsPutBack() {
        assertEquals(Map.of("LC_ALL", "POSIX"), HostEnvironment.restore(
            Map.of("LC_ALL", "C.UTF-8", HostEnvironment.CALLER_LC_ALL, "=POSIX")));
        assertEquals(Map.of("LC_ALL", ""), HostEnvironment.restore(
            Map.of("LC_ALL", "C.UTF-8", HostEnvironment.CALLER_LC_ALL, "=")));
    }

    @Test
    void withoutTheLaunchersNoteTheEnvironmentIsAsItIs() {
        assertEquals(Map.of("LC_ALL", "de_DE.UTF-8"), HostEnvironment.restore(Map.of("LC_ALL", "de_DE.UTF-8")));
    }
}
