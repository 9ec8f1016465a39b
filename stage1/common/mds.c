/* The appc metadata service inside the pod (docs/metadata.md, docs/stage1-abi.md "metadata").
 *
 * PID 1 puts the service's address on the pod's own loopback, listens there and forks the
 * server before any app starts. The address exists only in the pod's network namespace and the
 * socket hears only what comes through lo, so a connection can only come from a process of this
 * pod (or host root entering it): that, not anything a request says, is what names the pod. The server is the one part of stage1 that
 * parses what apps send, so it runs as nobody, without capabilities, under a seccomp filter that
 * lets it open nothing, holding only its listening socket and its end of the socket pair to the
 * run process, which keeps the pod's key and signs. What it answers to GET comes from the
 * resource table stage0 wrote: stage1 decides no content and no path. */
#define _GNU_SOURCE
#include "stage1.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

/* What one request may hold: the request line and headers, and a form body. */
#define HEADER_MAX 8192
#define BODY_MAX (256 * 1024)
/* Connections served at once; more wait in the listen backlog. */
#define MAX_CONNECTIONS 16
/* A connection that has not sent its whole request by then is closed. */
#define REQUEST_DEADLINE_MS 10000
/* how long an answered connection may still send before it is closed (see finish_connection) */
#define LINGER_MS 1000
#define SEND_TIMEOUT_S 5
/* The server's user: nobody. */
#define SERVER_ID 65534

/* ---- the plan line and the resource table ---- */

int mds_parse_plan_line(struct plan *plan, int line, char **f, size_t n, struct s1_error *err)
{
    struct metadata *m = &plan->metadata;
    if (n != 5)
        return s1_fail(err, 0, "plan line %d: 'metadata' takes 5 fields (MODE ADDRESS PORT RESOURCES KEYS), not %zu", line, n);
    if (m->mode != METADATA_OFF)
        return s1_fail(err, 0, "plan line %d: a second 'metadata' line", line);
    if (!strcmp(f[0], "required"))
        m->mode = METADATA_REQUIRED;
    else if (!strcmp(f[0], "optional"))
        m->mode = METADATA_OPTIONAL;
    else
        return s1_fail(err, 0, "plan line %d: metadata mode '%s' is not 'required' or 'optional'", line, f[0]);
    struct in_addr a;
    if (inet_pton(AF_INET, f[1], &a) != 1)
        return s1_fail(err, 0, "plan line %d: metadata address '%s' is not an IPv4 address", line, f[1]);
    char *end;
    errno = 0;
    unsigned long port = strtoul(f[2], &end, 10);
    if (errno || *end || end == f[2] || f[2][0] == '-' || port == 0 || port > 65535)
        return s1_fail(err, 0, "plan line %d: metadata port '%s' is not 1..65535", line, f[2]);
    if (!*f[3] || f[3][0] == '/')
        return s1_fail(err, 0, "plan line %d: metadata resources '%s' is not a path relative to the pod directory", line, f[3]);
    if (f[4][0] != '/')
        return s1_fail(err, 0, "plan line %d: metadata keys '%s' is not an absolute path", line, f[4]);
    m->address = strdup(f[1]);
    m->resources = strdup(f[3]);
    m->keys = strdup(f[4]);
    if (!m->address || !m->resources || !m->keys)
        return s1_fail(err, ENOMEM, "plan line %d", line);
    m->port = (unsigned) port;
    return 0;
}

void mds_url_variable(const struct metadata *m, char *buf, size_t len)
{
    snprintf(buf, len, "AC_METADATA_URL=http://%s:%u", m->address, m->port);
}

static const struct metadata_resource *find_resource(const struct metadata *m, const char *path)
{
    for (size_t i = 0; i < m->ntable; i++)
        if (!strcmp(m->table[i].path, path))
            return &m->table[i];
    return NULL;
}

/* Splits a table line into decoded fields; returns the count or -1. */
static int table_fields(char *line, int lineno, char **fields, int max, struct s1_error *err)
{
    int n = 0;
    for (char *p = line;;) {
        char *sp = strchr(p, ' ');
        if (sp)
            *sp = '\0';
        if (n == max)
            return s1_fail(err, 0, "metadata resources line %d: too many fields", lineno);
        if (!*p || plan_decode_field(p, err) < 0)
            return s1_fail(err, 0, "metadata resources line %d: a field is empty or badly encoded", lineno);
        fields[n++] = p;
        if (!sp)
            return n;
        p = sp + 1;
    }
}

