/* The plan: a line-oriented, percent-encoded file stage0 writes (docs/stage1-abi.md). */
#include "stage1.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>

#define MAX_FIELDS 4096

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int plan_decode_field(char *field, struct s1_error *err)
{
    if (strcmp(field, "%") == 0) {
        field[0] = '\0';
        return 0;
    }
    char *out = field;
    for (const char *in = field; *in; in++) {
        if (*in != '%') {
            *out++ = *in;
            continue;
        }
        int hi = hexval(in[1]), lo = hi < 0 ? -1 : hexval(in[2]);
        if (hi < 0 || lo < 0)
            return s1_fail(err, 0, "bad percent escape in field '%s'", field);
        char c = (char) (hi << 4 | lo);
        if (c == '\0')
            return s1_fail(err, 0, "field '%s' holds a NUL byte", field);
        *out++ = c;
        in += 2;
    }
    *out = '\0';
    return 0;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d) {
        struct s1_error err;
        s1_fail(&err, ENOMEM, "plan");
        s1_die(&err);
    }
    return d;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        struct s1_error err;
        s1_fail(&err, ENOMEM, "plan");
        s1_die(&err);
    }
    return q;
}

/* A NULL-terminated copy of fields[0..n). */
static char **copy_argv(char **fields, size_t n)
{
    char **argv = xrealloc(NULL, (n + 1) * sizeof *argv);
    for (size_t i = 0; i < n; i++)
        argv[i] = xstrdup(fields[i]);
    argv[n] = NULL;
    return argv;
}

