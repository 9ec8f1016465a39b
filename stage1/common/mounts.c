/* The pod lines: directories, files, links, mounts and the switch to the stage1 root. */
#define _GNU_SOURCE
#include "stage1.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int mounts_make_root_slave(struct s1_error *err)
{
    /* Nothing mounted in the pod may propagate back to the host. */
    if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return s1_fail(err, errno, "make / a recursive slave");
    return 0;
}

int mkdir_p(const char *path, mode_t mode, struct s1_error *err)
{
    cleanup_free char *p = strdup(path);
    if (!p)
        return s1_fail(err, ENOMEM, "mkdir %s", path);
    size_t len = strlen(p);
    for (char *s = p + 1; ; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        bool last = *s == '\0' || (size_t) (s - p) + 1 == len;
        char saved = *s;
        *s = '\0';
        if (mkdir(p, mode) == 0) {
            /* mkdir is subject to the umask; the plan's mode is meant literally */
            if (chmod(p, mode) < 0)
                return s1_fail(err, errno, "chmod %s", p);
        } else if (errno != EEXIST) {
            return s1_fail(err, errno, "mkdir %s", p);
        } else if (last) {
            struct stat st;
            if (stat(p, &st) < 0)
                return s1_fail(err, errno, "stat %s", p);
            if (!S_ISDIR(st.st_mode))
                return s1_fail(err, ENOTDIR, "mkdir %s", p);
        }
        *s = saved;
        if (last)
            return 0;
    }
}

static int mkdir_parent(const char *path, struct s1_error *err)
{
    cleanup_free char *dir = strdup(path);
    if (!dir)
        return s1_fail(err, ENOMEM, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    return mkdir_p(dir, 0755, err);
}

static int touch(const char *path, struct s1_error *err)
{
    if (mkdir_parent(path, err) < 0)
        return -1;
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0)
        return s1_fail(err, errno, "touch %s", path);
    return 0;
}

static int make_symlink(const char *target, const char *linkpath, struct s1_error *err)
{
    if (mkdir_parent(linkpath, err) < 0)
        return -1;
    struct stat st;
    if (lstat(linkpath, &st) == 0) {
        if (!S_ISLNK(st.st_mode))
            return s1_fail(err, EEXIST, "symlink %s: not a link", linkpath);
        if (unlink(linkpath) < 0)
            return s1_fail(err, errno, "replace symlink %s", linkpath);
    }
    if (symlink(target, linkpath) < 0)
        return s1_fail(err, errno, "symlink %s -> %s", linkpath, target);
    return 0;
}

static const char *or_null(const char *s)
{
    return *s ? s : NULL;
}

static int do_mount(const struct pod_op *op, struct s1_error *err)
{
    const char *source = op->args[0], *target = op->args[1];
    const char *fstype = or_null(op->args[2]), *data = or_null(op->args[4]);
    bool propagation_only = op->flags == 0 && op->propagation && !fstype && !data;

    struct stat st;
    if (!propagation_only && !(op->flags & MS_REMOUNT) && lstat(target, &st) < 0) {
        if (errno != ENOENT)
            return s1_fail(err, errno, "mount target %s", target);
        struct stat src;
        bool file = (op->flags & MS_BIND) && stat(source, &src) == 0 && !S_ISDIR(src.st_mode);
        if ((file ? touch(target, err) : mkdir_p(target, 0755, err)) < 0)
            return -1;
    }
    if (!propagation_only) {
        if (mount(or_null(source), target, fstype, op->flags, data) < 0)
            return s1_fail(err, errno, "mount %s on %s", *source ? source : "none", target);
        /* A bind mount ignores ro and friends until it is remounted. */
        unsigned long extra = op->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
        if ((op->flags & MS_BIND) && !(op->flags & MS_REMOUNT) && extra &&
            mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | extra, NULL) < 0)
            return s1_fail(err, errno, "remount %s read-only/restricted", target);
    }
    if (op->propagation && mount(NULL, target, NULL, op->propagation, NULL) < 0)
        return s1_fail(err, errno, "change propagation of %s", target);
    return 0;
}

static int switch_root(const char *path, struct s1_error *err)
{
    /* pivot_root needs a mount point; rec keeps what the plan mounted below it */
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        return s1_fail(err, errno, "bind-mount root %s onto itself", path);
    if (chdir(path) < 0)
        return s1_fail(err, errno, "chdir %s", path);
    /* pivot_root(".", "."): the old root ends up stacked on "." and is detached right away */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return s1_fail(err, errno, "pivot_root %s", path);
    if (umount2(".", MNT_DETACH) < 0)
        return s1_fail(err, errno, "detach the old root");
    if (chdir("/") < 0)
        return s1_fail(err, errno, "chdir /");
    return 0;
}

int mounts_apply(const struct plan *plan, struct s1_error *err)
{
    for (size_t i = 0; i < plan->nops; i++) {
        const struct pod_op *op = &plan->ops[i];
        int r = 0;
        switch (op->kind) {
        case OP_MKDIR: r = mkdir_p(op->args[0], op->mode, err); break;
        case OP_TOUCH: r = touch(op->args[0], err); break;
        case OP_SYMLINK: r = make_symlink(op->args[0], op->args[1], err); break;
        case OP_MOUNT: r = do_mount(op, err); break;
        case OP_ROOT: r = switch_root(op->args[0], err); break;
        }
        if (r < 0) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            return s1_fail(err, err->errnum, "plan line %d: %s", op->line, why);
        }
        s1_log("plan line %d done", op->line);
    }
    return 0;
}
