package jrkt.cli.pod;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jrkt.core.JrktException;
import jrkt.core.pod.prepare.AppSpec;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The apps part of {@code run} / {@code prepare}, rkt's grammar:
 * {@code IMAGE [APP-FLAGS] [-- ARGS... [---]] IMAGE ...}. App flags follow their image; {@code --}
 * starts the app's arguments (they replace the image's), {@code ---} ends them. Anything else
 * that is not a flag or a flag's value starts the next app.
 */
final class AppArgs {
    static final String ARGS_START = "--", ARGS_END = "---";

    private AppArgs() {}

    /** @param podFlags the pod-wide flag names, for a helpful error when one is given after an image */
    static List<AppSpec> parse(List<String> tokens, Set<String> podFlags) {
        CommandSpec appFlags = new AppFlags().commandSpec();
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
                OptionSpec option = appFlags.findOption(name);
                if (option == null) {
                    if (podFlags.contains(name)) {
                        throw new JrktException(name + " is a pod flag: give it before the first image (it follows image " + image + ")");
                    }
                    throw new JrktException("unknown app flag " + name + " after image " + image);
                }
                flags.add(t);
                if (!t.contains("=") && option.arity().min() > 0) {
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

    private static AppSpec app(String image, List<String> flags, List<String> args) {
        AppFlags parsed = new AppFlags();
        try {
            new CommandLine(parsed.commandSpec()).parseArgs(flags.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new JrktException("image " + image + ": " + e.getMessage());
        }
        flags.clear();
        return parsed.toSpec(image, args);
    }
}
