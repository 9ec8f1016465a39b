/* kvm run, on the host: builds the apps' roots for the VM to share, boots QEMU, relays the
 * apps' output and the guest's reports, and records the pod's status as every flavor does.
 *
 * run (host namespaces; holds the lock and the pod directory; `pid` is this process)
 * └─ QEMU (a mount namespace of its own holding the app roots; PR_SET_PDEATHSIG; the pod's
 *    `stage1` cgroup) ─ the VM: its init is this binary as /kvm-guest (guest.c)
 */
#define _GNU_SOURCE
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#define QEMU_DEFAULT "/usr/bin/qemu-system-x86_64"
#define KERNEL "stage1/rootfs/vm/vmlinuz"
#define INITRD "stage1/rootfs/vm/initrd.cpio"
/* Without a resource/memory limit the VM gets this much; with one, the limit bounds QEMU as a
 * whole (it runs in the pod's cgroup), so the VM gets the limit less what QEMU needs besides. */
#define DEFAULT_VM_MIB 256
#define QEMU_OVERHEAD_MIB 64
#define MIN_VM_MIB 96
/* How long the pod's apps have to end after SIGTERM before the VM is killed. */
#define STOP_GRACE_MS 10000

struct vm {
    struct plan *plan;
    const char *qemu;
    bool hardware;          /* KVM; else QEMU's TCG */
    long mem_mib;
    long cpus;
    bool detach;
    int kernel_fd, initrd_fd;
    int control[2], out[2], err[2], qemu_stderr[2];
    struct kvm_net net;     /* in QEMU's process: the pod's networks, bridged to tap devices */
};

/* ---- what the plan and the host allow ---- */

static int check_plan(const struct plan *plan, struct s1_error *err)
{
    if (plan->net == NET_HOST)
        return s1_fail(err, 0, "kvm: a VM has a network of its own: the plan asks for the host's (net host)");
    if (plan->userns != USERNS_NONE)
        return s1_fail(err, 0, "kvm: the VM is the pod's boundary: the plan asks for a user namespace (--private-users), which kvm does not give");
    for (size_t i = 0; i < plan->napps; i++)
        if (plan->apps[i].interactive)
            return s1_fail(err, 0, "kvm: app %s is interactive, which the kvm flavor does not support", plan->apps[i].name);
    return 0;
}

/* Reads one number from a cgroup file; returns 1 with *v, 0 when absent or unlimited. */
static int read_cgroup_number(const char *dir, const char *file, long long *v, long long *second)
{
    char path[4096], buf[128];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (read_small(path, buf, sizeof buf) <= 0)
        return 0;
    if (!strncmp(buf, "max", 3))
        return 0;
    char *end;
    *v = strtoll(buf, &end, 10);
    if (second)
        *second = strtoll(end, NULL, 10);
    /* v1 writes "unlimited" as a page-rounded LLONG_MAX */
    return *v > 0 && *v < (1LL << 50) ? 1 : 0;
}

/* The memory (bytes) and CPU (thousandths of a core) limits of one cgroup, on v2 or v1. */
static void cgroup_limits(const struct plan *plan, const char *group, long long *mem, long long *cpu_millis)
{
    *mem = *cpu_millis = 0;
    for (size_t i = 0; i < plan->ncgroups; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s%s%s", plan->cgroups[i].mountpoint, plan->cgroups[i].path, *group ? "/" : "", group);
        long long v, period = 0;
        if (!*mem && (read_cgroup_number(dir, "memory.max", &v, NULL) || read_cgroup_number(dir, "memory.limit_in_bytes", &v, NULL)))
            *mem = v;
        if (!*cpu_millis && read_cgroup_number(dir, "cpu.max", &v, &period) && period > 0)
            *cpu_millis = v * 1000 / period;
        long long quota;
        if (!*cpu_millis && read_cgroup_number(dir, "cpu.cfs_quota_us", &quota, NULL) &&
            read_cgroup_number(dir, "cpu.cfs_period_us", &period, NULL))
            *cpu_millis = quota * 1000 / period;
    }
}

/* The VM's size, from the pod's resource/memory and resource/cpu (its cgroup's limits). An app's
 * own limit cannot be honoured: each app's cgroup on the host holds no process of the VM. */
