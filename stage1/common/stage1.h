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

#include "libc_compat.h"

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
/* strerror, in glibc's words (stage1 links musl, whose words differ for some). */
const char *s1_strerror(int errnum);
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

/* The plan's `metadata` line: the appc metadata service the pod's stage1 serves (mds.c). */
enum metadata_mode { METADATA_OFF, METADATA_REQUIRED, METADATA_OPTIONAL };

struct metadata_resource {
    enum { MDS_GET, MDS_SIGN, MDS_VERIFY } action;
    char *path;          /* the request path it answers, decoded */
    char *type;          /* MDS_GET: the Content-Type */
    char *body;          /* MDS_GET: the body */
    size_t body_len;
};

struct metadata {
    enum metadata_mode mode;
    char *address;       /* IPv4, dotted quad */
    unsigned port;
    char *resources;     /* pod path of the resource table */
    char *keys;          /* host path of the directory of the pods' HMAC keys */
    /* at run time */
    struct metadata_resource *table;
    size_t ntable;
    int run_fd, pid1_fd; /* the socket pair between the run process and the server */
};

struct plan {
    char *hostname;
    struct metadata metadata;
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
/* For timeouts: never jumps with the wall clock. */
long long monotonic_ms(void);
/* Reads a small file (/proc, /sys, cgroup files) at once into buf, NUL-terminated: the bytes
 * read, 0 when empty, -1 when it cannot be opened or read. */
ssize_t read_small(const char *path, char *buf, size_t size);
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

/* ---- sha512.c: SHA-512, HMAC-SHA512, base64 ---- */

#define SHA512_SIZE 64
#define SHA512_BLOCK 128
struct sha512 {
    uint64_t h[8];
    uint64_t len;
    uint8_t buf[SHA512_BLOCK];
    size_t used;
};
struct hmac_sha512 {
    struct sha512 inner, outer;
};
void sha512_init(struct sha512 *s);
void sha512_update(struct sha512 *s, const void *data, size_t len);
void sha512_final(struct sha512 *s, uint8_t out[SHA512_SIZE]);
void hmac_sha512_init(struct hmac_sha512 *m, const void *key, size_t key_len);
void hmac_sha512_update(struct hmac_sha512 *m, const void *data, size_t len);
void hmac_sha512_final(struct hmac_sha512 *m, uint8_t out[SHA512_SIZE]);
/* Compares without stopping at the first difference. */
bool equal_constant_time(const void *a, const void *b, size_t len);
/* Writes 4*ceil(len/3) characters and a NUL to out; returns the characters written. */
size_t base64_encode(const uint8_t *in, size_t len, char *out);
/* Standard alphabet with padding; -1 if in is not that or does not fit in max bytes. */
int base64_decode(const char *in, size_t len, uint8_t *out, size_t max, size_t *out_len);

/* ---- mds.c, mds_sign.c: the appc metadata service (docs/metadata.md) ----
 *
 * The run process (host namespaces, the pod directory) holds the pod's HMAC key and signs and
 * verifies; the pod's PID 1 gives the service its address inside the pod's network namespace
 * and forks the server, an unprivileged process that answers HTTP from the resource table and
 * asks the run process, over a socket pair, for signatures. Nothing of the key enters the pod. */

/* A form's 'content' to sign or verify holds at most this many bytes. */
#define MDS_CONTENT_MAX (64 * 1024)
/* A request of the server to the run process: 'S' CONTENT, or 'V' UUID(36) HMAC(64) CONTENT. */
#define MDS_MESSAGE_MAX (1 + 36 + SHA512_SIZE + MDS_CONTENT_MAX)

/* The plan's `metadata` line (plan.c calls it for the line's fields). */
int mds_parse_plan_line(struct plan *plan, int line, char **f, size_t n, struct s1_error *err);
/* Reads the resource table (a pod path) into m->table. */
int mds_load_table(struct metadata *m, int pod_fd, struct s1_error *err);
/* In run, before the pod's PID 1 exists: the resource table, the pod's key and the socket
 * pair. A failure of an optional service turns it off and is recorded in the status file
 * `metadata-service`; of a required one (or a bad resource table) it is returned. */
int mds_open(struct plan *plan, const char *uuid, int pod_fd, struct s1_error *err);
/* Right after the fork of PID 1: the run process closes PID 1's end of the pair; PID 1 closes
 * the run process's end and wipes its copy of the key. */
void mds_after_fork_run(struct plan *plan);
void mds_after_fork_pid1(struct plan *plan);
/* In run: answers one request of the server; returns -1 once the server is gone. */
int mds_answer(struct plan *plan);
/* In the pod's PID 1, in the pod's network namespace, after the pod is built and before any
 * app starts: the service's address, its listening socket and the server. Sets the apps'
 * AC_METADATA_URL when it serves. A failure of an optional service is reported to run and
 * the pod goes on without it; of a required one it is returned. */
int mds_start(struct plan *plan, int null_fd, struct s1_error *err);
/* In PID 1: a child was reaped; reports it when it was the server. */
bool mds_reaped(pid_t pid, int wstatus);
/* In run: records PID 1's "metadata up|down WHY" in the status file `metadata-service`. */
void mds_record_status(struct plan *plan, int pod_fd, const char *message);
/* In enter: the command gets AC_METADATA_URL when the pod's service is up. */
void mds_enter_environment(struct plan *plan, struct app *app, int pod_fd);
/* AC_METADATA_URL=http://ADDRESS:PORT in buf. */
void mds_url_variable(const struct metadata *m, char *buf, size_t len);

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
/* Parses enter's flags (--debug, --app=NAME, then "--" or the command): the index of the
 * command in argv, or -1 with err set. */
int enter_args(int argc, char **argv, const char **app_name, struct s1_error *err);
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
/* enter's last step (both flavors), once in the app's cgroups: chroot to the app's root, its
 * workdir, uid 0 confined as confine_credentials confines the app, then execve; never returns */
void exec_as_app_root(const struct app *app, char **argv) __attribute__((noreturn));
/* SIGKILL to every process in the pod's cgroups, until none is left */
void kill_pod_cgroups(void);

#endif
