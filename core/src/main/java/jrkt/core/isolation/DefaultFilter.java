package jrkt.core.isolation;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * jrkt's default seccomp filter ({@link SeccompPolicy#jrktDefault()}), compiled once by the build
 * (core/pom.xml runs {@link #main}) into a string constant of {@link DefaultFilterProgram}, so that
 * a pod start neither loads the syscall table and compiles the same program again (about 6 ms)
 * nor opens jrkt's jars to read a resource (3-4 ms: the first resource lookup of a process reads
 * every jar's directory, interpreted). Policies other than the default are compiled when the pod
 * is prepared. A build that skipped the step costs that time only; a test checks that the
 * constant is what the compiler makes.
 */
final class DefaultFilter {
    private DefaultFilter() {}

    /** The compiled default filter: the build's, or compiled now when the build left none. A new array: callers may keep it. */
    static byte[] bytes() {
        String program = DefaultFilterProgram.latin1();
        if (program != null) return program.getBytes(StandardCharsets.ISO_8859_1);
        return SeccompPolicy.jrktDefault().compileNow();
    }

    /** Build step: DefaultFilter CLASSES-DIR replaces DefaultFilterProgram's class file below it with one that holds the filter. */
    public static void main(String[] args) throws IOException {
        String program = new String(SeccompPolicy.jrktDefault().compileNow(), StandardCharsets.ISO_8859_1);
        ClassDesc self = ClassDesc.of(DefaultFilterProgram.class.getName());
        byte[] classFile = ClassFile.of().build(self, c -> c
            .withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER)
            .withMethodBody("latin1", MethodTypeDesc.of(ConstantDescs.CD_String), ClassFile.ACC_STATIC,
                code -> code.ldc(program).areturn()));
        Path file = Path.of(args[0]).resolve(DefaultFilterProgram.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(file.getParent());
        Files.write(file, classFile);
    }
}
