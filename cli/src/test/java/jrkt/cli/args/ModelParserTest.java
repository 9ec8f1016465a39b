package jrkt.cli.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import jrkt.cli.JrktCommand;
import jrkt.cli.args.gen.ModelGenerator;
import jrkt.cli.pod.AppFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The fast parser against picocli, the reference: a command line the model parses must leave
 * every field of every object exactly as picocli leaves it; one it declines goes to picocli.
 */
class ModelParserTest {
    private static final CliModel MODEL = CliModel.get();

    /** What picocli made of a command line: the state of the root and of the command, or its error. */
    private static String picocli(String... args) {
        try (JrktCommand root = new JrktCommand()) {
            CommandLine.ParseResult result = root.commandLine(args).parseArgs(args);
            while (result.hasSubcommand()) result = result.subcommand();
            return state(root) + " | " + state(result.commandSpec().userObject());
        } catch (CommandLine.ParameterException e) {
            return "error: " + e.getMessage();
        }
    }

    /** What the model made of it, or null when it leaves the line to picocli. */
    private static String fast(String... args) {
        ModelParser.Parsed parsed = ModelParser.parse(MODEL, args);
        return parsed == null ? null : state(parsed.root()) + " | " + state(parsed.command());
    }

    /**
     * Every field of a command object, its superclasses and its mixins and groups (jrkt's own
     * types), by name; not the ones picocli or Main inject. The --limit list keeps each value
     * once: picocli hands the setter the values so far on every occurrence, which repeats them.
     */
    static String state(Object object) {
        Map<String, String> fields = new TreeMap<>();
        for (Class<?> c = object.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) continue;
                Class<?> t = f.getType();
                if (t == CommandSpec.class || t.getName().startsWith("java.io.") || t == CommandModel.class || t == JrktCommand.class
                    || t.getSimpleName().equals("Store")) continue;
                f.setAccessible(true);
                Object value;
                try {
                    value = f.get(object);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
                String text;
                if (value == null) text = "null";
                else if (f.getName().equals("limitFlags")) text = new LinkedHashSet<>((Collection<?>) value).toString();
                else if (value.getClass().getName().startsWith("jrkt.cli.") && !value.getClass().isEnum() && !value.getClass().isRecord()) {
                    text = "{" + state(value) + "}";
                } else text = String.valueOf(value);
                fields.put(c.getSimpleName() + "." + f.getName(), text);
            }
        }
        return fields.toString();
    }

    private static void sameAsPicocli(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        String expected = picocli(args);
        String actual = fast(args);
        assertNotNull(actual, "the model left to picocli: " + line + "\npicocli: " + expected);
        assertFalse(expected.startsWith("error: "), "picocli rejects " + line + ": " + expected);
        assertEquals(expected, actual, line);
    }

    @Test
    void theBuildMadeAModel() {
        assertNotNull(MODEL, "the build step did not generate " + CliModel.GENERATED);
    }

    @ParameterizedTest(name = "jrkt {0}")
    @ValueSource(strings = {
        "version", "config", "list", "image list", "fetch a.aci b.aci",
        // global flags before, between and after the subcommand, attached or not
        "--dir=/x image list", "--dir /x image list", "image --dir=/x list", "image list --dir=/x",
        "--debug --local-config=/l --system-config /s list", "list --debug",
        // --insecure-options and --limit add up wherever they are
        "--insecure-options=image run --insecure-options=seccomp img", "--insecure-options image,tls version",
        "--insecure-options=all version", "--limit max-image-size=8GiB --limit=max-entries=9 image list --limit max-entries=10",
        "--insecure-options image image list", "--dir image image list",
        // listings
        "list --no-legend --full --fields=uuid,state --sort created --order=desc --format json-pretty",
        "image list --format=json --fields id --order asc",
        // run: pod flags, then the apps verbatim from the first image on
        "run img", "run --net=host img --exec=/bin/true", "run --net host --hostname h --no-overlay img1 --- img2",
        "run --volume=d,kind=empty --volume d2,kind=host,source=/s --dns=1.1.1.1,8.8.8.8 --dns host --dns-search=a,b img",
        "run --set-env=A=1 --set-env B=2 --set-env-file=/e --inherit-env --uuid-file-save=/u --stage1-path=/s1 img",
        "run --memory=1G --cpu 500m --cpu-shares=512 --pids-limit=9 --oom-score-adj=-5 --block-bandwidth=1M --block-iops=5 img",
        "run --cgroup-parent=x/y --stage1-name=n --stage1-hash=sha512-ab --detach --interactive img -- a b --- img2 --name=two",
        "run img -- --help @notafile -- ---", "run img --dir=/x", "prepare --interactive --net=none img1 img2",
        "--dir=/x run --debug img", "run-prepared --detach 1a2b", "run-prepared --uuid-file=/u --interactive",
        // pod commands
        "status 1a2b", "status --format=json 1a2b", "status --wait 1a2b", "status 1a2b --wait", "status --wait=30s 1a2b",
        "status --wait-ready=false --wait=-1s --uuid-file=/u", "stop --force a b c", "stop --uuid-file /u",
        "enter 1a2b", "enter --app=one 1a2b /bin/ls -l --color", "enter 1a2b -- --app=x", "logs -f --app=a 1a2b", "logs --follow 1a2b",
        "cat-manifest --pretty-print 1a2b", "export --app=a --overwrite 1a2b /f.aci", "export --uuid-file=/u /f.aci",
        "rm a b", "gc", "gc --grace-period=0s --expire-prepared 1h30m --mark-only",
        // image commands
        "image cat-manifest --pretty-print example.com/x:1.0", "image export --overwrite img /f", "image extract img /d --rootfs-only",
        "image render --overwrite --rootfs-only img /d", "image rm a b", "image gc --grace-period=48h", "image gc",
        "image verify --repair a b",
    })
    void parsesAsPicocliDoes(String line) {
        sameAsPicocli(line);
    }

    @ParameterizedTest(name = "jrkt {0}")
    @ValueSource(strings = {
        "", "--help", "-h", "--version", "-V", "help", "help run", "image", "image --help", "run --help", "list -h",
        // picocli's usage errors, which it reports
        "bogus", "--bogus list", "list --bogus", "list --dir", "list --dir=", "image list --order=sideways", "--insecure-options=bogus list",
        "image gc --grace-period=soon", "image cat-manifest", "image export a", "image export a b c", "status a b", "fetch",
        "run", "--dir=/a --dir=/b list", "list --sort a --sort b", "--debug --debug list", "list --dir --debug",
        // syntax the model leaves to picocli
        "-- list", "list -- x", "rm -", "logs -fh 1a2b", "run --exec=/bin/x img", "status --wait= 1a2b",
        "run --dns=\"a,b\" img", "run --dns=a,,b img", "run --dns=,a img", "list --fields=",
    })
    void leavesToPicocli(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        assertNull(fast(args), "the model parsed what picocli should: " + line + " -> " + fast(args));
    }

    @Test
    void atFilesAreNotExpanded() {
        sameAsPicocli("run img -- @/etc/hostname");
        assertTrue(picocli("run", "img", "--", "@/etc/hostname").contains("@/etc/hostname"), "picocli kept the word too");
    }

    /** Every option the model binds, attached and detached, on every command, against picocli. */
    static Stream<Arguments> everyOption() {
        List<Arguments> cases = new ArrayList<>();
        try (JrktCommand root = new JrktCommand()) {
            collect(root.commandLine(), List.of(), cases);
        }
        return cases.stream();
    }

    private static void collect(CommandLine command, List<String> path, List<Arguments> cases) {
        CommandSpec spec = command.getCommandSpec();
        if (!spec.subcommands().isEmpty()) {
            for (Map.Entry<String, CommandLine> sub : spec.subcommands().entrySet()) {
                if (sub.getKey().equals("help")) continue;
                List<String> longer = new ArrayList<>(path);
                longer.add(sub.getKey());
                collect(sub.getValue(), longer, cases);
            }
            return; // a group alone prints its usage; its options are tried on its subcommands, which inherit them
        }
        List<String> positionals = new ArrayList<>();
        for (CommandLine.Model.PositionalParamSpec p : spec.positionalParameters()) {
            for (int i = 0; i < p.arity().min(); i++) positionals.add(p.type() == Path.class ? "/p" + i : "word" + i);
        }
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp() || o.group() != null) continue;
            if (o.longestName().equals("--private-users")) continue; // left to picocli: see onlyHelpAndTheAppFlagGroupAreLeftToPicocli
            for (String form : forms(o)) {
                List<String> line = new ArrayList<>(path);
                line.addAll(List.of(form.split(" ")));
                line.addAll(positionals);
                cases.add(Arguments.of(String.join(" ", line)));
            }
        }
    }

    /** The ways to give an option: attached and separate values, a flag, an optional value alone. */
    private static List<String> forms(OptionSpec o) {
        String name = o.longestName();
        if (o.arity().max() == 0) return List.of(name);
        String value = sample(o);
        List<String> forms = new ArrayList<>(List.of(name + "=" + value));
        if (o.arity().min() == 1) forms.add(name + " " + value);
        if (o.arity().min() == 0) forms.add(name);
        if (o.isMultiValue()) forms.add(name + "=" + value + " " + name + " " + value);
        return forms;
    }

    private static String sample(OptionSpec o) {
        Class<?> type = o.isMultiValue() && o.auxiliaryTypes().length > 0 ? o.auxiliaryTypes()[0] : o.type();
        String split = o.splitRegex();
        return switch (o.longestName()) {
            case "--insecure-options" -> "image,seccomp";
            case "--net" -> "host";
            case "--format" -> "json";
            case "--order" -> "desc";
            case "--wait", "--wait-ready", "--grace-period", "--expire-prepared" -> "90s";
            case "--readonly-rootfs", "--no-new-privileges", "--mds-register" -> "false";
            case "--pull-policy" -> "never";
            default -> {
                String one = type == Path.class ? "/some/path" : type == Duration.class ? "90s"
                    : type == int.class || type == Integer.class ? "8080" : "some-value";
                yield split.isEmpty() ? one : one + split + "second";
            }
        };
    }

    @ParameterizedTest(name = "jrkt {0}")
    @MethodSource("everyOption")
    void everyOptionParsesAsPicocliDoes(String line) {
        sameAsPicocli(line);
    }

    /** One app's flags of jrkt run, through the model, against picocli on AppFlags' own spec. */
    static Stream<Arguments> everyAppFlag() {
        List<Arguments> cases = new ArrayList<>();
        for (OptionSpec o : new AppFlags().commandSpec().options()) {
            for (String form : forms(o)) cases.add(Arguments.of(form));
        }
        cases.add(Arguments.of("--exec=/x --name n --user=0 --group 0 --environment=A=1 --environment B=2 --memory=1G --readonly-rootfs"));
        return cases.stream();
    }

    @ParameterizedTest(name = "app flags {0}")
    @MethodSource("everyAppFlag")
    void everyAppFlagParsesAsPicocliDoes(String flags) {
        String[] args = flags.split(" ");
        AppFlags byPicocli = new AppFlags();
        new CommandLine(byPicocli.commandSpec()).setExpandAtFiles(false).parseArgs(args);
        AppFlags byModel = new AppFlags();
        assertTrue(ModelParser.parseFlags(MODEL, MODEL.flagSet(AppFlags.FLAG_SET), byModel, List.of(args)), flags);
        assertEquals(state(byPicocli), state(byModel), flags);
    }

    @Test
    void appFlagErrorsAreLeftToPicocli() {
        for (String flags : List.of("--bogus", "--exec", "--name=a --name=b", "--readonly-rootfs=maybe", "--exec= ")) {
            assertFalse(ModelParser.parseFlags(MODEL, MODEL.flagSet(AppFlags.FLAG_SET), new AppFlags(), List.of(flags.split(" "))), flags);
        }
    }

    /**
     * A flag added with a picocli annotation is parsed by the model unless it cannot be: then
     * every command line that uses it pays for picocli. Only help and the app flags' help group
     * (which rejects app flags given before the first image) are meant to be left to picocli.
     */
    @Test
    void onlyHelpAndTheAppFlagGroupAreLeftToPicocli() {
        // and --private-users, whose value is optional only when it is idmap or chown (a
        // preprocessor decides): a pod with a user namespace costs far more than picocli's parse
        List<String> unexpected = ModelGenerator.declinedArguments().stream()
            .filter(d -> !d.endsWith(": help") && !d.endsWith(": argument group") && !d.endsWith(" --private-users: preprocessor")).toList();
        assertEquals(List.of(), unexpected);
    }
}
