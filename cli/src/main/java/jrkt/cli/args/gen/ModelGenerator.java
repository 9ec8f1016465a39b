package jrkt.cli.args.gen;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import jrkt.cli.JrktCommand;
import jrkt.cli.args.AttachedValueOnly;
import jrkt.cli.args.CliModel;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.ParserSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Build step (cli/pom.xml, after compile): reads jrkt's command tree as picocli builds it from
 * the annotations, at build time, and writes the {@link CliModel} that parses it at run time
 * without picocli: {@code jrkt.cli.GeneratedCliModel} (the commands as data) and one
 * {@code GeneratedBindings} class per package (plain code that creates command objects, reaches
 * their mixins, converts values and stores them in the annotated fields). Then it compiles
 * them into the module's classes.
 *
 * <p>Because picocli's own model is the input, the generated one has picocli's arities, types,
 * defaults, split separators, mixins and inherited options. What it cannot bind (a private
 * field, a type without a known conversion, an argument group) becomes an option the fast
 * parser leaves to picocli, and {@code ModelCoverageTest} names it. Parser settings the fast
 * parser does not emulate fail the build.
 *
 * <p>Usage: {@code ModelGenerator SOURCE-DIR CLASSES-DIR}; the class path is the module's.
 */
public final class ModelGenerator {
    /** A package's generated bindings: the cases of its create, holder and set switches. */
    private static final class Bindings {
        final String pkg;
        final int index;
        final List<String> create = new ArrayList<>(), holder = new ArrayList<>(), set = new ArrayList<>();
        final Map<Object, Integer> ids = new LinkedHashMap<>();

        Bindings(String pkg, int index) {
            this.pkg = pkg;
            this.index = index;
        }

        int global(int local) { return index << 16 | local; }
    }

