/* stage1 links musl statically (its binary is a fifth of glibc's static size, and every pod maps
 * its own sealed copy: see docs/design-notes.md). Debian 12's musl (1.2.3) has no wrappers yet
 * for the new mount API, close_range or statx: these are them, straight system calls. With glibc
 * (>= 2.36) this header adds nothing. */
#ifndef STAGE1_LIBC_COMPAT_H
#define STAGE1_LIBC_COMPAT_H
#ifndef __GLIBC__
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
/* the kernel's headers give the S_IF* and MS_* macros only to a libc that is not glibc, and
 * musl has its own: claim to be glibc for these two, for their structs and new constants */
#define __GLIBC__ 2
#include <linux/mount.h>
#include <linux/stat.h>
#undef __GLIBC__

static inline int fsopen(const char *fs_name, unsigned int flags)
{
    return (int) syscall(SYS_fsopen, fs_name, flags);
}
static inline int fsconfig(int fs_fd, unsigned int cmd, const char *key, const void *value, int aux)
{
    return (int) syscall(SYS_fsconfig, fs_fd, cmd, key, value, aux);
}
static inline int fsmount(int fs_fd, unsigned int flags, unsigned int attr_flags)
{
    return (int) syscall(SYS_fsmount, fs_fd, flags, attr_flags);
}
static inline int move_mount(int from_dirfd, const char *from, int to_dirfd, const char *to, unsigned int flags)
{
    return (int) syscall(SYS_move_mount, from_dirfd, from, to_dirfd, to, flags);
}
static inline int open_tree(int dirfd, const char *path, unsigned int flags)
{
    return (int) syscall(SYS_open_tree, dirfd, path, flags);
}
static inline int mount_setattr(int dirfd, const char *path, unsigned int flags, struct mount_attr *attr, size_t size)
{
    return (int) syscall(SYS_mount_setattr, dirfd, path, flags, attr, size);
}
static inline int close_range(unsigned int first, unsigned int last, int flags)
{
    return (int) syscall(SYS_close_range, first, last, flags);
}
static inline int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)
{
    return (int) syscall(SYS_statx, dirfd, path, flags, mask, buf);
}
#endif
#endif
