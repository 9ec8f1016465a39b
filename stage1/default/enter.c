/* enter: run a command in a running pod's namespaces and an app's root. */
#define _GNU_SOURCE
#include "../common/stage1.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const struct {
    const char *name;
    int type;
} namespaces[] = {
    /* user first (it grants the rights for the rest), mount last (it changes what /proc is) */
    { "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
    { "net", CLONE_NEWNET },   { "pid", CLONE_NEWPID }, { "cgroup", CLONE_NEWCGROUP },
    { "mnt", CLONE_NEWNS },
};
#define NNS (sizeof namespaces / sizeof *namespaces)

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int join_pod(pid_t pid, struct s1_error *err)
{
    int fds[NNS];
    char path[64], self[64];
    for (size_t i = 0; i < NNS; i++) {
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) pid, namespaces[i].name);
        snprintf(self, sizeof self, "/proc/self/ns/%s", namespaces[i].name);
        fds[i] = -1;
        /* joining our own user namespace is EINVAL; skipping the same ones keeps it simple */
        if (same_file(path, self))
            continue;
        fds[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0)
            return s1_fail(err, errno, "open %s", path);
    }
    /* the pod's root, resolved now while /proc is still ours */
    snprintf(path, sizeof path, "/proc/%d/root", (int) pid);
    cleanup_close int root_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return s1_fail(err, errno, "open %s", path);
    for (size_t i = 0; i < NNS; i++) {
        if (fds[i] < 0)
            continue;
        int r = setns(fds[i], namespaces[i].type);
        int e = errno;
        close(fds[i]);
        if (r < 0)
            return s1_fail(err, e, "join the pod's %s namespace", namespaces[i].name);
    }
    if (fchdir(root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
        return s1_fail(err, errno, "enter the pod's root");
    return 0;
}

/* The pod's user namespace: the apps' (PID 1 stays in the host's to build the pod). Found
 * through a child of PID 1 whose user namespace is not ours. */
static int open_pod_userns(pid_t pid1, struct s1_error *err)
{
    struct stat self;
    if (stat("/proc/self/ns/user", &self) < 0)
        return s1_fail(err, errno, "stat /proc/self/ns/user");
    DIR *proc = opendir("/proc");
    if (!proc)
        return s1_fail(err, errno, "open /proc");
    int found = -1;
    for (struct dirent *e; found < 0 && (e = readdir(proc));) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], stat_line[512];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (read_small(path, stat_line, sizeof stat_line) <= 0)
            continue;
        /* "pid (comm) state ppid ...": comm may hold anything, the last ')' ends it */
        char *close_paren = strrchr(stat_line, ')');
        int ppid;
        if (!close_paren || sscanf(close_paren + 1, " %*c %d", &ppid) != 1 || ppid != (int) pid1)
            continue;
        snprintf(path, sizeof path, "/proc/%s/ns/user", e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && (st.st_ino != self.st_ino || st.st_dev != self.st_dev))
            found = open(path, O_RDONLY | O_CLOEXEC);
    }
    closedir(proc);
    if (found < 0)
        return s1_fail(err, 0, "enter: no app of the pod is running in its user namespace");
    return found;
}

static const char *env_get(char **env, const char *key)
{
    size_t len = strlen(key);
    for (; *env; env++)
        if (!strncmp(*env, key, len) && (*env)[len] == '=')
            return *env + len + 1;
    return NULL;
}

void exec_as_app_root(const struct app *app, char **argv)
{
    struct s1_error err = { 0 };
    const char *workdir = app->workdir ? app->workdir : "/";
    if (chroot(app->root) < 0) {
        s1_fail(&err, errno, "chroot %s", app->root);
        s1_die(&err);
    }
    if (chdir(workdir) < 0) {
        s1_fail(&err, errno, "workdir %s", workdir);
        s1_die(&err);
    }
    if (confine_credentials(app, 0, 0, NULL, 0, &err) < 0)
        s1_die(&err);
    exec_cmd(argv, app->env, &err);
    s1_die(&err);
}

