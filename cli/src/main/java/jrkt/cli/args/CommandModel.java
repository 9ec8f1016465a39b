package jrkt.cli.args;

/**
 * One command (or flag set) of the {@link CliModel}: its options, positional parameters and
 * subcommands, and how picocli is configured to parse it.
 */
public final class CommandModel {
    /** How the positional arguments map to parameters. */
    public enum Positionals {
        /** The command takes none. */
        NONE,
        /** One multi-valued parameter takes them all. */
        LIST,
        /** Single-valued parameters at positions 0, 1, ... */
        INDEXED,
        /** A layout the model does not handle: picocli parses this command. */
        DECLINE
    }

    public final String name;
    /** The {@link CliModel#create} type of the command object, or -1 for a command left to picocli (help). */
    public final int type;
    public final OptionModel[] options;
    public final ParamModel[] params;
    public final Positionals positionals;
    public final String[] subcommandNames;
    public final int[] subcommandIds;
    /** Everything from the first positional argument on is positional (picocli's stopAtPositional). */
    public final boolean stopAtPositional;
    /** Runs as a command (a Callable); false for a group that only prints its usage. */
    public final boolean executable;
    /** The mixins every new command object gets, as paths for {@link CliModel#holder}. */
    public final int[][] mixins;

    public CommandModel(String name, int type, OptionModel[] options, ParamModel[] params, Positionals positionals,
                        String[] subcommandNames, int[] subcommandIds, boolean stopAtPositional, boolean executable,
                        int[][] mixins) {
        this.name = name;
        this.type = type;
        this.options = options;
        this.params = params;
        this.positionals = positionals;
        this.subcommandNames = subcommandNames;
        this.subcommandIds = subcommandIds;
        this.stopAtPositional = stopAtPositional;
        this.executable = executable;
        this.mixins = mixins;
    }

    /** This command's own option of that name (inherited options live in the root), or null. */
    public OptionModel option(String name) {
        for (OptionModel o : options) if (o.hasName(name)) return o;
        return null;
    }

    /** The id of the subcommand of that name, or -1. */
    public int subcommand(String name) {
        for (int i = 0; i < subcommandNames.length; i++) if (subcommandNames[i].equals(name)) return subcommandIds[i];
        return -1;
    }
}
