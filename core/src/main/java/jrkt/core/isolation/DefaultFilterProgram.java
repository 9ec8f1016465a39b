package jrkt.core.isolation;

/**
 * The default seccomp filter as the build compiled it. This source is a placeholder that knows
 * no filter: the build ({@link DefaultFilter#main}) replaces its class file with one whose
 * {@link #latin1()} returns the program, one byte per char. A class constant, unlike a resource,
 * is in the AOT cache and costs a start no jar to open.
 */
final class DefaultFilterProgram {
    private DefaultFilterProgram() {}

    /** The program's bytes as ISO-8859-1 text, or null when the build left this placeholder. */
    static String latin1() { return null; }
}