    private final Map<String, Bindings> packages = new LinkedHashMap<>();
    private final List<String> commands = new ArrayList<>();
    private final Map<String, Integer> flagSets = new LinkedHashMap<>();
    /** Options and parameters left to picocli, with why: for the build log and ModelCoverageTest. */
    private final List<String> declined = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        Path sources = Path.of(args[0]);
        Path classes = Path.of(args[1]);
        ModelGenerator generator = new ModelGenerator();
        try (JrktCommand root = new JrktCommand()) {
            generator.tree(root.commandLine());
            for (CommandSpec flagSet : JrktCommand.flagSets()) generator.flagSet(flagSet);
        }
        Map<Path, String> files = generator.sources();
        List<Path> written = new ArrayList<>();
        for (Map.Entry<Path, String> f : files.entrySet()) {
            Path file = sources.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
            written.add(file);
        }
        Files.writeString(sources.resolve("declined.txt"), String.join("\n", generator.declined) + "\n", StandardCharsets.UTF_8);
        compile(written, classes);
        for (String d : generator.declined) {
            if (!d.endsWith(": help") && !d.endsWith(": argument group")) System.out.println("cli model: left to picocli: " + d);
        }
    }

    /** Every option and parameter the fast parser leaves to picocli, with the reason. */
    public static List<String> declinedArguments() {
        ModelGenerator generator = new ModelGenerator();
        try (JrktCommand root = new JrktCommand()) {
            generator.tree(root.commandLine());
            for (CommandSpec flagSet : JrktCommand.flagSets()) generator.flagSet(flagSet);
        }
        return generator.declined;
    }

    private static void compile(List<Path> files, Path classes) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) throw new IllegalStateException("no Java compiler: the build needs a JDK");
        List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
            "--release", String.valueOf(Runtime.version().feature()), "-proc:none", "-implicit:none", "-Xlint:none"));
        for (Path f : files) arguments.add(f.toString());
        int status = javac.run(null, null, null, arguments.toArray(new String[0]));
        if (status != 0) throw new IllegalStateException("javac failed on the generated CLI model (status " + status + ")");
    }

    // ---- the tree -------------------------------------------------------------------------------

    private void tree(CommandLine root) {
        // @files are expanded once, for the whole line, by the root's setting
        require(!root.getCommandSpec().parser().expandAtFiles(), root.getCommandSpec(), "@file expansion");
        checkParser(root);
        command(root.getCommandSpec(), true);
    }

    /** The fast parser emulates picocli as jrkt configures it; a different configuration needs it changed first. */
    private static void checkParser(CommandLine commandLine) {
        CommandSpec spec = commandLine.getCommandSpec();
        ParserSpec p = spec.parser();
        require("=".equals(p.separator()), spec, "a separator other than '='");
        require("--".equals(p.endOfOptionsDelimiter()), spec, "an end-of-options delimiter other than '--'");
        require(!p.toggleBooleanFlags(), spec, "toggling boolean flags");
        require(!p.trimQuotes(), spec, "trimming quotes");
        require(!p.unmatchedArgumentsAllowed() && !p.unmatchedOptionsArePositionalParams() && !p.stopAtUnmatched(), spec,
            "unmatched arguments");
        require(!p.abbreviatedOptionsAllowed() && !p.abbreviatedSubcommandsAllowed(), spec, "abbreviations");
        require(!spec.optionsCaseInsensitive() && !spec.subcommandsCaseInsensitive() && !p.caseInsensitiveEnumValuesAllowed(), spec,
            "case-insensitive names");
        require(!p.allowOptionsAsOptionParameters(), spec, "options as option values");
        require(spec.subcommands().isEmpty() || p.allowSubcommandsAsOptionParameters(), spec,
            "refusing subcommand names as option values");
        require(!spec.subcommandsRepeatable(), spec, "repeatable subcommands");
        for (CommandLine sub : spec.subcommands().values()) checkParser(sub);
    }

    private static void require(boolean ok, CommandSpec spec, String what) {
        if (!ok) {
            throw new IllegalStateException("command '" + spec.qualifiedName() + "' is configured for " + what
                + ", which jrkt.cli.args.ModelParser does not emulate: teach it first");
        }
    }

    /** Generates the model of a command and its subcommands; returns its id. */
    private int command(CommandSpec spec, boolean isRoot) {
        int id = commands.size();
        commands.add(null);
        Object user = spec.userObject();
        String where = spec.qualifiedName();
        if (user instanceof CommandLine.HelpCommand || !(user instanceof Callable<?> || user instanceof Runnable)) {
            commands.set(id, "new CommandModel(" + quote(spec.name()) + ", -1, new OptionModel[0], new ParamModel[0],"
                + " CommandModel.Positionals.DECLINE, new String[0], new int[0], false, false, new int[0][])");
            return id;
        }
        List<String> subNames = new ArrayList<>();
        List<Integer> subIds = new ArrayList<>();
        for (Map.Entry<String, CommandLine> sub : spec.subcommands().entrySet()) {
            subNames.add(sub.getKey());
            subIds.add(command(sub.getValue().getCommandSpec(), false));
        }
        commands.set(id, commandModel(spec, where, isRoot, subNames, subIds, user instanceof Callable<?>));
        return id;
    }

    private void flagSet(CommandSpec spec) {
        int id = commands.size();
        commands.add(null);
        commands.set(id, commandModel(spec, "flag set " + spec.name(), false, List.of(), List.of(), false));
        flagSets.put(spec.name(), id);
    }

    private String commandModel(CommandSpec spec, String where, boolean isRoot, List<String> subNames, List<Integer> subIds,
                                boolean executable) {
        Object user = spec.userObject();
        int type = type(user.getClass());
        Map<Object, List<Field>> holders = holders(spec);
        List<String> mixinPaths = new ArrayList<>();
        for (List<Field> path : holders.values()) if (!path.isEmpty()) mixinPaths.add(path(path));

        List<String> options = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (o.inherited()) continue; // a copy of the root's, which the root's model holds
            options.add(option(o, spec, where, isRoot, holders));
        }
        String positionals = "NONE";
        List<String> params = new ArrayList<>();
        List<PositionalParamSpec> specs = spec.positionalParameters();
        if (!specs.isEmpty()) {
            String reason = positionalLayoutProblem(specs);
            if (reason == null) {
                for (PositionalParamSpec p : specs) {
                    String param = param(p, spec, where, holders);
                    if (param == null) {
                        reason = "parameter " + p.paramLabel() + " cannot be bound";
                        break;
                    }
                    params.add(param);
                }
            }
            if (reason != null) {
                declined.add(where + ": positional parameters: " + reason);
                positionals = "DECLINE";
                params.clear();
            } else {
                positionals = specs.size() == 1 && specs.get(0).isMultiValue() ? "LIST" : "INDEXED";
            }
        }
        return "new CommandModel(" + quote(spec.name()) + ", " + type + ", new OptionModel[] {" + joinLines(options) + "}, "
            + "new ParamModel[] {" + joinLines(params) + "}, CommandModel.Positionals." + positionals + ", "
            + "new String[] {" + String.join(", ", subNames.stream().map(ModelGenerator::quote).toList()) + "}, "
            + "new int[] {" + String.join(", ", subIds.stream().map(String::valueOf).toList()) + "}, "
            + spec.parser().stopAtPositional() + ", " + executable + ", "
            + "new int[][] {" + String.join(", ", mixinPaths) + "})";
    }

    /**
     * The object each argument of this command is stored in (the command object, or a mixin,
     * possibly nested), with the fields that lead there from the command object.
     */
    private static Map<Object, List<Field>> holders(CommandSpec spec) {
        Map<Object, List<Field>> holders = new IdentityHashMap<>();
        holders.put(spec.userObject(), List.of());
        addMixins(spec, spec.userObject(), List.of(), holders);
        return holders;
    }

    private static void addMixins(CommandSpec spec, Object owner, List<Field> path, Map<Object, List<Field>> holders) {
        for (CommandSpec mixin : spec.mixins().values()) {
            Object object = mixin.userObject();
            Field field = fieldHolding(owner, object);
            if (field == null) continue; // picocli's own (the help options): its options are left to picocli
            List<Field> longer = new ArrayList<>(path);
            longer.add(field);
            holders.put(object, List.copyOf(longer));
            addMixins(mixin, object, longer, holders);
        }
    }

    private static Field fieldHolding(Object owner, Object value) {
        for (Class<?> c = owner.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                try {
                    f.setAccessible(true);
                    if (f.get(owner) == value) return f;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // not this one
                }
            }
        }
        return null;
    }

    /** The holder of an argument: the mixin whose spec declares it, else the command object. */
    private static Object holderOf(ArgSpec arg, CommandSpec command) {
        for (CommandSpec mixin : command.mixins().values()) {
            Object nested = holderOf(arg, mixin);
            if (nested != null) return nested;
            if (mixin.args().contains(arg)) return mixin.userObject();
        }
        return command.args().contains(arg) ? command.userObject() : null;
    }

    private String option(OptionSpec o, CommandSpec command, String where, boolean isRoot, Map<Object, List<Field>> holders) {
        String names = "new String[] {" + String.join(", ", List.of(o.names()).stream().map(ModelGenerator::quote).toList()) + "}";
        boolean inherited = isRoot && o.scopeType() == CommandLine.ScopeType.INHERIT;
        String what = where + " " + o.longestName();
        String kind = kind(o);
        String binding = "-1";
        String path = "new int[0]";
        if (kind.startsWith("!")) {
            declined.add(what + ": " + kind.substring(1));
            kind = "DECLINE";
        } else {
            Object holder = holderOf(o, command);
            List<Field> steps = holder == null ? null : holders.get(holder);
            String problem = steps == null ? "its holder object is not reachable from the command" : null;
            Integer b = problem == null ? binding(o, kind.equals("FLAG")) : null;
            if (problem == null && b == null) problem = bindingProblem;
            if (problem != null) {
                declined.add(what + ": " + problem);
                kind = "DECLINE";
            } else {
                binding = String.valueOf(b);
                path = path(steps);
            }
        }
        String split = o.splitRegex().isEmpty() ? null : o.splitRegex();
        // Inherited options keep their defaults; the fast parser applies one only when the option is absent.
        return "new OptionModel(" + names + ", OptionModel.Kind." + kind + ", " + o.arity().min() + ", " + o.isMultiValue()
            + ", " + quote(split) + ", " + quote(o.defaultValue()) + ", " + quote(o.fallbackValue()) + ", " + o.required()
            + ", " + inherited + ", " + path + ", " + binding + ")";
    }

    /** The option's kind, or "!why" when the fast parser leaves it to picocli. */
    private static String kind(OptionSpec o) {
        if (o.usageHelp() || o.versionHelp()) return "!help";
        if (o.group() != null) return "!argument group";
        if (o.negatable()) return "!negatable";
        if (o.interactive()) return "!interactive";
        if (o.parameterConsumer() != null) return "!parameter consumer";
        if (o.isMultiValue() && !Collection.class.isAssignableFrom(o.type())) return "!multi-valued " + o.type().getSimpleName();
        String split = o.splitRegex();
        if (!split.isEmpty() && !split.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ",:;/@%=".indexOf(ch) >= 0)) {
            return "!split pattern " + split;
        }
        int min = o.arity().min(), max = o.arity().max();
        boolean attachedOnly = o.preprocessor() instanceof AttachedValueOnly;
        if (!attachedOnly && !o.preprocessor().getClass().getName().endsWith("NoOpParameterPreprocessor")) return "!preprocessor";
        if (min == 0 && max == 0) return o.isMultiValue() ? "!repeated flag" : "FLAG";
        if (min == 1 && max == 1) return attachedOnly ? "!preprocessor" : "VALUE";
        if (min == 0 && max == 1) {
            if (o.fallbackValue() == null || o.fallbackValue().isEmpty()) return "!optional value without fallback";
            return attachedOnly ? "ATTACHED_VALUE_ONLY" : "OPTIONAL_VALUE";
        }
        return "!arity " + o.arity();
    }

    private static String positionalLayoutProblem(List<PositionalParamSpec> specs) {
        for (PositionalParamSpec p : specs) {
            if (p.group() != null) return "in an argument group";
            if (p.interactive() || p.parameterConsumer() != null) return "interactive or consumed";
            if (!p.preprocessor().getClass().getName().endsWith("NoOpParameterPreprocessor")) return "preprocessor";
            if (p.defaultValue() != null) return "default value";
            if (!p.splitRegex().isEmpty()) return "split";
        }
        if (specs.size() == 1 && specs.get(0).isMultiValue()) {
            PositionalParamSpec p = specs.get(0);
            if (!Collection.class.isAssignableFrom(p.type())) return "multi-valued " + p.type().getSimpleName();
            return p.index().min() == 0 && p.index().max() == Integer.MAX_VALUE ? null : "index " + p.index();
        }
        for (int i = 0; i < specs.size(); i++) {
            PositionalParamSpec p = specs.get(i);
            if (p.isMultiValue() || p.arity().max() != 1) return "multi-valued parameter among several";
            boolean exact = p.index().min() == i && p.index().max() == i;
            boolean lone = specs.size() == 1 && p.index().min() == 0;
            if (!exact && !lone) return "index " + p.index() + " at position " + i;
            if (i > 0 && p.arity().min() > 0 && specs.get(i - 1).arity().min() == 0) return "a required parameter after an optional one";
        }
        return null;
    }

    private String param(PositionalParamSpec p, CommandSpec command, String where, Map<Object, List<Field>> holders) {
        Object holder = holderOf(p, command);
        List<Field> steps = holder == null ? null : holders.get(holder);
        if (steps == null) return null;
        Integer b = binding(p, false);
        if (b == null) {
            declined.add(where + " " + p.paramLabel() + ": " + bindingProblem);
            return null;
        }
        return "new ParamModel(" + p.arity().min() + ", " + p.arity().max() + ", " + p.isMultiValue() + ", " + path(steps) + ", " + b + ")";
    }

    // ---- bindings -------------------------------------------------------------------------------

    private String bindingProblem;

    private Bindings bindings(Class<?> c) {
        String pkg = c.getPackageName();
        return packages.computeIfAbsent(pkg, p -> new Bindings(p, packages.size()));
    }

    /** The create type of a command or flag-set class. */
    private int type(Class<?> c) {
        Bindings b = bindings(c);
        Integer known = b.ids.get(c);
        if (known != null) return b.global(known);
        Constructor<?> ctor;
        try {
            ctor = c.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(c.getName() + " has no constructor without arguments");
        }
        if (Modifier.isPrivate(ctor.getModifiers()) || Modifier.isPrivate(c.getModifiers()) || c.isAnonymousClass() || c.isLocalClass()) {
            throw new IllegalStateException(c.getName() + " and its constructor must not be private");
        }
        int local = b.create.size();
        b.create.add("case " + local + ": return new " + c.getCanonicalName() + "();");
        b.ids.put(c, local);
        return b.global(local);
    }

    /** The holder steps (mixin fields) of a path, as an int[] literal. */
    private String path(List<Field> fields) {
        List<String> steps = new ArrayList<>();
        for (Field f : fields) steps.add(String.valueOf(step(f)));
        return "new int[] {" + String.join(", ", steps) + "}";
    }

    private int step(Field f) {
        Bindings b = bindings(f.getDeclaringClass());
        Integer known = b.ids.get(f);
        if (known != null) return b.global(known);
        if (Modifier.isPrivate(f.getModifiers())) {
            throw new IllegalStateException(f.getDeclaringClass().getName() + "." + f.getName() + " holds a mixin: make it package-private");
        }
        String owner = f.getDeclaringClass().getCanonicalName();
        int local = b.holder.size();
        if (Modifier.isFinal(f.getModifiers())) {
            b.holder.add("case " + local + ": return ((" + owner + ") owner)." + f.getName() + ";");
        } else {
            b.holder.add("case " + local + ": { " + owner + " o = (" + owner + ") owner; if (o." + f.getName() + " == null) o."
                + f.getName() + " = new " + f.getType().getCanonicalName() + "(); return o." + f.getName() + "; }");
        }
        b.ids.put(f, local);
        return b.global(local);
    }

    /** The set binding of an argument, or null with {@link #bindingProblem} saying why. */
    private Integer binding(ArgSpec arg, boolean flag) {
        Object element = arg.userObject();
        if (!(element instanceof Field || element instanceof Method)) {
            bindingProblem = "not bound to a field or method";
            return null;
        }
        Member member = (Member) element;
        Class<?> declaring = member.getDeclaringClass();
        if (Modifier.isPrivate(member.getModifiers())) {
            bindingProblem = declaring.getSimpleName() + "." + member.getName() + " is private (make it package-private)";
            return null;
        }
        Bindings b = bindings(declaring);
        String holder = declaring.getCanonicalName();
        Class<?> valueType;
        boolean collection = false;
        if (element instanceof Field f) {
            valueType = f.getType();
            collection = Collection.class.isAssignableFrom(valueType);
        } else {
            Method m = (Method) element;
            if (m.getParameterCount() != 1) {
                bindingProblem = "method " + m.getName() + " does not take one parameter";
                return null;
            }
            valueType = m.getParameterTypes()[0];
            collection = Collection.class.isAssignableFrom(valueType);
        }
        Class<?> elementType = collection ? (arg.auxiliaryTypes().length > 0 ? arg.auxiliaryTypes()[0] : String.class) : valueType;
        String value;
        if (flag) {
            if (elementType != boolean.class && elementType != Boolean.class) {
                bindingProblem = "a flag of type " + elementType.getSimpleName();
                return null;
            }
            value = "true";
        } else {
            value = conversion(arg, elementType, b.pkg);
            if (value == null) return null;
        }
        String statement;
        String target = "h." + member.getName();
        if (element instanceof Field f) {
            if (Modifier.isFinal(f.getModifiers())) {
                bindingProblem = holder + "." + f.getName() + " is final";
                return null;
            }
            if (collection) {
                String made = newCollection(f.getType());
                if (made == null) {
                    bindingProblem = "collection type " + f.getType().getSimpleName();
                    return null;
                }
                statement = "if (" + target + " == null) " + target + " = " + made + "; " + target + ".add(" + value + ");";
            } else {
                statement = target + " = " + value + ";";
            }
        } else {
            statement = collection ? target + "(new java.util.ArrayList<>(java.util.List.of(" + value + ")));" : target + "(" + value + ");";
        }
        Object key = List.of(member, "set");
        Integer known = b.ids.get(key);
        if (known != null) return b.global(known);
        int local = b.set.size();
        b.set.add("case " + local + ": { " + holder + " h = (" + holder + ") holder; " + statement + " return; }");
        b.ids.put(key, local);
        return b.global(local);
    }

    private static String newCollection(Class<?> type) {
        if (type.isAssignableFrom(java.util.ArrayList.class)) return "new java.util.ArrayList<>()";
        if (type.isAssignableFrom(LinkedHashSet.class)) return "new java.util.LinkedHashSet<>()";
        return null;
    }

    /** A Java expression converting {@code text} to type as picocli would, or null with {@link #bindingProblem}. */
    private String conversion(ArgSpec arg, Class<?> type, String pkg) {
        CommandLine.ITypeConverter<?>[] converters = arg.converters();
        Class<?> boxed = box(type);
        if (converters.length > 0) {
            Class<?> c = converters[0].getClass();
            if (!accessible(c, pkg) || !hasAccessibleDefaultConstructor(c)) {
                bindingProblem = "converter " + c.getName() + " cannot be made from " + pkg;
                return null;
            }
            return "((" + boxed.getCanonicalName() + ") new " + c.getCanonicalName() + "().convert(text))";
        }
        if (type == String.class) return "text";
        if (type == Path.class) return "java.nio.file.Path.of(text)";
        if (type == boolean.class || type == Boolean.class) return "jrkt.cli.args.Values.bool(text)";
        if (type == int.class || type == Integer.class) return "Integer.valueOf(text)";
        if (type == long.class || type == Long.class) return "Long.valueOf(text)";
        if (type.isEnum() && accessible(type, pkg)) {
            StringBuilder sw = new StringBuilder("(switch (text) {");
            for (Object constant : type.getEnumConstants()) {
                String name = ((Enum<?>) constant).name();
                sw.append(" case ").append(quote(name)).append(" -> ").append(type.getCanonicalName()).append('.').append(name).append(';');
            }
            sw.append(" default -> jrkt.cli.args.Values.<").append(type.getCanonicalName()).append(">decline(); })");
            return sw.toString();
        }
        bindingProblem = "no conversion to " + type.getName();
        return null;
    }

    private static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) return type;
        if (type == boolean.class) return Boolean.class;
        if (type == int.class) return Integer.class;
        if (type == long.class) return Long.class;
        return type;
    }

    private static boolean accessible(Class<?> c, String fromPackage) {
        if (c.getCanonicalName() == null) return false;
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            int m = k.getModifiers();
            if (Modifier.isPrivate(m)) return false;
            if (!Modifier.isPublic(m) && !k.getPackageName().equals(fromPackage)) return false;
        }
        return true;
    }

    private static boolean hasAccessibleDefaultConstructor(Class<?> c) {
        try {
            return !Modifier.isPrivate(c.getDeclaredConstructor().getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    // ---- output ---------------------------------------------------------------------------------

    private static final String HEADER = "// Generated at build time by jrkt.cli.args.gen.ModelGenerator from the picocli annotations. Do not edit.\n";

    private Map<Path, String> sources() {
        Map<Path, String> files = new LinkedHashMap<>();
        StringBuilder m = new StringBuilder(HEADER);
        m.append("package jrkt.cli;\n\n");
        m.append("import jrkt.cli.args.CliModel;\nimport jrkt.cli.args.CommandModel;\nimport jrkt.cli.args.OptionModel;\nimport jrkt.cli.args.ParamModel;\n\n");
        m.append("/** jrkt's command tree for {@link jrkt.cli.args.ModelParser}; see {@link CliModel}. */\n");
        m.append("public final class GeneratedCliModel extends CliModel {\n");
        m.append("    static { install(new GeneratedCliModel()); }\n\n");
        m.append("    private GeneratedCliModel() { super(").append(commands.size()).append("); }\n\n");
        m.append("    @Override public CommandModel flagSet(String name) {\n        return switch (name) {\n");
        for (Map.Entry<String, Integer> f : flagSets.entrySet()) {
            m.append("            case ").append(quote(f.getKey())).append(" -> command(").append(f.getValue()).append(");\n");
        }
        m.append("            default -> null;\n        };\n    }\n\n");
        m.append("    @Override protected CommandModel build(int id) {\n        switch (id) {\n");
        for (int i = 0; i < commands.size(); i++) {
            m.append("            case ").append(i).append(": return ").append(commands.get(i)).append(";\n");
        }
        m.append("            default: throw new IllegalArgumentException(\"no command \" + id);\n        }\n    }\n\n");
        dispatch(m, "Object create(int type)", "create", "type", "type & 0xffff");
        dispatch(m, "Object holder(int step, Object owner)", "holder", "step", "step & 0xffff, owner");
        dispatch(m, "void set(int binding, Object holder, String text) throws Exception", "set", "binding",
            "binding & 0xffff, holder, text");
        m.append("}\n");
        files.put(Path.of("jrkt/cli/GeneratedCliModel.java"), m.toString());

        for (Bindings b : packages.values()) {
            StringBuilder s = new StringBuilder(HEADER);
            s.append("package ").append(b.pkg).append(";\n\n");
            s.append("/** Creates, reaches and fills the command objects of this package for jrkt.cli.GeneratedCliModel. */\n");
            s.append("public final class GeneratedBindings {\n    private GeneratedBindings() {}\n\n");
            cases(s, "public static Object create(int type)", "type", b.create);
            cases(s, "public static Object holder(int step, Object owner)", "step", b.holder);
            s.append("    @SuppressWarnings({\"unchecked\", \"rawtypes\"})\n");
            cases(s, "public static void set(int binding, Object holder, String text) throws Exception", "binding", b.set);
            s.append("}\n");
            files.put(Path.of(b.pkg.replace('.', '/') + "/GeneratedBindings.java"), s.toString());
        }
        return files;
    }

    private void dispatch(StringBuilder m, String signature, String method, String id, String arguments) {
        boolean returns = !signature.startsWith("void");
        m.append("    @Override public ").append(signature).append(" {\n        switch (").append(id).append(" >>> 16) {\n");
        for (Bindings b : packages.values()) {
            m.append("            case ").append(b.index).append(": ").append(returns ? "return " : "").append(b.pkg)
                .append(".GeneratedBindings.").append(method).append('(').append(arguments).append(");")
                .append(returns ? "" : " return;").append('\n');
        }
        m.append("            default: throw new IllegalArgumentException(\"no package \" + (").append(id).append(" >>> 16));\n");
        m.append("        }\n    }\n\n");
    }

    private static void cases(StringBuilder s, String signature, String id, List<String> cases) {
        s.append("    ").append(signature).append(" {\n        switch (").append(id).append(") {\n");
        for (String c : cases) s.append("            ").append(c).append('\n');
        s.append("            default: throw new IllegalArgumentException(\"no ").append(id).append(" \" + ").append(id).append(");\n");
        s.append("        }\n    }\n\n");
    }

    private static String joinLines(List<String> items) {
        if (items.isEmpty()) return "";
        return "\n                " + String.join(",\n                ", items) + "\n            ";
    }

    static String quote(String s) {
        if (s == null) return "null";
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                default -> {
                    if (c < 0x20 || c > 0x7e) q.append(String.format("\\u%04x", (int) c));
                    else q.append(c);
                }
            }
        }
        return q.append('"').toString();
    }
}
