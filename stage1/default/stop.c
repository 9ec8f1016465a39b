/* stop and gc. */
#include "../common/stage1.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

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
