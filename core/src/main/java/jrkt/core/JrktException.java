package jrkt.core;

/**
 * An error of jrkt itself, shown to the user as one line on stderr (exit status 254).
 * The message names what was wrong and where: the image, the file, the flag, the field.
 */
public class JrktException extends RuntimeException {
    public JrktException(String message) { super(message); }
    public JrktException(String message, Throwable cause) { super(message, cause); }
}
