/* The default stage1: shared declarations. Every function that can fail returns a negative
 * int and fills a struct s1_error with errno and context, in the manner of crun. */
#ifndef STAGE1_H
#define STAGE1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

/* The exit status stage1 uses for its own failures. */
#define S1_EXIT_FAILURE 254

struct s1_error {
    int errnum;          /* errno, or 0 when the failure is not a system call's */
    char msg[1024];      /* what failed, e.g. "mount proc on /proc" */
};

/* Records a failure and returns -1, so callers can `return s1_fail(err, errno, ...)`. */
int s1_fail(struct s1_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Formats the one line stage1 prints: "stage1: <what>: <strerror>". */
void s1_format(const struct s1_error *err, char *buf, size_t len);
/* Prints the error on stderr (and on the detach report fd, if any) and exits 254. */
__attribute__((noreturn)) void s1_die(const struct s1_error *err);
/* With --detach: the foreground process reads stage1's fatal error from this fd. */
extern int s1_report_fd;
extern bool s1_debug;
void s1_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Cleanup attributes instead of goto chains. */
void s1_freep(void *p);
void s1_closep(int *fd);
void s1_fclosep(FILE **f);
#define cleanup_free __attribute__((cleanup(s1_freep)))
#define cleanup_close __attribute__((cleanup(s1_closep)))
#define cleanup_file __attribute__((cleanup(s1_fclosep)))

/* ---- plan.c: the plan file (docs/stage1-abi.md) ---- */

enum net_mode { NET_HOST, NET_NONE, NET_JOIN };
enum op_kind { OP_MKDIR, OP_TOUCH, OP_SYMLINK, OP_MOUNT, OP_ROOT };

struct pod_op {
    enum op_kind kind;
    int line;            /* for error messages */
    char *args[5];       /* decoded fields after the keyword */
    mode_t mode;         /* OP_MKDIR */
    unsigned long flags; /* OP_MOUNT: MS_* except propagation */
    unsigned long propagation; /* OP_MOUNT: MS_PRIVATE/MS_SLAVE (| MS_REC) or 0 */
};

struct cmd {
    char **argv;         /* NULL-terminated */
};

struct app {
    char *name;
    char *root;
    char **argv;
    char **env;          /* NULL-terminated, exactly the plan's */
    size_t nenv;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    size_t ngroups;
    char *workdir;
    struct cmd *prestart;
    size_t nprestart;
    struct cmd *poststop;
    size_t npoststop;
    bool interactive;

    /* run-time state, owned by apps.c */
    pid_t pid;
    bool running;
    bool ended;
    int status;
    int log_fd;
};

struct plan {
    char *hostname;
    enum net_mode net;
    char *net_path;
    struct pod_op *ops;
    size_t nops;
    struct app *apps;
    size_t napps;
};

/* Decodes one percent-encoded field in place; "%" alone is the empty field. */
int plan_decode_field(char *field, struct s1_error *err);
int plan_parse(const char *text, struct plan *plan, struct s1_error *err);
int plan_load(const char *path, struct plan *plan, struct s1_error *err);
struct app *plan_find_app(struct plan *plan, const char *name);

/* ---- mounts.c: the pod lines ---- */

int mounts_make_root_slave(struct s1_error *err);
int mounts_apply(const struct plan *plan, struct s1_error *err);
int mkdir_p(const char *path, mode_t mode, struct s1_error *err);

/* ---- status.c: files stage1 writes in the pod directory ---- */

long long epoch_ms(void);
/* Writes a file relative to the pod directory fd atomically (temp file + rename). */
int status_write(int pod_fd, const char *relpath, const char *content, struct s1_error *err);
int status_app_dir(int pod_fd, const char *app, struct s1_error *err);
int status_app_file(int pod_fd, const char *app, const char *file, const char *content,
                    struct s1_error *err);
int status_read_pid(const char *path, pid_t *pid, struct s1_error *err);

/* ---- apps.c: starting and supervising apps in the pod's PID 1 ---- */

struct supervisor {
    struct plan *plan;
    int pod_fd;          /* the pod directory, opened before pivot_root */
    int null_fd;         /* /dev/null, opened before pivot_root */
    int signal_fd;       /* SIGCHLD, SIGTERM, SIGINT */
    bool detach;
};

/* Opens per-app logs (with --detach); must run before pivot_root. */
int apps_open_logs(struct supervisor *sv, struct s1_error *err);
/* Starts every app in order, running its pre-start handlers first. */
int apps_start_all(struct supervisor *sv, struct s1_error *err);
/* Reaps children, forwards signals, runs post-stop handlers; returns the pod status. */
int apps_supervise(struct supervisor *sv, struct s1_error *err);
/* Status conventions: exit code, or 128+signal. */
int wait_status_code(int wstatus);

/* ---- entrypoints (default/) ---- */

int cmd_run(int argc, char **argv);
int cmd_enter(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_gc(int argc, char **argv);

#endif
