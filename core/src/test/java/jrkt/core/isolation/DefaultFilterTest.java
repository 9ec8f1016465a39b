package jrkt.core.isolation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default filter the build compiled is the one the compiler makes now; other policies still compile. */
class DefaultFilterTest {
    @Test
    void theBuildsDefaultFilterIsWhatTheCompilerMakes() throws Exception {
        try (InputStream in = DefaultFilter.class.getResourceAsStream(DefaultFilter.RESOURCE)) {
            assertNotNull(in, "the build did not write " + DefaultFilter.RESOURCE);
            assertArrayEquals(SeccompPolicy.jrktDefault().compileNow(), in.readAllBytes());
        }
    }

    @Test
    void theDefaultAndWhatStandsForItGetTheBuildsFilter() {
        byte[] compiled = SeccompPolicy.jrktDefault().compileNow();
        assertArrayEquals(compiled, SeccompPolicy.jrktDefault().compile());
        SeccompPolicy emptyRemove = SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of(SeccompGroups.EMPTY), null, "test");
        assertArrayEquals(compiled, emptyRemove.compile());
    }

    @Test
    void otherPoliciesAreCompiledForThemselves() {
        SeccompPolicy p = SeccompPolicy.of(SeccompPolicy.Mode.REMOVE, List.of("reboot"), "EPERM", "test");
        assertArrayEquals(p.compileNow(), p.compile());
    }
}
