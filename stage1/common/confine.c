/* What an app process (an app, a handler, an `enter` command) does to itself before it
 * execs: join the app's cgroups, set oom_score_adj, groups, user, capabilities,
 * no_new_privs and the seccomp filter, in the order docs/stage1-abi.md gives. Policy (which
 * capabilities, which filter) is stage0's; this file only applies the plan. */
#define _GNU_SOURCE
#include "stage1.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define MAX_FILTER_INSNS 4096

static int load_filter_file(struct app *app, int pod_fd, struct s1_error *err)
{
    cleanup_close int fd = path_open_pod(pod_fd, app->seccomp, O_RDONLY | O_NONBLOCK | O_NOCTTY, false, err);
    if (fd < 0)
        return s1_wrap(err, "seccomp filter");
    struct stat st;
    if (fstat(fd, &st) < 0)
        return s1_fail(err, errno, "stat seccomp filter %s", app->seccomp);
    if (!S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size % (off_t) sizeof(struct sock_filter) ||
        st.st_size > (off_t) (MAX_FILTER_INSNS * sizeof(struct sock_filter)))
        return s1_fail(err, 0, "seccomp filter %s: not 1 to %d instructions of %zu bytes", app->seccomp,
                       MAX_FILTER_INSNS, sizeof(struct sock_filter));
    size_t len = (size_t) st.st_size;
    char *buf = malloc(len);
    if (!buf)
        return s1_fail(err, ENOMEM, "seccomp filter %s", app->seccomp);
    for (size_t off = 0; off < len;) {
        ssize_t n = read(fd, buf + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            return s1_fail(err, n < 0 ? errno : EIO, "read seccomp filter %s", app->seccomp);
        }
        off += (size_t) n;
    }
    app->filter.insns = buf;
    app->filter.len = (unsigned short) (len / sizeof(struct sock_filter));
    return 0;
}

int confine_prepare(const struct plan *plan, struct app *app, int pod_fd, struct s1_error *err)
{
    app->cgroup_fds = malloc((plan->ncgroups ? plan->ncgroups : 1) * sizeof *app->cgroup_fds);
    if (!app->cgroup_fds)
        return s1_fail(err, ENOMEM, "app %s", app->name);
    for (size_t i = 0; i < plan->ncgroups; i++)
        app->cgroup_fds[i] = -1;
    for (size_t i = 0; i < plan->ncgroups; i++) {
        const struct cgroup *cg = &plan->cgroups[i];
        char path[4096];
        snprintf(path, sizeof path, "%s/%s/app-%s/cgroup.procs", cg->mountpoint, cg->path, app->name);
        /* a file, not a directory: holding it gives no way up the host's tree */
        app->cgroup_fds[i] = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (app->cgroup_fds[i] < 0)
            return s1_fail(err, errno, "app %s: open %s", app->name, path);
    }
    if (app->seccomp && load_filter_file(app, pod_fd, err) < 0)
        return s1_wrap(err, "app %s", app->name);
    return 0;
}

static int write_string(int fd, const char *s)
{
    return s1_write_all(fd, s, strlen(s));
}

int confine_cgroups_and_oom(const struct plan *plan, const struct app *app, struct s1_error *err)
{
    bool unified = false;
    for (size_t i = 0; i < plan->ncgroups; i++) {
        /* "0" moves the writer itself */
        if (write_string(app->cgroup_fds[i], "0") < 0)
            return s1_fail(err, errno, "join the app's cgroup in %s", plan->cgroups[i].hierarchy);
        unified |= !strcmp(plan->cgroups[i].hierarchy, "unified");
    }
    if (unified && unshare(CLONE_NEWCGROUP) < 0)
        return s1_fail(err, errno, "unshare the cgroup namespace");
    if (app->has_oom_score_adj) {
        cleanup_close int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        char value[16];
        snprintf(value, sizeof value, "%d", app->oom_score_adj);
        if (fd < 0 || write_string(fd, value) < 0)
            return s1_fail(err, errno, "set oom_score_adj %s", value);
    }
    return 0;
}

int confine_userns(int userns_fd, struct s1_error *err)
{
    if (userns_fd >= 0 && setns(userns_fd, CLONE_NEWUSER) < 0)
        return s1_fail(err, errno, "join the pod's user namespace");
    return 0;
}

static int install_filter(const struct app *app, struct s1_error *err)
{
    struct sock_fprog prog = { .len = app->filter.len, .filter = app->filter.insns };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
        return s1_fail(err, errno, "install the seccomp filter");
    return 0;
}

static int drop_bounding_set(uint64_t keep, struct s1_error *err)
{
    for (unsigned long cap = 0; cap < 64; cap++) {
        if (keep & (UINT64_C(1) << cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL)
                break; /* past the kernel's last capability */
            return s1_fail(err, errno, "drop capability %lu from the bounding set", cap);
        }
    }
    return 0;
}

static int set_capabilities(uint64_t set, struct s1_error *err)
{
    struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &header, data) < 0)
        return s1_fail(err, errno, "capget");
    uint32_t lo = (uint32_t) set, hi = (uint32_t) (set >> 32);
    data[0].permitted &= lo;
    data[1].permitted &= hi;
    data[0].effective = data[0].permitted;
    data[1].effective = data[1].permitted;
    data[0].inheritable = data[1].inheritable = 0;
    if (syscall(SYS_capset, &header, data) < 0)
        return s1_fail(err, errno, "capset");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return s1_fail(err, errno, "clear the ambient capabilities");
    return 0;
}

int confine_credentials(const struct app *app, uid_t uid, gid_t gid, const gid_t *groups,
                        size_t ngroups, struct s1_error *err)
{
    /* a parent-death signal the caller set (enter's) does not survive the change of ids below */
    int death_signal = 0;
    if (prctl(PR_GET_PDEATHSIG, &death_signal, 0, 0, 0) < 0)
        death_signal = 0;
    pid_t parent = getppid();
    if (setgroups(ngroups, groups) < 0)
        return s1_fail(err, errno, "setgroups");
    if (setgid(gid) < 0)
        return s1_fail(err, errno, "setgid %u", (unsigned) gid);
    if (app->has_caps && drop_bounding_set(app->caps, err) < 0)
        return -1;
    /* without no_new_privs only a process with CAP_SYS_ADMIN may install a filter */
    if (app->filter.insns && !app->nonewprivs && install_filter(app, err) < 0)
        return -1;
    if (setuid(uid) < 0)
        return s1_fail(err, errno, "setuid %u", (unsigned) uid);
    /* set again (best effort: a filter installed above may refuse prctl); a parent that died
     * meanwhile shows as another parent */
    if (death_signal && prctl(PR_SET_PDEATHSIG, death_signal, 0, 0, 0) == 0 && getppid() != parent)
        return s1_fail(err, 0, "the process that started it ended");
    /* setuid away from root already emptied permitted and effective; inheritable stays */
    if (app->has_caps && set_capabilities(uid == 0 ? app->caps : 0, err) < 0)
        return -1;
    if (app->nonewprivs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return s1_fail(err, errno, "set no_new_privs");
    if (app->filter.insns && app->nonewprivs && install_filter(app, err) < 0)
        return -1;
    return 0;
}
