package jrkt.cli.args;

/**
 * Marks a picocli parameter preprocessor whose only effect is that an option's value counts
 * only when attached ({@code --wait=30s}): alone, the option takes its fallback value and the
 * next argument stays an argument. The build-time model then parses such options itself;
 * options with any other preprocessor are left to picocli.
 */
public interface AttachedValueOnly {
}
