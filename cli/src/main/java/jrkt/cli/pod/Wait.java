package jrkt.cli.pod;

import java.time.Duration;
import jrkt.cli.GoDuration;
import jrkt.cli.args.AttachedValueOnly;
import picocli.CommandLine;

/**
 * A --wait value as rkt takes it: true (or no value) waits without limit, false not at all,
 * a duration at most that long; a negative duration waits without limit, zero not at all.
 */
record Wait(boolean enabled, Duration limit) {
    static final Wait NO = new Wait(false, Duration.ZERO);
    static final Wait FOREVER = new Wait(true, null);

    /**
     * A value only counts when attached ({@code --wait=30s}): {@code --wait UUID} waits without
     * limit for UUID, as rkt's flag does, instead of taking the UUID for a duration.
     */
    static final class AttachedOnly implements CommandLine.IParameterPreprocessor, AttachedValueOnly {
        @Override public boolean preprocess(java.util.Stack<String> args, CommandLine.Model.CommandSpec spec,
                                            CommandLine.Model.ArgSpec option, java.util.Map<String, Object> info) {
            if (" ".equals(info.get("separator"))) args.push("true");
            return false;
        }
    }

    static final class Converter implements CommandLine.ITypeConverter<Wait> {
        @Override public Wait convert(String value) {
            return switch (value) {
                case "", "true" -> FOREVER;
                case "false" -> NO;
                default -> {
                    if (value.startsWith("-")) {
                        GoDuration.parse(value.substring(1)); // still must be a duration
                        yield FOREVER;
                    }
                    Duration d = GoDuration.parse(value);
                    yield d.isZero() ? NO : new Wait(true, d);
                }
            };
        }
    }
}
