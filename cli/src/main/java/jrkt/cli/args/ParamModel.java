package jrkt.cli.args;

/**
 * One positional parameter of a command in the {@link CliModel}. The model handles two layouts:
 * a single multi-valued parameter taking every positional argument, or single-valued parameters
 * at positions 0, 1, ... (see {@link CommandModel#positionals}).
 */
public final class ParamModel {
    public final int arityMin, arityMax;
    public final boolean multiValue;
    public final int[] path;
    public final int binding;

    public ParamModel(int arityMin, int arityMax, boolean multiValue, int[] path, int binding) {
        this.arityMin = arityMin;
        this.arityMax = arityMax;
        this.multiValue = multiValue;
        this.path = path;
        this.binding = binding;
    }
}
