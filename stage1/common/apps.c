/* Starting and supervising the apps; runs in the pod's PID 1. */
#define _GNU_SOURCE
#include "stage1.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

int wait_status_code(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return S1_EXIT_FAILURE;
}

/* The child side of a spawn: become the app and exec argv. A failure is written as one
 * line to error_fd (close-on-exec, so silence means the exec succeeded). */
static __attribute__((noreturn)) void become_app(struct supervisor *sv, struct app *app,
                                                 char **argv, bool is_main, int error_fd)
{
    struct s1_error err = { 0 };
    /* an app starts with default signal handling, whatever the caller ignored (e.g. a
     * shell's background job ignores SIGINT) */
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    if (!(is_main && app->interactive && !sv->detach) && dup2(sv->null_fd, STDIN_FILENO) < 0)
        s1_fail(&err, errno, "stdin");
    else if (app->log_fd >= 0 && (dup2(app->log_fd, STDOUT_FILENO) < 0 || dup2(app->log_fd, STDERR_FILENO) < 0))
        s1_fail(&err, errno, "redirect output to logs/%s.log", app->name);
    else if (confine_cgroups_and_oom(sv->plan, app, &err) < 0 || confine_userns(sv->userns_fd, &err) < 0)
        ;
    else if (chroot(app->root) < 0)
        s1_fail(&err, errno, "chroot %s", app->root);
    else if (chdir(app->workdir ? app->workdir : "/") < 0)
        s1_fail(&err, errno, "workdir %s", app->workdir ? app->workdir : "/");
    else if (confine_credentials(app, app->uid, app->gid, app->groups, app->ngroups, &err) < 0)
        ;
    /* without a pid namespace to die with, an app dies with its supervisor (set after the
     * credential changes, which clear it) */
    else if (!sv->own_pid_ns && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        s1_fail(&err, errno, "prctl PR_SET_PDEATHSIG");
    else {
        execve(argv[0], argv, app->env);
        s1_fail(&err, errno, "exec %s", argv[0]);
    }
    char line[1200];
    s1_format(&err, line, sizeof line);
    /* the error file holds the reason without the "stage1: " prefix and the newline */
    const char *why = line + strlen("stage1: ");
    line[strcspn(line, "\n")] = '\0';
    if (write(error_fd, why, strlen(why)) < 0) {
        /* nothing left to tell anyone */
    }
    _exit(S1_EXIT_FAILURE);
}

/* Forks a process that becomes the app (or one of its handlers). On a failure to start,
 * returns -1 with the reason in why (the child has been reaped, *status holds its code). */
static int spawn(struct supervisor *sv, struct app *app, char **argv, bool is_main, pid_t *pid,
                 char *why, size_t whylen, struct s1_error *err)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return s1_fail(err, errno, "pipe");
    cleanup_close int rd = pipefd[0];
    pid_t child = fork();
    if (child < 0) {
        close(pipefd[1]);
        return s1_fail(err, errno, "fork for app %s", app->name);
    }
    if (child == 0) {
        close(rd);
        become_app(sv, app, argv, is_main, pipefd[1]);
    }
    close(pipefd[1]);
    *pid = child;
    size_t len = 0;
    for (;;) {
        ssize_t n = read(rd, why + len, whylen - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || (len += (size_t) n) >= whylen - 1)
            break;
    }
    why[len] = '\0';
    return len > 0 ? 1 : 0;
}

static int wait_for(pid_t pid)
{
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            return S1_EXIT_FAILURE;
    return wait_status_code(ws);
}

static void record_exit(struct app *app, int status)
{
    app->status = status;
    app->running = false;
    app->ended = true;
    status_send("exited %s %d %lld", app->name, status, epoch_ms());
}

static int fail_start(struct app *app, const char *why, int status)
{
    /* the one line a user sees of it (with --detach, the run process sends it to the caller) */
    fprintf(stderr, "stage1: app %s: %s\n", app->name, why);
    fflush(stderr);
    status_send("error %s %s", app->name, why);
    record_exit(app, status);
    return 0;
}

/* Runs one handler to completion; returns its status, 0 on success. */
static int run_handler(struct supervisor *sv, struct app *app, struct cmd *handler, const char *kind,
                       char *why, size_t whylen, struct s1_error *err)
{
    pid_t pid;
    int r = spawn(sv, app, handler->argv, false, &pid, why, whylen, err);
    if (r < 0)
        return -1;
    int status = wait_for(pid);
    if (r == 0 && status != 0)
        snprintf(why, whylen, "%s handler %s exited with status %d", kind, handler->argv[0], status);
    return status;
}

static int start_app(struct supervisor *sv, struct app *app, struct s1_error *err)
{
    char why[1200];
    for (size_t i = 0; i < app->nprestart; i++) {
        int status = run_handler(sv, app, &app->prestart[i], "pre-start", why, sizeof why, err);
        if (status < 0)
            return -1;
        if (status != 0)
            return fail_start(app, why, status);
    }
    pid_t pid;
    int r = spawn(sv, app, app->argv, true, &pid, why, sizeof why, err);
    if (r < 0)
        return -1;
    if (r > 0)
        return fail_start(app, why, wait_for(pid));
    app->pid = pid;
    app->running = true;
    s1_log("app %s started as pid %d", app->name, (int) pid);
    status_send("started %s %lld", app->name, epoch_ms());
    return 0;
}

int apps_start_all(struct supervisor *sv, struct s1_error *err)
{
    for (size_t i = 0; i < sv->plan->napps; i++)
        if (start_app(sv, &sv->plan->apps[i], err) < 0)
            return -1;
    status_send("ready");
    return 0;
}

static struct app *app_by_pid(struct plan *plan, pid_t pid)
{
    for (size_t i = 0; i < plan->napps; i++)
        if (plan->apps[i].running && plan->apps[i].pid == pid)
            return &plan->apps[i];
    return NULL;
}

static int app_ended(struct supervisor *sv, struct app *app, int status, struct s1_error *err)
{
    s1_log("app %s exited with status %d", app->name, status);
    record_exit(app, status);
    for (size_t i = 0; i < app->npoststop; i++) {
        char why[1200];
        int r = run_handler(sv, app, &app->poststop[i], "post-stop", why, sizeof why, err);
        if (r < 0)
            return -1;
        /* a failing post-stop handler changes nothing about the app; say so and go on */
        if (r != 0)
            fprintf(stderr, "stage1: app %s: %s\n", app->name, why);
    }
    return 0;
}

static bool any_running(const struct plan *plan)
{
    for (size_t i = 0; i < plan->napps; i++)
        if (plan->apps[i].running)
            return true;
    return false;
}

int apps_supervise(struct supervisor *sv, struct s1_error *err)
{
    while (any_running(sv->plan)) {
        struct signalfd_siginfo si;
        ssize_t n = read(sv->signal_fd, &si, sizeof si);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != sizeof si)
            return s1_fail(err, errno, "read signalfd");
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            for (size_t i = 0; i < sv->plan->napps; i++)
                if (sv->plan->apps[i].running)
                    kill(sv->plan->apps[i].pid, (int) si.ssi_signo);
            continue;
        }
        /* SIGCHLD: reap everything, orphans included, since we are the pod's init */
        int ws;
        pid_t pid;
        while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
            struct app *app = app_by_pid(sv->plan, pid);
            if (app && app_ended(sv, app, wait_status_code(ws), err) < 0)
                return -1;
            if (!app)
                mds_reaped(pid, ws);
        }
    }
    for (size_t i = 0; i < sv->plan->napps; i++)
        if (sv->plan->apps[i].status != 0)
            return sv->plan->apps[i].status;
    return 0;
}