/* execve, searching the app environment's PATH when cmd has no '/'. Returns on failure. */
int exec_cmd(char **argv, char **env, struct s1_error *err)
{
    if (strchr(argv[0], '/')) {
        execve(argv[0], argv, env);
        return s1_fail(err, errno, "exec %s", argv[0]);
    }
    const char *path = env_get(env, "PATH");
    if (!path)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    int last = ENOENT;
    for (const char *p = path;; p++) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t) (colon - p) : strlen(p);
        char candidate[4096];
        snprintf(candidate, sizeof candidate, "%.*s/%s", (int) len, len ? p : ".", argv[0]);
        execve(candidate, argv, env);
        if (errno != ENOENT && errno != ENOTDIR)
            last = errno;
        if (!colon)
            break;
        p = colon;
    }
    return s1_fail(err, last, "exec %s", argv[0]);
}

int cmd_enter(int argc, char **argv)
{
    struct s1_error err = { 0 };
    /* enter's process joins the pod: it must be as unreachable for the apps as PID 1 */
    if (selfexec_sealed(argv, &err) < 0)
        s1_die(&err);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        s1_fail(&err, errno, "prctl PR_SET_DUMPABLE");
        s1_die(&err);
    }
    const char *app_name;
    int i = enter_args(argc, argv, &app_name, &err);
    if (i < 0)
        s1_die(&err);
    char **cmd = argv + i;

    struct plan plan;
    pid_t pid;
    if (plan_load("plan", &plan, &err) < 0 || status_read_pid("pid", &pid, &err) < 0)
        s1_die(&err);
    struct app *app = plan_find_app(&plan, app_name);
    if (!app) {
        s1_fail(&err, 0, "enter: the pod has no app '%s'", app_name);
        s1_die(&err);
    }
    {
        cleanup_close int pod_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pod_fd < 0) {
            s1_fail(&err, errno, "open the pod directory");
            s1_die(&err);
        }
        if (confine_prepare(&plan, app, pod_fd, &err) < 0)
            s1_die(&err);
        mds_enter_environment(&plan, app, pod_fd);
    }
    int userns_fd = plan.userns == USERNS_NONE ? -1 : open_pod_userns(pid, &err);
    if ((plan.userns != USERNS_NONE && userns_fd < 0) || join_pod(pid, &err) < 0)
        s1_die(&err);
    /* The signals a process sends to enter (a script's timeout, a unit stopping) are passed to the
     * command, and enter waits for its end; a terminal's own signals reach the command directly,
     * as it is in the terminal's process group. Blocked before the fork so none is missed. */
    sigset_t waited, old;
    sigemptyset(&waited);
    for (const int *sig = (const int[]) { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, 0 }; *sig; sig++)
        sigaddset(&waited, *sig);
    sigprocmask(SIG_BLOCK, &waited, &old);
    pid_t parent = getpid();
    /* setns(pid) applies to children only */
    pid_t child = fork();
    if (child < 0) {
        s1_fail(&err, errno, "fork");
        s1_die(&err);
    }
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        /* an enter killed outright takes its command along (confine_credentials keeps the signal
         * across its change of ids). While it lives, getppid() is 0 (the parent is outside the
         * pod's pid namespace) or the parent (fly); another means it is gone already. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || (getppid() != 0 && getppid() != parent))
            _exit(S1_EXIT_FAILURE);
        /* confined as the app is, but as root: enter is the operator's way in */
        if (confine_cgroups_and_oom(&plan, app, &err) < 0 || confine_userns(userns_fd, &err) < 0)
            s1_die(&err);
        exec_as_app_root(app, cmd);
    }
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&waited, &info);
        if (sig < 0 && errno != EINTR) {
            s1_fail(&err, errno, "sigwaitinfo");
            s1_die(&err);
        }
        if (sig > 0 && sig != SIGCHLD && info.si_code <= 0) /* from a process (SI_USER, SI_QUEUE, SI_TKILL) */
            kill(child, sig);
        int ws;
        pid_t done = waitpid(child, &ws, WNOHANG);
        if (done < 0 && errno != EINTR) {
            s1_fail(&err, errno, "wait");
            s1_die(&err);
        }
        if (done == child)
            return wait_status_code(ws);
    }
}
