package jrkt.cli.args;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a jrkt command line with the build-time {@link CliModel}, as picocli would parse it,
 * without picocli. Contract: it either returns exactly the objects picocli would have built
 * (the same fields set to the same values) or it returns null, and then picocli parses the line
 * and does whatever it does (help, a usage error, an unusual syntax). Declining is always
 * allowed; accepting something picocli would treat differently is a bug (the CLI tests compare
 * both parsers over a table of command lines).
 *
 * <p>What it accepts: subcommands by exact name; options by exact name with the value attached
 * ({@code --dir=/x}) or in the next argument ({@code --dir /x}) when that does not start with
 * '-'; flags; optional values (see {@link OptionModel.Kind}); literal split separators;
 * inherited options before or after their subcommand; positional parameters in the layouts of
 * {@link CommandModel.Positionals}; stopAtPositional. What it declines: help and version, "--"
 * before the positional part, an unknown option or a cluster of short ones, a single-valued
 * option given twice, an empty value, a value in quotes, a value its converter rejects, a
 * missing required option or parameter, a group command without its subcommand.
 */
public final class ModelParser {
    /** A parsed command line: the root command object, and the command to run with its model. */
    public record Parsed(Object root, Object command, CommandModel model) {}

    private final CliModel model;
    private final List<OptionModel> matched = new ArrayList<>();

    private ModelParser(CliModel model) {
        this.model = model;
    }

    /** The parsed command line, or null when picocli must parse it. */
    public static Parsed parse(CliModel model, String[] args) {
        try {
            return new ModelParser(model).parseLine(args);
        } catch (Exception e) {
            return null; // Decline, a converter's error, anything unexpected: picocli reports it as it always did
        }
    }

    /**
     * Parses flags alone (one app's flags of {@code jrkt run}) into target, an object of the flag
     * set's type. False when picocli must parse them (then target may hold some values already).
     */
    public static boolean parseFlags(CliModel model, CommandModel flagSet, Object target, List<String> flags) {
        try {
            ModelParser parser = new ModelParser(model);
            for (int[] path : flagSet.mixins) parser.follow(target, path);
            Frame frame = new Frame(flagSet, target);
            String[] args = flags.toArray(new String[0]);
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("-") || arg.length() == 1 || arg.equals("--")) throw Decline.INSTANCE;
                i = parser.option(args, i, frame, null);
            }
            parser.finish(frame);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** A command on the way from the root to the one that runs, with its positional arguments. */
    private static final class Frame {
        final CommandModel model;
        final Object object;
        final List<String> positionals = new ArrayList<>();

        Frame(CommandModel model, Object object) {
            this.model = model;
            this.object = object;
        }
    }

