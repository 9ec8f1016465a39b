/* The pod's root and the apps' roots (docs/stage1-abi.md, "What every app's root holds").
 *
 * The pod's root is a fresh tmpfs holding only /opt/stage2/NAME/rootfs for each app and the
 * pod's /proc; after pivot_root it is made read-only. Nothing of the host and nothing of the
 * stage1 image is in it. Each app's root is built below its own fd, and every path inside it
 * is resolved by path.c, so an image, a volume or an earlier app cannot redirect a mount. */
#define _GNU_SOURCE
#include "stage1.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static const char *const DEVICES[] = { "null", "zero", "full", "random", "urandom", "tty" };
#define NDEVICES (sizeof DEVICES / sizeof *DEVICES)

int rootfs_open_host_sources(const struct plan *plan, struct host_sources *hs, struct s1_error *err)
{
    for (size_t i = 0; i < NDEVICES; i++)
        hs->devices[i] = -1;
    hs->console = -1;
    hs->userns = -1;
    for (size_t i = 0; i < NDEVICES; i++) {
        char path[32];
        snprintf(path, sizeof path, "/dev/%s", DEVICES[i]);
        hs->devices[i] = open(path, O_PATH | O_CLOEXEC);
        if (hs->devices[i] < 0)
            return s1_fail(err, errno, "open the host's %s", path);
    }
    if (plan->console) {
        hs->console = open(plan->console, O_PATH | O_CLOEXEC);
        if (hs->console < 0)
            return s1_fail(err, errno, "open the console %s", plan->console);
    }
    return 0;
}

void rootfs_close_host_sources(struct host_sources *hs)
{
    for (size_t i = 0; i < NDEVICES; i++)
        if (hs->devices[i] >= 0)
            close(hs->devices[i]);
    if (hs->console >= 0)
        close(hs->console);
}

