package jrkt.cli.args;

/** Conversions the generated bindings share, as picocli's built-in converters do them. */
public final class Values {
    private Values() {}

    /** "true" or "false" in any case, as picocli's boolean converter accepts; anything else goes to picocli. */
    public static boolean bool(String text) throws Decline {
        if ("true".equalsIgnoreCase(text)) return true;
        if ("false".equalsIgnoreCase(text)) return false;
        throw Decline.INSTANCE;
    }

    /** For a value the generated code cannot convert (an unknown enum constant). */
    public static <T> T decline() throws Decline {
        throw Decline.INSTANCE;
    }
}
