/* run: create the pod's PID 1 in new namespaces, wait for it, record the pod's status. */
#define _GNU_SOURCE
#include "../common/stage1.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

struct run_opts {
    bool detach;
    int lock_fd;
    const char *uuid;
};

static int parse_args(int argc, char **argv, struct run_opts *o, struct s1_error *err)
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
static int close_inherited_fds(int lock_fd, struct s1_error *err)
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

static int bring_up_loopback(struct s1_error *err)
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

static int enter_namespaces(const struct plan *plan, struct s1_error *err)
{
    int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
    if (plan->net == NET_JOIN) {
        cleanup_close int fd = open(plan->net_path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return s1_fail(err, errno, "open network namespace %s", plan->net_path);
        if (setns(fd, CLONE_NEWNET) < 0)
            return s1_fail(err, errno, "join network namespace %s", plan->net_path);
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
}

/* The pod's PID 1. Never returns. */
static __attribute__((noreturn)) void pod_init(struct plan *plan, int pod_fd, int signal_fd,
                                               bool detach, int sync_fd)
{
    struct s1_error err = { 0 };
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
        s1_fail(&err, errno, "prctl PR_SET_PDEATHSIG");
        s1_die(&err);
    }
    /* The parent writes one byte once `pid` is recorded; EOF means it died before our
     * prctl took effect (getppid() cannot tell: the parent is outside our pid namespace). */
    char go;
    if (read(sync_fd, &go, 1) != 1)
        _exit(S1_EXIT_FAILURE);
    close(sync_fd);

    struct supervisor sv = { .plan = plan, .pod_fd = pod_fd, .signal_fd = signal_fd, .detach = detach };
    if (enter_namespaces(plan, &err) < 0 || mounts_make_root_slave(&err) < 0)
        s1_die(&err);
    sv.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (sv.null_fd < 0) {
        s1_fail(&err, errno, "open /dev/null");
        s1_die(&err);
    }
    if (apps_open_logs(&sv, &err) < 0 || mounts_apply(plan, &err) < 0 || apps_start_all(&sv, &err) < 0)
        s1_die(&err);
    int status = apps_supervise(&sv, &err);
    if (status < 0)
        s1_die(&err);
    _exit(status);
}

/* --detach: the foreground waits until the apps are up (or stage1 failed), then returns. */
static int detach(const char *uuid, int pod_fd, struct s1_error *err)
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
    cleanup_close int log_fd = openat(pod_fd, "stage1.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
    if (null_fd < 0 || log_fd < 0)
        return s1_fail(err, errno, "open %s", null_fd < 0 ? "/dev/null" : "stage1.log");
    if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
        return s1_fail(err, errno, "redirect stdio");
    return 0;
}

int cmd_run(int argc, char **argv)
{
    struct s1_error err = { 0 };
    struct run_opts opts = { 0 };
    struct plan plan;
    if (parse_args(argc, argv, &opts, &err) < 0 || close_inherited_fds(opts.lock_fd, &err) < 0 ||
        plan_load("plan", &plan, &err) < 0)
        s1_die(&err);
    int pod_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pod_fd < 0) {
        s1_fail(&err, errno, "open the pod directory");
        s1_die(&err);
    }
    if (opts.detach && detach(opts.uuid, pod_fd, &err) < 0)
        s1_die(&err);

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGCHLD);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    int sync[2];
    if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0 || pipe2(sync, O_CLOEXEC) < 0) {
        s1_fail(&err, errno, "set up signals");
        s1_die(&err);
    }
    int signal_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
    if (signal_fd < 0) {
        s1_fail(&err, errno, "signalfd");
        s1_die(&err);
    }
    /* unshare(CLONE_NEWPID) only moves our children: the next fork is the pod's PID 1 */
    if (unshare(CLONE_NEWPID) < 0) {
        s1_fail(&err, errno, "unshare the pid namespace");
        s1_die(&err);
    }
    pid_t init = fork();
    if (init < 0) {
        s1_fail(&err, errno, "fork the pod's PID 1");
        s1_die(&err);
    }
    if (init == 0) {
        close(sync[1]);
        hide_host_command_line(argc, argv);
        pod_init(&plan, pod_fd, signal_fd, opts.detach, sync[0]);
    }
    close(sync[0]);
    /* only here, never inherited by the pod: a dead PID 1 must not kill us on write */
    signal(SIGPIPE, SIG_IGN);
    char buf[32];
    snprintf(buf, sizeof buf, "%d", (int) init);
    if (status_write(pod_fd, "pid", buf, &err) < 0)
        s1_die(&err); /* PID 1 dies with us: PR_SET_PDEATHSIG */
    if (write(sync[1], "1", 1) != 1) {
        s1_fail(&err, errno, "start the pod's PID 1");
        s1_die(&err);
    }
    if (s1_report_fd >= 0) {
        close(s1_report_fd); /* PID 1 reports from here on */
        s1_report_fd = -1;
    }

    int status = S1_EXIT_FAILURE;
    for (;;) {
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
        pid_t r = waitpid(init, &ws, WNOHANG);
        if (r == init) {
            status = wait_status_code(ws);
            break;
        }
    }
    snprintf(buf, sizeof buf, "%d", status);
    if (status_write(pod_fd, "exit", buf, &err) < 0)
        s1_die(&err);
    return status;
}
