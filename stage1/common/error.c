/* Error reporting and cleanup helpers. */
#include "stage1.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

int s1_report_fd = -1;
int s1_status_fd = -1;
bool s1_debug = false;

int s1_fail(struct s1_error *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->errnum = errnum;
    return -1;
}

int s1_wrap(struct s1_error *err, const char *fmt, ...)
{
    /* context first, then ": ", then as much of the cause as fits */
    char out[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, sizeof out, fmt, ap);
    va_end(ap);
    size_t used = n < 0 ? 0 : (size_t) n < sizeof out ? (size_t) n : sizeof out - 1;
    const char *sep = ": ";
    for (const char *p = sep; *p && used < sizeof out - 1; p++)
        out[used++] = *p;
    size_t cause = strlen(err->msg);
    if (cause > sizeof out - 1 - used)
        cause = sizeof out - 1 - used;
    memmove(out + used, err->msg, cause);
    out[used + cause] = '\0';
    memcpy(err->msg, out, sizeof out);
    return -1;
}

const char *s1_strerror(int errnum)
{
    /* musl words these differently from glibc; users (and stage0's messages) know glibc's */
    switch (errnum) {
    case EIO: return "Input/output error";
    case ECHILD: return "No child processes";
    case ENOMEM: return "Cannot allocate memory";
    case EBUSY: return "Device or resource busy";
    case EXDEV: return "Invalid cross-device link";
    case EMFILE: return "Too many open files";
    case ENOTTY: return "Inappropriate ioctl for device";
    case ESPIPE: return "Illegal seek";
    case ENAMETOOLONG: return "File name too long";
    case ELOOP: return "Too many levels of symbolic links";
    case EOVERFLOW: return "Value too large for defined data type";
    case EILSEQ: return "Invalid or incomplete multibyte or wide character";
    case ENOTSOCK: return "Socket operation on non-socket";
    case EMSGSIZE: return "Message too long";
    case EOPNOTSUPP: return "Operation not supported";
    case EADDRINUSE: return "Address already in use";
    case EADDRNOTAVAIL: return "Cannot assign requested address";
    case ENETUNREACH: return "Network is unreachable";
    case ECONNABORTED: return "Software caused connection abort";
    case EISCONN: return "Transport endpoint is already connected";
    case ENOTCONN: return "Transport endpoint is not connected";
    case ETIMEDOUT: return "Connection timed out";
    case EHOSTUNREACH: return "No route to host";
    case EINPROGRESS: return "Operation now in progress";
    case EUCLEAN: return "Structure needs cleaning";
    case EDQUOT: return "Disk quota exceeded";
    default: return strerror(errnum);
    }
}

void s1_format(const struct s1_error *err, char *buf, size_t len)
{
    if (err->errnum)
        snprintf(buf, len, "stage1: %s: %s\n", err->msg, s1_strerror(err->errnum));
    else
        snprintf(buf, len, "stage1: %s\n", err->msg);
}

int s1_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}

static void write_all(int fd, const char *buf, size_t len)
{
    if (s1_write_all(fd, buf, len) < 0) {
        /* nowhere left to report */
    }
}

void s1_die(const struct s1_error *err)
{
    char line[1200];
    s1_format(err, line, sizeof line);
    write_all(STDERR_FILENO, line, strlen(line));
    if (s1_report_fd >= 0)
        write_all(s1_report_fd, line, strlen(line));
    if (s1_status_fd >= 0) {
        /* the run process forwards it to a detached foreground */
        char msg[1300];
        line[strcspn(line, "\n")] = '\0';
        int n = snprintf(msg, sizeof msg, "fatal %s\n", line);
        if (n > 0)
            write_all(s1_status_fd, msg, (size_t) n < sizeof msg ? (size_t) n : sizeof msg - 1);
    }
    _exit(S1_EXIT_FAILURE);
}

void s1_log(const char *fmt, ...)
{
    if (!s1_debug)
        return;
    char line[1200] = "stage1: debug: ";
    size_t used = strlen(line);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + used, sizeof line - used - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    used += (size_t) n < sizeof line - used - 2 ? (size_t) n : sizeof line - used - 2;
    line[used++] = '\n';
    write_all(STDERR_FILENO, line, used);
}

void s1_freep(void *p)
{
    free(*(void **) p);
}

void s1_closep(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

void s1_fclosep(FILE **f)
{
    if (*f)
        fclose(*f);
}
