package jrkt.cli.args;

/**
 * jrkt's command tree as plain data and plain code, made at build time from the picocli
 * annotations of the command classes (the source of truth) by
 * {@link jrkt.cli.args.gen.ModelGenerator}. It lets {@link ModelParser} parse a command line
 * without picocli: no reflection, no annotation reading, no class of picocli loaded.
 *
 * <p>The generated subclass ({@value #GENERATED}) installs itself when its class is initialised.
 * Commands are built on first use, by id; id 0 is the root command. Flag sets are groups of
 * options parsed apart from the tree (an app's flags in {@code jrkt run}), by name.
 *
 * <p>Bindings are ids the generated code gives meaning to: {@link #create} makes a command
 * object, {@link #holder} steps from an object to one of its mixins, {@link #set} converts a
 * text and stores it in a field (or passes it to a setter) of a holder. They throw
 * {@link Decline} for anything the model leaves to picocli.
 */
public abstract class CliModel {
    /** The class the build generates; absent when the build step did not run (an IDE's build). */
    public static final String GENERATED = "jrkt.cli.GeneratedCliModel";

    private static CliModel installed;
    private static boolean looked;

    private final CommandModel[] commands;

    protected CliModel(int commandCount) {
        this.commands = new CommandModel[commandCount];
    }

    /** Called by the generated class when it is initialised. */
    protected static void install(CliModel model) { installed = model; }

    /**
     * The generated model, or null when this build has none, or when the system property
     * {@code jrkt.cli.model=off} turns it off (to compare with picocli): then picocli parses everything.
     */
    public static synchronized CliModel get() {
        if (!looked) {
            looked = true;
            if ("off".equals(System.getProperty("jrkt.cli.model"))) return null;
            try {
                Class.forName(GENERATED, true, CliModel.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                installed = null; // a missing or broken model costs speed only
            }
        }
        return installed;
    }

    /** The root command. */
    public CommandModel root() { return command(0); }

    /** A command by id, built on first use. */
    public final synchronized CommandModel command(int id) {
        CommandModel c = commands[id];
        if (c == null) commands[id] = c = build(id);
        return c;
    }

    /** A flag set by name (e.g. "app-flags"), or null. */
    public abstract CommandModel flagSet(String name);

    protected abstract CommandModel build(int id);

    /** A new object of command or flag-set type {@code type}. */
    public abstract Object create(int type);

    /** The mixin object reached from owner by step; made when it is missing. */
    public abstract Object holder(int step, Object owner);

    /** Converts text (null for a flag without a value) and stores it through binding into holder. */
    public abstract void set(int binding, Object holder, String text) throws Exception;
}
