/* kvm enter: the host side (kvm-enter, connects to the VM's enter port through QEMU's socket)
 * and the guest's agent (serves one enter at a time, and forwards the host's "term"). */
#define _GNU_SOURCE
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

int frame_write(int fd, char type, const void *data, size_t len)
{
    unsigned char head[5] = { (unsigned char) type, (unsigned char) (len >> 24), (unsigned char) (len >> 16),
                              (unsigned char) (len >> 8), (unsigned char) len };
    if (s1_write_all(fd, (const char *) head, sizeof head) < 0)
        return -1;
    return len ? s1_write_all(fd, data, len) : 0;
}

ssize_t frame_fill(struct frame_reader *r, int fd)
{
    if (r->len == sizeof r->buf)
        return -1;
    ssize_t n = read(fd, r->buf + r->len, sizeof r->buf - r->len);
    if (n > 0)
        r->len += (size_t) n;
    return n;
}

/* The length of the next frame's data once its header is in the reader; -1 before that. */
static long frame_length(const struct frame_reader *r)
{
    if (r->len < 5)
        return -1;
    const unsigned char *h = (const unsigned char *) r->buf;
    return (long) ((size_t) h[1] << 24 | (size_t) h[2] << 16 | (size_t) h[3] << 8 | h[4]);
}

int frame_next(struct frame_reader *r, char *type, char *data, size_t *len)
{
    long n = frame_length(r);
    if (n > FRAME_MAX) {
        r->len = 0; /* not ours: drop it all */
        return 0;
    }
    if (n < 0 || r->len < 5 + (size_t) n)
        return 0;
    *type = r->buf[0];
    memcpy(data, r->buf + 5, (size_t) n);
    *len = (size_t) n;
    memmove(r->buf, r->buf + 5 + n, r->len - 5 - (size_t) n);
    r->len -= 5 + (size_t) n;
    return 1;
}

char frame_peek(const struct frame_reader *r)
{
    long n = frame_length(r);
    return n >= 0 && n <= FRAME_MAX && r->len >= 5 + (size_t) n ? r->buf[0] : 0;
}

/* ---- the guest's agent ----
 *
 * A virtio-serial port tells the guest that the host's side is closed by polling POLLHUP (with
 * POLLIN, and reads of 0), and a write to it then blocks until a host connects. QEMU reports a
 * host's connection on the control queue and carries its bytes on the data queue, so the guest
 * can read a new host's first bytes while the port still polls hung up. Hence the handshake: the
 * guest answers a hello with ready, a write that returns only once the port knows the host is
 * there; from then on a hang-up is the host leaving, and ends the session (and its command). */

/* The command of an enter, as the default flavor's enter runs it: in the app's cgroups and root,
 * its workdir and environment, as root confined as the app is. */
static __attribute__((noreturn)) void enter_child(struct plan *plan, struct app *app, char **argv, int in, int out, int errfd)
{
    struct s1_error err = { 0 };
    if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(errfd, STDERR_FILENO) < 0)
        _exit(S1_EXIT_FAILURE);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    if (confine_cgroups_and_oom(plan, app, &err) < 0)
        s1_die(&err);
    exec_as_app_root(app, argv);
}

static void say(int port, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int port, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n > 0)
        frame_write(port, FRAME_STDERR, msg, (size_t) n < sizeof msg ? (size_t) n : sizeof msg - 1);
}

/* The host's "term" (jrkt stop, or SIGTERM to run): the supervisor forwards it to the apps. */
static void read_control(int control_fd, pid_t supervisor)
{
    char buf[256];
    ssize_t n = read(control_fd, buf, sizeof buf);
    if (n > 0 && memmem(buf, (size_t) n, "term", 4))
        kill(supervisor, SIGTERM);
}

/* Writes the stdin frames the reader holds to the command (an empty one is the end of it), up
 * to a new host's hello, which stays in the reader. */
static void feed_stdin(struct frame_reader *r, int *in_w)
{
    static char data[FRAME_MAX];
    char type;
    size_t len;
    while (frame_peek(r) && frame_peek(r) != FRAME_HELLO && frame_next(r, &type, data, &len)) {
        if (type != FRAME_STDIN || *in_w < 0)
            continue;
        if (len == 0 || s1_write_all(*in_w, data, len) < 0) {
            close(*in_w);
            *in_w = -1;
        }
    }
}

/* One enter: request is APP NUL ARG0 NUL ...; relays until the command ended. Returns false when
 * the host left (a hang-up, or another host's hello) before the command's end was sent. */
