/* run: create the pod's supervisor (the default flavor: the PID 1 of new namespaces; fly: a
 * process in the host's namespaces but its own mount namespace), wait for it, record the pod's
 * status. */
#define _GNU_SOURCE
#include "stage1.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sys/mount.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

int parse_args(int argc, char **argv, struct run_opts *o, struct s1_error *err)
{
    o->lock_fd = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--debug"))
            s1_debug = true;
        else if (!strcmp(a, "--detach"))
            o->detach = true;
        else if (!strncmp(a, "--lock-fd=", 10)) {
            char *end;
            long fd = strtol(a + 10, &end, 10);
            if (*end || end == a + 10 || fd < 3 || fd > 1 << 20)
                return s1_fail(err, 0, "bad --lock-fd '%s'", a + 10);
            o->lock_fd = (int) fd;
        } else if (a[0] == '-')
            return s1_fail(err, 0, "run: unknown option '%s'", a);
        else if (o->uuid)
            return s1_fail(err, 0, "run: more than one uuid");
        else
            o->uuid = a;
    }
    if (o->lock_fd < 0 || !o->uuid)
        return s1_fail(err, 0, "usage: run [--debug] [--detach] --lock-fd=N UUID");
    return 0;
}

/* Keep only stdio and the lock: nothing else of the caller's may leak into the pod. */
int close_inherited_fds(int lock_fd, struct s1_error *err)
{
    if (fcntl(lock_fd, F_GETFD) < 0)
        return s1_fail(err, errno, "lock fd %d", lock_fd);
    if (close_range(3, (unsigned) lock_fd - 1, 0) < 0 || close_range((unsigned) lock_fd + 1, ~0U, 0) < 0)
        return s1_fail(err, errno, "close inherited fds");
    /* the pod holds the lock through stage1's processes, never through an app */
    if (fcntl(lock_fd, F_SETFD, FD_CLOEXEC) < 0)
        return s1_fail(err, errno, "lock fd %d", lock_fd);
    return 0;
}

int bring_up_loopback(struct s1_error *err)
{
    cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return s1_fail(err, errno, "socket");
    struct ifreq ifr = { 0 };
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
        return s1_fail(err, errno, "get flags of lo");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
        return s1_fail(err, errno, "bring lo up");
    return 0;
}

int join_pod_network(const struct plan *plan, int pod_fd, struct s1_error *err)
{
    /* a pod path stays in the pod directory; a host path is stage0's choice */
    cleanup_close int fd = plan->net_path[0] == '/' ? open(plan->net_path, O_RDONLY | O_CLOEXEC)
                                                     : path_open_pod(pod_fd, plan->net_path, O_RDONLY, true, err);
    if (fd < 0)
        return plan->net_path[0] == '/' ? s1_fail(err, errno, "open network namespace %s", plan->net_path)
                                        : s1_wrap(err, "network namespace");
    if (setns(fd, CLONE_NEWNET) < 0)
        return s1_fail(err, errno, "join network namespace %s", plan->net_path);
    return 0;
}

static int enter_namespaces(const struct flavor *flavor, const struct plan *plan, int pod_fd, struct s1_error *err)
{
    if (!flavor->own_namespaces) {
        /* fly: the host's pid, network, uts and ipc namespaces; a mount namespace of its own */
        if (plan->net != NET_HOST)
            return s1_fail(err, 0, "the %s flavor runs apps in the host's network namespace: the plan asks for another", flavor->name);
        if (plan->userns != USERNS_NONE)
            return s1_fail(err, 0, "the %s flavor has no user namespace for a pod: the plan asks for one", flavor->name);
        if (unshare(CLONE_NEWNS) < 0)
            return s1_fail(err, errno, "unshare the mount namespace");
        return 0;
    }
    int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
    if (plan->net == NET_JOIN) {
        if (join_pod_network(plan, pod_fd, err) < 0)
            return -1;
    } else if (plan->net == NET_NONE)
        flags |= CLONE_NEWNET;
    if (unshare(flags) < 0)
        return s1_fail(err, errno, "unshare namespaces");
    if (plan->net == NET_NONE && bring_up_loopback(err) < 0)
        return -1;
    if (plan->hostname && sethostname(plan->hostname, strlen(plan->hostname)) < 0)
        return s1_fail(err, errno, "sethostname %s", plan->hostname);
    return 0;
}

