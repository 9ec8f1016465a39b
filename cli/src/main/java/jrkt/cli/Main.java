package jrkt.cli;

/** Entry point: runs the picocli command tree and maps jrkt's own errors to one line and exit 254. */
public final class Main {
    public static void main(String[] args) {
        System.exit(JrktCommand.execute(args));
    }
}