    private Parsed parseLine(String[] args) throws Exception {
        List<Frame> chain = new ArrayList<>();
        Frame root = newFrame(model.root());
        chain.add(root);
        Frame current = root;
        boolean onlyPositionals = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (onlyPositionals) {
                current.positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) throw Decline.INSTANCE; // end of options: rare, picocli's
            int sub = current.model.subcommand(arg);
            if (sub >= 0) {
                CommandModel subModel = model.command(sub);
                if (subModel.type < 0) throw Decline.INSTANCE; // help
                current = newFrame(subModel);
                chain.add(current);
                continue;
            }
            if (arg.startsWith("-")) {
                i = option(args, i, current, root);
                continue;
            }
            if (current.model.subcommandIds.length > 0) throw Decline.INSTANCE; // not a command: picocli's error
            current.positionals.add(arg);
            if (current.model.stopAtPositional) onlyPositionals = true;
        }
        if (!current.model.executable) throw Decline.INSTANCE; // a group alone prints its usage
        for (Frame frame : chain) finish(frame);
        return new Parsed(root.object, current.object, current.model);
    }

    private Frame newFrame(CommandModel command) throws Exception {
        Object object = model.create(command.type);
        for (int[] path : command.mixins) follow(object, path);
        return new Frame(command, object);
    }

    /** Parses the option at args[i] (with its value) and returns the index of the last argument it used. */
    private int option(String[] args, int i, Frame current, Frame root) throws Exception {
        String arg = args[i];
        String attached = null;
        OptionModel option = find(arg, current, root);
        if (option == null) {
            int eq = arg.indexOf('=');
            if (eq <= 0) throw Decline.INSTANCE; // unknown, or a cluster of short options
            attached = arg.substring(eq + 1);
            option = find(arg.substring(0, eq), current, root);
            if (option == null || attached.isEmpty()) throw Decline.INSTANCE;
        }
        String value;
        switch (option.kind) {
            case FLAG -> {
                if (attached != null) throw Decline.INSTANCE;
                value = null;
            }
            case VALUE -> {
                if (attached != null) {
                    value = attached;
                } else {
                    if (i + 1 >= args.length) throw Decline.INSTANCE;
                    value = args[++i];
                    if (value.isEmpty() || value.startsWith("-")) throw Decline.INSTANCE;
                }
            }
            case OPTIONAL_VALUE -> {
                if (attached != null) {
                    value = attached;
                } else {
                    // the next word might be the value or an argument: picocli decides
                    if (i + 1 < args.length && !args[i + 1].startsWith("-")) throw Decline.INSTANCE;
                    value = option.fallbackValue;
                }
            }
            case ATTACHED_VALUE_ONLY -> value = attached != null ? attached : option.fallbackValue;
            default -> throw Decline.INSTANCE;
        }
        store(option, option.inherited && root != null ? root.object : current.object, value);
        return i;
    }

    /** The option of that name of the current command, or one the root passes down to it. */
    private static OptionModel find(String name, Frame current, Frame root) {
        OptionModel own = current.model.option(name);
        if (own != null || root == null || root == current) return own;
        OptionModel fromRoot = root.model.option(name);
        return fromRoot != null && fromRoot.inherited ? fromRoot : null;
    }

    private void store(OptionModel option, Object owner, String value) throws Exception {
        if (!option.multiValue && matched.contains(option)) throw Decline.INSTANCE; // picocli: "specified only once"
        matched.add(option);
        Object holder = follow(owner, option.path);
        if (option.multiValue && option.split != null && value != null) {
            for (String part : split(value, option.split)) model.set(option.binding, holder, part);
        } else {
            model.set(option.binding, holder, value);
        }
    }

    /** Values split at a literal separator; quotes and empty parts are picocli's to interpret. */
    private static List<String> split(String value, String separator) throws Decline {
        if (value.indexOf('"') >= 0) throw Decline.INSTANCE;
        List<String> parts = new ArrayList<>();
        int from = 0;
        while (true) {
            int at = value.indexOf(separator, from);
            String part = at < 0 ? value.substring(from) : value.substring(from, at);
            if (part.isEmpty()) throw Decline.INSTANCE;
            parts.add(part);
            if (at < 0) return parts;
            from = at + separator.length();
        }
    }

    private Object follow(Object owner, int[] path) {
        Object holder = owner;
        for (int step : path) holder = model.holder(step, holder);
        return holder;
    }

    /** Positional arguments, defaults and required options of one command, once every argument was read. */
    private void finish(Frame frame) throws Exception {
        CommandModel command = frame.model;
        List<String> positionals = frame.positionals;
        switch (command.positionals) {
            case NONE -> {
                if (!positionals.isEmpty()) throw Decline.INSTANCE;
            }
            case LIST -> {
                ParamModel p = command.params[0];
                if (positionals.size() < p.arityMin || positionals.size() > p.arityMax) throw Decline.INSTANCE;
                Object holder = follow(frame.object, p.path);
                for (String value : positionals) model.set(p.binding, holder, value);
            }
            case INDEXED -> {
                if (positionals.size() > command.params.length) throw Decline.INSTANCE;
                for (int k = 0; k < command.params.length; k++) {
                    ParamModel p = command.params[k];
                    if (k < positionals.size()) model.set(p.binding, follow(frame.object, p.path), positionals.get(k));
                    else if (p.arityMin > 0) throw Decline.INSTANCE;
                }
            }
            default -> throw Decline.INSTANCE;
        }
        for (OptionModel option : command.options) {
            if (matched.contains(option)) continue;
            if (option.required) throw Decline.INSTANCE;
            if (option.defaultValue != null) {
                Object holder = follow(frame.object, option.path);
                if (option.multiValue && option.split != null) {
                    for (String part : split(option.defaultValue, option.split)) model.set(option.binding, holder, part);
                } else {
                    model.set(option.binding, holder, option.defaultValue);
                }
            }
        }
    }
}
