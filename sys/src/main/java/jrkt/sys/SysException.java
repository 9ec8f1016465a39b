package jrkt.sys;

import java.io.IOException;

/** A failed Linux call: which call, on what, and the errno it returned. */
public final class SysException extends IOException {
    private final String call;
    private final int errno;

    public SysException(String call, String subject, int errno, String strerror) {
        super(call + "(" + subject + "): " + strerror + " (" + Errno.name(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The name of the libc function that failed, e.g. {@code "mount"}. */
    public String call() { return call; }

    /** The errno value, see {@link Errno}. */
    public int errno() { return errno; }
}
