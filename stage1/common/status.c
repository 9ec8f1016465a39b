/* The files stage1 writes in the pod directory for stage0 to read (docs/stage1-abi.md). */
#define _GNU_SOURCE
#include "stage1.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

ssize_t read_small(const char *path, char *buf, size_t size)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);
    if (n >= 0)
        buf[n] = '\0';
    return n;
}

static long long clock_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long epoch_ms(void)
{
    return clock_ms(CLOCK_REALTIME);
}

long long monotonic_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

int status_write(int pod_fd, const char *relpath, const char *content, struct s1_error *err)
{
    /* temp file + rename: a reader sees the whole content or nothing */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", relpath);
    cleanup_close int fd = openat(pod_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0)
        return s1_fail(err, errno, "write %s", tmp);
    size_t len = strlen(content);
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, content + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return s1_fail(err, errno, "write %s", tmp);
        off += (size_t) n;
    }
    if (renameat(pod_fd, tmp, pod_fd, relpath) < 0)
        return s1_fail(err, errno, "rename %s to %s", tmp, relpath);
    return 0;
}

static int mkdirat_existing_ok(int dirfd, const char *path, struct s1_error *err)
{
    if (mkdirat(dirfd, path, 0755) < 0 && errno != EEXIST)
        return s1_fail(err, errno, "mkdir %s", path);
    return 0;
}

static int status_app_file(int pod_fd, const char *app, const char *file, const char *content,
                           struct s1_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "apps/%s", app);
    if (mkdirat_existing_ok(pod_fd, "apps", err) < 0 || mkdirat_existing_ok(pod_fd, path, err) < 0)
        return -1;
    snprintf(path, sizeof path, "apps/%s/%s", app, file);
    return status_write(pod_fd, path, content, err);
}

void status_send(const char *fmt, ...)
{
    if (s1_status_fd < 0)
        return;
    /* one write of at most PIPE_BUF bytes: the run process never sees half a message */
    char msg[1400];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t) n < sizeof msg - 2 ? (size_t) n : sizeof msg - 2;
    for (size_t i = 0; i < len; i++)
        if (msg[i] == '\n')
            msg[i] = ' ';
    msg[len++] = '\n';
    if (s1_write_all(s1_status_fd, msg, len) < 0) {
        /* the run process is gone; we die with it (PR_SET_PDEATHSIG) */
    }
}

/* Messages: "started APP MS", "exited APP STATUS MS", "error APP WHY", "ready", "fatal LINE",
 * "metadata up", "metadata down WHY". */
int status_record(struct plan *plan, int pod_fd, char *line)
{
    struct s1_error err = { 0 };
    char *sp = strchr(line, ' ');
    char *rest = sp ? sp + 1 : line + strlen(line);
    if (sp)
        *sp = '\0';
    int r = 0;
    if (!strcmp(line, "ready")) {
        r = status_write(pod_fd, "ready", "", &err);
        if (r == 0)
            return 1;
    } else if (!strcmp(line, "started") || !strcmp(line, "exited") || !strcmp(line, "error")) {
        char *app = rest, *value = strchr(rest, ' ');
        if (!value || !*app)
            return 0;
        *value++ = '\0';
        /* PID 1 shares the pod with its apps: a name must be one of the plan's, nothing else */
        if (!plan_find_app(plan, app))
            return 0;
        r = status_app_file(pod_fd, app, line, value, &err);
    } else if (!strcmp(line, "metadata")) {
        mds_record_status(plan, pod_fd, rest);
        return 0;
    } else {
        return 0; /* "fatal" is handled by the caller; anything else is ignored */
    }
    if (r < 0) {
        char out[1200];
        s1_format(&err, out, sizeof out);
        if (s1_write_all(STDERR_FILENO, out, strlen(out)) < 0) {
            /* nowhere to report */
        }
    }
    return 0;
}

int status_read_pid(const char *path, pid_t *pid, struct s1_error *err)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return s1_fail(err, errno, "open %s", path);
    char buf[32];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n < 0)
        return s1_fail(err, errno, "read %s", path);
    buf[n] = '\0';
    char *end;
    errno = 0;
    long v = strtol(buf, &end, 10);
    if (errno || end == buf || (*end && *end != '\n') || v <= 0)
        return s1_fail(err, 0, "%s: not a pid", path);
    *pid = (pid_t) v;
    return 0;
}
