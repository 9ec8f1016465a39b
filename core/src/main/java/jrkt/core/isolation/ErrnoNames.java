package jrkt.core.isolation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Linux errno names and their numbers (asm-generic/errno-base.h and errno.h, the values x86_64
 * uses), for the errno a seccomp filter returns. POSIX's aliases are accepted too: ENOTSUP
 * (= EOPNOTSUPP), EWOULDBLOCK (= EAGAIN), EDEADLOCK (= EDEADLK).
 */
public final class ErrnoNames {
    private ErrnoNames() {}

    // Index + 1 = errno value; null marks a number Linux leaves unused (41, 58).
    private static final String[] BY_NUMBER = {
        "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
        "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
        "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
        "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP",
        null, "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI",
        "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", null, "EBFONT", "ENOSTR",
        "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM",
        "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC", "ELIBBAD",
        "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE",
        "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN",
        "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT",
        "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM",
        "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD",
        "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON"
    };

    private static final Map<String, Integer> NUMBERS = numbers();

    /** The errno's number, or -1 when the name is no Linux errno. */
    public static int number(String name) {
        Integer n = NUMBERS.get(name);
        return n == null ? -1 : n;
    }

    private static Map<String, Integer> numbers() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < BY_NUMBER.length; i++) if (BY_NUMBER[i] != null) m.put(BY_NUMBER[i], i + 1);
        m.put("ENOTSUP", m.get("EOPNOTSUPP"));
        m.put("EWOULDBLOCK", m.get("EAGAIN"));
        m.put("EDEADLOCK", m.get("EDEADLK"));
        return Collections.unmodifiableMap(m);
    }
}
