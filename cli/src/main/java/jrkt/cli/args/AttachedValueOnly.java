package jrkt.cli.args;

import java.util.Map;
import java.util.Stack;
import picocli.CommandLine;

/**
 * Marks a picocli parameter preprocessor whose only effect is that an option's value counts
 * only when attached ({@code --wait=30s}): alone, the option takes its fallback value and the
 * next argument stays an argument. The build-time model then parses such options itself;
 * options with any other preprocessor are left to picocli.
 */
public interface AttachedValueOnly {
    /**
     * The preprocessor for an optional boolean, as rkt's (Go) boolean flags take theirs:
     * {@code --mds-register=false}, while {@code --mds-register IMAGE} is true for IMAGE.
     */
    final class TrueWhenAlone implements CommandLine.IParameterPreprocessor, AttachedValueOnly {
        @Override public boolean preprocess(Stack<String> args, CommandLine.Model.CommandSpec spec,
                                            CommandLine.Model.ArgSpec option, Map<String, Object> info) {
            if (" ".equals(info.get("separator"))) args.push("true");
            return false;
        }
    }
}
