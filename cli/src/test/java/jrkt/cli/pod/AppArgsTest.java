package jrkt.cli.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import jrkt.cli.JrktCommand;
import jrkt.core.JrktException;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.pod.prepare.AppSpec;
import jrkt.core.pod.prepare.MountSpec;
import jrkt.core.pod.prepare.NetMode;
import jrkt.core.pod.prepare.PrepareRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** rkt's run grammar: IMAGE [APP-FLAGS] [-- ARGS... ---] IMAGE ..., from the whole jrkt command line. */
class AppArgsTest {

    /** One app as a row: image, name, exec, args. */
    record App(String image, String name, String exec, List<String> args) {
        static App of(AppSpec s) { return new App(s.image(), s.name(), s.exec(), s.args()); }
    }

    static App app(String image, String name, String exec, String... args) { return new App(image, name, exec, List.of(args)); }

    static Stream<Arguments> grammar() {
        return Stream.of(
            Arguments.of("img", List.of(app("img", null, null))),
            Arguments.of("a b c", List.of(app("a", null, null), app("b", null, null), app("c", null, null))),
            Arguments.of("a --exec=/bin/x", List.of(app("a", null, "/bin/x"))),
            Arguments.of("a --exec /bin/x b", List.of(app("a", null, "/bin/x"), app("b", null, null))),
            Arguments.of("a -- x y", List.of(app("a", null, null, "x", "y"))),
            // after "--" flags, "--" and image-like words are the app's, up to "---"
            Arguments.of("a --name=one -- -c --exec=/no -- b --- b --name=two",
                List.of(app("a", "one", null, "-c", "--exec=/no", "--", "b"), app("b", "two", null))),
            Arguments.of("a --- b", List.of(app("a", null, null), app("b", null, null))),
            Arguments.of("a -- --- b -- z", List.of(app("a", null, null), app("b", null, null, "z"))),
            Arguments.of("a --exec=/x -- 1 --- b --exec=/y -- 2 ---",
                List.of(app("a", null, "/x", "1"), app("b", null, "/y", "2"))));
    }

    @ParameterizedTest(name = "run {0}")
    @MethodSource("grammar")
    void appsFollowRktsGrammar(String apps, List<App> expected) {
        PrepareRequest request = request(("--net=host " + apps).split(" "));
        assertEquals(expected, request.apps().stream().map(App::of).toList());
        assertEquals(NetMode.HOST, request.net(), "pod flags before the first image");
    }

    @Test
    void everyAppFlagReachesItsOwnApp() {
        PrepareRequest r = request("--volume=data,kind=empty", "a", "--user=7", "--group=8", "--supplementary-gids=9,10",
            "--working-dir=/w", "--environment=K=1", "--environment", "L=2", "--mount", "volume=data,target=/d",
            "--readonly-rootfs", "b", "--readonly-rootfs=false");
        AppSpec a = r.apps().get(0), b = r.apps().get(1);
        assertEquals(List.of("7", "8", List.of(9, 10), "/w", Map.of("K", "1", "L", "2"), List.of(new MountSpec("data", "/d")), true),
            List.of(a.user(), a.group(), a.supplementaryGids(), a.workingDirectory(), a.environment(), a.mounts(), a.readOnlyRootFs()));
        assertEquals(AppSpec.of("b"), b);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
            Arguments.of("--exec=/x a", "follow their image"),
            Arguments.of("a --net=host", "--net is a pod flag"),
            Arguments.of("a --bogus", "unknown app flag --bogus"),
            Arguments.of("a --exec", "--exec of image a needs a value"),
            Arguments.of("a --- ---", "'---'"),
            Arguments.of("a --environment=novalue", "--environment novalue"),
            Arguments.of("a --supplementary-gids=x", "--supplementary-gids"),
            Arguments.of("a --mount=volume=v", "--mount"),
            Arguments.of("--caps-retain=CAP_KILL a", "follow their image"),
            Arguments.of("a --cgroup-parent=x", "--cgroup-parent is a pod flag"),
            Arguments.of("a --memory=lots", "image a: --memory=lots: \"lots\" is not a quantity"),
            Arguments.of("--cpu=1m a", "--cpu=1m: \"1m\" is less than the smallest cpu limit"),
            Arguments.of("a --seccomp=mode=remove,nosuchcall", "image a: --seccomp=mode=remove,nosuchcall: \"nosuchcall\" is not an x86_64 system call"));
    }

    @ParameterizedTest(name = "run {0}")
    @MethodSource("mistakes")
    void mistakesNameTheFlagOrWord(String args, String expected) {
        JrktException e = assertThrows(JrktException.class, () -> request(args.split(" ")));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void isolationFlagsLimitThePodBeforeTheFirstImageAndTheAppAfterIt() {
        PrepareRequest r = request("--insecure-options=paths,seccomp", "--memory=256M", "--pids-limit=64", "--cgroup-parent=/x/y",
            "a", "--memory=64Mi", "--caps-retain=net_raw", "--no-new-privileges", "b", "--seccomp=mode=retain,@docker/default-whitelist");
        assertEquals(List.of("resource/memory", "jrkt.io/pids-limit"), names(r.isolation().podIsolators()));
        assertEquals("x/y", r.isolation().cgroupParent());
        assertEquals(List.of(true, false, true), List.of(r.isolation().insecurePaths(), r.isolation().insecureCapabilities(),
            r.isolation().insecureSeccomp()));
        assertEquals(List.of("resource/memory", "os/linux/capabilities-retain-set", "os/linux/no-new-privileges"), names(r.apps().get(0).isolators()));
        assertEquals(List.of("os/linux/seccomp-retain-set"), names(r.apps().get(1).isolators()));
        assertEquals(List.of(), request("a").isolation().podIsolators());
    }

    private static List<String> names(List<ImageManifest.Isolator> isolators) {
        return isolators.stream().map(ImageManifest.Isolator::name).toList();
    }

    @Test
    void appsWithoutTheirFlagsDoNotShareThem() {
        assertEquals(List.of(AppSpec.of("a"), AppSpec.of("b")), AppArgs.parse(List.of("a", "b"), Set::of));
    }

    /** Parses {@code jrkt run ARGS} as the real command line does and returns the request it builds. */
    private static PrepareRequest request(String... runArgs) {
        String[] argv = Stream.concat(Stream.of("run"), Arrays.stream(runArgs)).toArray(String[]::new);
        CommandLine.ParseResult parsed = new JrktCommand().commandLine().parseArgs(argv);
        RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();
        return run.request(null);
    }
}