static int size_vm(struct vm *vm, struct s1_error *err)
{
    for (size_t i = 0; i < vm->plan->napps; i++) {
        char group[300];
        snprintf(group, sizeof group, "app-%s", vm->plan->apps[i].name);
        long long mem, cpu;
        cgroup_limits(vm->plan, group, &mem, &cpu);
        if (mem || cpu)
            return s1_fail(err, 0, "kvm: app %s has its own %s limit, which the kvm flavor cannot honour: a VM is sized for the whole pod (give --memory and --cpu before the images)",
                           vm->plan->apps[i].name, mem ? "resource/memory" : "resource/cpu");
    }
    long long mem, cpu;
    cgroup_limits(vm->plan, "", &mem, &cpu);
    vm->mem_mib = mem ? mem / (1024 * 1024) - QEMU_OVERHEAD_MIB : DEFAULT_VM_MIB;
    if (vm->mem_mib < MIN_VM_MIB)
        return s1_fail(err, 0, "kvm: resource/memory %lld MiB is less than a VM needs (%d MiB: %d for the guest, %d for QEMU)",
                       mem / (1024 * 1024), MIN_VM_MIB + QEMU_OVERHEAD_MIB, MIN_VM_MIB, QEMU_OVERHEAD_MIB);
    long host = sysconf(_SC_NPROCESSORS_ONLN);
    vm->cpus = cpu ? (long) ((cpu + 999) / 1000) : 1;
    if (host > 0 && vm->cpus > host)
        vm->cpus = host;
    return 0;
}

/* KVM only where /dev/kvm is a hardware hypervisor: a software one (no vmx/svm in the host's CPU
 * flags) cannot boot a stock kernel, so the VM runs under TCG there. */
static bool hardware_kvm(void)
{
    if (access("/dev/kvm", R_OK | W_OK) < 0)
        return false;
    cleanup_file FILE *f = fopen("/proc/cpuinfo", "re");
    char line[8192];
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "flags", 5))
            return strstr(line, " vmx") || strstr(line, " svm");
    return false;
}

static int find_machine(struct vm *vm, struct s1_error *err)
{
    const char *qemu = getenv("JRKT_KVM_QEMU");
    vm->qemu = qemu && *qemu ? qemu : QEMU_DEFAULT;
    if (access(vm->qemu, X_OK) < 0)
        return s1_fail(err, errno, "kvm: QEMU %s (install qemu-system-x86)", vm->qemu);
    vm->kernel_fd = open(KERNEL, O_RDONLY | O_CLOEXEC);
    if (vm->kernel_fd < 0)
        return s1_fail(err, errno, "kvm: the VM's kernel %s", KERNEL);
    vm->initrd_fd = open(INITRD, O_RDONLY | O_CLOEXEC);
    if (vm->initrd_fd < 0)
        return s1_fail(err, errno, "kvm: the VM's initramfs %s", INITRD);
    vm->hardware = hardware_kvm();
    return 0;
}

/* ---- the VM's tree and QEMU, in the child ---- */

