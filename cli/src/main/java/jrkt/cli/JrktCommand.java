package jrkt.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import jrkt.cli.image.FetchCommand;
import jrkt.cli.image.ImageCommand;
import jrkt.cli.pod.CatManifestCommand;
import jrkt.cli.pod.EnterCommand;
import jrkt.cli.pod.ExportCommand;
import jrkt.cli.pod.GcCommand;
import jrkt.cli.pod.ListCommand;
import jrkt.cli.pod.LogsCommand;
import jrkt.cli.pod.PrepareCommand;
import jrkt.cli.pod.RmCommand;
import jrkt.cli.pod.RunCommand;
import jrkt.cli.pod.RunPreparedCommand;
import jrkt.cli.pod.StatusCommand;
import jrkt.cli.pod.StopCommand;
import jrkt.core.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The top command: global flags shared by every subcommand. The flags are inherited, so they
 * may be given before the subcommand ({@code jrkt --dir=/x image list}) or after it
 * ({@code jrkt image list --dir=/x}); either way they land in this object, which subcommands
 * reach through {@link #of(CommandLine.Model.CommandSpec)}.
 */
@Command(name = "jrkt", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, // --help on every subcommand
         versionProvider = VersionInfo.Provider.class,
        description = "A pod-native container runtime.",
        subcommands = {
            // Add new top-level commands here, one line each.
            FetchCommand.class,
            ImageCommand.class,
            RunCommand.class,
            PrepareCommand.class,
            RunPreparedCommand.class,
            ListCommand.class,
            StatusCommand.class,
            StopCommand.class,
            EnterCommand.class,
            LogsCommand.class,
            CatManifestCommand.class,
            ExportCommand.class,
            RmCommand.class,
            GcCommand.class,
            VersionCommand.class,
            ConfigCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class JrktCommand implements Runnable, AutoCloseable {
    public static final Path DEFAULT_DIR = Path.of("/var/lib/jrkt");
    public static final Path DEFAULT_LOCAL_CONFIG = Path.of("/etc/jrkt");
    public static final Path DEFAULT_SYSTEM_CONFIG = Path.of("/usr/lib/jrkt");

    // No picocli defaultValue on inherited options: picocli would re-apply a default while parsing a
    // subcommand and undo a value given before it. Nulls mean "not given"; the accessors supply defaults.
    @Option(names = "--dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "jrkt's data directory (default: /var/lib/jrkt)")
    private Path dir;

    @Option(names = "--local-config", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "local configuration directory (default: /etc/jrkt)")
    private Path localConfig;

    @Option(names = "--system-config", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "system configuration directory (default: /usr/lib/jrkt)")
    private Path systemConfig;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "print debugging information and stack traces to stderr")
    private Boolean debug;

    // Accumulated by a setter: picocli restarts a list option's value when a subcommand parses it,
    // and "--insecure-options=image run --insecure-options=seccomp" means both.
    private final Set<String> insecureOptions = new LinkedHashSet<>();

    @Option(names = "--insecure-options", scope = ScopeType.INHERIT, split = ",", paramLabel = "OPT",
            converter = InsecureOptions.Converter.class,
            description = "security checks to disable: ${COMPLETION-CANDIDATES}",
            completionCandidates = InsecureOptions.Names.class)
    private void insecureOptions(List<String> names) {
        if (names != null) insecureOptions.addAll(names);
    }

    private Store store;

    @Override public void run() { new CommandLine(this).usage(System.out); }

    // Absolute, because stage1 runs with the pod directory as its working directory.
    public Path dataDir() { return (dir != null ? dir : DEFAULT_DIR).toAbsolutePath().normalize(); }
    public Path localConfig() { return (localConfig != null ? localConfig : DEFAULT_LOCAL_CONFIG).toAbsolutePath().normalize(); }
    public Path systemConfig() { return (systemConfig != null ? systemConfig : DEFAULT_SYSTEM_CONFIG).toAbsolutePath().normalize(); }
    public boolean debug() { return debug != null && debug; }

    /** The disabled checks, with all, all-fetch and all-run expanded to the basic names; empty for none. */
    public Set<String> insecureOptions() {
        Set<String> expanded = new LinkedHashSet<>();
        for (String name : insecureOptions) expanded.addAll(InsecureOptions.expand(name));
        return Collections.unmodifiableSet(expanded);
    }

    /** The image store in {@link #dataDir()}, opened on first use and closed when the command ends. */
    public synchronized Store openStore() throws IOException {
        if (store == null) store = Store.open(dataDir());
        return store;
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

    /** A command line for this object with jrkt's error handling (one line, exit 254). */
    public CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(this);
        // "--insecure-options=image" names both an insecure option and the image command.
        commandLine.setAllowSubcommandsAsOptionParameters(true);
        // Everything from the first image (run, prepare) or the UUID (enter) on belongs to the
        // apps: their flags, "--" and "---" must reach the command untouched.
        for (String name : List.of("run", "prepare", "enter")) commandLine.getSubcommands().get(name).setStopAtPositional(true);
        return Errors.install(commandLine, this);
    }
}
