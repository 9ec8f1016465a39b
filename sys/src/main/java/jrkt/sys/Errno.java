package jrkt.sys;

/** errno values jrkt tests for, and symbolic names for messages. */
public final class Errno {
    private Errno() {}
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11,
        EACCES = 13, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENOTDIR = 20, EISDIR = 21, EINVAL = 22,
        ENOSPC = 28, EROFS = 30, ERANGE = 34, ENOSYS = 38, ELOOP = 40, ENODATA = 61, ENODEV = 19, ENOTSUP = 95, EWOULDBLOCK = EAGAIN;

    /** "EPERM" for 1, and so on; "errno N" for values without a name here. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM"; case ENOENT -> "ENOENT"; case ESRCH -> "ESRCH"; case EINTR -> "EINTR";
            case EIO -> "EIO"; case EBADF -> "EBADF"; case EAGAIN -> "EAGAIN"; case EACCES -> "EACCES";
            case EBUSY -> "EBUSY"; case EEXIST -> "EEXIST"; case EXDEV -> "EXDEV"; case ENOTDIR -> "ENOTDIR";
            case EISDIR -> "EISDIR"; case EINVAL -> "EINVAL"; case ENOSPC -> "ENOSPC"; case EROFS -> "EROFS"; case ERANGE -> "ERANGE"; case ENOSYS -> "ENOSYS"; case ELOOP -> "ELOOP";
            case ENODATA -> "ENODATA"; case ENODEV -> "ENODEV"; case ENOTSUP -> "ENOTSUP";
            default -> "errno " + errno;
        };
    }
}
