/*
 * A test helper, compiled by the tests: loads a seccomp filter file (raw struct sock_filter
 * entries, as jrkt writes them for stage1) and then makes each named call, printing one line a
 * call: "NAME ok" or "NAME errno N". A call the filter kills ends the process by SIGSYS.
 *
 *   seccomp-try FILTER|none CALL...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *name, long rc) {
    char line[128];
    int n = rc < 0 ? snprintf(line, sizeof line, "%s errno %d\n", name, errno) : snprintf(line, sizeof line, "%s ok\n", name);
    syscall(SYS_write, 1, line, (size_t) n); /* raw: no libc buffering or probing calls */
}

static long i386_getpid(void) {
    long rc;
    __asm__ volatile ("int $0x80" : "=a"(rc) : "a"(20L) : "memory"); /* i386 __NR_getpid */
    if (rc < 0) { errno = (int) -rc; return -1; }
    return rc;
}

static long call(const char *name) {
    if (!strcmp(name, "getpid")) return syscall(SYS_getpid);
    if (!strcmp(name, "getppid")) return syscall(SYS_getppid);
    if (!strcmp(name, "setuid")) return syscall(SYS_setuid, 0);
    if (!strcmp(name, "mount")) return syscall(SYS_mount, "none", "/nonexistent-jrkt-test", "tmpfs", 0UL, NULL);
    if (!strcmp(name, "reboot")) return syscall(SYS_reboot, 0, 0, 0, NULL); /* bad magic: EINVAL when allowed */
    if (!strcmp(name, "keyctl")) return syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
    if (!strcmp(name, "bpf")) return syscall(SYS_bpf, -1, NULL, 0);
    if (!strcmp(name, "unshare-user")) return syscall(SYS_unshare, CLONE_NEWUSER);
    if (!strcmp(name, "unshare-uts")) return syscall(SYS_unshare, CLONE_NEWUTS);
    if (!strcmp(name, "clone3")) return syscall(SYS_clone3, NULL, 0);
    if (!strcmp(name, "clone-user") || !strcmp(name, "fork")) {
        unsigned long flags = SIGCHLD | (!strcmp(name, "clone-user") ? CLONE_NEWUSER : 0);
        long pid = syscall(SYS_clone, flags, 0, NULL, NULL, 0);
        if (pid == 0) syscall(SYS_exit_group, 0);
        if (pid > 0) waitpid((pid_t) pid, NULL, 0);
        return pid;
    }
    if (!strcmp(name, "personality-query")) return syscall(SYS_personality, 0xffffffffUL);
    if (!strcmp(name, "personality-no-aslr")) return syscall(SYS_personality, 0x0040000UL);
    if (!strcmp(name, "x32-getpid")) return syscall(0x40000000 | SYS_getpid);
    if (!strcmp(name, "beyond-table")) return syscall(1000);
    if (!strcmp(name, "i386-getpid")) return i386_getpid();
    fprintf(stderr, "seccomp-try: unknown call %s\n", name);
    exit(2);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: seccomp-try FILTER|none CALL...\n"); return 2; }
    if (strcmp(argv[1], "none")) {
        static struct sock_filter code[4096];
        int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        if (fd < 0) { perror(argv[1]); return 2; }
        ssize_t n = read(fd, code, sizeof code);
        close(fd);
        if (n <= 0 || n % 8) { fprintf(stderr, "seccomp-try: bad filter size %zd\n", n); return 2; }
        struct sock_fprog prog = { .len = (unsigned short) (n / 8), .filter = code };
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
            perror("seccomp-try: installing the filter");
            return 2;
        }
    }
    for (int i = 2; i < argc; i++) say(argv[i], call(argv[i]));
    return 0;
}
