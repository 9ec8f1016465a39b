/* The metadata service's identity endpoint, in the run process (docs/metadata.md).
 *
 * The run process lives in the host's namespaces, outside the pod, and holds the pod's HMAC key;
 * the server inside the pod sends it what to sign or verify over a socket pair and gets one
 * answer back. A signature is HMAC-SHA512(key of the pod, the pod's UUID as 16 bytes ||
 * content). To verify one, the key of the pod it names is read from the keys directory the plan
 * gives, where stage0 keeps one file per pod that exists: a pod that is gone, or was never there,
 * verifies nothing. Whatever the server sends is checked here, as it comes from inside the pod. */
#define _GNU_SOURCE
#include "stage1.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* The pod's own key and UUID, read before PID 1 is forked; PID 1 wipes its copy. */
static uint8_t pod_key[SHA512_SIZE];
static uint8_t pod_uuid[16];

static int hexdigit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* A UUID as jrkt writes it (lowercase, 8-4-4-4-12) to its 16 bytes; also what may name a
 * file in the keys directory. */
static int parse_uuid(const char *s, size_t len, uint8_t out[16])
{
    if (len != 36)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i++] != '-')
                return -1;
            continue;
        }
        int hi = hexdigit(s[i]), lo = hexdigit(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[o++] = (uint8_t) (hi << 4 | lo);
        i += 2;
    }
    return 0;
}

/* Reads the key of pod uuid (already checked to be a UUID) from the keys directory. */
static int read_key(const char *keys, const char *uuid, uint8_t key[SHA512_SIZE], struct s1_error *err)
{
    cleanup_close int dir = open(keys, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return s1_fail(err, errno, "open the keys directory %s", keys);
    cleanup_close int fd = openat(dir, uuid, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return s1_fail(err, errno, "open the key of pod %s", uuid);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return s1_fail(err, errno, "stat the key of pod %s", uuid);
    if (!S_ISREG(st.st_mode) || st.st_size != SHA512_SIZE)
        return s1_fail(err, 0, "the key of pod %s is not a file of %d bytes", uuid, SHA512_SIZE);
    for (size_t off = 0; off < SHA512_SIZE;) {
        ssize_t n = read(fd, key + off, SHA512_SIZE - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return s1_fail(err, n < 0 ? errno : EIO, "read the key of pod %s", uuid);
        off += (size_t) n;
    }
    return 0;
}

static int open_pair(struct plan *plan, const char *uuid, struct s1_error *err)
{
    struct metadata *m = &plan->metadata;
    if (parse_uuid(uuid, strlen(uuid), pod_uuid) < 0)
        return s1_fail(err, 0, "the pod's UUID '%s' is not one", uuid);
    if (read_key(m->keys, uuid, pod_key, err) < 0)
        return -1;
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        return s1_fail(err, errno, "socketpair");
    m->run_fd = pair[0];
    m->pid1_fd = pair[1];
    return 0;
}

int mds_open(struct plan *plan, const char *uuid, int pod_fd, struct s1_error *err)
{
    struct metadata *m = &plan->metadata;
    m->run_fd = m->pid1_fd = -1;
    if (m->mode == METADATA_OFF)
        return 0;
    /* the table is part of the plan: a bad one fails the pod whatever the mode */
    if (mds_load_table(m, pod_fd, err) < 0)
        return -1;
    if (open_pair(plan, uuid, err) == 0)
        return 0;
    if (m->mode == METADATA_REQUIRED)
        return s1_wrap(err, "metadata service");
    char line[1200], why[1300];
    s1_format(err, line, sizeof line);
    line[strcspn(line, "\n")] = '\0';
    snprintf(why, sizeof why, "unavailable: %s", line + strlen("stage1: "));
    memset(err, 0, sizeof *err);
    m->mode = METADATA_OFF;
    if (status_write(pod_fd, "metadata-service", why, err) < 0) {
        s1_format(err, line, sizeof line);
        if (s1_write_all(STDERR_FILENO, line, strlen(line)) < 0) {
            /* nowhere to report */
        }
        memset(err, 0, sizeof *err);
    }
    return 0;
}

void mds_after_fork_run(struct plan *plan)
{
    if (plan->metadata.pid1_fd >= 0)
        close(plan->metadata.pid1_fd);
    plan->metadata.pid1_fd = -1;
}

void mds_after_fork_pid1(struct plan *plan)
{
    explicit_bzero(pod_key, sizeof pod_key);
    if (plan->metadata.run_fd >= 0)
        close(plan->metadata.run_fd);
    plan->metadata.run_fd = -1;
}

static void sign(const uint8_t key[SHA512_SIZE], const uint8_t uuid[16], const void *content, size_t len,
                 uint8_t out[SHA512_SIZE])
{
    struct hmac_sha512 h;
    hmac_sha512_init(&h, key, SHA512_SIZE);
    hmac_sha512_update(&h, uuid, 16);
    hmac_sha512_update(&h, content, len);
    hmac_sha512_final(&h, out);
}

/* Whether sig is the signature of content by the pod named by the 36 characters at uuid. */
static bool verifies(const struct metadata *m, const char *uuid, const uint8_t *sig, const void *content, size_t len)
{
    char name[37];
    uint8_t bytes[16], key[SHA512_SIZE], expected[SHA512_SIZE];
    if (parse_uuid(uuid, 36, bytes) < 0)
        return false;
    memcpy(name, uuid, 36);
    name[36] = '\0';
    struct s1_error err = { 0 };
    if (read_key(m->keys, name, key, &err) < 0) {
        s1_log("metadata: verify for pod %s: %s", name, err.msg);
        return false;
    }
    sign(key, bytes, content, len, expected);
    explicit_bzero(key, sizeof key);
    return equal_constant_time(expected, sig, SHA512_SIZE);
}

int mds_answer(struct plan *plan)
{
    struct metadata *m = &plan->metadata;
    static uint8_t msg[MDS_MESSAGE_MAX + 1];
    ssize_t n = recv(m->run_fd, msg, sizeof msg, MSG_TRUNC);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (n <= 0)
        return -1;
    char reply[2 + 4 * SHA512_SIZE / 3 + 4] = "E";
    size_t reply_len = 1;
    if ((size_t) n > MDS_MESSAGE_MAX) {
        /* more than any request may hold: not the server's doing */
    } else if (msg[0] == 'S') {
        uint8_t sig[SHA512_SIZE];
        sign(pod_key, pod_uuid, msg + 1, (size_t) n - 1, sig);
        reply[0] = 'S';
        reply_len = 1 + base64_encode(sig, sizeof sig, reply + 1);
    } else if (msg[0] == 'V' && (size_t) n >= 1 + 36 + SHA512_SIZE) {
        reply[0] = 'V';
        reply[1] = verifies(m, (const char *) msg + 1, msg + 1 + 36, msg + 1 + 36 + SHA512_SIZE,
                            (size_t) n - 1 - 36 - SHA512_SIZE) ? '1' : '0';
        reply_len = 2;
    }
    if (send(m->run_fd, reply, reply_len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN)
        return -1;
    return 0;
}
