package jrkt.core.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest.Isolator;
import jrkt.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Isolation flags become appc isolators, checked; isolators resolve to what jrkt applies. */
class IsolatorFlagsTest {
    static IsolatorFlags.Resources memory(String m) { return new IsolatorFlags.Resources(m, null, null, null, null, null, null); }

    @Test
    void resourceFlagsBecomeAppcIsolatorsWithTheUsersQuantities() {
        List<Isolator> isolators = IsolatorFlags.resources(new IsolatorFlags.Resources("256M", "500m", "512", "64", "-500", "10Mi", "100"));
        assertEquals(List.of("resource/memory {\"limit\":\"256M\"}", "resource/cpu {\"limit\":\"500m\"}",
                "os/linux/cpu-shares 512", "jrkt.io/pids-limit {\"limit\":64}", "os/linux/oom-score-adj -500",
                "resource/block-bandwidth {\"default\":true,\"limit\":\"10Mi\"}",
                "resource/block-iops {\"default\":true,\"limit\":\"100\"}"),
            isolators.stream().map(i -> i.name() + " " + Json.write(i.value())).toList());

        Isolators.Resolved r = Isolators.resolve(isolators, "pod");
        assertEquals(new Isolators.Limits(256_000_000L, null, 500L, 512L, 64L, 10L << 20, 100L), r.limits());
        assertEquals(-500, r.oomScoreAdj());
        assertEquals(List.of(), r.notApplied());
    }

