package jrkt.sys;

import java.io.IOException;

/** A failed Linux call: which call, on what, and the errno it returned. */
public final class SysException extends IOException {
    private final String call;
    private final String subject;
    private final int errno;
    private final String strerror;

    public SysException(String call, String subject, int errno, String strerror) {
        super(call + "(" + subject + "): " + strerror + " (" + Errno.name(errno) + ")");
        this.call = call;
        this.subject = subject;
        this.errno = errno;
        this.strerror = strerror;
    }

    /** Why, without the call and its subject: {@code "Permission denied (EACCES)"}, for messages that name the file themselves. */
    public String reason() { return strerror + " (" + Errno.name(errno) + ")"; }

    /** The name of the libc function that failed, e.g. {@code "mount"}. */
    public String call() { return call; }

    /** What the call was made on, usually a path, e.g. {@code "/var/lib/jrkt/pods/x/stage1/rootfs"}. */
    public String subject() { return subject; }

    /** The errno value, see {@link Errno}. */
    public int errno() { return errno; }
}
