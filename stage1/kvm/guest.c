/* kvm-guest: the init of a kvm pod's VM.
 *
 * PID 1 (this)   mounts /proc, /sys, /dev, loads the drivers, finds the ports, mounts the
 * │              pod's share; reports the pod's status when the supervisor ends; powers off
 * ├─ supervisor  a child subreaper: finishes each app's root (its /proc, /sys, /dev, cgroups,
 * │  ├─ app1     masks), starts and supervises the apps with the common code
 * │  └─ app2
 * └─ agent       (the supervisor's child) serves enter and forwards "term" to the supervisor
 *
 * PID 1 ending would panic the kernel: whatever fails is reported and the VM powers off. */
#define _GNU_SOURCE
#include "kvm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MODULES "/kvm/modules"

static __attribute__((noreturn)) void power_off(int status)
{
    status_send("exit %d", status);
    sync();
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}

static __attribute__((noreturn)) void guest_die(const struct s1_error *err)
{
    char line[1200];
    s1_format(err, line, sizeof line);
    if (s1_write_all(STDERR_FILENO, line, strlen(line)) < 0) {
        /* the console has it */
    }
    line[strcspn(line, "\n")] = '\0';
    status_send("fatal %s", line);
    power_off(S1_EXIT_FAILURE);
}

static int mount_kernel_fs(struct s1_error *err)
{
    static const struct { const char *fstype, *target; unsigned long flags; } fs[] = {
        { "proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC },
        { "sysfs", "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC },
        { "devtmpfs", "/dev", MS_NOSUID | MS_NOEXEC },
    };
    for (size_t i = 0; i < sizeof fs / sizeof *fs; i++) {
        if (mkdir(fs[i].target, 0755) < 0 && errno != EEXIST)
            return s1_fail(err, errno, "kvm guest: mkdir %s", fs[i].target);
        if (mount(fs[i].fstype, fs[i].target, fs[i].fstype, fs[i].flags, NULL) < 0)
            return s1_fail(err, errno, "kvm guest: mount %s", fs[i].target);
    }
    return 0;
}

/* The drivers the VM needs, in the order the build resolved their dependencies. */
static int load_modules(struct s1_error *err)
{
    cleanup_file FILE *order = fopen(MODULES "/order", "re");
    if (!order)
        return s1_fail(err, errno, "kvm guest: %s/order", MODULES);
    char name[256];
    while (fgets(name, sizeof name, order)) {
        name[strcspn(name, "\n")] = '\0';
        if (!*name)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", MODULES, name);
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return s1_fail(err, errno, "kvm guest: open %s", path);
        if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
            return s1_fail(err, errno, "kvm guest: load %s", name);
    }
    return 0;
}

/* Opens the virtio-serial port NAME (/dev/vportNpM, named in sysfs); -1 with errno ENOENT when
 * the VM has none of that name. */
static int open_port(const char *name, int flags)
{
    DIR *d = opendir("/sys/class/virtio-ports");
    if (!d)
        return -1;
    int fd = -1;
    errno = ENOENT;
    for (struct dirent *e; fd < 0 && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[512], value[256];
        snprintf(path, sizeof path, "/sys/class/virtio-ports/%s/name", e->d_name);
        if (read_small(path, value, sizeof value) <= 0)
            continue;
        value[strcspn(value, "\n")] = '\0';
        if (strcmp(value, name))
            continue;
        snprintf(path, sizeof path, "/dev/%s", e->d_name);
        fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
    }
    closedir(d);
    return fd;
}

/* The ports appear as QEMU announces them, shortly after the driver loaded. */
static int wait_port(const char *name, int flags, struct s1_error *err)
{
    for (int i = 0; i < 500; i++) {
        int fd = open_port(name, flags);
        if (fd >= 0)
            return fd;
        usleep(10000);
    }
    return s1_fail(err, ENOENT, "kvm guest: port %s", name);
}

static bool cmdline_has(const char *word)
{
    char buf[4096];
    if (read_small("/proc/cmdline", buf, sizeof buf) <= 0)
        return false;
    buf[strcspn(buf, "\n")] = '\0';
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
        if (!strcmp(w, word))
            return true;
    return false;
}

static int write_file(const char *path, const char *value, struct s1_error *err)
{
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || s1_write_all(fd, value, strlen(value)) < 0)
        return s1_fail(err, errno, "kvm guest: write %s to %s", value, path);
    return 0;
}

/* The pod's cgroups in the VM's own cgroup2: /jrkt with stage1 and app-NAME, which the plan's
 * cgroup lines (host paths, meaningless here) are replaced with. */
#define GUEST_CGROUP_ROOT "/sys/fs/cgroup"
static int guest_cgroups(struct plan *plan, struct s1_error *err)
{
    if (mount("cgroup2", GUEST_CGROUP_ROOT, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return s1_fail(err, errno, "kvm guest: mount cgroup2");
    if (mkdir(GUEST_CGROUP_ROOT "/jrkt", 0755) < 0 || mkdir(GUEST_CGROUP_ROOT "/jrkt/stage1", 0755) < 0)
        return s1_fail(err, errno, "kvm guest: mkdir the pod's cgroup");
    for (size_t i = 0; i < plan->napps; i++) {
        char path[512];
        snprintf(path, sizeof path, GUEST_CGROUP_ROOT "/jrkt/app-%s", plan->apps[i].name);
        if (mkdir(path, 0755) < 0)
            return s1_fail(err, errno, "kvm guest: mkdir %s", path);
    }
    char pid[32];
    snprintf(pid, sizeof pid, "%d", (int) getpid());
    if (write_file(GUEST_CGROUP_ROOT "/jrkt/stage1/cgroup.procs", pid, err) < 0)
        return -1;
    static struct cgroup guest = { .hierarchy = "unified", .mountpoint = GUEST_CGROUP_ROOT, .path = "/jrkt" };
    plan->cgroups = &guest;
    plan->ncgroups = 1;
    return 0;
}

/* The supervisor: the pod, as the plan says, in the VM. Exits with the pod's status. */
static __attribute__((noreturn)) void supervise(int control_fd)
{
    struct s1_error err = { 0 };
    struct plan plan;
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        s1_fail(&err, errno, "kvm guest: prctl PR_SET_CHILD_SUBREAPER");
        s1_die(&err);
    }
    if (plan_load(KVM_GUEST_POD "/" KVM_SHARE_PLAN_DIR "/plan", &plan, &err) < 0)
        s1_die(&err);
    cleanup_close int pod_fd = open(KVM_GUEST_POD "/" KVM_SHARE_PLAN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pod_fd < 0) {
        s1_fail(&err, errno, "kvm guest: open %s/%s", KVM_GUEST_POD, KVM_SHARE_PLAN_DIR);
        s1_die(&err);
    }
    if (plan.hostname && sethostname(plan.hostname, strlen(plan.hostname)) < 0) {
        s1_fail(&err, errno, "sethostname %s", plan.hostname);
        s1_die(&err);
    }
    if (bring_up_loopback(&err) < 0 || kvm_net_guest(KVM_GUEST_POD "/" KVM_SHARE_PLAN_DIR "/" KVM_NET_FILE, &err) < 0 ||
        guest_cgroups(&plan, &err) < 0)
        s1_die(&err);
    struct host_sources hs;
    if (rootfs_open_host_sources(&plan, &hs, &err) < 0)
        s1_die(&err);
    bool detach = cmdline_has("jrkt.detach");
    for (size_t i = 0; i < plan.napps; i++) {
        struct app *app = &plan.apps[i];
        char root[4096];
        snprintf(root, sizeof root, "%s/opt/stage2/%s/rootfs", KVM_GUEST_POD, app->name);
        free(app->root);
        app->root = strdup(root);
        cleanup_close int root_fd = app->root ? open(app->root, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
        if (root_fd < 0) {
            s1_fail(&err, errno, "kvm guest: app %s: open its root", app->name);
            s1_die(&err);
        }
        if (rootfs_finish_shared_app_root(&plan, app, root_fd, &hs, &err) < 0 || confine_prepare(&plan, app, pod_fd, &err) < 0)
            s1_die(&err);
        if (detach) {
            char port[32];
            snprintf(port, sizeof port, KVM_PORT_LOG "%zu", i);
            app->log_fd = wait_port(port, O_WRONLY, &err);
            if (app->log_fd < 0)
                s1_die(&err);
        }
        s1_log("app %s: root ready", app->name);
    }
    rootfs_close_host_sources(&hs);

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGCHLD);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    int signal_fd = sigprocmask(SIG_BLOCK, &sigs, NULL) < 0 ? -1 : signalfd(-1, &sigs, SFD_CLOEXEC);
    if (signal_fd < 0) {
        s1_fail(&err, errno, "kvm guest: signalfd");
        s1_die(&err);
    }
    int enter_fd = wait_port(KVM_PORT_ENTER, O_RDWR, &err);
    if (enter_fd < 0)
        s1_die(&err);
    pid_t self = getpid();
    pid_t agent = fork();
    if (agent < 0) {
        s1_fail(&err, errno, "kvm guest: fork the agent");
        s1_die(&err);
    }
    if (agent == 0) {
        sigprocmask(SIG_UNBLOCK, &sigs, NULL);
        close(signal_fd);
        kvm_agent(&plan, control_fd, enter_fd, self);
    }
    close(enter_fd);

    struct supervisor sv = { .plan = &plan, .own_pid_ns = false, .userns_fd = -1, .signal_fd = signal_fd, .detach = detach };
    sv.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (sv.null_fd < 0) {
        s1_fail(&err, errno, "open /dev/null");
        s1_die(&err);
    }
    if (apps_start_all(&sv, &err) < 0)
        s1_die(&err);
    int status = apps_supervise(&sv, &err);
    if (status < 0)
        s1_die(&err);
    kill(agent, SIGKILL);
    _exit(status);
}

int cmd_kvm_guest(int argc, char **argv)
{
    (void) argc, (void) argv;
    struct s1_error err = { 0 };
    if (getpid() != 1) {
        s1_fail(&err, 0, "kvm-guest is the init of a kvm pod's VM, not a command");
        s1_die(&err);
    }
    umask(022);
    if (mount_kernel_fs(&err) < 0 || load_modules(&err) < 0)
        guest_die(&err);
    int control_fd = wait_port(KVM_PORT_CONTROL, O_RDWR, &err);
    if (control_fd < 0)
        guest_die(&err);
    s1_status_fd = control_fd;
    int out = wait_port(KVM_PORT_STDOUT, O_WRONLY, &err), errfd = out < 0 ? -1 : wait_port(KVM_PORT_STDERR, O_WRONLY, &err);
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (errfd < 0 || null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(errfd, STDERR_FILENO) < 0)
        guest_die(&err);
    close(out), close(errfd), close(null_fd);
    status_send("booted");
    if ((mkdir(KVM_GUEST_POD, 0755) < 0 && errno != EEXIST) ||
        mount(KVM_SHARE_TAG, KVM_GUEST_POD, "9p", 0, "trans=virtio,version=9p2000.L,cache=none,msize=262144") < 0) {
        s1_fail(&err, errno, "kvm guest: mount the pod's share");
        guest_die(&err);
    }
    pid_t supervisor = fork();
    if (supervisor < 0) {
        s1_fail(&err, errno, "kvm guest: fork");
        guest_die(&err);
    }
    if (supervisor == 0)
        supervise(control_fd);
    /* reap everything; the pod's status is the supervisor's */
    for (;;) {
        int ws;
        pid_t pid = wait(&ws);
        if (pid == supervisor)
            power_off(wait_status_code(ws));
        if (pid < 0 && errno == ECHILD)
            power_off(S1_EXIT_FAILURE);
    }
}