/* The pod's PID 1 shows its apps the command line of a pod's init, not the host path of the
 * pod directory it was started from: the argument strings are overwritten in place, which is
 * what /proc/1/cmdline reads. */
static void hide_host_command_line(int argc, char **argv)
{
    if (argc < 1)
        return;
    char *start = argv[0];
    char *end = argv[argc - 1] + strlen(argv[argc - 1]);
    memset(start, 0, (size_t) (end - start));
    strncpy(start, "/init", (size_t) (end - start));
    prctl(PR_SET_NAME, "init", 0, 0, 0);
}

/* Everything the pod needs mounted, then pivot_root into the pod's root. On return the
 * process holds no descriptor of the host's filesystem: not the pod directory, not a host
 * directory of any kind. */
static int build_pod(struct plan *plan, int pod_fd, int userns_fd, struct s1_error *err)
{
    struct host_sources hs;
    int r = rootfs_open_host_sources(plan, &hs, err);
    hs.userns = userns_fd;
    cleanup_close int root = r < 0 ? -1 : rootfs_make_pod_root(pod_fd, err);
    for (size_t i = 0; root >= 0 && i < plan->napps; i++) {
        struct app *app = &plan->apps[i];
        if (rootfs_make_app_root(plan, app, pod_fd, root, &hs, err) < 0 || confine_prepare(plan, app, pod_fd, err) < 0)
            r = -1;
        if (r < 0)
            break;
        s1_log("app %s: root ready", app->name);
    }
    rootfs_close_host_sources(&hs);
    if (root < 0 || r < 0)
        return -1;
    /* the pod's own /proc, for what apps' processes do before they chroot (oom_score_adj) */
    cleanup_close int proc = openat(root, "proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    cleanup_close int procmnt = proc < 0 ? -1 : mount_new("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, proc, err);
    if (procmnt < 0)
        return s1_wrap(err, "the pod's /proc");
    if (mounts_pivot(root, err) < 0)
        return -1;
    /* nothing in the pod may change its root: the app roots below it are their own mounts */
    cleanup_close int newroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (newroot < 0 || mount_set_attrs(newroot, false, MOUNT_ATTR_RDONLY, err) < 0)
        return s1_wrap(err, "make the pod's root read-only");
    return 0;
}

/* The pod's user namespace: a helper process unshares one, we map the pod's ids in it from
 * the host's side and keep an fd of it; the helper then exits. Apps join it as they start
 * (confine_userns), stage1 itself stays root on the host to build the pod. */
