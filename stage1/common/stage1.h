/* The default stage1: shared declarations. Every function that can fail returns a negative
 * int and fills a struct s1_error with errno and context, in the manner of crun; callers add
 * their own context with s1_wrap. */
#ifndef STAGE1_H
#define STAGE1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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
/* Puts context in front of a recorded failure ("app web: " + msg) and returns -1. */
int s1_wrap(struct s1_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Formats the one line stage1 prints: "stage1: <what>: <strerror>\n". */
void s1_format(const struct s1_error *err, char *buf, size_t len);
/* Prints the error on stderr (and on the detach report fd or the status channel, if any)
 * and exits 254. */
__attribute__((noreturn)) void s1_die(const struct s1_error *err);
/* With --detach: the foreground process reads stage1's fatal error from this fd. */
extern int s1_report_fd;
/* In the pod's PID 1: the channel to the run process (status.c); s1_die reports on it. */
extern int s1_status_fd;
extern bool s1_debug;
void s1_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* write(2) until done; returns -1 with errno on failure. */
int s1_write_all(int fd, const char *buf, size_t len);

/* Cleanup attributes instead of goto chains. */
void s1_freep(void *p);
void s1_closep(int *fd);
void s1_fclosep(FILE **f);
#define cleanup_free __attribute__((cleanup(s1_freep)))
#define cleanup_close __attribute__((cleanup(s1_closep)))
#define cleanup_file __attribute__((cleanup(s1_fclosep)))

/* For mount calls whose new mount's fd the caller does not need: closes it; -1 stays -1. */
static inline int mounted(int mount_fd)
{
    if (mount_fd < 0)
        return -1;
    close(mount_fd);
    return 0;
}

/* Hands an fd out of a cleanup_close variable. */
static inline int take_fd(int *fd)
{
    int r = *fd;
    *fd = -1;
    return r;
}

/* ---- plan.c: the plan file, version 2 (docs/stage1-abi.md) ---- */

#define PLAN_VERSION "2"

enum net_mode { NET_HOST, NET_NONE, NET_JOIN };
enum volume_kind { VOLUME_HOST, VOLUME_EMPTY };
enum rootfs_kind { ROOTFS_UNSET, ROOTFS_OVERLAY, ROOTFS_DIR };

struct volume {
    char *name;
    enum volume_kind kind;
    char *path;          /* host path (host) or pod path (empty) */
};

struct cgroup {
    char *hierarchy;     /* "unified", or a v1 hierarchy's controllers */
    char *mountpoint;    /* where the host mounts the hierarchy */
    char *path;          /* the pod's cgroup, relative to the hierarchy's root */
};

struct app_mount {
    int line;
    char *volume;
    char *target;
    bool readonly;
    bool recursive;
};

struct app_file {
    int line;
    char *target;
    char *source;
};

struct cmd {
    char **argv;         /* NULL-terminated */
};

struct seccomp_filter {
    void *insns;         /* struct sock_filter[] */
    unsigned short len;
};

struct app {
    char *name;
    char **images;       /* lower layers, top first */
    size_t nimages;
    enum rootfs_kind rootfs;
    char *upper, *work;  /* ROOTFS_OVERLAY */
    char *dir;           /* ROOTFS_DIR */
    bool readonly_rootfs;
    struct app_mount *mounts;
    size_t nmounts;
    struct app_file *files;
    size_t nfiles;
    char **masks;
    size_t nmasks;
    char **readonly;
    size_t nreadonly;

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

    bool has_caps;
    uint64_t caps;
    bool nonewprivs;
    char *seccomp;       /* pod path of the filter, or NULL */
    bool has_oom_score_adj;
    int oom_score_adj;

    /* run-time state */
    char *root;          /* the app's root inside the pod's root, /opt/stage2/NAME/rootfs */
    int *cgroup_fds;     /* cgroup.procs of the app's cgroup, one per plan cgroup */
    struct seccomp_filter filter;
    pid_t pid;
    bool running;
    bool ended;
    int status;
    int log_fd;
};

enum userns_mode { USERNS_NONE, USERNS_IDMAP, USERNS_SHIFTED };

struct plan {
    char *hostname;
    enum userns_mode userns;   /* with a user namespace: ids 0..count-1 of the pod are host uid/gid.. */
    uid_t userns_uid;
    gid_t userns_gid;
    unsigned long userns_count;
    enum net_mode net;
    char *net_path;
    char *console;
    struct volume *volumes;
    size_t nvolumes;
    struct cgroup *cgroups;
    size_t ncgroups;
    struct app *apps;
    size_t napps;
};

/* Decodes one percent-encoded field in place; "%" alone is the empty field. */
int plan_decode_field(char *field, struct s1_error *err);
int plan_parse(const char *text, struct plan *plan, struct s1_error *err);
int plan_load(const char *path, struct plan *plan, struct s1_error *err);
struct app *plan_find_app(struct plan *plan, const char *name);
struct volume *plan_find_volume(struct plan *plan, const char *name);

/* ---- path.c: paths inside a root, never out of it ---- */

/* Opens PATH (an app path) as a process chrooted into root_fd would: symlinks and ".." stay
 * inside the root, magic links are refused. extra_flags: O_DIRECTORY, O_NOFOLLOW. Returns
 * an O_PATH fd, or -1 (errno ENOENT when it does not exist). */
int path_open_in_root(int root_fd, const char *path, int extra_flags, struct s1_error *err);
/* Like path_open_in_root, making what is missing: directories on the way (0755), and the
 * last component as a directory (dir) or an empty file. */
int path_make_in_root(int root_fd, const char *path, bool dir, struct s1_error *err);
/* Opens a pod path below pod_fd: no "..", no symlink; across no mount unless cross_mounts. */
int path_open_pod(int pod_fd, const char *path, int flags, bool cross_mounts, struct s1_error *err);
/* Whether two fds name the same inode on the same mount. */
bool path_same(int a, int b);

/* ---- mounts.c: the new mount API, on fds ---- */

/* Mounts a new filesystem of fstype on target_fd. options: NULL-terminated "key=value" or
 * "flag" strings; attrs: MOUNT_ATTR_*. Returns the new mount's root fd (O_PATH-like) or -1. */
int mount_new(const char *fstype, const char *const *options, unsigned attrs, int target_fd,
              struct s1_error *err);
/* Binds source_fd (file or directory) onto target_fd with attrs, idmapped into userns_fd when
 * it is not -1; returns the new mount's fd. */
int mount_bind(int source_fd, bool recursive, unsigned attrs, int userns_fd, int target_fd, struct s1_error *err);
/* A detached clone of the mount at source_fd (path: its path for messages), idmapped into userns_fd. */
int mount_idmapped_clone(int source_fd, bool recursive, unsigned attrs, int userns_fd, const char *path, struct s1_error *err);
/* Attaches a detached mount (from mount_idmapped_clone) onto target_fd; returns the mount's fd. */
int mount_attach(int mnt_fd, int target_fd, const char *what, struct s1_error *err);
/* Sets attrs on the mount at fd (and below it when recursive). */
int mount_set_attrs(int fd, bool recursive, unsigned attrs, struct s1_error *err);
/* The overlay of the layer fds (top first) with the writable upper/work fds. */
int mount_overlay(const int *layers, size_t nlayers, int upper_fd, int work_fd, int target_fd,
                  struct s1_error *err);
int mounts_make_root_slave(struct s1_error *err);
/* pivot_root into the mount at root_fd and detach the old root. */
int mounts_pivot(int root_fd, struct s1_error *err);

/* ---- rootfs.c: the pod's root and each app's root ---- */

/* What the host gives every app, opened before pivot_root. */
struct host_sources {
    int devices[6];      /* null zero full random urandom tty */
    int console;         /* the interactive app's terminal, or -1 */
    int userns;          /* the pod's user namespace (plan `userns`), or -1 */
};
int rootfs_open_host_sources(const struct plan *plan, struct host_sources *hs, struct s1_error *err);
void rootfs_close_host_sources(struct host_sources *hs);
/* Mounts an empty tmpfs over stage1/rootfs of the pod directory and returns its fd. */
int rootfs_make_pod_root(int pod_fd, struct s1_error *err);
/* Builds the app's root at /opt/stage2/NAME/rootfs below the pod root, as the plan says. */
int rootfs_make_app_root(struct plan *plan, struct app *app, int pod_fd, int pod_root_fd,
                         const struct host_sources *hs, struct s1_error *err);
/* A flavor that builds an app's root in two places (kvm: on the host, shared with a VM, and in
 * the VM's own kernel) calls these instead. The first mounts the root with the app's `file` and
 * `mount` lines; the second, where the app will run, adds the standard environment (over any
 * volume below /proc, /sys or /dev), the masks, read-only paths and a read-only root. */
int rootfs_make_shared_app_root(struct plan *plan, struct app *app, int pod_fd, int pod_root_fd, struct s1_error *err);
int rootfs_finish_shared_app_root(struct plan *plan, struct app *app, int root, const struct host_sources *hs,
                                  struct s1_error *err);

/* ---- confine.c: what an app process does to itself before it execs ---- */

/* Opens what the app's processes will need once the host is out of sight: its cgroups,
 * its seccomp filter. Before pivot_root (in enter: before joining the pod). */
int confine_prepare(const struct plan *plan, struct app *app, int pod_fd, struct s1_error *err);
/* Moves the calling process into the app's cgroups (a new cgroup namespace on v2) and sets
 * its oom_score_adj; /proc must be the pod's. */
int confine_cgroups_and_oom(const struct plan *plan, const struct app *app, struct s1_error *err);
/* Joins the pod's user namespace (when it has one): after the cgroups, before the root. */
int confine_userns(int userns_fd, struct s1_error *err);
/* Groups, user, capabilities, no_new_privs and the seccomp filter, in the ABI's order.
 * Call last before execve, in the app's root. */
int confine_credentials(const struct app *app, uid_t uid, gid_t gid, const gid_t *groups,
                        size_t ngroups, struct s1_error *err);

/* ---- status.c: what stage1 records in the pod directory ---- */

long long epoch_ms(void);
/* Writes a file relative to the pod directory fd atomically (temp file + rename). */
int status_write(int pod_fd, const char *relpath, const char *content, struct s1_error *err);
int status_read_pid(const char *path, pid_t *pid, struct s1_error *err);
/* PID 1 reports to the run process, which alone holds the pod directory: one line a message. */
void status_send(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The run process records one message; returns 1 for "ready", 0 otherwise. Failures to
 * record are reported on stderr and do not stop the pod. A message naming no app of the
 * plan is ignored: whatever PID 1 says is checked, since apps share its namespaces. */
int status_record(struct plan *plan, int pod_fd, char *line);

/* ---- apps.c: starting and supervising apps in the pod's PID 1 ---- */

struct supervisor {
    struct plan *plan;
    bool own_pid_ns;     /* the supervisor is the pod's PID 1 (else apps get PDEATHSIG) */
    int userns_fd;       /* the apps' user namespace, or -1 */
    int null_fd;         /* /dev/null, opened before pivot_root */
    int signal_fd;       /* SIGCHLD, SIGTERM, SIGINT */
    bool detach;
};

/* Starts every app in order, running its pre-start handlers first. */
int apps_start_all(struct supervisor *sv, struct s1_error *err);
/* Reaps children, forwards signals, runs post-stop handlers; returns the pod status. */
int apps_supervise(struct supervisor *sv, struct s1_error *err);
/* Status conventions: exit code, or 128+signal. */
int wait_status_code(int wstatus);

/* ---- selfexec.c ---- */

/* Re-executes this binary from a sealed memfd copy unless it already runs from one, so
 * that no process of the pod can reach stage1's file through /proc/PID/exe. */
int selfexec_sealed(char **argv, struct s1_error *err);

/* ---- run.c: the run entrypoint, for each flavor of this binary ---- */

struct flavor {
    const char *name;
    /* default: new pid, uts, ipc and network namespaces (as the plan says) with the supervisor
     * as PID 1; fly: the host's, with only a mount namespace of the pod's own */
    bool own_namespaces;
};
int run_pod(const struct flavor *flavor, int argc, char **argv);

/* Pieces of run.c another flavor's run entrypoint (kvm/) uses as they are. */
struct run_opts {
    bool detach;
    int lock_fd;
    const char *uuid;
};
int parse_args(int argc, char **argv, struct run_opts *o, struct s1_error *err);
/* Keeps only stdio and the lock fd (made close-on-exec). */
int close_inherited_fds(int lock_fd, struct s1_error *err);
int bring_up_loopback(struct s1_error *err);
/* Joins the network namespace of the plan's "net join PATH" (PATH in the pod directory, or absolute). */
int join_pod_network(const struct plan *plan, int pod_fd, struct s1_error *err);
/* --detach: returns in a new session whose stdout and stderr are stage1.log; the caller's
 * process waits for the report (s1_report_fd) and exits. */
int detach(const char *uuid, int pod_fd, struct s1_error *err);
/* --detach: opens logs/NAME.log as each app's log_fd. */
int open_logs(struct plan *plan, int pod_fd, struct s1_error *err);
/* Moves pid into the pod's `stage1` cgroup of every hierarchy. */
int place_pid1(const struct plan *plan, pid_t pid, struct s1_error *err);

/* What PID 1 reports, read by the run process. Lines longer than the buffer are dropped. */
struct channel {
    int fd;
    char buf[4096];
    size_t len;
    bool eof;
    char failed[1100];   /* "stage1: app NAME: WHY" lines of apps that could not start */
    size_t nfailed;
    /* a flavor's own messages: returns true for a line it handled (may be NULL) */
    bool (*flavor_line)(void *data, const char *line);
    void *flavor_data;
};
/* Reads and records what is there; sets eof at the end. */
void channel_read(struct channel *ch, struct plan *plan, int pod_fd);

/* ---- entrypoints (default/) ---- */

int cmd_run(int argc, char **argv);
int cmd_fly(int argc, char **argv);
int cmd_enter(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_gc(int argc, char **argv);
/* kvm/: the kvm flavor's run on the host, its guest's init, its enter and gc */
int cmd_kvm(int argc, char **argv);
int cmd_kvm_guest(int argc, char **argv);
int cmd_kvm_enter(int argc, char **argv);
int cmd_kvm_gc(int argc, char **argv);
/* default/: what kvm shares with the default flavor's enter and stop */
/* execve, searching the app environment's PATH when argv[0] has no '/'; returns on failure */
int exec_cmd(char **argv, char **env, struct s1_error *err);
/* SIGKILL to every process in the pod's cgroups, until none is left */
void kill_pod_cgroups(void);

#endif
