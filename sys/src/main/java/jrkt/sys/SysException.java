package jrkt.sys;

import java.io.IOException;

/** A failed Linux call: which call, on what, and the errno it returned. */
public final class SysException extends IOException {
    private final String call;
    private final String subject;
    private final int errno;

    public SysException(String call, String subject, int errno, String strerror) {
        super(call + "(" + subject + "): " + strerror + " (" + Errno.name(errno) + ")");
        this.call = call;
        this.subject = subject;
        this.errno = errno;
    }

    /** The name of the libc function that failed, e.g. {@code "mount"}. */
    public String call() { return call; }

    /** What the call was made on, usually a path, e.g. {@code "/var/lib/jrkt/pods/x/stage1/rootfs"}. */
    public String subject() { return subject; }

    /** The errno value, see {@link Errno}. */
    public int errno() { return errno; }
}
