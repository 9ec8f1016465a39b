package jrkt.core.isolation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * jrkt's default seccomp filter ({@link SeccompPolicy#jrktDefault()}), compiled once by the build
 * (core/pom.xml runs {@link #main}) into the resource {@value #RESOURCE}, so that a pod start
 * reads 3 KiB instead of loading the syscall table and compiling the same program again (about
 * 6 ms of every start). Policies other than the default are compiled when the pod is prepared.
 * A missing resource (a build that skipped the step) costs that time only; a test checks that the
 * resource is what the compiler makes.
 */
final class DefaultFilter {
    static final String RESOURCE = "default-filter-x86_64.bpf";

    private DefaultFilter() {}

    /** Read once: the first resource lookup of a process opens jrkt's jars (milliseconds). */
    private static volatile byte[] loaded;

    /** The compiled default filter: the build's, or compiled now when the build left none. A copy: callers may keep it. */
    static byte[] bytes() {
        byte[] filter = loaded;
        if (filter == null) loaded = filter = load();
        return filter.clone();
    }

    private static byte[] load() {
        try (InputStream in = DefaultFilter.class.getResourceAsStream(RESOURCE)) {
            if (in != null) return in.readAllBytes();
        } catch (IOException e) {
            // compile it instead
        }
        return SeccompPolicy.jrktDefault().compileNow();
    }

    /** Build step: DefaultFilter CLASSES-DIR writes the resource below the classes directory. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]).resolve(DefaultFilter.class.getPackageName().replace('.', '/')).resolve(RESOURCE);
        Files.createDirectories(file.getParent());
        Files.write(file, SeccompPolicy.jrktDefault().compileNow());
    }
}