static int make_userns(const struct plan *plan, struct s1_error *err)
{
    int ready[2], hold[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        return s1_fail(err, errno, "pipe");
    if (pipe2(hold, O_CLOEXEC) < 0) {
        close(ready[0]), close(ready[1]);
        return s1_fail(err, errno, "pipe");
    }
    pid_t child = fork();
    if (child < 0)
        return s1_fail(err, errno, "fork");
    if (child == 0) {
        close(ready[0]);
        close(hold[1]);
        char c = unshare(CLONE_NEWUSER) < 0 ? 'E' : 'U';
        if (write(ready[1], &c, 1) != 1)
            _exit(1);
        while (read(hold[0], &c, 1) < 0 && errno == EINTR) {
        }
        _exit(0);
    }
    close(ready[1]);
    close(hold[0]);
    char c = 0;
    ssize_t n;
    while ((n = read(ready[0], &c, 1)) < 0 && errno == EINTR) {
    }
    close(ready[0]);
    int fd = -1;
    if (n != 1 || c != 'U') {
        s1_fail(err, EPERM, "create the pod's user namespace");
    } else {
        char path[64], map[96];
        static const char *const files[] = { "uid_map", "gid_map" };
        for (int i = 0; i < 2 && !err->msg[0]; i++) {
            snprintf(path, sizeof path, "/proc/%d/%s", (int) child, files[i]);
            snprintf(map, sizeof map, "0 %lu %lu\n", i ? (unsigned long) plan->userns_gid : (unsigned long) plan->userns_uid,
                     plan->userns_count);
            cleanup_close int mf = open(path, O_WRONLY | O_CLOEXEC);
            if (mf < 0 || s1_write_all(mf, map, strlen(map)) < 0)
                s1_fail(err, errno, "write the pod's %s", files[i]);
        }
        if (!err->msg[0]) {
            snprintf(path, sizeof path, "/proc/%d/ns/user", (int) child);
            fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                s1_fail(err, errno, "open the pod's user namespace");
        }
    }
    close(hold[1]); /* the helper may go */
    int ws;
    while (waitpid(child, &ws, 0) < 0 && errno == EINTR) {
    }
    return fd;
}

/* Apps of a pod with its own user namespace are root only in there: let them bind the ports
 * root could and ping, in the pod's own network namespace (never the host's). */
static int open_network_to_userns(const struct plan *plan, struct s1_error *err)
{
    if (plan->userns == USERNS_NONE || plan->net == NET_HOST)
        return 0;
    char range[64];
    snprintf(range, sizeof range, "%lu %lu", (unsigned long) plan->userns_gid,
             (unsigned long) plan->userns_gid + plan->userns_count - 1);
    const char *const settings[][2] = {
        { "/proc/sys/net/ipv4/ip_unprivileged_port_start", "0" },
        { "/proc/sys/net/ipv4/ping_group_range", range },
    };
    for (size_t i = 0; i < 2; i++) {
        cleanup_close int fd = open(settings[i][0], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || s1_write_all(fd, settings[i][1], strlen(settings[i][1])) < 0)
            return s1_fail(err, errno, "set %s", settings[i][0]);
    }
    return 0;
}

static bool is_known(const struct plan *plan, const struct supervisor *sv, int status_fd, int fd)
{
    if (fd <= STDERR_FILENO || fd == sv->signal_fd || fd == sv->null_fd || fd == status_fd || fd == sv->userns_fd ||
        fd == plan->metadata.pid1_fd)
        return true;
    for (size_t i = 0; i < plan->napps; i++) {
        if (plan->apps[i].log_fd == fd)
            return true;
        for (size_t c = 0; c < plan->ncgroups; c++)
            if (plan->apps[i].cgroup_fds[c] == fd)
                return true;
    }
    return false;
}

/* Whatever setting up the pod may have left open goes before the first app starts: PID 1
 * keeps exactly the descriptors it needs, and none of them is a directory. */
static int close_all_but_known(const struct plan *plan, const struct supervisor *sv, int status_fd, struct s1_error *err)
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return s1_fail(err, errno, "list PID 1's fds");
    int self = dirfd(dir);
    int extra[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dir)) && n < sizeof extra / sizeof *extra;) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] != '.' && fd != self && !is_known(plan, sv, status_fd, fd))
            extra[n++] = fd;
    }
    closedir(dir);
    for (size_t i = 0; i < n; i++) {
        s1_log("closing fd %d left from the pod's set-up", extra[i]);
        close(extra[i]);
    }
    return 0;
}