/* Copies the pod file PATH (a pod path) to the same path below dir_fd, making directories. */
static int copy_pod_file(int pod_fd, const char *path, int dir_fd, struct s1_error *err)
{
    cleanup_close int src = path_open_pod(pod_fd, path, O_RDONLY, false, err);
    if (src < 0)
        return -1;
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", path);
    for (char *slash = strchr(parent, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdirat(dir_fd, parent, 0755) < 0 && errno != EEXIST)
            return s1_fail(err, errno, "mkdir %s", parent);
        *slash = '/';
    }
    cleanup_close int dst = openat(dir_fd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (dst < 0)
        return s1_fail(err, errno, "create %s", path);
    char buf[65536];
    ssize_t n;
    while ((n = read(src, buf, sizeof buf)) > 0)
        if (s1_write_all(dst, buf, (size_t) n) < 0)
            return s1_fail(err, errno, "write %s", path);
    if (n < 0)
        return s1_fail(err, errno, "read %s", path);
    return 0;
}

/* The tree the VM shares: the pod root (a tmpfs over stage1/rootfs, in our own mount namespace)
 * with each app's root, files and volumes, and kvm/ with the plan and the seccomp filters. */
static int build_shared_tree(struct plan *plan, const struct kvm_net *net, struct s1_error *err)
{
    if (unshare(CLONE_NEWNS) < 0)
        return s1_fail(err, errno, "kvm: unshare the mount namespace");
    if (mounts_make_root_slave(err) < 0)
        return -1;
    /* a pod directory fd from before unshare names the host's mounts: open it again */
    cleanup_close int pod_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pod_fd < 0)
        return s1_fail(err, errno, "open the pod directory");
    cleanup_close int root = rootfs_make_pod_root(pod_fd, err);
    if (root < 0)
        return -1;
    for (size_t i = 0; i < plan->napps; i++)
        if (rootfs_make_shared_app_root(plan, &plan->apps[i], pod_fd, root, err) < 0)
            return -1;
    if (mkdirat(root, KVM_SHARE_PLAN_DIR, 0755) < 0)
        return s1_fail(err, errno, "mkdir %s in the pod's root", KVM_SHARE_PLAN_DIR);
    cleanup_close int dir = openat(root, KVM_SHARE_PLAN_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0 || copy_pod_file(pod_fd, "plan", dir, err) < 0)
        return s1_wrap(err, "kvm: the plan for the VM");
    for (size_t i = 0; i < plan->napps; i++)
        if (plan->apps[i].seccomp && copy_pod_file(pod_fd, plan->apps[i].seccomp, dir, err) < 0)
            return s1_wrap(err, "kvm: app %s's seccomp filter", plan->apps[i].name);
    if (kvm_net_write(net, dir, err) < 0)
        return -1;
    return mount_set_attrs(root, false, MOUNT_ATTR_RDONLY, err);
}

struct args {
    char *v[160];
    int n;
    char strings[160][512];
};