static bool serve_enter(struct plan *plan, int port, struct frame_reader *r, char *request, size_t len, int control_fd,
                        pid_t supervisor)
{
    char *argv[256];
    int argc = 0;
    const char *app_name = request;
    for (size_t i = strnlen(request, len) + 1; i < len && argc < 255; i += strnlen(request + i, len - i) + 1)
        argv[argc++] = request + i;
    argv[argc] = NULL;
    struct app *app = memchr(request, '\0', len) ? plan_find_app(plan, app_name) : NULL;
    if (!app || argc == 0) {
        say(port, "stage1: enter: the pod has no app '%.*s'\n", (int) strnlen(request, len), request);
        frame_write(port, FRAME_EXIT, "254", 3);
        return true;
    }
    int in[2], out[2], errp[2];
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
        say(port, "stage1: enter: pipe: %s\n", s1_strerror(errno));
        frame_write(port, FRAME_EXIT, "254", 3);
        return true;
    }
    pid_t child = fork();
    if (child == 0)
        enter_child(plan, app, argv, in[0], out[1], errp[1]);
    close(in[0]), close(out[1]), close(errp[1]);
    int in_w = in[1];
    bool out_open = true, err_open = true, host = true;
    static char data[FRAME_MAX];
    feed_stdin(r, &in_w); /* what came with the request */
    while (child > 0 && (out_open || err_open)) {
        struct pollfd fds[4] = { { .fd = host ? port : -1, .events = POLLIN }, { .fd = out_open ? out[0] : -1, .events = POLLIN },
                                 { .fd = err_open ? errp[0] : -1, .events = POLLIN }, { .fd = control_fd, .events = POLLIN } };
        if (poll(fds, 4, -1) < 0 && errno != EINTR)
            break;
        if (fds[3].revents & POLLIN)
            read_control(control_fd, supervisor);
        ssize_t got = fds[0].revents & POLLIN ? frame_fill(r, port) : -1;
        if (got > 0)
            feed_stdin(r, &in_w);
        if (got == 0 || (got < 0 && (fds[0].revents & (POLLHUP | POLLERR))) || frame_peek(r) == FRAME_HELLO) {
            /* the host went away: so does the command */
            host = false;
            kill(child, SIGKILL);
        }
        for (int i = 1; i <= 2; i++) {
            if (!fds[i].revents)
                continue;
            ssize_t n = read(fds[i].fd, data, sizeof data);
            if (n > 0 && host)
                frame_write(port, i == 1 ? FRAME_STDOUT : FRAME_STDERR, data, (size_t) n);
            else if (n <= 0 && !(n < 0 && errno == EINTR)) {
                if (i == 1)
                    out_open = false;
                else
                    err_open = false;
            }
        }
    }
    if (in_w >= 0)
        close(in_w);
    close(out[0]), close(errp[0]);
    int ws = 0;
    while (child > 0 && waitpid(child, &ws, 0) < 0 && errno == EINTR) {
    }
    char status[16];
    int n = snprintf(status, sizeof status, "%d", child > 0 ? wait_status_code(ws) : S1_EXIT_FAILURE);
    if (host)
        frame_write(port, FRAME_EXIT, status, (size_t) n);
    return host;
}

void kvm_agent(struct plan *plan, int control_fd, int enter_fd, pid_t supervisor)
{
    static struct frame_reader r;
    static char data[FRAME_MAX];
    bool session = false; /* a host got our ready and has not left */
    bool hung_up = false; /* no host: look at the port again later */
    for (;;) {
        struct pollfd fds[2] = { { .fd = control_fd, .events = POLLIN }, { .fd = hung_up ? -1 : enter_fd, .events = POLLIN } };
        int ready = poll(fds, 2, hung_up ? 200 : -1);
        if (ready < 0 && errno != EINTR)
            _exit(S1_EXIT_FAILURE);
        if (fds[0].revents & POLLIN)
            read_control(control_fd, supervisor);
        if (hung_up) {
            hung_up = false;
            continue;
        }
        ssize_t n = fds[1].revents & POLLIN ? frame_fill(&r, enter_fd) : -1;
        char type;
        size_t len;
        while (n > 0 && frame_next(&r, &type, data, &len)) {
            if (type == FRAME_HELLO) {
                /* blocks until the port knows the host is there: so a later hang-up is real */
                session = frame_write(enter_fd, FRAME_READY, data, len) == 0;
            } else if (type == FRAME_REQUEST && session && !serve_enter(plan, enter_fd, &r, data, len, control_fd, supervisor)) {
                session = frame_peek(&r) == FRAME_HELLO;
                if (!session)
                    r.len = 0;
            }
        }
        if (n == 0 || (n < 0 && (fds[1].revents & (POLLHUP | POLLERR)))) {
            if (session)
                r.len = 0; /* what is left of a host that left is not the next one's */
            session = false;
            hung_up = true;
        }
    }
}

