package jrkt.cli.args;

/**
 * One option of a command in the {@link CliModel}: its names, how it takes a value, and the
 * binding that stores it. Everything the fast parser does not emulate exactly is of kind
 * {@link Kind#DECLINE}, so that a command line using it goes to picocli.
 */
public final class OptionModel {
    /** How an option takes its value. */
    public enum Kind {
        /** No value (arity 0): {@code --debug}. */
        FLAG,
        /** Exactly one value, attached ({@code --dir=/x}) or the next argument ({@code --dir /x}). */
        VALUE,
        /**
         * An optional value (arity 0..1): attached, or the fallback value when the next argument is
         * absent or an option; a next argument that could be the value is left to picocli.
         */
        OPTIONAL_VALUE,
        /** An optional value that is only ever attached: alone, the fallback value (see {@link AttachedValueOnly}). */
        ATTACHED_VALUE_ONLY,
        /** Left to picocli: help and version, argument groups, types or arities the model does not handle. */
        DECLINE
    }

    public final String[] names;
    public final Kind kind;
    /** The least number of values (0 or 1): whether an app flag takes the next word as its value. */
    public final int arityMin;
    public final boolean multiValue;
    /** The literal separator of several values in one ({@code --dns=a,b}), or null. */
    public final String split;
    public final String defaultValue;
    public final String fallbackValue;
    public final boolean required;
    /** Given before or after the subcommand, stored in the root command (picocli's INHERIT scope). */
    public final boolean inherited;
    /** Mixin steps from the command object to the object holding the field. */
    public final int[] path;
    public final int binding;

    public OptionModel(String[] names, Kind kind, int arityMin, boolean multiValue, String split, String defaultValue,
                       String fallbackValue, boolean required, boolean inherited, int[] path, int binding) {
        this.names = names;
        this.kind = kind;
        this.arityMin = arityMin;
        this.multiValue = multiValue;
        this.split = split;
        this.defaultValue = defaultValue;
        this.fallbackValue = fallbackValue;
        this.required = required;
        this.inherited = inherited;
        this.path = path;
        this.binding = binding;
    }

    public boolean hasName(String name) {
        for (String n : names) if (n.equals(name)) return true;
        return false;
    }
}