static void arg(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(struct args *a, const char *fmt, ...)
{
    if (a->n >= (int) (sizeof a->v / sizeof *a->v) - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->strings[a->n], sizeof a->strings[a->n], fmt, ap);
    va_end(ap);
    a->v[a->n] = a->strings[a->n];
    a->v[++a->n] = NULL;
}

static void add_arg(void *a, const char *s)
{
    arg(a, "%s", s);
}

static void qemu_args(const struct vm *vm, struct args *a)
{
    arg(a, "%s", vm->qemu);
    arg(a, "-machine");
    arg(a, "q35");
    arg(a, "-accel");
    /* TCG's translation cache is QEMU's own memory: keep it small (it counts against the pod) */
    arg(a, vm->hardware ? "kvm" : "tcg,tb-size=32");
    arg(a, "-cpu");
    arg(a, vm->hardware ? "host" : "max");
    arg(a, "-m");
    arg(a, "%ld", vm->mem_mib);
    arg(a, "-smp");
    arg(a, "%ld", vm->cpus);
    arg(a, "-nodefaults");
    arg(a, "-no-user-config");
    arg(a, "-display");
    arg(a, "none");
    arg(a, "-no-reboot");
    arg(a, "-kernel");
    arg(a, "/proc/self/fd/%d", vm->kernel_fd);
    arg(a, "-initrd");
    arg(a, "/proc/self/fd/%d", vm->initrd_fd);
    arg(a, "-append");
    arg(a, "console=ttyS0 quiet panic=-1 rdinit=/kvm-guest%s", vm->detach ? " jrkt.detach" : "");
    arg(a, "-chardev");
    arg(a, "file,id=console,path=" KVM_CONSOLE_LOG);
    arg(a, "-serial");
    arg(a, "chardev:console");
    arg(a, "-fsdev");
    arg(a, "local,id=pod,path=stage1/rootfs,security_model=passthrough,multidevs=remap");
    arg(a, "-device");
    arg(a, "virtio-9p-pci,fsdev=pod,mount_tag=" KVM_SHARE_TAG);
    arg(a, "-device");
    arg(a, "virtio-serial-pci,max_ports=%zu", vm->plan->napps + 8);
    const struct { const char *name; int fd; } ports[] = {
        { KVM_PORT_CONTROL, vm->control[1] }, { KVM_PORT_STDOUT, vm->out[1] }, { KVM_PORT_STDERR, vm->err[1] },
    };
    for (size_t i = 0; i < sizeof ports / sizeof *ports; i++) {
        arg(a, "-chardev");
        arg(a, "socket,id=%s,fd=%d", ports[i].name, ports[i].fd);
        arg(a, "-device");
        arg(a, "virtserialport,chardev=%s,name=%s", ports[i].name, ports[i].name);
    }
    for (size_t i = 0; vm->detach && i < vm->plan->napps; i++) {
        arg(a, "-chardev");
        arg(a, "file,id=log%zu,path=logs/%s.log,append=on", i, vm->plan->apps[i].name);
        arg(a, "-device");
        arg(a, "virtserialport,chardev=log%zu,name=" KVM_PORT_LOG "%zu", i, i);
    }
    arg(a, "-chardev");
    arg(a, "socket,id=enter,path=" KVM_ENTER_SOCKET ",server=on,wait=off");
    arg(a, "-device");
    arg(a, "virtserialport,chardev=enter,name=" KVM_PORT_ENTER);
    kvm_net_qemu_args(&vm->net, add_arg, a);
}

/* The child: into the pod's cgroup, build the tree, become QEMU. Any failure is one line on the
 * stderr pipe, which the run process reports. */
static __attribute__((noreturn)) void start_qemu(struct vm *vm, pid_t parent)
{
    struct s1_error err = { 0 };
    s1_report_fd = -1; /* the run process reports what we print */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(S1_EXIT_FAILURE);
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(null_fd, STDOUT_FILENO) < 0 ||
        dup2(vm->qemu_stderr[1], STDERR_FILENO) < 0)
        _exit(S1_EXIT_FAILURE);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    cleanup_close int pod_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pod_fd < 0) {
        s1_fail(&err, errno, "open the pod directory");
        s1_die(&err);
    }
    if (place_pid1(vm->plan, getpid(), &err) < 0 || kvm_net_host(vm->plan, pod_fd, &vm->net, &err) < 0 ||
        build_shared_tree(vm->plan, &vm->net, &err) < 0)
        s1_die(&err);
    for (size_t i = 0; i < vm->net.nnics; i++)
        if (fcntl(vm->net.nics[i].tap_fd, F_SETFD, 0) < 0) {
            s1_fail(&err, errno, "kvm: pass the tap device of %s to QEMU", vm->net.nics[i].name);
            s1_die(&err);
        }
    int keep[] = { vm->kernel_fd, vm->initrd_fd, vm->control[1], vm->out[1], vm->err[1] };
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
        if (fcntl(keep[i], F_SETFD, 0) < 0) {
            s1_fail(&err, errno, "kvm: pass fd %d to QEMU", keep[i]);
            s1_die(&err);
        }
    static struct args a;
    qemu_args(vm, &a);
    execv(vm->qemu, a.v);
    s1_fail(&err, errno, "kvm: exec %s", vm->qemu);
    s1_die(&err);
}

/* ---- the run process ---- */

struct run_state {
    bool booted;
    bool have_status;
    int status;
};

static bool on_guest_line(void *data, const char *line)
{
    struct run_state *st = data;
    if (!strcmp(line, "booted")) {
        st->booted = true;
        return true;
    }
    if (!strncmp(line, "exit ", 5)) {
        char *end;
        long v = strtol(line + 5, &end, 10);
        if (!*end && v >= 0 && v <= 255) {
            st->have_status = true;
            st->status = (int) v;
        }
        return true;
    }
    return false;
}

/* Copies what fd has to out; returns false at EOF. */
static bool relay(int fd, int out)
{
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    if (s1_write_all(out, buf, (size_t) n) < 0) {
        /* the caller stopped reading: the pod goes on */
    }
    return true;
}

/* QEMU's own messages: kept (the last line explains a failure to start), passed on once booted. */
struct qemu_messages {
    char last[1024];
    char partial[1024];
    size_t len;
};

static bool read_qemu_stderr(int fd, struct qemu_messages *m, bool pass_on)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    if (pass_on && s1_write_all(STDERR_FILENO, buf, (size_t) n) < 0) {
        /* nowhere to report */
    }
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            m->partial[m->len] = '\0';
            if (m->len)
                snprintf(m->last, sizeof m->last, "%s", m->partial);
            m->len = 0;
        } else if (m->len < sizeof m->partial - 1) {
            m->partial[m->len++] = buf[i];
        }
    }
    return true;
}