static int add_resource(struct metadata *m, int lineno, char **f, int n, struct s1_error *err)
{
    struct metadata_resource r = { 0 };
    if (!strcmp(f[0], "get") && n == 4)
        r.action = MDS_GET;
    else if (!strcmp(f[0], "sign") && n == 2)
        r.action = MDS_SIGN;
    else if (!strcmp(f[0], "verify") && n == 2)
        r.action = MDS_VERIFY;
    else
        return s1_fail(err, 0, "metadata resources line %d: not 'get PATH TYPE BODY', 'sign PATH' or 'verify PATH'", lineno);
    if (f[1][0] != '/')
        return s1_fail(err, 0, "metadata resources line %d: path '%s' is not absolute", lineno, f[1]);
    if (find_resource(m, f[1]))
        return s1_fail(err, 0, "metadata resources line %d: path '%s' given twice", lineno, f[1]);
    r.path = strdup(f[1]);
    if (r.action == MDS_GET) {
        r.type = strdup(f[2]);
        r.body = strdup(f[3]);
        r.body_len = strlen(f[3]);
    }
    struct metadata_resource *t = realloc(m->table, (m->ntable + 1) * sizeof *t);
    if (!r.path || (r.action == MDS_GET && (!r.type || !r.body)) || !t)
        return s1_fail(err, ENOMEM, "metadata resources");
    m->table = t;
    m->table[m->ntable++] = r;
    return 0;
}

#define TABLE_MAX_BYTES (16 << 20)

int mds_load_table(struct metadata *m, int pod_fd, struct s1_error *err)
{
    cleanup_close int fd = path_open_pod(pod_fd, m->resources, O_RDONLY | O_NONBLOCK | O_NOCTTY, false, err);
    if (fd < 0)
        return s1_wrap(err, "metadata resources");
    size_t len = 0, cap = 1 << 16;
    cleanup_free char *text = malloc(cap);
    if (!text)
        return s1_fail(err, ENOMEM, "metadata resources");
    for (;;) {
        if (len + 1 >= cap) {
            if (cap >= TABLE_MAX_BYTES)
                return s1_fail(err, EFBIG, "read %s", m->resources);
            char *bigger = realloc(text, cap *= 2);
            if (!bigger)
                return s1_fail(err, ENOMEM, "metadata resources");
            text = bigger;
        }
        ssize_t r = read(fd, text + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return s1_fail(err, errno, "read %s", m->resources);
        if (r == 0)
            break;
        len += (size_t) r;
    }
    text[len] = '\0';
    if (strlen(text) != len)
        return s1_fail(err, 0, "%s: holds a NUL byte", m->resources);
    int lineno = 0;
    for (char *line = text, *next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!*line || line[0] == '#')
            continue;
        char *fields[5];
        int n = table_fields(line, lineno, fields, 5, err);
        if (n < 0 || add_resource(m, lineno, fields, n, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- PID 1: the address, the socket, the server ---- */

static pid_t server_pid = -1;

/* Adds ADDRESS/32 to the pod's lo (host scope: never a source for traffic leaving the pod). */
static int add_address(const char *address, struct s1_error *err)
{
    struct in_addr a;
    if (inet_pton(AF_INET, address, &a) != 1)
        return s1_fail(err, 0, "metadata address %s", address);
    unsigned index = if_nametoindex("lo");
    if (!index)
        return s1_fail(err, errno, "find the pod's lo");
    cleanup_close int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return s1_fail(err, errno, "open a netlink socket");
    struct {
        struct nlmsghdr nh;
        struct ifaddrmsg ifa;
        char attrs[2 * RTA_SPACE(sizeof a)];
    } req;
    memset(&req, 0, sizeof req);
    req.nh.nlmsg_type = RTM_NEWADDR;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    req.nh.nlmsg_seq = 1;
    req.ifa.ifa_family = AF_INET;
    req.ifa.ifa_prefixlen = 32;
    req.ifa.ifa_scope = RT_SCOPE_HOST;
    req.ifa.ifa_index = index;
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.ifa);
    static const unsigned short types[] = { IFA_LOCAL, IFA_ADDRESS };
    for (size_t i = 0; i < 2; i++) {
        struct rtattr *rta = (struct rtattr *) ((char *) &req + NLMSG_ALIGN(req.nh.nlmsg_len));
        rta->rta_type = types[i];
        rta->rta_len = RTA_LENGTH(sizeof a);
        memcpy(RTA_DATA(rta), &a, sizeof a);
        req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_SPACE(sizeof a);
    }
    if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
        return s1_fail(err, errno, "add %s to the pod's lo", address);
    char reply[4096];
    ssize_t n = recv(fd, reply, sizeof reply, 0);
    if (n < 0)
        return s1_fail(err, errno, "add %s to the pod's lo", address);
    struct nlmsghdr *h = (struct nlmsghdr *) reply;
    if (!NLMSG_OK(h, (size_t) n) || h->nlmsg_type != NLMSG_ERROR)
        return s1_fail(err, EPROTO, "add %s to the pod's lo", address);
    int e = -((struct nlmsgerr *) NLMSG_DATA(h))->error;
    /* a network namespace stage0 joined may already have it */
    if (e && e != EEXIST)
        return s1_fail(err, e, "add %s to the pod's lo", address);
    return 0;
}

static int listen_on(const struct metadata *m, struct s1_error *err)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t) m->port) };
    inet_pton(AF_INET, m->address, &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return s1_fail(err, errno, "socket");
    /* The kernel takes a packet for any of its addresses on any interface: a pod on the same
     * bridge could send one for ADDRESS to this pod's eth0. Bound to lo, the socket hears only
     * what comes through lo, which is what processes of this network namespace send. */
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3) < 0) {
        int e = errno;
        close(fd);
        return s1_fail(err, e, "bind the metadata service to lo");
    }
    if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(fd, 64) < 0) {
        int e = errno;
        close(fd);
        return s1_fail(err, e, "listen on %s:%u", m->address, m->port);
    }
    return fd;
}

