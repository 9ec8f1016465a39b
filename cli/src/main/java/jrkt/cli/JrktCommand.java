package jrkt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jrkt.cli.image.FetchCommand;
import jrkt.cli.image.ImageCommand;
import jrkt.cli.pod.CatManifestCommand;
import jrkt.cli.pod.EnterCommand;
import jrkt.cli.pod.ExportCommand;
import jrkt.cli.pod.AppFlags;
import jrkt.cli.pod.GcCommand;
import jrkt.cli.pod.ListCommand;
import jrkt.cli.pod.LogsCommand;
import jrkt.cli.pod.MetadataServiceCommand;
import jrkt.cli.pod.PrepareCommand;
import jrkt.cli.pod.RmCommand;
import jrkt.cli.pod.RunCommand;
import jrkt.cli.pod.RunPreparedCommand;
import jrkt.cli.pod.StatusCommand;
import jrkt.cli.pod.StopCommand;
import jrkt.core.Phases;
import jrkt.core.image.ImageLimits;
import jrkt.core.JrktException;
import jrkt.core.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top command: global flags shared by every subcommand. The flags are inherited, so they
 * may be given before the subcommand ({@code jrkt --dir=/x image list}) or after it
 * ({@code jrkt image list --dir=/x}); either way they land in this object, which subcommands
 * reach through {@link #of(CommandLine.Model.CommandSpec)}.
 */
@Command(name = "jrkt", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, // --help on every subcommand
         versionProvider = VersionInfo.Provider.class,
        description = "A pod-native container runtime.")
public final class JrktCommand implements Runnable, AutoCloseable {
    /**
     * Every top-level command, by the name it answers to, in the order help lists them. Not in
     * the @Command annotation: picocli would then build the model of all of them by reflection
     * on every start, which costs a short-lived CLI more than the command itself often does.
     */
    static Map<String, Class<?>> commands() { return Registry.COMMANDS; }

    /** Apart from JrktCommand: naming picocli's HelpCommand loads picocli, which parsing by the model does not need. */
    private static final class Registry {
        static final Map<String, Class<?>> COMMANDS = byName(
            "fetch", FetchCommand.class, "image", ImageCommand.class, "run", RunCommand.class,
            "prepare", PrepareCommand.class, "run-prepared", RunPreparedCommand.class, "list", ListCommand.class,
            "status", StatusCommand.class, "stop", StopCommand.class, "enter", EnterCommand.class,
            "logs", LogsCommand.class, "cat-manifest", CatManifestCommand.class, "export", ExportCommand.class,
            "rm", RmCommand.class, "gc", GcCommand.class, "metadata-service", MetadataServiceCommand.class,
            "version", VersionCommand.class, "config", ConfigCommand.class, "trust", TrustCommand.class,
            "help", CommandLine.HelpCommand.class);
    }

    /** Global options that take a value, for finding the subcommand in a command line. */
    private static final Set<String> VALUED_GLOBAL_OPTIONS = Set.of("--dir", "--local-config", "--system-config", "--insecure-options", "--limit");

    public static final Path DEFAULT_DIR = Path.of("/var/lib/jrkt");
    public static final Path DEFAULT_LOCAL_CONFIG = Path.of("/etc/jrkt");
    public static final Path DEFAULT_SYSTEM_CONFIG = Path.of("/usr/lib/jrkt");

    // No picocli defaultValue on inherited options: picocli would re-apply a default while parsing a
    // subcommand and undo a value given before it. Nulls mean "not given"; the accessors supply defaults.
    // Package-private, as every option's field or setter: the build-time parser (jrkt.cli.args) sets them.
    @Option(names = "--dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "jrkt's data directory (default: /var/lib/jrkt)")
    Path dir;

    @Option(names = "--local-config", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "local configuration directory (default: /etc/jrkt)")
    Path localConfig;

    @Option(names = "--system-config", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "system configuration directory (default: /usr/lib/jrkt)")
    Path systemConfig;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "print debugging information and stack traces to stderr")
    Boolean debug;

    // Accumulated by a setter: picocli restarts a list option's value when a subcommand parses it,
    // and "--insecure-options=image run --insecure-options=seccomp" means both.
    private final Set<String> insecureOptions = new LinkedHashSet<>();

    @Option(names = "--insecure-options", scope = ScopeType.INHERIT, split = ",", paramLabel = "OPT",
            converter = InsecureOptions.Converter.class,
            description = "security checks to disable: ${COMPLETION-CANDIDATES}",
            completionCandidates = InsecureOptions.Names.class)
    void insecureOptions(List<String> names) {
        if (names != null) insecureOptions.addAll(names);
    }

    // Accumulated as --insecure-options is, for the same reason.
    private final List<String> limitFlags = new java.util.ArrayList<>();

    @Option(names = "--limit", scope = ScopeType.INHERIT, paramLabel = "NAME=VALUE",
            description = "change one limit on images, e.g. max-image-size=8GiB (repeatable; docs/limits.md lists them)")
    void limit(List<String> values) {
        if (values != null) limitFlags.addAll(values);
    }

    @Spec private CommandLine.Model.CommandSpec spec;

    private Store store;

    // A bare "jrkt" shows the usage of the command line actually built, with its commands.
    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    // Absolute, because stage1 runs with the pod directory as its working directory.
    // Each checked once a command: a run asks for them a dozen times (two stats and a normalize each).
    private Path checkedDataDir, checkedLocalConfig, checkedSystemConfig;

    public Path dataDir() {
        if (checkedDataDir == null) checkedDataDir = directory("--dir", dir, DEFAULT_DIR);
        return checkedDataDir;
    }

    public Path localConfig() {
        if (checkedLocalConfig == null) checkedLocalConfig = directory("--local-config", localConfig, DEFAULT_LOCAL_CONFIG);
        return checkedLocalConfig;
    }

    public Path systemConfig() {
        if (checkedSystemConfig == null) checkedSystemConfig = directory("--system-config", systemConfig, DEFAULT_SYSTEM_CONFIG);
        return checkedSystemConfig;
    }

    /**
     * A directory flag's value, absolute: an empty value would silently mean the working
     * directory, and a path that is a file cannot hold a store, so both are errors.
     */
    private static Path directory(String flag, Path given, Path fallback) {
        if (given != null && given.toString().isEmpty()) throw new JrktException(flag + " is empty; give a directory");
        Path dir = (given != null ? given : fallback).toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new JrktException(flag + " " + dir + " is not a directory");
        return dir;
    }
    public boolean debug() { return debug != null && debug; }

    /** The disabled checks, with all, all-fetch and all-run expanded to the basic names; empty for none. */
    public Set<String> insecureOptions() {
        Set<String> expanded = new LinkedHashSet<>();
        for (String name : insecureOptions) expanded.addAll(InsecureOptions.expand(name));
        return Collections.unmodifiableSet(expanded);
    }

    /** The limits on images: limits.json of the system, then the local config directory, then --limit. */
    public ImageLimits imageLimits() { return ImageLimits.load(List.of(systemConfig(), localConfig()), limitFlags); }

    /** Whether renders create the device nodes images ship (--insecure-options=devices). */
    public boolean imageDeviceNodes() { return insecureOptions().contains("devices"); }

    /** The image store in {@link #dataDir()}, opened on first use and closed when the command ends. */
    public synchronized Store openStore() throws IOException {
        if (store == null) {
            store = Store.open(dataDir(), imageLimits(), imageDeviceNodes());
            Phases.mark("store-open");
        }
        return store;
    }

    /** The store for a command that only reads it (image list, image cat-manifest): see {@link Store#openToRead}. */
    public synchronized Store openStoreToRead() throws IOException {
        if (store == null) {
            store = Store.openToRead(dataDir(), imageLimits()); // the limits checked as by every command: a wrong one is an error
            Phases.mark("store-open");
        }
        return store;
    }

    /** The store for a command that frees space (image rm, image gc): opened even on a full disk. */
    public synchronized Store openStoreToFree() throws IOException {
        if (store == null) store = Store.openToFree(dataDir());
        return store;
    }

    /** The fetcher of fetch, run and prepare, with this command's config directories and insecure options. */
    public jrkt.core.image.fetch.Fetcher fetcher(jrkt.core.image.fetch.Fetcher.PullPolicy policy, boolean quiet) throws IOException {
        return fetcher(policy, quiet, null);
    }

    /** signature: --signature of fetch (a local ACI's detached signature), or null. */
    public jrkt.core.image.fetch.Fetcher fetcher(jrkt.core.image.fetch.Fetcher.PullPolicy policy, boolean quiet, Path signature)
            throws IOException {
        return new jrkt.core.image.fetch.Fetcher(openStore(), new jrkt.core.image.fetch.Fetcher.Options(
            insecureOptions(), policy, List.of(systemConfig(), localConfig()), quiet, signature));
    }

    @Override public synchronized void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    /** The root command object of the tree that spec belongs to. */
    public static JrktCommand of(CommandLine.Model.CommandSpec spec) {
        return (JrktCommand) spec.root().userObject();
    }

    /** A command line with every command, for help, completion, the build-time model and tests. */
    public CommandLine commandLine() { return commandLine(commands().keySet()); }

    /**
     * Options parsed apart from the command tree, each as the spec it is parsed with: the flags
     * of one app of run and prepare ({@link AppFlags}). The build-time model covers them too.
     */
    public static List<CommandSpec> flagSets() { return List.of(new AppFlags().commandSpec()); }

    /**
     * A command line for these arguments: only the command they name is built, or all of them
     * when the arguments name none that is known (help and errors then list every command).
     */
    public CommandLine commandLine(String[] args) {
        String name = subcommandName(args);
        return commandLine(name != null && commands().containsKey(name) && !name.equals("help") ? Set.of(name) : commands().keySet());
    }

    /** The first argument that is neither a global option nor its value; null when there is none. */
    static String subcommandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) return arg;
            if (arg.equals("--")) return null;
            if (VALUED_GLOBAL_OPTIONS.contains(arg)) i++; // "--dir /x": skip the value too
        }
        return null;
    }

    /** Pairs of name and class; the names are checked against the classes' @Command names by a test. */
    private static Map<String, Class<?>> byName(Object... pairs) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) byName.put((String) pairs[i], (Class<?>) pairs[i + 1]);
        return Collections.unmodifiableMap(byName);
    }

    /** A command line for this object with the named commands and jrkt's error handling (one line, exit 254). */
    private CommandLine commandLine(Set<String> names) {
        CommandLine commandLine = new CommandLine(this);
        for (String name : names) commandLine.addSubcommand(name, commands().get(name));
        // "--insecure-options=image" names both an insecure option and the image command.
        commandLine.setAllowSubcommandsAsOptionParameters(true);
        // rkt had no @file arguments: "@x" is a word like any other (an app's argument, a value).
        commandLine.setExpandAtFiles(false);
        // Everything from the first image (run, prepare) or the UUID (enter) on belongs to the
        // apps: their flags, "--" and "---" must reach the command untouched.
        for (String name : List.of("run", "prepare", "enter")) {
            CommandLine sub = commandLine.getSubcommands().get(name);
            if (sub != null) sub.setStopAtPositional(true);
        }
        return Errors.Picocli.install(commandLine, this);
    }
}