/* ---- kvm-enter, on the host ---- */

/* How long a VM's agent may take to answer a hello: a VM still booting under TCG answers late. */
#define AGENT_ANSWER_MS 60000

/* Says hello to the guest's agent and waits for its ready: then the agent knows this connection
 * is there, and the request can follow. */
static int await_agent(int sock, struct frame_reader *r, struct s1_error *err)
{
    char nonce[8];
    static char data[FRAME_MAX];
    if (getrandom(nonce, sizeof nonce, 0) != (ssize_t) sizeof nonce || frame_write(sock, FRAME_HELLO, nonce, sizeof nonce) < 0)
        return s1_fail(err, errno, "kvm: enter: say hello to the VM's agent");
    long long deadline = monotonic_ms() + AGENT_ANSWER_MS;
    for (;;) {
        char type;
        size_t len;
        /* what is not the answer to this hello is an earlier connection's, and skipped */
        while (frame_next(r, &type, data, &len))
            if (type == FRAME_READY && len == sizeof nonce && memcmp(data, nonce, sizeof nonce) == 0)
                return 0;
        long long left = deadline - monotonic_ms();
        struct pollfd p = { .fd = sock, .events = POLLIN };
        int ready = left > 0 ? poll(&p, 1, (int) left) : 0;
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0)
            return s1_fail(err, 0, "kvm: enter: the VM's agent did not answer within %d s", AGENT_ANSWER_MS / 1000);
        ssize_t n = ready < 0 ? -1 : frame_fill(r, sock);
        if (n <= 0 && !(n < 0 && errno == EINTR))
            return s1_fail(err, n < 0 ? errno : 0, "kvm: enter: the VM closed the connection");
    }
}

int cmd_kvm_enter(int argc, char **argv)
{
    struct s1_error err = { 0 };
    const char *app_name;
    int i = enter_args(argc, argv, &app_name, &err);
    if (i < 0)
        s1_die(&err);
    struct plan plan;
    if (plan_load("plan", &plan, &err) < 0)
        s1_die(&err);
    if (!plan_find_app(&plan, app_name)) {
        s1_fail(&err, 0, "enter: the pod has no app '%s'", app_name);
        s1_die(&err);
    }
    static char request[FRAME_MAX];
    size_t len = 0;
    for (int a = -1; a < argc - i; a++) {
        const char *s = a < 0 ? app_name : argv[i + a];
        size_t n = strlen(s) + 1;
        if (len + n > sizeof request) {
            s1_fail(&err, E2BIG, "enter: the command");
            s1_die(&err);
        }
        memcpy(request + len, s, n);
        len += n;
    }
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", KVM_ENTER_SOCKET);
    if (sock < 0 || connect(sock, (struct sockaddr *) &addr, sizeof addr) < 0) {
        s1_fail(&err, errno, "kvm: enter: connect to the VM's agent (%s)", KVM_ENTER_SOCKET);
        s1_die(&err);
    }
    signal(SIGPIPE, SIG_IGN);
    static struct frame_reader r;
    static char data[FRAME_MAX];
    if (await_agent(sock, &r, &err) < 0 || frame_write(sock, FRAME_REQUEST, request, len) < 0) {
        if (!err.msg[0])
            s1_fail(&err, errno, "kvm: enter: send the command");
        s1_die(&err);
    }
    bool stdin_open = true;
    for (;;) {
        struct pollfd fds[2] = { { .fd = sock, .events = POLLIN }, { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN } };
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            s1_fail(&err, errno, "poll");
            s1_die(&err);
        }
        if (fds[1].revents) {
            ssize_t n = read(STDIN_FILENO, data, sizeof data);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                stdin_open = false;
            if (frame_write(sock, FRAME_STDIN, data, n > 0 ? (size_t) n : 0) < 0)
                stdin_open = false;
        }
        if (!fds[0].revents)
            continue;
        ssize_t n = frame_fill(&r, sock);
        if (n <= 0 && !(n < 0 && errno == EINTR)) {
            s1_fail(&err, n < 0 ? errno : 0, "kvm: enter: the VM closed the connection");
            s1_die(&err);
        }
        char type;
        size_t flen;
        while (frame_next(&r, &type, data, &flen)) {
            if (type == FRAME_STDOUT || type == FRAME_STDERR) {
                if (s1_write_all(type == FRAME_STDOUT ? STDOUT_FILENO : STDERR_FILENO, data, flen) < 0) {
                    /* the caller stopped reading */
                }
            } else if (type == FRAME_EXIT) {
                data[flen < 15 ? flen : 15] = '\0';
                return atoi(data);
            }
        }
    }
}
