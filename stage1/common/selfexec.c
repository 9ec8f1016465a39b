/* stage1's processes live next to the apps (PID 1, enter's command before its exec). A root
 * app that could open /proc/<pid>/exe could keep stage1's file and write it once it is no
 * longer running, and every later `jrkt enter` or `gc` would run its code as root on the
 * host (CVE-2019-5736 in runc). So stage1 runs from a sealed memfd copy of itself: its exe is
 * a file nobody can write, not the file in the pod directory or the store. */
#define _GNU_SOURCE
#include "stage1.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static bool running_sealed(void)
{
    cleanup_close int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (exe < 0)
        return false;
    int seals = fcntl(exe, F_GET_SEALS);
    return seals >= 0 && (seals & SEALS) == SEALS;
}

int selfexec_sealed(char **argv, struct s1_error *err)
{
    if (running_sealed())
        return 0;
    cleanup_close int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (exe < 0)
        return s1_fail(err, errno, "open /proc/self/exe");
    struct stat st;
    if (fstat(exe, &st) < 0)
        return s1_fail(err, errno, "stat /proc/self/exe");
    cleanup_close int copy = memfd_create("jrkt-stage1", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (copy < 0)
        return s1_fail(err, errno, "memfd_create");
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = sendfile(copy, exe, NULL, (size_t) (st.st_size - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return s1_fail(err, n < 0 ? errno : EIO, "copy stage1 into a memfd");
        done += n;
    }
    if (fcntl(copy, F_ADD_SEALS, SEALS) < 0)
        return s1_fail(err, errno, "seal the memfd copy of stage1");
    fexecve(copy, argv, environ);
    return s1_fail(err, errno, "re-execute stage1 from its sealed copy");
}