static int parse_number(const char *s, unsigned long max, unsigned long *out, int base)
{
    if (!*s)
        return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, base);
    if (errno || *end || v > max || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

struct app *plan_find_app(struct plan *plan, const char *name)
{
    for (size_t i = 0; i < plan->napps; i++)
        if (!strcmp(plan->apps[i].name, name))
            return &plan->apps[i];
    return NULL;
}

struct volume *plan_find_volume(struct plan *plan, const char *name)
{
    for (size_t i = 0; i < plan->nvolumes; i++)
        if (!strcmp(plan->volumes[i].name, name))
            return &plan->volumes[i];
    return NULL;
}

static struct app *add_app(struct plan *plan, const char *name)
{
    plan->apps = xrealloc(plan->apps, (plan->napps + 1) * sizeof *plan->apps);
    struct app *app = &plan->apps[plan->napps++];
    memset(app, 0, sizeof *app);
    app->name = xstrdup(name);
    app->pid = -1;
    app->log_fd = -1;
    app->env = copy_argv(NULL, 0);
    return app;
}

static struct cmd *add_cmd(struct cmd **list, size_t *n, char **fields, size_t nfields)
{
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    struct cmd *c = &(*list)[(*n)++];
    c->argv = copy_argv(fields, nfields);
    return c;
}

static void add_string(char ***list, size_t *n, const char *s)
{
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = xstrdup(s);
}

static int expect(int line, const char *kw, size_t got, size_t min, size_t max, struct s1_error *err)
{
    if (got < min || got > max)
        return s1_fail(err, 0, "plan line %d: '%s' takes %s%zu field%s, not %zu", line, kw,
                       min == max ? "" : "at least ", min, min == 1 ? "" : "s", got);
    return 0;
}

/* A pod path: relative, without "." or ".." components (path_open_pod enforces the rest). */
static int check_pod_path(int line, const char *what, const char *p, struct s1_error *err)
{
    if (!*p || p[0] == '/')
        return s1_fail(err, 0, "plan line %d: %s '%s' is not a path relative to the pod directory", line, what, p);
    return 0;
}

static int check_absolute(int line, const char *what, const char *p, struct s1_error *err)
{
    if (p[0] != '/')
        return s1_fail(err, 0, "plan line %d: %s '%s' is not an absolute path", line, what, p);
    return 0;
}

static int parse_pod_line(struct plan *plan, int line, char *kw, char **f, size_t n,
                          struct s1_error *err)
{
    if (!strcmp(kw, "hostname")) {
        if (expect(line, kw, n, 1, 1, err) < 0) return -1;
        plan->hostname = xstrdup(f[0]);
    } else if (!strcmp(kw, "net")) {
        if (expect(line, kw, n, 1, 2, err) < 0) return -1;
        if (!strcmp(f[0], "host") && n == 1) plan->net = NET_HOST;
        else if (!strcmp(f[0], "none") && n == 1) plan->net = NET_NONE;
        else if (!strcmp(f[0], "join") && n == 2 && *f[1]) {
            plan->net = NET_JOIN;
            plan->net_path = xstrdup(f[1]);
        } else
            return s1_fail(err, 0, "plan line %d: 'net' is 'host', 'none' or 'join PATH'", line);
    } else if (!strcmp(kw, "userns")) {
        if (expect(line, kw, n, 4, 4, err) < 0) return -1;
        unsigned long uid, gid, count;
        if (parse_number(f[0], UINT_MAX - 1, &uid, 10) < 0 || parse_number(f[1], UINT_MAX - 1, &gid, 10) < 0 ||
            parse_number(f[2], UINT_MAX, &count, 10) < 0 || count == 0 || count > UINT_MAX - uid || count > UINT_MAX - gid)
            return s1_fail(err, 0, "plan line %d: userns '%s %s %s' is not a host uid, gid and count", line, f[0], f[1], f[2]);
        if (!strcmp(f[3], "idmap")) plan->userns = USERNS_IDMAP;
        else if (!strcmp(f[3], "shifted")) plan->userns = USERNS_SHIFTED;
        else return s1_fail(err, 0, "plan line %d: userns mode '%s' is not 'idmap' or 'shifted'", line, f[3]);
        plan->userns_uid = (uid_t) uid;
        plan->userns_gid = (gid_t) gid;
        plan->userns_count = count;
    } else if (!strcmp(kw, "console")) {
        if (expect(line, kw, n, 1, 1, err) < 0 || check_absolute(line, "console", f[0], err) < 0) return -1;
        plan->console = xstrdup(f[0]);
    } else if (!strcmp(kw, "volume")) {
        if (expect(line, kw, n, 3, 3, err) < 0) return -1;
        if (plan_find_volume(plan, f[0]))
            return s1_fail(err, 0, "plan line %d: volume '%s' declared twice", line, f[0]);
        struct volume v = { .name = xstrdup(f[0]), .path = xstrdup(f[2]) };
        if (!strcmp(f[1], "host")) {
            v.kind = VOLUME_HOST;
            if (check_absolute(line, "host volume", f[2], err) < 0) return -1;
        } else if (!strcmp(f[1], "empty")) {
            v.kind = VOLUME_EMPTY;
            if (check_pod_path(line, "empty volume", f[2], err) < 0) return -1;
        } else
            return s1_fail(err, 0, "plan line %d: volume kind '%s' is not 'host' or 'empty'", line, f[1]);
        plan->volumes = xrealloc(plan->volumes, (plan->nvolumes + 1) * sizeof *plan->volumes);
        plan->volumes[plan->nvolumes++] = v;
    } else if (!strcmp(kw, "cgroup")) {
        if (expect(line, kw, n, 3, 3, err) < 0 || check_absolute(line, "cgroup mount point", f[1], err) < 0)
            return -1;
        if (!*f[0] || strchr(f[0], '/'))
            return s1_fail(err, 0, "plan line %d: cgroup hierarchy '%s' is not a hierarchy name", line, f[0]);
        if (strstr(f[2], ".."))
            return s1_fail(err, 0, "plan line %d: cgroup path '%s' holds '..'", line, f[2]);
        struct cgroup c = { .hierarchy = xstrdup(f[0]), .mountpoint = xstrdup(f[1]), .path = xstrdup(f[2]) };
        plan->cgroups = xrealloc(plan->cgroups, (plan->ncgroups + 1) * sizeof *plan->cgroups);
        plan->cgroups[plan->ncgroups++] = c;
    } else if (!strcmp(kw, "metadata")) {
        return mds_parse_plan_line(plan, line, f, n, err);
    } else
        return s1_fail(err, 0, "plan line %d: unknown operation '%s'", line, kw);
    return 0;
}

static int parse_mount_options(struct app_mount *m, int line, const char *spec, struct s1_error *err)
{
    cleanup_free char *copy = xstrdup(spec);
    for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (!strcmp(o, "ro")) m->readonly = true;
        else if (!strcmp(o, "rec")) m->recursive = true;
        else return s1_fail(err, 0, "plan line %d: unknown mount option '%s'", line, o);
    }
    return 0;
}