static long boot_timeout_ms(bool hardware)
{
    const char *v = getenv("JRKT_KVM_BOOT_TIMEOUT");
    if (v && *v) {
        char *end;
        double s = strtod(v, &end);
        if (!*end && s > 0)
            return (long) (s * 1000);
    }
    return hardware ? 30000 : 120000;
}

/* Reports a failure of the pod's start: on stderr, to a detached foreground, in one line. */
static void report_failure(const struct s1_error *err)
{
    char line[1200];
    s1_format(err, line, sizeof line);
    if (s1_write_all(STDERR_FILENO, line, strlen(line)) < 0) {
        /* nowhere to report */
    }
    if (s1_report_fd >= 0) {
        if (s1_write_all(s1_report_fd, line, strlen(line)) < 0) {
            /* the foreground is gone */
        }
        close(s1_report_fd);
        s1_report_fd = -1;
    }
}

int cmd_kvm(int argc, char **argv)
{
    struct s1_error err = { 0 };
    struct run_opts opts = { 0 };
    struct plan plan;
    struct vm vm = { .plan = &plan, .kernel_fd = -1, .initrd_fd = -1 };
    umask(022);
    if (selfexec_sealed(argv, &err) < 0 || parse_args(argc, argv, &opts, &err) < 0 ||
        close_inherited_fds(opts.lock_fd, &err) < 0 || plan_load("plan", &plan, &err) < 0 ||
        check_plan(&plan, &err) < 0 || find_machine(&vm, &err) < 0 || size_vm(&vm, &err) < 0)
        s1_die(&err);
    vm.detach = opts.detach;
    int pod_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pod_fd < 0 || (mkdirat(pod_fd, KVM_DIR, 0700) < 0 && errno != EEXIST) ||
        (mkdirat(pod_fd, "logs", 0750) < 0 && errno != EEXIST)) {
        s1_fail(&err, errno, "kvm: prepare the pod directory");
        s1_die(&err);
    }
    if (!vm.hardware) {
        static const char notice[] = "stage1: kvm: /dev/kvm is not a hardware hypervisor here (no vmx or svm): the VM runs under QEMU's TCG emulator, much slower\n";
        if (s1_write_all(STDERR_FILENO, notice, sizeof notice - 1) < 0) {
            /* nowhere to say it */
        }
    }
    if (opts.detach && detach(opts.uuid, pod_fd, &err) < 0)
        s1_die(&err);

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGCHLD);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, vm.control) < 0 ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, vm.out) < 0 ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, vm.err) < 0 || pipe2(vm.qemu_stderr, O_CLOEXEC) < 0) {
        s1_fail(&err, errno, "kvm: set up signals and sockets");
        s1_die(&err);
    }
    int signal_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
    if (signal_fd < 0) {
        s1_fail(&err, errno, "signalfd");
        s1_die(&err);
    }
    signal(SIGPIPE, SIG_IGN);
    char buf[32];
    snprintf(buf, sizeof buf, "%d", (int) getpid());
    if (status_write(pod_fd, "pid", buf, &err) < 0)
        s1_die(&err);
    pid_t self = getpid();
    pid_t qemu = fork();
    if (qemu < 0) {
        s1_fail(&err, errno, "kvm: fork");
        s1_die(&err);
    }
    if (qemu == 0)
        start_qemu(&vm, self);
    close(vm.control[1]);
    close(vm.out[1]);
    close(vm.err[1]);
    close(vm.qemu_stderr[1]);
    close(vm.kernel_fd);
    close(vm.initrd_fd);

    struct run_state st = { 0 };
    struct channel ch = { .fd = vm.control[0], .flavor_line = on_guest_line, .flavor_data = &st };
    struct qemu_messages qm = { 0 };
    bool out_open = true, err_open = true, qerr_open = true, ended = false;
    int qemu_wait = 0;
    long long boot_deadline = monotonic_ms() + boot_timeout_ms(vm.hardware), kill_deadline = 0;
    bool timed_out = false;
    while (!ended || !ch.eof || out_open || err_open || qerr_open) {
        struct pollfd fds[5] = {
            { .fd = ended ? -1 : signal_fd, .events = POLLIN }, { .fd = ch.eof ? -1 : ch.fd, .events = POLLIN },
            { .fd = out_open ? vm.out[0] : -1, .events = POLLIN }, { .fd = err_open ? vm.err[0] : -1, .events = POLLIN },
            { .fd = qerr_open ? vm.qemu_stderr[0] : -1, .events = POLLIN },
        };
        long long deadline = ended ? 0 : !st.booted ? boot_deadline : kill_deadline;
        int timeout = deadline ? (int) (deadline > monotonic_ms() ? deadline - monotonic_ms() : 0) : -1;
        /* once QEMU is gone, what it left in the sockets is all there is */
        if (ended)
            timeout = 0;
        int r = poll(fds, 5, timeout);
        if (r < 0 && errno != EINTR) {
            s1_fail(&err, errno, "poll");
            s1_die(&err);
        }
        if (r == 0 && ended)
            break;
        if (r == 0 && !ended) {
            if (!st.booted && !timed_out) {
                s1_fail(&err, 0, "kvm: the VM did not boot within %g s (its console: %s)", boot_timeout_ms(vm.hardware) / 1000.0,
                        KVM_CONSOLE_LOG);
                timed_out = true;
            } else if (st.booted) {
                fprintf(stderr, "stage1: kvm: the pod did not stop within %d s of SIGTERM: killing the VM\n", STOP_GRACE_MS / 1000);
            }
            kill(qemu, SIGKILL);
            kill_deadline = boot_deadline = 0;
            st.booted = true; /* no more deadlines */
            continue;
        }
        if (r <= 0)
            continue;
        if (fds[1].revents)
            channel_read(&ch, &plan, pod_fd);
        if (fds[2].revents)
            out_open = relay(vm.out[0], STDOUT_FILENO);
        if (fds[3].revents)
            err_open = relay(vm.err[0], STDERR_FILENO);
        if (fds[4].revents)
            qerr_open = read_qemu_stderr(vm.qemu_stderr[0], &qm, st.booted);
        if (!fds[0].revents)
            continue;
        struct signalfd_siginfo si;
        if (read(signal_fd, &si, sizeof si) != sizeof si)
            continue;
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            if (!st.booted) {
                kill(qemu, SIGKILL);
            } else if (!kill_deadline) {
                s1_log("asking the VM to stop the pod");
                if (s1_write_all(ch.fd, "term\n", 5) < 0)
                    kill(qemu, SIGKILL);
                kill_deadline = monotonic_ms() + STOP_GRACE_MS;
            }
            continue;
        }
        int ws;
        if (waitpid(qemu, &ws, WNOHANG) == qemu) {
            qemu_wait = ws;
            ended = true;
        }
    }

    int status;
    if (st.have_status) {
        status = st.status;
    } else if (WIFSIGNALED(qemu_wait) && !timed_out) {
        status = 128 + WTERMSIG(qemu_wait);
    } else {
        status = S1_EXIT_FAILURE;
        if (!timed_out) {
            if (qm.last[0] && !strncmp(qm.last, "stage1: ", 8))
                snprintf(err.msg, sizeof err.msg, "%.1000s", qm.last + 8);
            else
                s1_fail(&err, 0, "kvm: the VM ended before the pod did%s%s (its console: %s)", qm.last[0] ? ": " : "", qm.last,
                        KVM_CONSOLE_LOG);
            err.errnum = 0;
        }
        report_failure(&err);
    }
    snprintf(buf, sizeof buf, "%d", status);
    if (status_write(pod_fd, "exit", buf, &err) < 0) {
        char line[1200];
        s1_format(&err, line, sizeof line);
        if (s1_write_all(STDERR_FILENO, line, strlen(line)) < 0) {
            /* nowhere to report */
        }
    }
    return status;
}

/* gc: QEMU dies with the run process (PR_SET_PDEATHSIG) and its mounts with its namespace; a
 * VM that outlived both (its run process was killed while it started) is in the pod's cgroup. */
int cmd_kvm_gc(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--debug"))
            s1_debug = true;
    kill_pod_cgroups();
    s1_log("gc: killed what was left in the pod's cgroups");
    return 0;
}