/* The pod's PID 1. Never returns. */
/* fly: whatever the apps left behind (reparented to us, the subreaper) goes with the pod. */
static void kill_leftovers(void)
{
    for (int round = 0; round < 100; round++) {
        bool any = false;
        DIR *proc = opendir("/proc");
        if (!proc)
            return;
        for (struct dirent *e; (e = readdir(proc));) {
            if (e->d_name[0] < '1' || e->d_name[0] > '9')
                continue;
            char path[300], line[512];
            snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
            if (read_small(path, line, sizeof line) <= 0)
                continue;
            char *paren = strrchr(line, ')');
            int ppid;
            if (paren && sscanf(paren + 1, " %*c %d", &ppid) == 1 && ppid == (int) getpid()) {
                kill(atoi(e->d_name), SIGKILL);
                any = true;
            }
        }
        closedir(proc);
        while (waitpid(-1, NULL, WNOHANG) > 0) {
        }
        if (!any)
            return;
        usleep(10000);
    }
}

static __attribute__((noreturn)) void pod_init(const struct flavor *flavor, struct plan *plan, int pod_fd, int lock_fd,
                                               int signal_fd, int status_fd, int userns_fd, bool detach, int sync_fd)
{
    struct s1_error err = { 0 };
    s1_status_fd = status_fd;
    /* the run process reports to a detached foreground, which reads to EOF: not our copy */
    if (s1_report_fd >= 0)
        close(s1_report_fd);
    s1_report_fd = -1;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
        s1_fail(&err, errno, "prctl PR_SET_PDEATHSIG");
        s1_die(&err);
    }
    /* the lock is the run process's; a directory fd of the pod must never reach the pod */
    close(lock_fd);
    /* no app may read our memory or open our fds and exe through /proc/1 */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        s1_fail(&err, errno, "prctl PR_SET_DUMPABLE");
        s1_die(&err);
    }

    struct supervisor sv = { .plan = plan, .userns_fd = userns_fd, .signal_fd = signal_fd, .detach = detach,
                             .own_pid_ns = flavor->own_namespaces };
    /* without a pid namespace, orphans of the apps must come to us rather than to the host's init */
    if (!flavor->own_namespaces && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        s1_fail(&err, errno, "prctl PR_SET_CHILD_SUBREAPER");
        s1_die(&err);
    }
    if (enter_namespaces(flavor, plan, pod_fd, &err) < 0 || mounts_make_root_slave(&err) < 0 ||
        open_network_to_userns(plan, &err) < 0)
        s1_die(&err);
    /* An fd opened before unshare(CLONE_NEWNS) names the host's mounts, on which nothing of
     * the pod may be mounted; our working directory moved into the new namespace with us. */
    close(pod_fd);
    pod_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pod_fd < 0) {
        s1_fail(&err, errno, "open the pod directory");
        s1_die(&err);
    }
    sv.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (sv.null_fd < 0) {
        s1_fail(&err, errno, "open /dev/null");
        s1_die(&err);
    }
    if (build_pod(plan, pod_fd, userns_fd, &err) < 0)
        s1_die(&err);
    close(pod_fd);
    /* The parent writes one byte once `pid` is recorded and we are in the pod's cgroups; EOF
     * means it died before our prctl took effect (getppid() cannot tell: the parent is outside
     * our pid namespace). Waited for only here, before the first process is forked (children
     * must start in the pod's cgroups) and before any app runs: the first write to a
     * cgroup.procs sleeps for an RCU grace period (ms), during which we build the pod. */
    char go;
    if (read(sync_fd, &go, 1) != 1)
        _exit(S1_EXIT_FAILURE);
    close(sync_fd);
    if (close_all_but_known(plan, &sv, status_fd, &err) < 0 || mds_start(plan, sv.null_fd, &err) < 0)
        s1_die(&err);
    if (apps_start_all(&sv, &err) < 0)
        s1_die(&err);
    int status = apps_supervise(&sv, &err);
    if (status < 0)
        s1_die(&err);
    if (!flavor->own_namespaces)
        kill_leftovers();
    _exit(status);
}