static int parse_app_line(struct plan *plan, int line, char *kw, char **f, size_t n,
                          struct s1_error *err)
{
    if (n < 1)
        return s1_fail(err, 0, "plan line %d: '%s' needs an app name", line, kw);
    struct app *app = plan_find_app(plan, f[0]);
    if (!app)
        return s1_fail(err, 0, "plan line %d: no 'app %s' line", line, f[0]);
    f++, n--;
    size_t got = n + 1;
    if (!strcmp(kw, "app"))
        return expect(line, kw, got, 1, 1, err);
    if (!strcmp(kw, "image")) {
        if (expect(line, kw, got, 2, 2, err) < 0 || check_absolute(line, "image", f[0], err) < 0) return -1;
        add_string(&app->images, &app->nimages, f[0]);
    } else if (!strcmp(kw, "rootfs")) {
        if (expect(line, kw, got, 3, 4, err) < 0) return -1;
        if (app->rootfs != ROOTFS_UNSET)
            return s1_fail(err, 0, "plan line %d: app '%s' has a second 'rootfs' line", line, app->name);
        if (!strcmp(f[0], "overlay") && n == 3) {
            if (check_pod_path(line, "upper", f[1], err) < 0 || check_pod_path(line, "work", f[2], err) < 0) return -1;
            app->rootfs = ROOTFS_OVERLAY;
            app->upper = xstrdup(f[1]);
            app->work = xstrdup(f[2]);
        } else if (!strcmp(f[0], "dir") && n == 2) {
            if (check_pod_path(line, "rootfs", f[1], err) < 0) return -1;
            app->rootfs = ROOTFS_DIR;
            app->dir = xstrdup(f[1]);
        } else
            return s1_fail(err, 0, "plan line %d: 'rootfs' is 'overlay UPPER WORK' or 'dir PATH'", line);
    } else if (!strcmp(kw, "readonly-rootfs")) {
        if (expect(line, kw, got, 1, 1, err) < 0) return -1;
        app->readonly_rootfs = true;
    } else if (!strcmp(kw, "mount")) {
        if (expect(line, kw, got, 4, 4, err) < 0 || check_absolute(line, "mount target", f[1], err) < 0) return -1;
        if (!plan_find_volume(plan, f[0]))
            return s1_fail(err, 0, "plan line %d: no volume '%s'", line, f[0]);
        struct app_mount m = { .line = line, .volume = xstrdup(f[0]), .target = xstrdup(f[1]) };
        if (parse_mount_options(&m, line, f[2], err) < 0) return -1;
        app->mounts = xrealloc(app->mounts, (app->nmounts + 1) * sizeof *app->mounts);
        app->mounts[app->nmounts++] = m;
    } else if (!strcmp(kw, "file")) {
        if (expect(line, kw, got, 3, 3, err) < 0 || check_absolute(line, "file target", f[0], err) < 0 ||
            check_pod_path(line, "file source", f[1], err) < 0) return -1;
        struct app_file file = { .line = line, .target = xstrdup(f[0]), .source = xstrdup(f[1]) };
        app->files = xrealloc(app->files, (app->nfiles + 1) * sizeof *app->files);
        app->files[app->nfiles++] = file;
    } else if (!strcmp(kw, "mask") || !strcmp(kw, "readonly")) {
        if (expect(line, kw, got, 2, 2, err) < 0 || check_absolute(line, kw, f[0], err) < 0) return -1;
        if (kw[0] == 'm')
            add_string(&app->masks, &app->nmasks, f[0]);
        else
            add_string(&app->readonly, &app->nreadonly, f[0]);
    } else if (!strcmp(kw, "exec")) {
        if (expect(line, kw, got, 2, MAX_FIELDS, err) < 0 || check_absolute(line, "exec path", f[0], err) < 0) return -1;
        app->argv = copy_argv(f, n);
    } else if (!strcmp(kw, "env")) {
        if (expect(line, kw, got, 2, 2, err) < 0) return -1;
        if (!strchr(f[0], '=') || f[0][0] == '=')
            return s1_fail(err, 0, "plan line %d: env '%s' is not KEY=VALUE", line, f[0]);
        app->env = xrealloc(app->env, (app->nenv + 2) * sizeof *app->env);
        app->env[app->nenv++] = xstrdup(f[0]);
        app->env[app->nenv] = NULL;
    } else if (!strcmp(kw, "user")) {
        if (expect(line, kw, got, 3, 3, err) < 0) return -1;
        unsigned long uid, gid;
        if (parse_number(f[0], UINT_MAX - 1, &uid, 10) < 0 || parse_number(f[1], UINT_MAX - 1, &gid, 10) < 0)
            return s1_fail(err, 0, "plan line %d: user '%s %s' is not numeric", line, f[0], f[1]);
        app->uid = (uid_t) uid;
        app->gid = (gid_t) gid;
    } else if (!strcmp(kw, "groups")) {
        app->groups = xrealloc(app->groups, n * sizeof *app->groups);
        for (size_t i = 0; i < n; i++) {
            unsigned long gid;
            if (parse_number(f[i], UINT_MAX - 1, &gid, 10) < 0)
                return s1_fail(err, 0, "plan line %d: group '%s' is not numeric", line, f[i]);
            app->groups[i] = (gid_t) gid;
        }
        app->ngroups = n;
    } else if (!strcmp(kw, "workdir")) {
        if (expect(line, kw, got, 2, 2, err) < 0 || check_absolute(line, "workdir", f[0], err) < 0) return -1;
        app->workdir = xstrdup(f[0]);
    } else if (!strcmp(kw, "prestart") || !strcmp(kw, "poststop")) {
        if (expect(line, kw, got, 2, MAX_FIELDS, err) < 0 || check_absolute(line, kw, f[0], err) < 0) return -1;
        if (kw[1] == 'r')
            add_cmd(&app->prestart, &app->nprestart, f, n);
        else
            add_cmd(&app->poststop, &app->npoststop, f, n);
    } else if (!strcmp(kw, "interactive")) {
        if (expect(line, kw, got, 1, 1, err) < 0) return -1;
        app->interactive = true;
    } else if (!strcmp(kw, "caps")) {
        if (expect(line, kw, got, 2, 2, err) < 0) return -1;
        unsigned long mask;
        if (parse_number(f[0], ULONG_MAX, &mask, 16) < 0)
            return s1_fail(err, 0, "plan line %d: caps '%s' is not a hex mask", line, f[0]);
        app->has_caps = true;
        app->caps = (uint64_t) mask;
    } else if (!strcmp(kw, "nonewprivs")) {
        if (expect(line, kw, got, 1, 1, err) < 0) return -1;
        app->nonewprivs = true;
    } else if (!strcmp(kw, "seccomp")) {
        if (expect(line, kw, got, 2, 2, err) < 0 || check_pod_path(line, "seccomp filter", f[0], err) < 0) return -1;
        app->seccomp = xstrdup(f[0]);
    } else if (!strcmp(kw, "oom-score-adj")) {
        if (expect(line, kw, got, 2, 2, err) < 0) return -1;
        char *end;
        errno = 0;
        long v = strtol(f[0], &end, 10);
        if (errno || *end || end == f[0] || v < -1000 || v > 1000)
            return s1_fail(err, 0, "plan line %d: oom-score-adj '%s' is not in -1000..1000", line, f[0]);
        app->has_oom_score_adj = true;
        app->oom_score_adj = (int) v;
    } else
        return s1_fail(err, 0, "plan line %d: unknown operation '%s'", line, kw);
    return 0;
}

