package jrkt.cli.args;

/**
 * Thrown inside the fast parser when a command line needs picocli: help, a usage error, or
 * syntax the model does not emulate exactly. Never escapes {@link ModelParser}.
 */
public final class Decline extends Exception {
    private static final long serialVersionUID = 1L;

    /** One shared instance: no stack trace, nothing allocated per use. */
    public static final Decline INSTANCE = new Decline();

    private Decline() {
        super("left to picocli", null, false, false);
    }
}