/* --detach: the foreground waits until the apps are up (or stage1 failed), then returns. */
int detach(const char *uuid, int pod_fd, struct s1_error *err)
{
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0)
        return s1_fail(err, errno, "pipe");
    pid_t child = fork();
    if (child < 0)
        return s1_fail(err, errno, "fork");
    if (child > 0) {
        close(report[1]);
        char buf[1200];
        size_t len = 0;
        for (;;) {
            ssize_t n = read(report[0], buf + len, sizeof buf - 1 - len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0 || (len += (size_t) n) == sizeof buf - 1)
                break;
        }
        if (len > 0 && buf[0] == 'R') {
            printf("%s\n", uuid);
            exit(0);
        }
        if (len > 0 && buf[0] == 'F') {
            /* every app started but some could not: the pod runs, its UUID is printed, the
             * reasons follow on stderr and the status says something went wrong */
            printf("%s\n", uuid);
            fflush(stdout);
            if (write(STDERR_FILENO, buf + 1, len - 1) < 0) {
                /* nowhere else to report */
            }
            _exit(S1_EXIT_FAILURE);
        }
        if (len == 0)
            return s1_fail(err, 0, "the pod ended before its apps started");
        if (write(STDERR_FILENO, buf, len) < 0) {
            /* nowhere else to report */
        }
        _exit(S1_EXIT_FAILURE);
    }
    close(report[0]);
    s1_report_fd = report[1];
    if (setsid() < 0)
        return s1_fail(err, errno, "setsid");
    /* stage1's own messages go to stage1.log: the caller may be reading our stdout to EOF */
    cleanup_close int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    cleanup_close int log_fd = openat(pod_fd, "stage1.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0640);
    if (null_fd < 0 || log_fd < 0)
        return s1_fail(err, errno, "open %s", null_fd < 0 ? "/dev/null" : "stage1.log");
    if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
        return s1_fail(err, errno, "redirect stdio");
    return 0;
}

/* With --detach the apps' output goes to logs/NAME.log; the files are opened here, by the
 * process that holds the pod directory, and inherited by PID 1 as plain file fds. */
int open_logs(struct plan *plan, int pod_fd, struct s1_error *err)
{
    if (mkdirat(pod_fd, "logs", 0750) < 0 && errno != EEXIST)
        return s1_fail(err, errno, "mkdir logs");
    for (size_t i = 0; i < plan->napps; i++) {
        struct app *app = &plan->apps[i];
        char path[4096];
        snprintf(path, sizeof path, "logs/%s.log", app->name);
        app->log_fd = openat(pod_fd, path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0640);
        if (app->log_fd < 0)
            return s1_fail(err, errno, "open %s", path);
    }
    return 0;
}

/* The pod's PID 1 goes into the flavor's cgroup (`stage1`) of every hierarchy. */
int place_pid1(const struct plan *plan, pid_t pid, struct s1_error *err)
{
    for (size_t i = 0; i < plan->ncgroups; i++) {
        const struct cgroup *cg = &plan->cgroups[i];
        char path[4096], value[32];
        snprintf(path, sizeof path, "%s/%s/stage1/cgroup.procs", cg->mountpoint, cg->path);
        snprintf(value, sizeof value, "%d", (int) pid);
        cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0 || s1_write_all(fd, value, strlen(value)) < 0)
            return s1_fail(err, errno, "move the pod's PID 1 into %s", path);
    }
    return 0;
}


/* Keeps the line a detached foreground prints for an app that could not start. */
static void note_failure(struct channel *ch, struct plan *plan, const char *line)
{
    const char *app = line + strlen("error "), *why = strchr(app, ' ');
    if (!why)
        return;
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int) (why - app), app);
    if (!plan_find_app(plan, name))
        return;
    int n = snprintf(ch->failed + ch->nfailed, sizeof ch->failed - ch->nfailed, "stage1: app %s: %s\n", name, why + 1);
    if (n > 0)
        ch->nfailed = ch->nfailed + (size_t) n < sizeof ch->failed ? ch->nfailed + (size_t) n : sizeof ch->failed - 1;
}