int rootfs_make_pod_root(int pod_fd, struct s1_error *err)
{
    cleanup_close int target = path_open_pod(pod_fd, "stage1/rootfs", O_PATH | O_DIRECTORY, false, err);
    if (target < 0)
        return -1;
    static const char *const opts[] = { "mode=0755", NULL };
    int root = mount_new("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, target, err);
    if (root < 0)
        return s1_wrap(err, "the pod's root");
    if (mkdirat(root, "proc", 0555) < 0 || mkdirat(root, "opt", 0755) < 0 || mkdirat(root, "opt/stage2", 0755) < 0) {
        int e = errno;
        close(root);
        return s1_fail(err, e, "populate the pod's root");
    }
    return root;
}

/* Opens a fd of dir/name made in a fresh filesystem of ours (nothing to resolve there). */
static int make_in_fresh(int dir_fd, const char *name, bool dir, mode_t mode, struct s1_error *err)
{
    if (dir) {
        if (mkdirat(dir_fd, name, mode) < 0 && errno != EEXIST)
            return s1_fail(err, errno, "mkdir %s", name);
        /* mkdir obeys the umask; the mode is meant literally (/dev/shm is 1777) */
        if (fchmodat(dir_fd, name, mode, AT_SYMLINK_NOFOLLOW) < 0 && errno != EOPNOTSUPP)
            return s1_fail(err, errno, "chmod %s", name);
    } else {
        cleanup_close int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
        if (fd < 0)
            return s1_fail(err, errno, "create %s", name);
    }
    int fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return s1_fail(err, errno, "open %s", name);
    return fd;
}

static int symlink_in_fresh(int dir_fd, const char *target, const char *name, struct s1_error *err)
{
    if (symlinkat(target, dir_fd, name) < 0)
        return s1_fail(err, errno, "symlink %s -> %s", name, target);
    return 0;
}

/* /dev: a tmpfs of our own, the standard nodes bound from the host, devpts, shm, mqueue. */
static int make_dev(const struct plan *plan, int app_root, bool console, const struct host_sources *hs, struct s1_error *err)
{
    cleanup_close int target = path_make_in_root(app_root, "/dev", true, err);
    if (target < 0)
        return -1;
    /* with a user namespace, /dev and /dev/shm belong to the pod's root */
    char uid[32] = "mode=0755", gid[32] = "mode=0755";
    if (plan->userns != USERNS_NONE) {
        snprintf(uid, sizeof uid, "uid=%lu", (unsigned long) plan->userns_uid);
        snprintf(gid, sizeof gid, "gid=%lu", (unsigned long) plan->userns_gid);
    }
    const char *const dev_opts[] = { "mode=0755", "size=65536k", uid, gid, NULL };
    cleanup_close int dev = mount_new("tmpfs", dev_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, target, err);
    if (dev < 0)
        return -1;
    for (size_t i = 0; i < NDEVICES; i++) {
        cleanup_close int node = make_in_fresh(dev, DEVICES[i], false, 0666, err);
        if (node < 0 || mounted(mount_bind(hs->devices[i], false, 0, -1, node, err)) < 0)
            return s1_wrap(err, "/dev/%s", DEVICES[i]);
    }
    if (console && hs->console >= 0) {
        cleanup_close int node = make_in_fresh(dev, "console", false, 0600, err);
        if (node < 0 || mounted(mount_bind(hs->console, false, 0, -1, node, err)) < 0)
            return s1_wrap(err, "/dev/console");
    }
    cleanup_close int pts = make_in_fresh(dev, "pts", true, 0755, err);
    static const char *const pts_opts[] = { "newinstance", "ptmxmode=0666", "mode=0620", NULL };
    if (pts < 0 || mounted(mount_new("devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, pts, err)) < 0)
        return s1_wrap(err, "/dev/pts");
    cleanup_close int shm = make_in_fresh(dev, "shm", true, 01777, err);
    const char *const shm_opts[] = { "mode=1777", uid, gid, NULL };
    if (shm < 0 || mounted(mount_new("tmpfs", shm_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, shm, err)) < 0)
        return s1_wrap(err, "/dev/shm");
    cleanup_close int mqueue = make_in_fresh(dev, "mqueue", true, 0755, err);
    if (mqueue < 0 || mounted(mount_new("mqueue", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, mqueue, err)) < 0)
        return s1_wrap(err, "/dev/mqueue");
    if (symlink_in_fresh(dev, "pts/ptmx", "ptmx", err) < 0 || symlink_in_fresh(dev, "/proc/self/fd", "fd", err) < 0 ||
        symlink_in_fresh(dev, "/proc/self/fd/0", "stdin", err) < 0 ||
        symlink_in_fresh(dev, "/proc/self/fd/1", "stdout", err) < 0 ||
        symlink_in_fresh(dev, "/proc/self/fd/2", "stderr", err) < 0)
        return -1;
    return 0;
}

static int mount_std(int app_root, const char *path, const char *fstype, unsigned attrs, struct s1_error *err)
{
    cleanup_close int target = path_make_in_root(app_root, path, true, err);
    cleanup_close int mnt = target < 0 ? -1 : mount_new(fstype, NULL, attrs, target, err);
    if (mnt < 0)
        return s1_wrap(err, "%s", path);
    return 0;
}

/* The app's own cgroups, read-only, where the host mounts each hierarchy. */
static int make_cgroup_view(const struct plan *plan, const struct app *app, int app_root, struct s1_error *err)
{
    static const char base[] = "/sys/fs/cgroup";
    cleanup_close int view = -1;
    for (size_t i = 0; i < plan->ncgroups; i++) {
        const struct cgroup *cg = &plan->cgroups[i];
        char source[4096];
        snprintf(source, sizeof source, "%s/%s/app-%s", cg->mountpoint, cg->path, app->name);
        cleanup_close int src = open(source, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (src < 0)
            return s1_fail(err, errno, "open the app's cgroup %s", source);
        cleanup_close int target = -1;
        if (!strcmp(cg->mountpoint, base)) {
            target = path_open_in_root(app_root, base, O_DIRECTORY, err); /* a pure cgroup v2 host */
        } else if (!strncmp(cg->mountpoint, base, sizeof base - 1) && cg->mountpoint[sizeof base - 1] == '/') {
            if (view < 0) {
                /* /sys is read-only: a tmpfs of our own on /sys/fs/cgroup holds the mount points */
                cleanup_close int at = path_open_in_root(app_root, base, O_DIRECTORY, err);
                static const char *const opts[] = { "mode=0755", NULL };
                if (at < 0 || (view = mount_new("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, at, err)) < 0)
                    return s1_wrap(err, "%s", base);
            }
            target = make_in_fresh(view, cg->mountpoint + sizeof base, true, 0755, err);
        } else {
            continue; /* a hierarchy mounted elsewhere is not shown */
        }
        if (target < 0 || mounted(mount_bind(src, false, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                             MOUNT_ATTR_NOEXEC, -1, target, err)) < 0)
            return s1_wrap(err, "cgroup %s", cg->hierarchy);
    }
    if (view >= 0 && mount_set_attrs(view, false, MOUNT_ATTR_RDONLY, err) < 0)
        return s1_wrap(err, "%s", base);
    return 0;
}

/* The user namespace to idmap the pod's own files and volumes into, or -1. */
static int idmap_of(const struct plan *plan, const struct host_sources *hs)
{
    return plan->userns == USERNS_IDMAP ? hs->userns : -1;
}

static int make_files(const struct app *app, int pod_fd, int app_root, int idmap, struct s1_error *err)
{
    for (size_t i = 0; i < app->nfiles; i++) {
        const struct app_file *f = &app->files[i];
        cleanup_close int src = path_open_pod(pod_fd, f->source, O_PATH, false, err);
        struct stat st;
        if (src >= 0 && fstat(src, &st) == 0 && !S_ISREG(st.st_mode))
            s1_fail(err, EINVAL, "%s is not a regular file", f->source), close(take_fd(&src));
        cleanup_close int target = src < 0 ? -1 : path_make_in_root(app_root, f->target, false, err);
        if (target < 0 || mounted(mount_bind(src, false, 0, idmap, target, err)) < 0)
            return s1_wrap(err, "plan line %d: file %s", f->line, f->target);
    }
    return 0;
}

static int make_volume_mounts(struct plan *plan, const struct app *app, int pod_fd, int app_root, int idmap,
                              struct s1_error *err)
{
    for (size_t i = 0; i < app->nmounts; i++) {
        const struct app_mount *m = &app->mounts[i];
        const struct volume *v = plan_find_volume(plan, m->volume);
        cleanup_close int src = -1;
        if (v->kind == VOLUME_HOST) {
            /* the operator named this host path: it is followed as the host sees it */
            src = open(v->path, O_PATH | O_CLOEXEC);
            if (src < 0)
                s1_fail(err, errno, "open the volume's source %s", v->path);
        } else {
            src = path_open_pod(pod_fd, v->path, O_PATH | O_DIRECTORY, false, err);
        }
        struct stat st;
        if (src >= 0 && fstat(src, &st) < 0)
            s1_fail(err, errno, "stat %s", v->path), close(take_fd(&src));
        cleanup_close int target = src < 0 ? -1 : path_make_in_root(app_root, m->target, S_ISDIR(st.st_mode), err);
        if (target >= 0 && path_same(target, app_root))
            s1_fail(err, 0, "the target is the app's root"), close(take_fd(&target));
        unsigned attrs = m->readonly ? MOUNT_ATTR_RDONLY : 0;
        if (target < 0 || mounted(mount_bind(src, m->recursive, attrs, idmap, target, err)) < 0)
            return s1_wrap(err, "plan line %d: volume %s on %s", m->line, m->volume, m->target);
    }
    return 0;
}

static int make_masks(const struct app *app, int app_root, const struct host_sources *hs, struct s1_error *err)
{
    for (size_t i = 0; i < app->nmasks; i++) {
        const char *path = app->masks[i];
        cleanup_close int target = path_open_in_root(app_root, path, 0, err);
        if (target < 0 && err->errnum == ENOENT)
            continue;
        struct stat st;
        if (target < 0 || fstat(target, &st) < 0)
            return s1_wrap(err, "mask %s", path);
        int r;
        if (S_ISDIR(st.st_mode)) {
            static const char *const opts[] = { "mode=0555", NULL };
            r = mount_new("tmpfs", opts, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, target, err);
        } else {
            r = mount_bind(hs->devices[0], false, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, -1, target, err);
        }
        if (mounted(r) < 0)
            return s1_wrap(err, "mask %s", path);
    }
    for (size_t i = 0; i < app->nreadonly; i++) {
        const char *path = app->readonly[i];
        cleanup_close int target = path_open_in_root(app_root, path, 0, err);
        if (target < 0 && err->errnum == ENOENT)
            continue;
        cleanup_close int mnt = target < 0 ? -1 : mount_bind(target, true, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, -1, target, err);
        if (mnt < 0)
            return s1_wrap(err, "read-only %s", path);
    }
    return 0;
}

/* The image layers, each opened (idmapped and attached below app_dir/layers when the pod has
 * its own user namespace: overlayfs takes idmapped layers, and the store's trees stay as they
 * are on disk). Fills fds, which the caller closes. */
static int open_layers(const struct app *app, int app_dir, int idmap, int *fds, struct s1_error *err)
{
    cleanup_close int layers = idmap < 0 ? -1 : make_in_fresh(app_dir, "layers", true, 0700, err);
    if (idmap >= 0 && layers < 0)
        return -1;
    for (size_t i = 0; i < app->nimages; i++) {
        cleanup_close int layer = open(app->images[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (layer < 0)
            return s1_fail(err, errno, "open image layer %s", app->images[i]);
        if (idmap < 0) {
            fds[i] = take_fd(&layer);
            continue;
        }
        char name[32];
        snprintf(name, sizeof name, "%zu", i);
        cleanup_close int clone = mount_idmapped_clone(layer, false, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV, idmap, app->images[i], err);
        cleanup_close int at = clone < 0 ? -1 : make_in_fresh(layers, name, true, 0700, err);
        if (at < 0 || (fds[i] = mount_attach(take_fd(&clone), at, "image layer", err)) < 0)
            return -1;
    }
    return 0;
}

static int make_app_root_mount(const struct app *app, int pod_fd, int app_dir, int idmap, int target, struct s1_error *err)
{
    if (app->rootfs == ROOTFS_DIR) {
        cleanup_close int dir = path_open_pod(pod_fd, app->dir, O_PATH | O_DIRECTORY, false, err);
        if (dir < 0)
            return -1;
        return mount_bind(dir, false, 0, idmap, target, err);
    }
    cleanup_close int upper = path_open_pod(pod_fd, app->upper, O_PATH | O_DIRECTORY, false, err);
    cleanup_close int work = upper < 0 ? -1 : path_open_pod(pod_fd, app->work, O_PATH | O_DIRECTORY, false, err);
    if (work < 0)
        return -1;
    cleanup_free int *layers = malloc(app->nimages * sizeof *layers);
    if (!layers)
        return s1_fail(err, ENOMEM, "image layers");
    for (size_t i = 0; i < app->nimages; i++)
        layers[i] = -1;
    int r = open_layers(app, app_dir, idmap, layers, err);
    if (r == 0)
        r = mount_overlay(layers, app->nimages, upper, work, target, err);
    for (size_t i = 0; i < app->nimages; i++)
        if (layers[i] >= 0)
            close(layers[i]);
    return r;
}

/* Makes /opt/stage2/NAME/rootfs below the pod root and mounts the app's root on it. */
static int mount_app_root(struct plan *plan, struct app *app, int pod_fd, int pod_root_fd, int idmap, struct s1_error *err)
{
    /* the pod's root is our own fresh tmpfs: plain *at calls below it cannot be redirected */
    cleanup_close int stage2 = openat(pod_root_fd, "opt/stage2", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (stage2 < 0)
        return s1_fail(err, errno, "app %s: open /opt/stage2", app->name);
    cleanup_close int app_dir = make_in_fresh(stage2, app->name, true, 0755, err);
    cleanup_close int target = app_dir < 0 ? -1 : make_in_fresh(app_dir, "rootfs", true, 0755, err);
    (void) plan;
    int root = target < 0 ? -1 : make_app_root_mount(app, pod_fd, app_dir, idmap, target, err);
    if (root < 0)
        return s1_wrap(err, "app %s: root", app->name);
    return root;
}

/* The standard environment, the masks and read-only paths, and a read-only root. */
static int finish_app_root(struct plan *plan, struct app *app, int root, const struct host_sources *hs, struct s1_error *err)
{
    if (mount_std(root, "/proc", "proc", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err) < 0 ||
        mount_std(root, "/sys", "sysfs", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err) < 0 ||
        make_dev(plan, root, app->interactive, hs, err) < 0 || make_cgroup_view(plan, app, root, err) < 0)
        return s1_wrap(err, "app %s", app->name);
    return 0;
}

static int protect_app_root(struct app *app, int root, const struct host_sources *hs, struct s1_error *err)
{
    if (make_masks(app, root, hs, err) < 0)
        return s1_wrap(err, "app %s", app->name);
    if (app->readonly_rootfs && mount_set_attrs(root, false, MOUNT_ATTR_RDONLY, err) < 0)
        return s1_wrap(err, "app %s: read-only root", app->name);
    return 0;
}

int rootfs_make_app_root(struct plan *plan, struct app *app, int pod_fd, int pod_root_fd,
                         const struct host_sources *hs, struct s1_error *err)
{
    int idmap = idmap_of(plan, hs);
    cleanup_close int root = mount_app_root(plan, app, pod_fd, pod_root_fd, idmap, err);
    if (root < 0 || finish_app_root(plan, app, root, hs, err) < 0)
        return -1;
    if (make_files(app, pod_fd, root, idmap, err) < 0 || make_volume_mounts(plan, app, pod_fd, root, idmap, err) < 0)
        return s1_wrap(err, "app %s", app->name);
    return protect_app_root(app, root, hs, err);
}

int rootfs_make_shared_app_root(struct plan *plan, struct app *app, int pod_fd, int pod_root_fd, struct s1_error *err)
{
    cleanup_close int root = mount_app_root(plan, app, pod_fd, pod_root_fd, -1, err);
    if (root < 0)
        return -1;
    if (make_files(app, pod_fd, root, -1, err) < 0 || make_volume_mounts(plan, app, pod_fd, root, -1, err) < 0)
        return s1_wrap(err, "app %s", app->name);
    return 0;
}

int rootfs_finish_shared_app_root(struct plan *plan, struct app *app, int root, const struct host_sources *hs,
                                  struct s1_error *err)
{
    if (finish_app_root(plan, app, root, hs, err) < 0)
        return -1;
    return protect_app_root(app, root, hs, err);
}