static void set_url(struct plan *plan)
{
    char var[128];
    mds_url_variable(&plan->metadata, var, sizeof var);
    size_t keylen = strcspn(var, "=") + 1;
    for (size_t i = 0; i < plan->napps; i++) {
        struct app *app = &plan->apps[i];
        size_t j = 0;
        while (j < app->nenv && strncmp(app->env[j], var, keylen))
            j++;
        char *copy = strdup(var);
        if (j == app->nenv) {
            char **env = copy ? realloc(app->env, (app->nenv + 2) * sizeof *env) : NULL;
            if (!env) {
                free(copy);
                continue; /* out of memory this early: the app goes without */
            }
            app->env = env;
            app->env[app->nenv++] = NULL;
            app->env[app->nenv] = NULL;
        }
        if (copy)
            app->env[j] = copy;
    }
}

static __attribute__((noreturn)) void serve(struct metadata *m, int listen_fd, int run_fd, int ready_fd, int null_fd);

static int start_server(struct plan *plan, int null_fd, struct s1_error *err)
{
    struct metadata *m = &plan->metadata;
    if (add_address(m->address, err) < 0)
        return -1;
    cleanup_close int listen_fd = listen_on(m, err);
    if (listen_fd < 0)
        return -1;
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        return s1_fail(err, errno, "pipe");
    pid_t pid = fork();
    if (pid < 0) {
        close(ready[0]);
        close(ready[1]);
        return s1_fail(err, errno, "fork the metadata server");
    }
    if (pid == 0) {
        close(ready[0]);
        serve(m, listen_fd, m->pid1_fd, ready[1], null_fd);
    }
    close(ready[1]);
    /* the server closes its end once it serves, or writes why it cannot */
    char why[600];
    size_t len = 0;
    for (;;) {
        ssize_t n = read(ready[0], why + len, sizeof why - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || (len += (size_t) n) == sizeof why - 1)
            break;
    }
    close(ready[0]);
    why[len] = '\0';
    if (len > 0) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
        return s1_fail(err, 0, "the metadata server: %s", why);
    }
    server_pid = pid;
    s1_log("metadata service at http://%s:%u, server pid %d", m->address, m->port, (int) pid);
    return 0;
}

int mds_start(struct plan *plan, int null_fd, struct s1_error *err)
{
    struct metadata *m = &plan->metadata;
    if (m->mode == METADATA_OFF)
        return 0;
    int r = start_server(plan, null_fd, err);
    /* the server has its own copy; PID 1 keeps no way to the run process */
    close(m->pid1_fd);
    m->pid1_fd = -1;
    if (r == 0) {
        set_url(plan);
        status_send("metadata up");
        return 0;
    }
    if (m->mode == METADATA_REQUIRED)
        return s1_wrap(err, "metadata service");
    char line[1200];
    s1_format(err, line, sizeof line);
    line[strcspn(line, "\n")] = '\0';
    status_send("metadata down %s", line + strlen("stage1: "));
    memset(err, 0, sizeof *err);
    m->mode = METADATA_OFF;
    return 0;
}

bool mds_reaped(pid_t pid, int wstatus)
{
    if (pid != server_pid || server_pid < 0)
        return false;
    server_pid = -1;
    status_send("metadata down the metadata server ended with status %d", wait_status_code(wstatus));
    return true;
}

/* ---- the server: privileges ---- */

/* The system calls the server makes, and anything else kills it: no open, no exec, no new
 * socket, so the server reaches no file and nothing but its two sockets and its clients. */
