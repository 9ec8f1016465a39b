/* Mounting with the new mount API (fsopen, fsmount, open_tree, move_mount, mount_setattr):
 * every target is an fd that path.c resolved inside its root, so no path string is looked
 * up again between the check and the mount. */
#define _GNU_SOURCE
#include "stage1.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* The kernel explains a failed fsconfig in the fs context's log: "e <message>". */
static int fail_with_log(int fs_fd, int errnum, const char *fstype, struct s1_error *err)
{
    char log[256];
    ssize_t n = read(fs_fd, log, sizeof log - 1);
    if (n > 2) {
        log[n] = '\0';
        log[strcspn(log, "\n")] = '\0';
        return s1_fail(err, errnum, "mount %s (%s)", fstype, log + 2);
    }
    return s1_fail(err, errnum, "mount %s", fstype);
}

/* Attaches the detached mount mnt_fd onto target_fd. Takes mnt_fd; returns it or -1. */
static int attach(int mnt_fd, int target_fd, const char *what, struct s1_error *err)
{
    if (move_mount(mnt_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
        int e = errno;
        close(mnt_fd);
        return s1_fail(err, e, "attach %s", what);
    }
    return mnt_fd;
}

static int configure(int fs_fd, const char *fstype, const char *option, struct s1_error *err)
{
    const char *eq = strchr(option, '=');
    int r;
    if (!eq) {
        r = fsconfig(fs_fd, FSCONFIG_SET_FLAG, option, NULL, 0);
    } else {
        char key[64];
        size_t klen = (size_t) (eq - option);
        if (klen >= sizeof key)
            return s1_fail(err, EINVAL, "mount %s: option %s", fstype, option);
        memcpy(key, option, klen);
        key[klen] = '\0';
        r = fsconfig(fs_fd, FSCONFIG_SET_STRING, key, eq + 1, 0);
    }
    if (r < 0)
        return fail_with_log(fs_fd, errno, fstype, err);
    return 0;
}

/* Creates the filesystem of an fs context and returns a detached mount of it. */
static int create_mount(int fs_fd, const char *fstype, unsigned attrs, struct s1_error *err)
{
    if (fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return fail_with_log(fs_fd, errno, fstype, err);
    int mnt = fsmount(fs_fd, FSMOUNT_CLOEXEC, attrs);
    if (mnt < 0)
        return s1_fail(err, errno, "mount %s", fstype);
    return mnt;
}

int mount_new(const char *fstype, const char *const *options, unsigned attrs, int target_fd,
              struct s1_error *err)
{
    cleanup_close int fs = fsopen(fstype, FSOPEN_CLOEXEC);
    if (fs < 0)
        return s1_fail(err, errno, "mount %s", fstype);
    for (const char *const *o = options; o && *o; o++)
        if (configure(fs, fstype, *o, err) < 0)
            return -1;
    int mnt = create_mount(fs, fstype, attrs, err);
    if (mnt < 0)
        return -1;
    return attach(mnt, target_fd, fstype, err);
}

int mount_set_attrs(int fd, bool recursive, unsigned attrs, struct s1_error *err)
{
    struct mount_attr attr = { .attr_set = attrs };
    if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
        return s1_fail(err, errno, "set mount attributes");
    return 0;
}

int mount_idmapped_clone(int source_fd, bool recursive, unsigned attrs, int userns_fd, const char *path,
                         struct s1_error *err)
{
    int tree = open_tree(source_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                        (recursive ? AT_RECURSIVE : 0));
    if (tree < 0)
        return s1_fail(err, errno, "clone the mount of %s", path);
    /* the attributes go on the whole clone, submounts included, before anyone can see it */
    struct mount_attr attr = { .attr_set = attrs };
    if (userns_fd >= 0) {
        attr.attr_set |= MOUNT_ATTR_IDMAP;
        attr.userns_fd = (unsigned long long) userns_fd;
    }
    if (attr.attr_set && mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0) {
        int e = errno;
        close(tree);
        if (userns_fd >= 0 && (e == EINVAL || e == EOPNOTSUPP))
            return s1_fail(err, e, "idmap %s (its file system cannot be idmapped)", path);
        return s1_fail(err, e, "set mount attributes of %s", path);
    }
    return tree;
}

int mount_attach(int mnt_fd, int target_fd, const char *what, struct s1_error *err)
{
    return attach(mnt_fd, target_fd, what, err);
}

int mount_bind(int source_fd, bool recursive, unsigned attrs, int userns_fd, int target_fd, struct s1_error *err)
{
    int tree = mount_idmapped_clone(source_fd, recursive, attrs, userns_fd, "the bind mount's source", err);
    if (tree < 0)
        return -1;
    return attach(tree, target_fd, "bind mount", err);
}

/* Overlay layers are given as fds (Linux 6.13+: no path is parsed at all) or, on older
 * kernels, as one "lowerdir" string of /proc/self/fd links, which the kernel follows to the
 * very directories the fds name. */
int mount_overlay(const int *layers, size_t nlayers, int upper_fd, int work_fd, int target_fd,
                  struct s1_error *err)
{
    cleanup_close int fs = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fs < 0)
        return s1_fail(err, errno, "mount overlay");
    bool by_fd = true;
    for (size_t i = 0; i < nlayers && by_fd; i++) {
        if (fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, layers[i]) < 0) {
            if (i > 0 || errno != EINVAL)
                return fail_with_log(fs, errno, "overlay", err);
            by_fd = false;
        }
    }
    if (by_fd) {
        if (fsconfig(fs, FSCONFIG_SET_FD, "upperdir", NULL, upper_fd) < 0 ||
            fsconfig(fs, FSCONFIG_SET_FD, "workdir", NULL, work_fd) < 0)
            return fail_with_log(fs, errno, "overlay", err);
    } else {
        size_t len = nlayers * 32 + 1;
        cleanup_free char *lower = malloc(len);
        if (!lower)
            return s1_fail(err, ENOMEM, "mount overlay");
        size_t used = 0;
        for (size_t i = 0; i < nlayers; i++)
            used += (size_t) snprintf(lower + used, len - used, "%s/proc/self/fd/%d", i ? ":" : "", layers[i]);
        char upper[64], work[64];
        snprintf(upper, sizeof upper, "/proc/self/fd/%d", upper_fd);
        snprintf(work, sizeof work, "/proc/self/fd/%d", work_fd);
        if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
            fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
            fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0)
            return fail_with_log(fs, errno, "overlay", err);
    }
    int mnt = create_mount(fs, "overlay", 0, err);
    if (mnt < 0)
        return -1;
    return attach(mnt, target_fd, "overlay", err);
}

int mounts_make_root_slave(struct s1_error *err)
{
    /* Nothing mounted in the pod may propagate back to the host. */
    if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return s1_fail(err, errno, "make / a recursive slave");
    return 0;
}

int mounts_pivot(int root_fd, struct s1_error *err)
{
    if (fchdir(root_fd) < 0)
        return s1_fail(err, errno, "enter the pod's root");
    /* pivot_root(".", "."): the old root ends up stacked on "." and is detached right away */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return s1_fail(err, errno, "pivot_root into the pod's root");
    if (umount2(".", MNT_DETACH) < 0)
        return s1_fail(err, errno, "detach the old root");
    if (chdir("/") < 0)
        return s1_fail(err, errno, "chdir /");
    return 0;
}