static bool is_app_keyword(const char *kw)
{
    static const char *const kws[] = {
        "app", "image", "rootfs", "readonly-rootfs", "mount", "file", "mask", "readonly", "exec", "env",
        "user", "groups", "workdir", "prestart", "poststop", "interactive", "caps", "nonewprivs",
        "seccomp", "oom-score-adj",
    };
    for (size_t i = 0; i < sizeof kws / sizeof *kws; i++)
        if (!strcmp(kw, kws[i]))
            return true;
    return false;
}

/* Splits a line into decoded fields; returns the count or -1. */
static int split_fields(char *line, int lineno, char **fields, struct s1_error *err)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *sp = strchr(p, ' ');
        if (sp)
            *sp = '\0';
        if (!*p)
            return s1_fail(err, 0, "plan line %d: empty field (an empty field is written %%)", lineno);
        if (n == MAX_FIELDS)
            return s1_fail(err, 0, "plan line %d: too many fields", lineno);
        if (plan_decode_field(p, err) < 0) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            return s1_fail(err, 0, "plan line %d: %s", lineno, why);
        }
        fields[n++] = p;
        if (!sp)
            return n;
        p = sp + 1;
    }
}

int plan_parse(const char *text, struct plan *plan, struct s1_error *err)
{
    memset(plan, 0, sizeof *plan);
    plan->net = NET_HOST;
    cleanup_free char **fields = xrealloc(NULL, MAX_FIELDS * sizeof *fields);

    /* Two passes: apps are declared by their `app` lines, attributes may come in any order. */
    for (int pass = 0; pass < 2; pass++) {
        cleanup_free char *copy = xstrdup(text);
        bool seen_version = false, seen_app = false;
        int lineno = 0;
        for (char *line = copy, *next; line; line = next) {
            lineno++;
            next = strchr(line, '\n');
            if (next)
                *next++ = '\0';
            else if (!*line)
                break;
            if (!*line || line[0] == '#')
                continue;
            int n = split_fields(line, lineno, fields, err);
            if (n < 0)
                return -1;
            char *kw = fields[0];
            if (!seen_version) {
                if (strcmp(kw, "version") || n != 2)
                    return s1_fail(err, 0, "plan line %d: the first line must be 'version " PLAN_VERSION "'", lineno);
                if (strcmp(fields[1], PLAN_VERSION))
                    return s1_fail(err, 0, "plan line %d: plan version '%s', but this stage1 reads version " PLAN_VERSION,
                                   lineno, fields[1]);
                seen_version = true;
                continue;
            }
            if (is_app_keyword(kw)) {
                seen_app = true;
                if (pass == 0 && !strcmp(kw, "app")) {
                    if (n != 2)
                        return s1_fail(err, 0, "plan line %d: 'app' takes 1 field, not %d", lineno, n - 1);
                    if (plan_find_app(plan, fields[1]))
                        return s1_fail(err, 0, "plan line %d: app '%s' declared twice", lineno, fields[1]);
                    add_app(plan, fields[1]);
                }
                if (pass == 1 && parse_app_line(plan, lineno, kw, fields + 1, (size_t) n - 1, err) < 0)
                    return -1;
                continue;
            }
            if (!strcmp(kw, "version"))
                return s1_fail(err, 0, "plan line %d: 'version' must be the first line only", lineno);
            if (seen_app)
                return s1_fail(err, 0, "plan line %d: pod line '%s' after the app lines", lineno, kw);
            if (pass == 0 && parse_pod_line(plan, lineno, kw, fields + 1, (size_t) n - 1, err) < 0)
                return -1;
        }
        if (!seen_version)
            return s1_fail(err, 0, "plan: empty, the first line must be 'version " PLAN_VERSION "'");
    }

    if (plan->napps == 0)
        return s1_fail(err, 0, "plan: no apps");
    size_t interactive = 0;
    for (size_t i = 0; i < plan->napps; i++) {
        struct app *app = &plan->apps[i];
        if (app->rootfs == ROOTFS_UNSET)
            return s1_fail(err, 0, "plan: app '%s' has no 'rootfs' line", app->name);
        if (app->rootfs == ROOTFS_OVERLAY && app->nimages == 0)
            return s1_fail(err, 0, "plan: app '%s' has an overlay root but no 'image' line", app->name);
        if (app->rootfs == ROOTFS_DIR && app->nimages > 0)
            return s1_fail(err, 0, "plan: app '%s' has a 'rootfs dir' and 'image' lines", app->name);
        if (!app->argv)
            return s1_fail(err, 0, "plan: app '%s' has no 'exec' line", app->name);
        interactive += app->interactive;
    }
    if (interactive > 1)
        return s1_fail(err, 0, "plan: more than one interactive app");
    /* the service's address goes on the pod's own loopback, never the host's */
    if (plan->metadata.mode != METADATA_OFF && plan->net == NET_HOST)
        return s1_fail(err, 0, "plan: a 'metadata' service needs a network of the pod's own, not 'net host'");
    /* the app's root below the pod's root; app names are AC names, never "." or ".." */
    for (size_t i = 0; i < plan->napps; i++) {
        struct app *app = &plan->apps[i];
        if (!*app->name || strchr(app->name, '/') || !strcmp(app->name, ".") || !strcmp(app->name, ".."))
            return s1_fail(err, 0, "plan: app name '%s' cannot name a directory", app->name);
        size_t len = strlen("/opt/stage2//rootfs") + strlen(app->name) + 1;
        app->root = xrealloc(NULL, len);
        snprintf(app->root, len, "/opt/stage2/%s/rootfs", app->name);
    }
    return 0;
}

/* A plan is small; this bound keeps a damaged or hostile file from eating memory. */
#define PLAN_MAX_BYTES (16 << 20)

int plan_load(const char *path, struct plan *plan, struct s1_error *err)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return s1_fail(err, errno, "open %s", path);
    size_t len = 0, cap = 4096;
    cleanup_free char *text = xrealloc(NULL, cap);
    for (;;) {
        if (len >= PLAN_MAX_BYTES)
            return s1_fail(err, EFBIG, "read %s", path);
        if (len + 1 >= cap)
            text = xrealloc(text, cap *= 2);
        ssize_t r = read(fd, text + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return s1_fail(err, errno, "read %s", path);
        if (r == 0)
            break;
        len += (size_t) r;
    }
    text[len] = '\0';
    if (strlen(text) != len)
        return s1_fail(err, 0, "%s: holds a NUL byte", path);
    return plan_parse(text, plan, err);
}
