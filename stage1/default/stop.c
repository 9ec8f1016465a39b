/* stop and gc. */
#define _GNU_SOURCE
#include "../common/stage1.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>

/* SIGKILL to every process in the cgroup dir and below it; returns how many it signalled. */
static int kill_cgroup_tree(int dir_fd, int depth)
{
    int killed = 0;
    cleanup_close int procs = openat(dir_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (procs >= 0) {
        char buf[8192];
        ssize_t n = read(procs, buf, sizeof buf - 1);
        if (n > 0) {
            buf[n] = '\0';
            for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                if (kill(atoi(line), SIGKILL) == 0)
                    killed++;
        }
    }
    if (depth > 2)
        return killed;
    DIR *d = fdopendir(dup(dir_fd));
    if (!d)
        return killed;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        cleanup_close int child = openat(dir_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (child >= 0)
            killed += kill_cgroup_tree(child, depth + 1);
    }
    closedir(d);
    return killed;
}

/* --force: what the pod's processes are, its cgroups say, whatever became of PID 1 (a flavor
 * without a pid namespace has no kernel to kill them all with it). */
void kill_pod_cgroups(void)
{
    struct plan plan;
    struct s1_error err = { 0 };
    if (plan_load("plan", &plan, &err) < 0)
        return;
    for (int round = 0; round < 50; round++) {
        int killed = 0;
        for (size_t i = 0; i < plan.ncgroups; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", plan.cgroups[i].mountpoint, plan.cgroups[i].path);
            cleanup_close int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dir >= 0)
                killed += kill_cgroup_tree(dir, 0);
        }
        if (!killed)
            return;
        usleep(20000);
    }
}

int cmd_stop(int argc, char **argv)
{
    struct s1_error err = { 0 };
    int sig = SIGTERM;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--force"))
            sig = SIGKILL;
        else {
            s1_fail(&err, 0, "usage: stop [--force]");
            s1_die(&err);
        }
    }
    /* stage0 calls stop only while it sees the pod's lock held, so `pid` is current */
    pid_t pid;
    if (status_read_pid("pid", &pid, &err) < 0)
        s1_die(&err);
    if (kill(pid, sig) < 0) {
        s1_fail(&err, errno, "signal the pod's PID 1 (%d)", (int) pid);
        s1_die(&err);
    }
    if (sig == SIGKILL)
        kill_pod_cgroups();
    return 0;
}

int cmd_gc(int argc, char **argv)
{
    struct s1_error err = { 0 };
    const char *uuid = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--debug"))
            s1_debug = true;
        else if (argv[i][0] != '-' && !uuid)
            uuid = argv[i];
        else {
            s1_fail(&err, 0, "usage: gc [--debug] UUID");
            s1_die(&err);
        }
    }
    if (!uuid) {
        s1_fail(&err, 0, "usage: gc [--debug] UUID");
        s1_die(&err);
    }
    /* Every mount the default flavor makes lives in the pod's own mount namespace and every
     * process in its pid namespace; both vanish with PID 1. The network namespace and CNI
     * are stage0's. So there is nothing left to undo, and gc succeeds however often it runs. */
    s1_log("gc %s: nothing to undo", uuid);
    return 0;
}