    static Stream<Arguments> badFlags() {
        return Stream.of(
            Arguments.of(memory("abc"), "--memory=abc: \"abc\" is not a quantity (like 500m, 256M, 2Gi): it must start with a number"),
            Arguments.of(memory("12x"), "--memory=12x: \"12x\" is not a quantity (like 500m, 256M, 2Gi): it has an unknown suffix \"x\""),
            Arguments.of(memory("1k"), "--memory=1k: \"1k\" is less than the smallest memory limit, 4Mi"),
            Arguments.of(memory("-5M"), "--memory=-5M: \"-5M\" is not a quantity (like 500m, 256M, 2Gi): it must not be negative"),
            Arguments.of(new IsolatorFlags.Resources(null, "5m", null, null, null, null, null),
                "--cpu=5m: \"5m\" is less than the smallest cpu limit, 10m (a hundredth of a core)"),
            Arguments.of(new IsolatorFlags.Resources(null, null, "1", null, null, null, null), "--cpu-shares=1: \"1\" is not between 2 and 262144"),
            Arguments.of(new IsolatorFlags.Resources(null, null, null, "0", null, null, null), "--pids-limit=0: \"0\" is not between 1 and 4194304"),
            Arguments.of(new IsolatorFlags.Resources(null, null, null, "1.5", null, null, null), "--pids-limit=1.5: \"1.5\" is not a whole number"),
            Arguments.of(new IsolatorFlags.Resources(null, null, null, null, "2000", null, null), "--oom-score-adj=2000: expected a whole number from -1000 to 1000"),
            Arguments.of(new IsolatorFlags.Resources(null, null, null, null, null, "0", null), "--block-bandwidth=0: \"0\" is not between 1 and "));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badFlags")
    void malformedValuesFailWithOneLineNamingTheFlag(IsolatorFlags.Resources flags, String message) {
        JrktException e = assertThrows(JrktException.class, () -> IsolatorFlags.resources(flags));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void appFlagsCheckCapabilitiesAndSeccompSets() {
        IsolatorFlags.Resources none = IsolatorFlags.Resources.NONE;
        assertEquals("--caps-retain and --caps-remove cannot be combined: retain gives exactly its set, remove takes from the default set",
            assertThrows(JrktException.class, () -> IsolatorFlags.app(none, "CAP_CHOWN", "CAP_KILL", null, null)).getMessage());
        assertEquals("--caps-retain=CAP_NET_BIND_SERVICE,CAP_BOGUS: \"CAP_BOGUS\" is not a Linux capability (like CAP_NET_BIND_SERVICE)",
            assertThrows(JrktException.class, () -> IsolatorFlags.app(none, "CAP_NET_BIND_SERVICE,CAP_BOGUS", null, null, null)).getMessage());
        assertEquals("--seccomp=reboot: mode=retain or mode=remove is required",
            assertThrows(JrktException.class, () -> IsolatorFlags.app(none, null, null, "reboot", null)).getMessage());
        assertEquals("--seccomp=mode=drop,reboot: mode must be retain or remove, not \"drop\"",
            assertThrows(JrktException.class, () -> IsolatorFlags.app(none, null, null, "mode=drop,reboot", null)).getMessage());
        assertEquals("--seccomp=mode=remove,rebot: \"rebot\" is not an x86_64 system call",
            assertThrows(JrktException.class, () -> IsolatorFlags.app(none, null, null, "mode=remove,rebot", null)).getMessage());

        List<Isolator> ok = IsolatorFlags.app(none, "net_bind_service", null, "mode=remove,errno=ENOTSUP,reboot,mount", true);
        assertEquals(List.of(Isolators.CAPS_RETAIN, Isolators.SECCOMP_REMOVE, Isolators.NO_NEW_PRIVILEGES), ok.stream().map(Isolator::name).toList());
        Isolators.Resolved r = Isolators.resolve(ok, "app x");
        assertEquals(1L << 10, r.capabilities());
        assertTrue(r.noNewPrivileges());
        assertEquals("remove reboot,mount errno=ENOTSUP", r.seccomp().describe());
    }

    @Test
    void aFlagReplacesTheImagesIsolatorOfItsKind() {
        List<Isolator> image = List.of(
            new Isolator(Isolators.MEMORY, Map.of("limit", "1G")),
            new Isolator(Isolators.CAPS_REMOVE, Map.of("set", List.of("CAP_MKNOD"))),
            new Isolator(Isolators.SECCOMP_RETAIN, Map.of("set", List.of("@docker/default-whitelist"))),
            new Isolator(Isolators.CPU_SHARES, 100L));
        List<Isolator> flags = IsolatorFlags.app(memory("64Mi"), "CAP_KILL", null, "mode=remove,reboot", null);
        List<Isolator> merged = Isolators.merge(image, flags);
        assertEquals(List.of(Isolators.CPU_SHARES, Isolators.MEMORY, Isolators.CAPS_RETAIN, Isolators.SECCOMP_REMOVE),
            merged.stream().map(Isolator::name).toList());
        Isolators.Resolved r = Isolators.resolve(merged, "app x");
        assertEquals(64L << 20, r.limits().memory());
        assertEquals(100L, r.limits().cpuShares(), "the image's isolators the flags leave alone still apply");
        assertEquals(1L << 5, r.capabilities());
    }

    @Test
    void imageIsolatorsJrktDoesNotApplyAreReportedNotDropped() {
        List<Isolator> image = List.of(
            new Isolator("os/linux/selinux-context", Map.of("user", "u", "role", "r", "type", "t", "level", "s0")),
            new Isolator(Isolators.CPU, Map.of("request", "250m", "limit", "1")),
            new Isolator("example.com/custom", Map.of()),
            new Isolator(Isolators.NO_NEW_PRIVILEGES, true));
        Isolators.Resolved r = Isolators.resolve(image, "app x");
        assertEquals(List.of("os/linux/selinux-context: jrkt does not label pods for SELinux",
            "resource/cpu request: not enforced (the cpu limit is; give os/linux/cpu-shares for a relative weight)",
            "example.com/custom: jrkt does not know this isolator"), r.notApplied());
        assertEquals(1000L, r.limits().cpuMillis());
        assertTrue(r.noNewPrivileges());
        assertNull(r.capabilities(), "no capability isolator: the default set");
        assertNull(r.seccomp(), "no seccomp isolator: the default filter");
    }

    @Test
    void anImagesUnknownSyscallFailsNamingTheAppAndIsolator() {
        List<Isolator> image = List.of(new Isolator(Isolators.SECCOMP_REMOVE, Map.of("set", List.of("chown32"), "errno", "EPERM")));
        assertEquals("app web: isolator os/linux/seccomp-remove-set: \"chown32\" is not an x86_64 system call",
            assertThrows(JrktException.class, () -> Isolators.resolve(image, "app web")).getMessage());
    }

    @Test
    void cgroupParentsAreRelativeNamesWithoutDots() {
        assertEquals("machine.slice/jrkt", new IsolationRequest(List.of(), "/machine.slice/jrkt/", false, false, false).cgroupParent());
        assertEquals("jrkt", IsolationRequest.DEFAULT.cgroupParent());
        assertEquals("user@0.service/x_y:z-1", new IsolationRequest(List.of(), "user@0.service/x_y:z-1", false, false, false).cgroupParent());
        for (String bad : List.of("..", "a/../b", "a//b", "", "a b", "a;b", "caf\u00e9", "a/b*", "/")) {
            JrktException e = assertThrows(JrktException.class, () -> new IsolationRequest(List.of(), bad, false, false, false));
            assertTrue(e.getMessage().startsWith("--cgroup-parent=" + bad + ": "), e.getMessage());
        }
    }
}