void channel_read(struct channel *ch, struct plan *plan, int pod_fd)
{
    ssize_t n = read(ch->fd, ch->buf + ch->len, sizeof ch->buf - 1 - ch->len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        ch->eof = true;
        return;
    }
    ch->len += (size_t) n;
    char *start = ch->buf, *nl;
    while ((nl = memchr(start, '\n', ch->len - (size_t) (start - ch->buf)))) {
        *nl = '\0';
        if (ch->flavor_line && ch->flavor_line(ch->flavor_data, start)) {
            /* a message of the flavor's own, handled */
        } else if (!strncmp(start, "fatal ", 6)) {
            if (s1_report_fd >= 0) {
                /* a detached foreground is waiting for the reason */
                char line[1300];
                int m = snprintf(line, sizeof line, "%s\n", start + 6);
                if (m > 0 && s1_write_all(s1_report_fd, line, (size_t) m < sizeof line ? (size_t) m : sizeof line - 1) < 0) {
                    /* the foreground is gone */
                }
                close(s1_report_fd);
                s1_report_fd = -1;
            }
        } else {
            if (!strncmp(start, "error ", 6))
                note_failure(ch, plan, start);
            if (status_record(plan, pod_fd, start) == 1 && s1_report_fd >= 0) {
                /* every app started (or could not): the detached foreground may return */
                char report[sizeof ch->failed + 1];
                report[0] = ch->nfailed ? 'F' : 'R';
                memcpy(report + 1, ch->failed, ch->nfailed);
                if (s1_write_all(s1_report_fd, report, ch->nfailed + 1) < 0) {
                    /* the foreground is gone; the pod runs on regardless */
                }
                close(s1_report_fd);
                s1_report_fd = -1;
            }
        }
        start = nl + 1;
    }
    ch->len -= (size_t) (start - ch->buf);
    memmove(ch->buf, start, ch->len);
    if (ch->len == sizeof ch->buf - 1)
        ch->len = 0; /* a line this long is not one PID 1 wrote */
}

