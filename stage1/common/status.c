/* The files stage1 writes in the pod directory for stage0 to read (docs/stage1-abi.md). */
#define _GNU_SOURCE
#include "stage1.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

long long epoch_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

int status_app_dir(int pod_fd, const char *app, struct s1_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "apps/%s", app);
    if (mkdirat_existing_ok(pod_fd, "apps", err) < 0 || mkdirat_existing_ok(pod_fd, path, err) < 0)
        return -1;
    return 0;
}

int status_app_file(int pod_fd, const char *app, const char *file, const char *content,
                    struct s1_error *err)
{
    char path[4096];
    if (status_app_dir(pod_fd, app, err) < 0)
        return -1;
    snprintf(path, sizeof path, "apps/%s/%s", app, file);
    return status_write(pod_fd, path, content, err);
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
