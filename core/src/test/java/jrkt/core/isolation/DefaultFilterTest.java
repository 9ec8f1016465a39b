package jrkt.core.isolation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default filter the build compiled is the one the compiler makes now; other policies still compile. */
class DefaultFilterTest {
    @Test
    void theBuildsDefaultFilterIsWhatTheCompilerMakes() {
        String program = DefaultFilterProgram.latin1();
        assertNotNull(program, "the build left DefaultFilterProgram's placeholder: core/pom.xml runs DefaultFilter");
        assertArrayEquals(SeccompPolicy.jrktDefault().compileNow(), program.getBytes(StandardCharsets.ISO_8859_1));
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