int run_pod(const struct flavor *flavor, int argc, char **argv)
{
    struct s1_error err = { 0 };
    struct run_opts opts = { 0 };
    struct plan plan;
    umask(022);
    if (selfexec_sealed(argv, &err) < 0 || parse_args(argc, argv, &opts, &err) < 0 ||
        close_inherited_fds(opts.lock_fd, &err) < 0 || plan_load("plan", &plan, &err) < 0)
        s1_die(&err);
    int pod_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pod_fd < 0) {
        s1_fail(&err, errno, "open the pod directory");
        s1_die(&err);
    }
    /* after detaching: the foreground that returns at once never holds the pod's key */
    if ((opts.detach && (detach(opts.uuid, pod_fd, &err) < 0 || open_logs(&plan, pod_fd, &err) < 0)) ||
        mds_open(&plan, opts.uuid, pod_fd, &err) < 0)
        s1_die(&err);
    int userns_fd = plan.userns == USERNS_NONE ? -1 : make_userns(&plan, &err);
    if (plan.userns != USERNS_NONE && userns_fd < 0)
        s1_die(&err);

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGCHLD);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    int sync[2], status_pipe[2];
    if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0 || pipe2(sync, O_CLOEXEC) < 0 || pipe2(status_pipe, O_CLOEXEC) < 0) {
        s1_fail(&err, errno, "set up signals and pipes");
        s1_die(&err);
    }
    int signal_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
    if (signal_fd < 0) {
        s1_fail(&err, errno, "signalfd");
        s1_die(&err);
    }
    /* unshare(CLONE_NEWPID) only moves our children: the next fork is the pod's PID 1 */
    if (flavor->own_namespaces && unshare(CLONE_NEWPID) < 0) {
        s1_fail(&err, errno, "unshare the pid namespace");
        s1_die(&err);
    }
    pid_t init = fork();
    if (init < 0) {
        s1_fail(&err, errno, "fork the pod's PID 1");
        s1_die(&err);
    }
    if (init == 0) {
        mds_after_fork_pid1(&plan);
        close(sync[1]);
        close(status_pipe[0]);
        if (flavor->own_namespaces)
            hide_host_command_line(argc, argv);
        pod_init(flavor, &plan, pod_fd, opts.lock_fd, signal_fd, status_pipe[1], userns_fd, opts.detach, sync[0]);
    }
    close(sync[0]);
    close(status_pipe[1]);
    mds_after_fork_run(&plan);
    if (userns_fd >= 0)
        close(userns_fd);
    for (size_t i = 0; i < plan.napps; i++)
        if (plan.apps[i].log_fd >= 0)
            close(plan.apps[i].log_fd);
    /* only here, never inherited by the pod: a dead PID 1 must not kill us on write */
    signal(SIGPIPE, SIG_IGN);
    char buf[32];
    snprintf(buf, sizeof buf, "%d", (int) init);
    if (status_write(pod_fd, "pid", buf, &err) < 0)
        s1_die(&err); /* PID 1 dies with us: PR_SET_PDEATHSIG */
    /* PID 1 builds the pod meanwhile: one that failed at it has said why and ended, and its
     * status is reaped below, with no second error of ours (ESRCH, EPIPE) added to its line */
    if (place_pid1(&plan, init, &err) < 0 && err.errnum != ESRCH)
        s1_die(&err);
    if (write(sync[1], "1", 1) != 1 && errno != EPIPE) {
        s1_fail(&err, errno, "start the pod's PID 1");
        s1_die(&err);
    }

    struct channel ch = { .fd = status_pipe[0] };
    int status = S1_EXIT_FAILURE;
    bool ended = false;
    while (!ended || !ch.eof) {
        /* at EOF the pipe polls readable forever: leave it out, or this loop spins while the
         * kernel tears the pod's namespaces down (tens of ms of a core, at every pod's end) */
        struct pollfd fds[3] = { { .fd = signal_fd, .events = POLLIN }, { .fd = ch.eof ? -1 : ch.fd, .events = POLLIN },
                                 { .fd = plan.metadata.run_fd, .events = POLLIN } };
        /* once PID 1 is gone only its last messages remain to be read */
        if (poll(ended ? fds + 1 : fds, ended ? 1 : 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            s1_fail(&err, errno, "poll");
            s1_die(&err);
        }
        if (ended || fds[1].revents) {
            channel_read(&ch, &plan, pod_fd);
            if (ended)
                continue;
        }
        if (fds[2].revents && mds_answer(&plan) < 0) {
            /* the metadata server is gone */
            close(plan.metadata.run_fd);
            plan.metadata.run_fd = -1;
        }
        if (!fds[0].revents)
            continue;
        struct signalfd_siginfo si;
        ssize_t n = read(signal_fd, &si, sizeof si);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != sizeof si) {
            s1_fail(&err, errno, "read signalfd");
            s1_die(&err);
        }
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            s1_log("forwarding signal %d to the pod", (int) si.ssi_signo);
            kill(init, (int) si.ssi_signo);
            continue;
        }
        int ws;
        if (waitpid(init, &ws, WNOHANG) == init) {
            status = wait_status_code(ws);
            ended = true;
        }
    }
    /* A full disk must not turn the app's status into stage1's: say why the file is
     * missing and still exit with the pod's status. */
    snprintf(buf, sizeof buf, "%d", status);
    if (status_write(pod_fd, "exit", buf, &err) < 0) {
        char line[1200];
        s1_format(&err, line, sizeof line);
        if (s1_write_all(STDERR_FILENO, line, strlen(line)) < 0) {
            /* nowhere to report */
        }
    }
    return status;
}
