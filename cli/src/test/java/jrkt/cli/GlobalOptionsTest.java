package jrkt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Global flags: placement before or after the subcommand, defaults, --insecure-options, usage errors. */
class GlobalOptionsTest {

    private static JrktCommand parse(String... args) {
        JrktCommand root = new JrktCommand();
        root.commandLine(args).parseArgs(args);
        return root;
    }

    /** Runs a command line as Main does, capturing stdout and stderr. */
    record Run(int status, String out, String err) {}

    static Run execute(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        try (JrktCommand root = new JrktCommand()) {
            CommandLine cl = root.commandLine(args); // as Main does: only the named command is built
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int status = cl.execute(args);
            return new Run(status, out.toString(), err.toString());
        }
    }

    @Test
    void bareJrktListsTheCommands() {
        Run run = execute();
        assertEquals(0, run.status(), run.toString());
        assertTrue(run.out().startsWith("Usage: jrkt "), run.out());
        assertTrue(run.out().contains("run-prepared"), run.out());
        assertTrue(run.out().contains("Commands:"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void defaultsAreRktsLayoutUnderJrkt() {
        JrktCommand root = parse("image", "list");
        assertEquals(Path.of("/var/lib/jrkt"), root.dataDir());
        assertEquals(Path.of("/etc/jrkt"), root.localConfig());
        assertEquals(Path.of("/usr/lib/jrkt"), root.systemConfig());
        assertFalse(root.debug());
        assertEquals(Set.of(), root.insecureOptions());
    }

    @Test
    void globalFlagsBeforeTheSubcommandSurviveItsParsing() {
        JrktCommand root = parse("--dir=/x", "--local-config=/l", "--system-config", "/s", "--debug",
                "--insecure-options=image", "image", "list", "--no-legend");
        assertEquals(Path.of("/x"), root.dataDir());
        assertEquals(Path.of("/l"), root.localConfig());
        assertEquals(Path.of("/s"), root.systemConfig());
        assertTrue(root.debug());
        assertEquals(Set.of("image"), root.insecureOptions());
    }

    @Test
    void globalFlagsAfterTheSubcommandReachTheRoot() {
        JrktCommand root = parse("image", "list", "--dir=/y", "--debug", "--local-config=/l2", "--insecure-options=tls,http");
        assertEquals(Path.of("/y"), root.dataDir());
        assertEquals(Path.of("/l2"), root.localConfig());
        assertTrue(root.debug());
        assertEquals(Set.of("tls", "http"), root.insecureOptions());
    }

    @Test
    void globalFlagsBetweenGroupAndSubcommand() {
        JrktCommand root = parse("image", "--dir=/z", "list");
        assertEquals(Path.of("/z"), root.dataDir());
    }

    @Test
    void insecureGroupsExpandToTheirMembers() {
        assertEquals(Set.of("image", "tls", "http", "pubkey"), parse("--insecure-options=all-fetch", "version").insecureOptions());
        assertEquals(Set.of("ondisk", "capabilities", "paths", "seccomp", "devices"), parse("--insecure-options=all-run", "version").insecureOptions());
        assertEquals(9, parse("--insecure-options=all", "version").insecureOptions().size());
        assertEquals(Set.of(), parse("--insecure-options=none", "version").insecureOptions());
        assertEquals(Set.of("image", "seccomp"), parse("--insecure-options=image", "version", "--insecure-options=seccomp").insecureOptions());
    }

    @Test
    void unknownInsecureOptionIsOneLineNamingFlagAndValue() {
        Run run = execute("--insecure-options=image,bogus", "version");
        assertEquals(254, run.status());
        assertEquals("", run.out());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("jrkt: "), run.err());
        assertTrue(run.err().contains("--insecure-options") && run.err().contains("'bogus'"), run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"image list --bogus", "--bogus image list", "image list --order=sideways", "image gc --grace-period=soon",
            "image cat-manifest", "image frobnicate"})
    void usageErrorsAreOneLineAndExit254(String commandLine) {
        Run run = execute(commandLine.split(" "));
        assertEquals(254, run.status(), run.toString());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("jrkt: "), run.err());
        assertEquals("", run.out());
    }

    @Test
    void badFlagErrorNamesTheFlag() {
        Run run = execute("image", "list", "--bogus");
        assertTrue(run.err().contains("'--bogus'"), run.err());
        assertTrue(run.err().contains("jrkt image list --help"), run.err());
        Run duration = execute("image", "gc", "--grace-period=soon");
        assertTrue(duration.err().contains("--grace-period") && duration.err().contains("'soon'"), duration.err());
    }

    @Test
    void debugAddsTheStackTraceAfterTheLine() {
        Run run = execute("--debug", "image", "list", "--bogus");
        assertEquals(254, run.status());
        assertTrue(run.err().startsWith("jrkt: "), run.err());
        assertTrue(run.err().lines().count() > 1, "expected a stack trace: " + run.err());
        assertTrue(run.err().contains("\tat picocli."), run.err());
    }

    @Test
    void versionPrintsJrktAppcAndJava() {
        Run run = execute("version");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("appc Version: 0.8.11"), run.out());
        assertTrue(run.out().contains("Java Version: " + System.getProperty("java.version")), run.out());
        // the number is in jrkt-cli.jar's manifest: StartupTest checks it on the built jar; classes here are outside it
        assertTrue(run.out().contains("jrkt Version: unknown"), run.out());
    }

    @Test
    void everyRegisteredNameIsTheCommandsOwnName() {
        JrktCommand.commands().forEach((name, type) ->
            assertEquals(name, type.getAnnotation(CommandLine.Command.class).name(), type.getName()));
    }

    /**
     * Every command class of jrkt is reachable: registered by name or a subcommand of one that
     * is. A command class missing from the registry is a command users lose without any error.
     */
    @Test
    void everyCommandClassIsRegisteredOrASubcommand() throws Exception {
        Path classes = Path.of(JrktCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<Class<?>> commands = new java.util.HashSet<>();
        try (var files = java.nio.file.Files.walk(classes.resolve("jrkt/cli"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, JrktCommand.class.getClassLoader());
                if (c.isAnnotationPresent(CommandLine.Command.class)) commands.add(c);
            }
        }
        Set<Class<?>> reachable = new java.util.HashSet<>(JrktCommand.commands().values());
        reachable.add(JrktCommand.class);
        for (Class<?> c : commands) reachable.addAll(java.util.List.of(c.getAnnotation(CommandLine.Command.class).subcommands()));
        commands.removeAll(reachable);
        commands.removeIf(c -> c.getSimpleName().equals("AppFlags")); // one app's flags, parsed apart (JrktCommand.flagSets)
        assertEquals(Set.of(), commands, "command classes no command line reaches");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "image list|image", "--dir=/x image list|image", "--dir /x run img|run", "--debug --insecure-options image fetch x|fetch",
        "--insecure-options=image image rm x|image", "--help|null", "--dir /x|null", "-- run|null"})
    void findsTheSubcommandPastGlobalOptions(String row) {
        String[] parts = row.split("\\|");
        String expected = parts[1].equals("null") ? null : parts[1];
        assertEquals(expected, JrktCommand.subcommandName(parts[0].split(" ")));
    }

    @Test
    void helpStillListsEveryCommand() {
        Run help = execute("--help");
        for (String name : JrktCommand.commands().keySet()) assertTrue(help.out().contains(name), name + " missing from:\n" + help.out());
    }
}
