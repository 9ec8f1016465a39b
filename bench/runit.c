/*
 * runit: runs one command and reports what it cost, for bench/run-bench.sh.
 *
 *   runit [-q] COMMAND [ARG...]
 *
 * prints one line: WALL_US CPU_US MAXRSS_KB STATUS
 *   WALL_US    microseconds from fork to the command's exit (what a caller waits for)
 *   CPU_US     user + system CPU of the command and of every process it started, including
 *              daemons it left behind (podman's conmon): runit is their subreaper and reaps them
 *              all (waiting at most 30 s) before it reads RUSAGE_CHILDREN
 *   MAXRSS_KB  the largest resident set of any of those processes
 *   STATUS     the command's exit status (128+N for a signal)
 * -q sends the command's stdout and stderr to /dev/null.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void on_alarm(int sig) { (void)sig; }

int main(int argc, char **argv) {
    int quiet = 0, first = 1;
    if (argc > 1 && strcmp(argv[1], "-q") == 0) quiet = 1, first = 2;
    if (first >= argc) {
        fprintf(stderr, "usage: runit [-q] COMMAND [ARG...]\n");
        return 2;
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        perror("runit: PR_SET_CHILD_SUBREAPER");
        return 2;
    }
    long long start = now_us();
    pid_t child = fork();
    if (child < 0) {
        perror("runit: fork");
        return 2;
    }
    if (child == 0) {
        if (quiet) {
            int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
            if (null >= 0) {
                dup2(null, 1);
                dup2(null, 2);
            }
        }
        execvp(argv[first], argv + first);
        fprintf(stderr, "runit: %s: %s\n", argv[first], strerror(errno));
        _exit(127);
    }
    int wstatus = 0;
    while (waitpid(child, &wstatus, 0) < 0) {
        if (errno != EINTR) {
            perror("runit: waitpid");
            return 2;
        }
    }
    long long wall = now_us() - start;
    int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);

    /* Orphans the command left (daemons it double-forked) were reparented to us: reap them too. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(30);
    for (;;) {
        if (wait(NULL) > 0) continue;
        if (errno == EINTR) fprintf(stderr, "runit: processes left by %s still run after 30 s; not counted\n", argv[first]);
        break; /* ECHILD: none left */
    }
    alarm(0);

    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    long long cpu = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec
                  + (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    printf("%lld %lld %ld %d\n", wall, cpu, ru.ru_maxrss, status);
    return 0;
}
