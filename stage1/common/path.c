/* Paths inside a root. Everything stage1 opens, creates or mounts on inside an app is found
 * with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) from the app root's fd: the kernel
 * resolves symlinks and ".." as if the root were "/", refuses /proc/self/root-like magic
 * links, and detects a rename race that would let ".." climb out. What is missing is made
 * one component at a time below an fd so resolved. Pod paths are opened below the pod
 * directory's fd with RESOLVE_BENEATH and no symlinks at all. */
#define _GNU_SOURCE
#include "stage1.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

static int openat2_retry(int dirfd, const char *path, int flags, mode_t mode, unsigned long long resolve)
{
    struct open_how how = { .flags = (unsigned long long) flags, .mode = flags & O_CREAT ? mode : 0,
                            .resolve = resolve };
    for (int tries = 0;; tries++) {
        long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
        /* EAGAIN: a concurrent rename moved something while ".." was resolved; try again */
        if (fd < 0 && errno == EAGAIN && tries < 64)
            continue;
        return (int) fd;
    }
}

int path_open_in_root(int root_fd, const char *path, int extra_flags, struct s1_error *err)
{
    int fd = openat2_retry(root_fd, path, O_PATH | O_CLOEXEC | extra_flags, 0, IN_ROOT);
    if (fd < 0)
        return s1_fail(err, errno, "open %s", path);
    return fd;
}

bool path_same(int a, int b)
{
    struct statx sa, sb;
    if (statx(a, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &sa) < 0 ||
        statx(b, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &sb) < 0)
        return false;
    return sa.stx_ino == sb.stx_ino && sa.stx_dev_major == sb.stx_dev_major &&
           sa.stx_dev_minor == sb.stx_dev_minor && sa.stx_mnt_id == sb.stx_mnt_id;
}

/* The length of the prefix of path up to (not including) the component that starts at i. */
static size_t component_end(const char *path, size_t i)
{
    while (path[i] && path[i] != '/')
        i++;
    return i;
}

/* Creates the last component of prefix (below its already resolved parent). */
static int make_component(int root_fd, const char *prefix, const char *name, bool dir, struct s1_error *err)
{
    /* the parent is everything before name; an empty parent is the root itself */
    size_t parent_len = (size_t) (name - prefix);
    char parent[4096];
    if (parent_len >= sizeof parent)
        return s1_fail(err, ENAMETOOLONG, "%s", prefix);
    memcpy(parent, prefix, parent_len);
    parent[parent_len] = '\0';
    cleanup_close int parent_fd = openat2_retry(root_fd, parent_len ? parent : ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0, IN_ROOT);
    if (parent_fd < 0)
        return s1_fail(err, errno, "open %s", parent_len ? parent : "/");
    if (dir) {
        if (mkdirat(parent_fd, name, 0755) < 0 && errno != EEXIST)
            return s1_fail(err, errno, "mkdir %s", prefix);
        return 0;
    }
    cleanup_close int fd = openat(parent_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0 && errno != EEXIST)
        return s1_fail(err, errno, "create %s", prefix);
    return 0;
}

int path_make_in_root(int root_fd, const char *path, bool dir, struct s1_error *err)
{
    int fd = openat2_retry(root_fd, path, O_PATH | O_CLOEXEC, 0, IN_ROOT);
    if (fd < 0 && errno != ENOENT)
        return s1_fail(err, errno, "open %s", path);
    if (fd < 0) {
        /* Walk the components; make each one that does not resolve. */
        size_t len = strlen(path);
        if (len >= 4096)
            return s1_fail(err, ENAMETOOLONG, "%s", path);
        char prefix[4096];
        for (size_t i = 0; i < len;) {
            while (path[i] == '/')
                i++;
            if (!path[i])
                break;
            size_t end = component_end(path, i);
            bool last = path[end] == '\0' || path[end + strspn(path + end, "/")] == '\0';
            memcpy(prefix, path, end);
            prefix[end] = '\0';
            cleanup_close int probe = openat2_retry(root_fd, prefix, O_PATH | O_CLOEXEC, 0, IN_ROOT);
            if (probe < 0 && errno != ENOENT)
                return s1_fail(err, errno, "open %s", prefix);
            if (probe < 0) {
                if (make_component(root_fd, prefix, prefix + i, dir || !last, err) < 0)
                    return -1;
                cleanup_close int made = openat2_retry(root_fd, prefix, O_PATH | O_CLOEXEC, 0, IN_ROOT);
                if (made < 0 && errno == ENOENT && last && !dir) {
                    /* a dangling symlink: create the file it names, inside the root */
                    made = openat2_retry(root_fd, prefix, O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644, IN_ROOT);
                    if (made < 0)
                        return s1_fail(err, errno, "create %s (a symbolic link to a missing file)", prefix);
                } else if (made < 0 && errno == ENOENT) {
                    return s1_fail(err, ENOENT, "mkdir %s (a symbolic link to a missing directory)", prefix);
                } else if (made < 0) {
                    return s1_fail(err, errno, "open %s", prefix);
                }
            }
            i = end;
        }
        fd = openat2_retry(root_fd, path, O_PATH | O_CLOEXEC, 0, IN_ROOT);
        if (fd < 0)
            return s1_fail(err, errno, "open %s", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return s1_fail(err, e, "stat %s", path);
    }
    if (dir != S_ISDIR(st.st_mode)) {
        close(fd);
        return s1_fail(err, dir ? ENOTDIR : EISDIR, "%s", path);
    }
    return fd;
}

int path_open_pod(int pod_fd, const char *path, int flags, bool cross_mounts, struct s1_error *err)
{
    unsigned long long resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    if (!cross_mounts)
        resolve |= RESOLVE_NO_XDEV;
    int fd = openat2_retry(pod_fd, path, flags | O_CLOEXEC, 0, resolve);
    if (fd < 0)
        return s1_fail(err, errno, "open %s", path);
    return fd;
}
