package jrkt.cli.pod;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import jrkt.cli.args.CliModel;
import jrkt.cli.args.CommandModel;
import jrkt.cli.args.ModelParser;
import jrkt.cli.args.OptionModel;
import jrkt.core.JrktException;
import jrkt.core.pod.prepare.AppSpec;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The apps part of {@code run} / {@code prepare}, rkt's grammar:
 * {@code IMAGE [APP-FLAGS] [-- ARGS... [---]] IMAGE ...}. App flags follow their image; {@code --}
 * starts the app's arguments (they replace the image's), {@code ---} ends them. Anything else
 * that is not a flag or a flag's value starts the next app.
 *
 * <p>An app's flags are parsed with the build-time model of {@link AppFlags} when the build made
 * one, and by picocli otherwise or when the model leaves a flag to it (the errors are picocli's).
 */
final class AppArgs {
    static final String ARGS_START = "--", ARGS_END = "---";

    private AppArgs() {}

    /** @param podFlags the pod-wide flag names, for a helpful error when one is given after an image (asked for then only) */
    static List<AppSpec> parse(List<String> tokens, Supplier<Set<String>> podFlags) {
        List<AppSpec> apps = new ArrayList<>();
        String image = null;
        List<String> flags = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            String t = tokens.get(i);
            if (t.equals(ARGS_END)) {
                if (image == null) throw new JrktException("'---' must end an app's arguments; it has no image before it");
                apps.add(app(image, flags, List.of()));
                image = null;
                i++;
            } else if (t.equals(ARGS_START)) {
                if (image == null) throw new JrktException("'--' starts an app's arguments; it has no image before it");
                List<String> args = new ArrayList<>();
                i++;
                while (i < tokens.size() && !tokens.get(i).equals(ARGS_END)) args.add(tokens.get(i++));
                i++; // past "---" (or the end)
                apps.add(app(image, flags, args));
                image = null;
            } else if (t.startsWith("-") && t.length() > 1) {
                String name = t.contains("=") ? t.substring(0, t.indexOf('=')) : t;
                if (image == null) throw new JrktException("flag " + name + " has no image before it (app flags follow their image)");
                int arity = arityMin(name);
                if (arity < 0) {
                    if (podFlags.get().contains(name)) {
                        throw new JrktException(name + " is a pod flag: give it before the first image (it follows image " + image + ")");
                    }
                    throw new JrktException("unknown app flag " + name + " after image " + image);
                }
                flags.add(t);
                if (!t.contains("=") && arity > 0) {
                    if (i + 1 >= tokens.size()) throw new JrktException("flag " + name + " of image " + image + " needs a value");
                    flags.add(tokens.get(++i));
                }
                i++;
            } else {
                if (image != null) apps.add(app(image, flags, List.of()));
                image = t;
                i++;
            }
        }
        if (image != null) apps.add(app(image, flags, List.of()));
        if (apps.isEmpty()) throw new JrktException("no image given: a pod needs at least one app");
        return apps;
    }

    /** The model of the app flags, or null when picocli parses them. */
    private static CommandModel model() {
        CliModel cli = CliModel.get();
        return cli == null ? null : cli.flagSet(AppFlags.FLAG_SET);
    }

    /** The names of every app flag. */
    static Set<String> appFlagNames() {
        CommandModel model = model();
        if (model == null) return new AppFlags().commandSpec().optionsMap().keySet();
        Set<String> names = new java.util.HashSet<>();
        for (OptionModel o : model.options) names.addAll(List.of(o.names));
        return names;
    }

    /** The least number of values the app flag takes (0 or 1), or -1 when there is no such app flag. */
    private static int arityMin(String name) {
        CommandModel model = model();
        if (model != null) {
            OptionModel option = model.option(name);
            return option == null ? -1 : option.arityMin;
        }
        OptionSpec option = new AppFlags().commandSpec().findOption(name);
        return option == null ? -1 : option.arity().min();
    }

    private static AppSpec app(String image, List<String> flags, List<String> args) {
        AppFlags parsed = new AppFlags();
        CommandModel model = model();
        if (model == null || !ModelParser.parseFlags(CliModel.get(), model, parsed, flags)) parsed = ByPicocli.parse(image, flags);
        flags.clear();
        return parsed.toSpec(image, args);
    }

    /** picocli's parse of one app's flags, with its errors. Apart, so that AppArgs loads no picocli class. */
    private static final class ByPicocli {
        static AppFlags parse(String image, List<String> flags) {
            AppFlags parsed = new AppFlags();
            try {
                new CommandLine(parsed.commandSpec()).setExpandAtFiles(false).parseArgs(flags.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new JrktException("image " + image + ": " + e.getMessage());
            }
            return parsed;
        }
    }
}