static int install_server_filter(struct s1_error *err)
{
#if defined(__x86_64__)
#define SERVER_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SERVER_ARCH AUDIT_ARCH_AARCH64
#else
#error "the metadata server's seccomp filter needs this architecture's AUDIT_ARCH"
#endif
    static const int allowed[] = {
        __NR_read, __NR_write, __NR_close, __NR_accept4, __NR_sendto, __NR_recvfrom, __NR_sendmsg,
        __NR_recvmsg, __NR_setsockopt, __NR_shutdown, __NR_fcntl, __NR_ppoll, __NR_clock_gettime,
        __NR_brk, __NR_mmap, __NR_munmap, __NR_mremap, __NR_madvise, __NR_rt_sigreturn, __NR_exit,
        __NR_exit_group, __NR_getpid, __NR_gettid, __NR_tgkill, __NR_rt_sigprocmask, __NR_getrandom,
#ifdef __NR_poll
        __NR_poll,
#endif
    };
    enum { N = sizeof allowed / sizeof *allowed };
    struct sock_filter prog[4 + N + 2];
    size_t i = 0;
    prog[i++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    prog[i++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SERVER_ARCH, 1, 0);
    prog[i++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    prog[i++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    for (size_t s = 0; s < N; s++)
        /* on a match, jump to the ALLOW after the list; else fall through to the next test */
        prog[i++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned) allowed[s], (unsigned char) (N - s), 0);
    prog[i++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    prog[i++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog fprog = { .len = (unsigned short) i, .filter = prog };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
        return s1_fail(err, errno, "install the server's seccomp filter");
    return 0;
}

/* Becomes nobody without capabilities, with nothing inherited but the two sockets (as fds 3
 * and 4) and /dev/null on 0, 1 and 2: no terminal an app could reach through us. */
static int drop_privileges(int *listen_fd, int *run_fd, int *ready_fd, int null_fd, struct s1_error *err)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        return s1_fail(err, errno, "prctl PR_SET_PDEATHSIG");
    prctl(PR_SET_NAME, "mds", 0, 0, 0);

    /* fds 3, 4, 5 out of the way first: dup2 onto one of ours would close it */
    int l = fcntl(*listen_fd, F_DUPFD_CLOEXEC, 10), r = fcntl(*run_fd, F_DUPFD_CLOEXEC, 10);
    int y = fcntl(*ready_fd, F_DUPFD_CLOEXEC, 10);
    if (l < 0 || r < 0 || y < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(null_fd, 2) < 0 ||
        dup3(l, 3, O_CLOEXEC) < 0 || dup3(r, 4, O_CLOEXEC) < 0 || dup3(y, 5, O_CLOEXEC) < 0)
        return s1_fail(err, errno, "arrange the server's fds");
    *listen_fd = 3, *run_fd = 4, *ready_fd = 5;
    if (close_range(6, ~0U, 0) < 0)
        return s1_fail(err, errno, "close inherited fds");

    for (unsigned long cap = 0; cap < 64; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
            break;
    if (setgroups(0, NULL) < 0 || setresgid(SERVER_ID, SERVER_ID, SERVER_ID) < 0 ||
        setresuid(SERVER_ID, SERVER_ID, SERVER_ID) < 0)
        return s1_fail(err, errno, "become uid %d", SERVER_ID);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return s1_fail(err, errno, "prctl");
    return install_server_filter(err);
}

/* ---- the server: HTTP ---- */

struct request {
    char method[16];
    char path[HEADER_MAX];
    size_t header_len;   /* bytes up to the body */
    long long content_length;
    bool has_length;
    bool chunked;
    bool expect_continue;
    char content_type[256];
};

struct connection {
    int fd;
    char *buf;
    size_t len;
    long long deadline;
    bool continued;      /* "100 Continue" sent */
    bool closing;        /* answered: what the client still sends is dropped (finish_connection) */
    struct request *rq;  /* once the head is whole: parsed once (parsing writes into buf) */
};

struct form {
    const char *content, *uuid, *signature;
    size_t content_len, uuid_len, signature_len;
    /* decoded values live here */
    char *storage;
};

static const char *reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

static void send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* the client is gone or stalled past the send timeout */
        buf += n;
        len -= (size_t) n;
    }
}

/* Sends the whole response; the connection is closed after it. */
static int respond(int fd, int status, const char *extra_header, const char *type, const char *body,
                   size_t body_len, bool head)
{
    /* the response is written with a blocking socket and a time limit */
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    struct timeval tv = { .tv_sec = SEND_TIMEOUT_S };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    char header[1024];
    int n = snprintf(header, sizeof header,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n",
                     status, reason(status), type, body_len, extra_header ? extra_header : "");
    send_all(fd, header, (size_t) n < sizeof header ? (size_t) n : sizeof header - 1);
    if (!head)
        send_all(fd, body, body_len);
    return 0;
}

#define TEXT "text/plain; charset=us-ascii"

static int respond_text(int fd, int status, const char *extra_header, const char *message)
{
    char body[512];
    int n = snprintf(body, sizeof body, "%s\n", message);
    return respond(fd, status, extra_header, TEXT, body, (size_t) n < sizeof body ? (size_t) n : sizeof body - 1, false);
}

static int hex(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes in[0..len) into out (which may be in) and NUL-terminates it. A form value
 * (form) takes '+' for a space and may hold any byte; a path may not hold a NUL. Returns the
 * decoded length, or -1 for a bad escape. */
static long percent_decode(const char *in, size_t len, char *out, bool form)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (c == '%') {
            int hi = i + 2 < len ? hex(in[i + 1]) : -1, lo = hi < 0 ? -1 : hex(in[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (char) (hi << 4 | lo);
            i += 2;
        } else if (c == '+' && form) {
            c = ' ';
        }
        if (c == '\0' && !form)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return (long) o;
}

static bool header_is(const char *line, size_t len, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (len <= n || strncasecmp(line, name, n) || line[n] != ':')
        return false;
    const char *v = line + n + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    *value = v;
    return true;
}

/* Parses the request line and headers of buf (NUL-terminated at the end of the headers).
 * Returns 0, or the status to answer with. */
static int parse_head(char *buf, struct request *rq)
{
    memset(rq, 0, sizeof *rq);
    char *eol = strchr(buf, '\n');
    if (!eol)
        return 400;
    *eol = '\0';
    if (eol > buf && eol[-1] == '\r')
        eol[-1] = '\0';
    char *sp1 = strchr(buf, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || strchr(sp2 + 1, ' ') || (size_t) (sp1 - buf) >= sizeof rq->method || sp1 == buf ||
        (strcmp(sp2 + 1, "HTTP/1.1") && strcmp(sp2 + 1, "HTTP/1.0")))
        return 400;
    memcpy(rq->method, buf, (size_t) (sp1 - buf));
    char *target = sp1 + 1;
    *sp2 = '\0';
    if (target[0] != '/')
        return 400;
    size_t path_len = strcspn(target, "?#");
    long n = percent_decode(target, path_len, rq->path, false);
    if (n < 0)
        return 400;
    /* ".../annotations/" names what ".../annotations" does */
    if (n > 1 && rq->path[n - 1] == '/')
        rq->path[n - 1] = '\0';
    for (char *line = eol + 1; *line;) {
        char *end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        size_t len = (size_t) (end - line);
        if (len && line[len - 1] == '\r')
            len--;
        char saved = line[len];
        line[len] = '\0';
        const char *v;
        if (header_is(line, len, "Content-Length", &v)) {
            char *e;
            errno = 0;
            long long cl = strtoll(v, &e, 10);
            if (errno || e == v || *e || v[0] == '-' || v[0] == '+' || (rq->has_length && cl != rq->content_length))
                return 400;
            rq->content_length = cl;
            rq->has_length = true;
        } else if (header_is(line, len, "Transfer-Encoding", &v)) {
            rq->chunked = true;
        } else if (header_is(line, len, "Expect", &v)) {
            rq->expect_continue = !strcasecmp(v, "100-continue");
        } else if (header_is(line, len, "Content-Type", &v)) {
            snprintf(rq->content_type, sizeof rq->content_type, "%s", v);
        }
        line[len] = saved;
        line = *end ? end + 1 : end;
    }
    return 0;
}

/* Stores one form field, refusing a second one of the same name. */
static int set_field(struct form *form, const char *name, size_t name_len, const char *value, size_t value_len)
{
    static const char *const names[] = { "content", "uuid", "signature" };
    const char **slots[] = { &form->content, &form->uuid, &form->signature };
    size_t *lens[] = { &form->content_len, &form->uuid_len, &form->signature_len };
    for (size_t i = 0; i < 3; i++) {
        if (name_len != strlen(names[i]) || memcmp(name, names[i], name_len))
            continue;
        if (*slots[i])
            return -1;
        *slots[i] = value;
        *lens[i] = value_len;
    }
    return 0;
}

/* application/x-www-form-urlencoded: decodes in place. */
static int parse_urlencoded(char *body, size_t len, struct form *form)
{
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        char *pair = body + i;
        size_t pair_len = end - i;
        char *eq = memchr(pair, '=', pair_len);
        if (pair_len > 0) {
            if (!eq)
                return -1;
            size_t name_len = (size_t) (eq - pair), value_len = pair_len - name_len - 1;
            body[end] = '\0'; /* over the '&' or the NUL after the body */
            long vn = percent_decode(eq + 1, value_len, eq + 1, true);
            long nn = percent_decode(pair, name_len, pair, true);
            if (vn < 0 || nn < 0 || set_field(form, pair, (size_t) nn, eq + 1, (size_t) vn) < 0)
                return -1;
        }
        i = end + 1;
    }
    return 0;
}

static const char *memmem_str(const char *hay, size_t len, const char *needle)
{
    return memmem(hay, len, needle, strlen(needle));
}

/* multipart/form-data (RFC 7578): the parts between the boundary lines; only each part's
 * Content-Disposition name matters. */
static int parse_multipart(char *body, size_t len, const char *content_type, struct form *form)
{
    const char *b = strcasestr(content_type, "boundary=");
    if (!b)
        return -1;
    b += strlen("boundary=");
    char boundary[80];
    size_t blen = 0;
    bool quoted = *b == '"';
    for (b += quoted; *b && blen < 70 && (quoted ? *b != '"' : (*b != ';' && *b != ' ')); b++)
        boundary[blen++] = *b;
    if (blen == 0 || blen >= 70)
        return -1;
    char delim[80] = "--";
    memcpy(delim + 2, boundary, blen);
    delim[blen + 2] = '\0';
    const char *p = memmem_str(body, len, delim);
    if (!p)
        return -1;
    for (;;) {
        p += strlen(delim);
        size_t left = len - (size_t) (p - body);
        if (left >= 2 && !memcmp(p, "--", 2))
            return 0; /* the closing delimiter */
        if (left < 2 || memcmp(p, "\r\n", 2))
            return -1;
        p += 2;
        left -= 2;
        const char *head_end = memmem_str(p, left, "\r\n\r\n");
        if (!head_end)
            return -1;
        const char *name = NULL;
        size_t name_len = 0;
        for (const char *h = p; h < head_end;) {
            const char *eol = memmem_str(h, (size_t) (head_end - h) + 2, "\r\n");
            if (!eol)
                eol = head_end;
            if ((size_t) (eol - h) > 20 && !strncasecmp(h, "Content-Disposition:", 20)) {
                const char *n = h;
                /* the parameter name=, not the end of filename= */
                do
                    n = memmem_str(n + 1, (size_t) (eol - n - 1), "name=\"");
                while (n && n[-1] != ' ' && n[-1] != ';');
                if (n) {
                    n += 6;
                    const char *q = memchr(n, '"', (size_t) (eol - n));
                    if (!q)
                        return -1;
                    name = n;
                    name_len = (size_t) (q - n);
                }
            }
            h = eol + 2;
        }
        const char *value = head_end + 4;
        /* the part ends at CRLF followed by the delimiter */
        char crlf_delim[84] = "\r\n";
        memcpy(crlf_delim + 2, delim, blen + 3);
        const char *next = memmem_str(value, len - (size_t) (value - body), crlf_delim);
        if (!next)
            return -1;
        if (name) {
            size_t value_len = (size_t) (next - value);
            ((char *) value)[value_len] = '\0'; /* over the '\r' */
            if (set_field(form, name, name_len, value, value_len) < 0)
                return -1;
        }
        p = next + 2;
    }
}

/* The request to the run process and its answer, one message each way. */
static int ask_run(int run_fd, const char *msg, size_t len, char *reply, size_t reply_max)
{
    if (send(run_fd, msg, len, MSG_NOSIGNAL) != (ssize_t) len)
        return -1;
    for (;;) {
        ssize_t n = recv(run_fd, reply, reply_max - 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        reply[n] = '\0';
        return (int) n;
    }
}

static bool canonical_uuid(const char *s, size_t len)
{
    if (len != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (hex(s[i]) < 0) {
            return false;
        }
    }
    return true;
}

static int sign_or_verify(int fd, int run_fd, const struct metadata_resource *res, struct request *rq, char *body)
{
    struct form form = { 0 };
    size_t len = (size_t) rq->content_length;
    body[len] = '\0';
    int r;
    if (!rq->content_type[0] || !strncasecmp(rq->content_type, "application/x-www-form-urlencoded", 33))
        r = parse_urlencoded(body, len, &form);
    else if (!strncasecmp(rq->content_type, "multipart/form-data", 19))
        r = parse_multipart(body, len, rq->content_type, &form);
    else
        return respond_text(fd, 400, NULL, "the body must be a form: application/x-www-form-urlencoded or multipart/form-data");
    if (r < 0)
        return respond_text(fd, 400, NULL, "the body is not a well-formed form (or names a field twice)");
    if (!form.content)
        return respond_text(fd, 400, NULL, "the form has no field 'content'");
    if (form.content_len > MDS_CONTENT_MAX)
        return respond_text(fd, 413, NULL, "'content' is longer than 65536 bytes");

    static char msg[MDS_MESSAGE_MAX], reply[256];
    if (res->action == MDS_SIGN) {
        msg[0] = 'S';
        memcpy(msg + 1, form.content, form.content_len);
        int n = ask_run(run_fd, msg, 1 + form.content_len, reply, sizeof reply);
        if (n < 2 || reply[0] != 'S')
            return respond_text(fd, 503, NULL, "the pod's signing key is not at hand");
        return respond(fd, 200, NULL, TEXT, reply + 1, (size_t) n - 1, false);
    }
    if (!form.uuid || !form.signature)
        return respond_text(fd, 400, NULL, "verify needs the fields 'content', 'uuid' and 'signature'");
    if (!canonical_uuid(form.uuid, form.uuid_len))
        return respond_text(fd, 400, NULL, "'uuid' is not a UUID (8-4-4-4-12 hex digits)");
    /* base64 never holds a space: one is a '+' a client sent without encoding it */
    char *sig = (char *) form.signature;
    for (size_t i = 0; i < form.signature_len; i++)
        if (sig[i] == ' ')
            sig[i] = '+';
    uint8_t raw[192];
    size_t raw_len;
    if (form.signature_len > 256 || base64_decode(sig, form.signature_len, raw, sizeof raw, &raw_len) < 0)
        return respond_text(fd, 400, NULL, "'signature' is not base64 (of at most 192 bytes)");
    /* not the length of an HMAC-SHA512: made by no pod */
    if (raw_len != SHA512_SIZE)
        return respond_text(fd, 403, NULL, "the signature does not verify");
    msg[0] = 'V';
    for (size_t i = 0; i < 36; i++)
        msg[1 + i] = (char) (form.uuid[i] >= 'A' && form.uuid[i] <= 'F' ? form.uuid[i] - 'A' + 'a' : form.uuid[i]);
    memcpy(msg + 1 + 36, raw, SHA512_SIZE);
    memcpy(msg + 1 + 36 + SHA512_SIZE, form.content, form.content_len);
    int n = ask_run(run_fd, msg, 1 + 36 + SHA512_SIZE + form.content_len, reply, sizeof reply);
    if (n < 2 || reply[0] != 'V')
        return respond_text(fd, 503, NULL, "the pods' keys are not at hand");
    if (reply[1] == '1')
        return respond(fd, 200, NULL, TEXT, "", 0, false);
    return respond_text(fd, 403, NULL, "the signature does not verify");
}

/* Answers the complete request in c->buf (headers parsed into rq). */
static int answer(const struct metadata *m, int run_fd, struct connection *c, struct request *rq)
{
    const struct metadata_resource *res = find_resource(m, rq->path);
    bool get = !strcmp(rq->method, "GET"), head = !strcmp(rq->method, "HEAD");
    if (!res)
        return respond_text(c->fd, 404, NULL, "no such metadata");
    if (res->action == MDS_GET) {
        if (!get && !head)
            return respond_text(c->fd, 405, "Allow: GET, HEAD\r\n", "use GET");
        return respond(c->fd, 200, NULL, res->type, res->body, res->body_len, head);
    }
    if (strcmp(rq->method, "POST"))
        return respond_text(c->fd, 405, "Allow: POST\r\n", "use POST with a form");
    return sign_or_verify(c->fd, run_fd, res, rq, c->buf + rq->header_len);
}

/* Reads what arrived; answers once the request is whole. Returns false when the connection is done. */
static bool progress(const struct metadata *m, int run_fd, struct connection *c)
{
    bool eof = false;
    while (c->len < HEADER_MAX + BODY_MAX) {
        ssize_t n = read(c->fd, c->buf + c->len, HEADER_MAX + BODY_MAX - c->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n < 0)
            return false;
        if (n == 0) {
            /* the client may have half-closed after its request: answer what is here */
            eof = true;
            break;
        }
        c->len += (size_t) n;
    }
    c->buf[c->len] = '\0';
    if (!c->rq) {
        char *end = strstr(c->buf, "\r\n\r\n");
        size_t sep = 4;
        char *lf = strstr(c->buf, "\n\n");
        if (lf && (!end || lf < end))
            end = lf, sep = 2;
        size_t head_len = end ? (size_t) (end - c->buf) + sep : c->len;
        /* a head may arrive whole and long in one read: its length is what counts */
        if (head_len > HEADER_MAX) {
            respond_text(c->fd, 431, NULL, "the request's head is longer than 8192 bytes");
            return false;
        }
        if (!end)
            return !eof;
        c->rq = malloc(sizeof *c->rq);
        if (!c->rq)
            return false;
        char saved = c->buf[head_len];
        c->buf[head_len] = '\0';
        int status = parse_head(c->buf, c->rq);
        c->buf[head_len] = saved;
        c->rq->header_len = head_len;
        if (status) {
            respond_text(c->fd, status, NULL, "malformed request");
            return false;
        }
    }
    struct request *rq = c->rq;
    size_t head_len = rq->header_len;
    if (!strcmp(rq->method, "POST")) {
        if (rq->chunked || !rq->has_length) {
            respond_text(c->fd, 411, NULL, "send the form with a Content-Length");
            return false;
        }
        if (rq->content_length > BODY_MAX) {
            respond_text(c->fd, 413, NULL, "the body is longer than 262144 bytes");
            return false;
        }
        if (c->len < head_len + (size_t) rq->content_length) {
            if (eof) {
                respond_text(c->fd, 400, NULL, "the body is shorter than its Content-Length");
                return false;
            }
            if (rq->expect_continue && !c->continued) {
                static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
                c->continued = true;
                if (send(c->fd, cont, sizeof cont - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
                    return false;
            }
            return true;
        }
    } else {
        rq->content_length = 0;
    }
    answer(m, run_fd, c, rq);
    return false;
}

static void close_connection(struct connection *c)
{
    close(c->fd);
    free(c->buf);
    free(c->rq);
    c->fd = -1;
    c->buf = NULL;
    c->rq = NULL;
}

/*
 * Ends a connection once it is answered. Closed at once with input still unread (a head too long,
 * a body refused, the rest of a big request on its way), the socket would send a reset, which can
 * destroy the answer before the client has read it. So the write side is shut (the answer goes
 * out with a FIN) and what the client still sends is read and dropped until it closes or
 * LINGER_MS pass.
 */
static void finish_connection(struct connection *c, long long now)
{
    if (shutdown(c->fd, SHUT_WR) < 0) {
        close_connection(c);
        return;
    }
    c->closing = true;
    c->deadline = now + LINGER_MS;
}

/* Drops what a closing connection's client sent; false once it has closed its side (or failed). */
static bool drain(struct connection *c)
{
    char sink[4096];
    for (int i = 0; i < 16; i++) { /* a fast sender does not hold the server here: the rest next time */
        ssize_t n = read(c->fd, sink, sizeof sink);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 && errno == EAGAIN;
    }
    return true;
}

static __attribute__((noreturn)) void serve(struct metadata *m, int listen_fd, int run_fd, int ready_fd, int null_fd)
{
    struct s1_error err = { 0 };
    if (drop_privileges(&listen_fd, &run_fd, &ready_fd, null_fd, &err) < 0) {
        char line[1200];
        s1_format(&err, line, sizeof line);
        line[strcspn(line, "\n")] = '\0';
        if (write(ready_fd, line + strlen("stage1: "), strlen(line + strlen("stage1: "))) < 0) {
            /* PID 1 sees EOF and a server that is gone */
        }
        _exit(S1_EXIT_FAILURE);
    }
    close(ready_fd); /* serving */

    struct connection conns[MAX_CONNECTIONS];
    for (size_t i = 0; i < MAX_CONNECTIONS; i++)
        conns[i].fd = -1;
    for (;;) {
        struct pollfd fds[MAX_CONNECTIONS + 1];
        size_t open_count = 0;
        long long now = monotonic_ms(), next = -1;
        for (size_t i = 0; i < MAX_CONNECTIONS; i++) {
            fds[i + 1].fd = conns[i].fd;
            fds[i + 1].events = POLLIN;
            fds[i + 1].revents = 0;
            if (conns[i].fd < 0)
                continue;
            open_count++;
            if (next < 0 || conns[i].deadline < next)
                next = conns[i].deadline;
        }
        /* a full house takes no new connection until one is done */
        fds[0].fd = open_count < MAX_CONNECTIONS ? listen_fd : -1;
        fds[0].events = POLLIN;
        fds[0].revents = 0;
        int timeout = next < 0 ? -1 : (int) (next > now ? next - now : 0);
        if (poll(fds, MAX_CONNECTIONS + 1, timeout) < 0 && errno != EINTR)
            _exit(S1_EXIT_FAILURE);
        now = monotonic_ms();
        for (size_t i = 0; i < MAX_CONNECTIONS; i++) {
            struct connection *c = &conns[i];
            if (c->fd < 0)
                continue;
            if (c->closing) {
                if ((fds[i + 1].revents && !drain(c)) || now >= c->deadline)
                    close_connection(c);
            } else if (fds[i + 1].revents && !progress(m, run_fd, c)) {
                finish_connection(c, now);
            } else if (now >= c->deadline) {
                respond_text(c->fd, 408, NULL, "the request took too long");
                close_connection(c);
            }
        }
        if (fds[0].revents & POLLIN) {
            for (size_t i = 0; i < MAX_CONNECTIONS; i++) {
                if (conns[i].fd >= 0)
                    continue;
                int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0)
                    break;
                conns[i] = (struct connection) { .fd = fd, .buf = malloc(HEADER_MAX + BODY_MAX + 1),
                                                 .deadline = now + REQUEST_DEADLINE_MS };
                if (!conns[i].buf)
                    close_connection(&conns[i]);
                break;
            }
        }
    }
}

/* ---- the status and enter ---- */

void mds_record_status(struct plan *plan, int pod_fd, const char *message)
{
    struct s1_error err = { 0 };
    struct metadata *m = &plan->metadata;
    char line[600];
    if (!strcmp(message, "up")) {
        snprintf(line, sizeof line, "http://%s:%u", m->address, m->port);
    } else if (!strncmp(message, "down ", 5)) {
        /* PID 1 shares the pod with its apps: what it says is one printable line, no more */
        snprintf(line, sizeof line, "unavailable: %s", message + 5);
        for (char *p = line; *p; p++)
            if ((unsigned char) *p < 0x20 || *p == 0x7f)
                *p = '?';
    } else {
        return;
    }
    if (m->mode == METADATA_OFF || status_write(pod_fd, "metadata-service", line, &err) < 0) {
        if (err.msg[0]) {
            char out[1200];
            s1_format(&err, out, sizeof out);
            if (s1_write_all(STDERR_FILENO, out, strlen(out)) < 0) {
                /* nowhere to report */
            }
        }
    }
}

void mds_enter_environment(struct plan *plan, struct app *app, int pod_fd)
{
    const struct metadata *m = &plan->metadata;
    if (m->mode == METADATA_OFF)
        return;
    cleanup_close int fd = openat(pod_fd, "metadata-service", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    char head[8];
    if (fd < 0 || read(fd, head, 7) != 7 || memcmp(head, "http://", 7))
        return;
    struct plan one = { .napps = 1, .apps = app, .metadata = *m };
    set_url(&one);
}
