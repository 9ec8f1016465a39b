/*
 * jrkt's JNI gate (sys/src/main/java/jrkt/sys/NativeGate.java): everything sys needs from C that
 * Java cannot do by itself, so that with this library loaded no java.lang.foreign class is ever
 * touched: call a C function by its address with six integer arguments and keep the errno it
 * left; find a symbol (libc's, or a library's this opens); the address of a direct ByteBuffer
 * (the native memory sys passes to C); a copy of bytes C hands back. See Downcall.java for why
 * one call shape fits every function jrkt calls, and docs/design-notes.md for why JNI here.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <errno.h>
#include <jni.h>

/* A variadic prototype: the integer arguments travel in the same registers as for a
 * non-variadic callee, and on x86-64 %al is set as variadic callees (open, fcntl) expect. */
typedef long (*any_function)(long, ...);

JNIEXPORT jlong JNICALL Java_jrkt_sys_NativeGate_call(JNIEnv *env, jclass cls, jlong address, jlong a, jlong b, jlong c,
                                                     jlong d, jlong e, jlong f, jlong errno_address)
{
    (void) env;
    (void) cls;
    long result = ((any_function) (long) address)((long) a, (long) b, (long) c, (long) d, (long) e, (long) f);
    *(int *) (long) errno_address = errno;
    return (jlong) result;
}

/* The address of a direct buffer's memory (0 for a heap buffer, which has none C may keep). */
JNIEXPORT jlong JNICALL Java_jrkt_sys_NativeGate_address(JNIEnv *env, jclass cls, jobject buffer)
{
    (void) cls;
    return (jlong) (long) (*env)->GetDirectBufferAddress(env, buffer);
}

/* A copy of length bytes at address, which C handed back (a column, a message). */
JNIEXPORT jbyteArray JNICALL Java_jrkt_sys_NativeGate_bytes(JNIEnv *env, jclass cls, jlong address, jint length)
{
    (void) cls;
    jbyteArray copy = (*env)->NewByteArray(env, length);
    if (copy != NULL && length > 0) (*env)->SetByteArrayRegion(env, copy, 0, length, (const jbyte *) (long) address);
    return copy; /* NULL with an OutOfMemoryError pending */
}

static void *libc_function(const char *name);

/* The address of name in the library (0: the process's global scope, libc's functions among
 * them); 0 when there is no such symbol. libc's functions jrkt calls come from this library's
 * own table (libc_function), the others from dlsym. */
JNIEXPORT jlong JNICALL Java_jrkt_sys_NativeGate_symbol(JNIEnv *env, jclass cls, jlong library, jstring name)
{
    (void) cls;
    const char *chars = (*env)->GetStringUTFChars(env, name, NULL);
    if (chars == NULL) return 0;
    void *symbol = library == 0 ? libc_function(chars) : NULL;
    if (symbol == NULL) symbol = dlsym(library == 0 ? RTLD_DEFAULT : (void *) (long) library, chars);
    (*env)->ReleaseStringUTFChars(env, name, chars);
    return (jlong) (long) symbol;
}

/* dlopen of a library by name, its symbols kept to its handle; on failure throws
 * UnsatisfiedLinkError with dlerror's text and returns 0. */
JNIEXPORT jlong JNICALL Java_jrkt_sys_NativeGate_open(JNIEnv *env, jclass cls, jstring name)
{
    (void) cls;
    const char *chars = (*env)->GetStringUTFChars(env, name, NULL);
    if (chars == NULL) return 0;
    void *handle = dlopen(chars, RTLD_NOW | RTLD_LOCAL);
    (*env)->ReleaseStringUTFChars(env, name, chars);
    if (handle == NULL) {
        const char *why = dlerror();
        jclass error = (*env)->FindClass(env, "java/lang/UnsatisfiedLinkError");
        if (error != NULL) (*env)->ThrowNew(env, error, why != NULL ? why : "dlopen failed");
        return 0;
    }
    return (jlong) (long) handle;
}

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The cgroup.procs of the cgroup2 cgroup this process is in, for move_self; freed there. */
static void *move_self(void *procs)
{
    int fd = open((const char *) procs, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (write(fd, "0", 1) < 0) {
            /* only time was at stake */
        }
        close(fd);
    }
    free(procs);
    return NULL;
}

/*
 * Pays ahead for the kernel's slow first cgroup move (jrkt.core.isolation.CgroupMovesPrime): moves
 * this process into the cgroup2 cgroup it is in already ("0" to its cgroup.procs) on a detached
 * thread of its own, which waits out the RCU grace period in the kernel while the JVM goes on; no
 * JVM thread is started for it (one started at main delayed the JNI warm-up's own start by 2-3
 * ms). Returns 1 when the thread was started, 0 when this process has no cgroup2 cgroup at one
 * of cgroup2's two usual places (the caller moves by the mount table), -1 on an error.
 */
long jrkt_gate_prime_cgroup_moves(void)
{
    char text[4096];
    int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) return -1;
    text[n] = '\0';
    char *line = text;
    while (line != NULL && strncmp(line, "0::/", 4) != 0) {
        line = strchr(line, '\n');
        if (line != NULL) line++;
    }
    if (line == NULL) return 0;
    char *path = line + 3, *end = strchr(path, '\n');
    if (end != NULL) *end = '\0';
    static const char *const roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        char controllers[64];
        snprintf(controllers, sizeof controllers, "%s/cgroup.controllers", roots[i]);
        if (access(controllers, F_OK) != 0) continue;
        size_t size = strlen(roots[i]) + strlen(path) + sizeof "/cgroup.procs";
        char *procs = malloc(size);
        if (procs == NULL) return -1;
        snprintf(procs, size, "%s%s/cgroup.procs", roots[i], strcmp(path, "/") == 0 ? "" : path);
        pthread_t thread;
        pthread_attr_t attr;
        if (pthread_attr_init(&attr) != 0) {
            free(procs);
            return -1;
        }
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 64 * 1024);
        int error = pthread_create(&thread, &attr, move_self, procs);
        pthread_attr_destroy(&attr);
        if (error != 0) {
            free(procs);
            return -1;
        }
        return 1;
    }
    return 0;
}

#include <dirent.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>

/*
 * libc's functions jrkt calls (sys/src/main/java/jrkt/sys: LibcLinux's, Downcall's, Bpf's), by
 * the addresses the dynamic loader gave this library when it loaded it. dlsym takes the loader's
 * lock, which a dlopen on another thread holds for as long as it maps and relocates its library:
 * the warm-up thread's load of libsqlite3 (about a millisecond) made the main thread's first
 * calls wait for it, each first call of a libc function looked up by name. A name missing here
 * is still found, by dlsym (NativeGateTest checks that every name Java uses is here).
 */
static const struct {
    const char *name;
    void *address;
} libc_functions[] = {
    { "chdir", (void *) chdir }, { "chmod", (void *) chmod }, { "close", (void *) close },
    { "close_range", (void *) close_range }, { "execve", (void *) execve }, { "fcntl", (void *) fcntl },
    { "flock", (void *) flock }, { "getdents64", (void *) getdents64 }, { "geteuid", (void *) geteuid },
    { "getpid", (void *) getpid }, { "ioctl", (void *) ioctl }, { "kill", (void *) kill },
    { "lchown", (void *) lchown }, { "lgetxattr", (void *) lgetxattr }, { "llistxattr", (void *) llistxattr },
    { "lsetxattr", (void *) lsetxattr }, { "mkdir", (void *) mkdir }, { "mknod", (void *) mknod },
    { "mount", (void *) mount }, { "open", (void *) open }, { "openat", (void *) openat },
    { "pidfd_open", (void *) pidfd_open }, { "poll", (void *) poll }, { "posix_spawn", (void *) posix_spawn },
    { "posix_spawn_file_actions_addchdir_np", (void *) posix_spawn_file_actions_addchdir_np },
    { "posix_spawn_file_actions_addclosefrom_np", (void *) posix_spawn_file_actions_addclosefrom_np },
    { "posix_spawn_file_actions_addopen", (void *) posix_spawn_file_actions_addopen },
    { "posix_spawn_file_actions_destroy", (void *) posix_spawn_file_actions_destroy },
    { "posix_spawn_file_actions_init", (void *) posix_spawn_file_actions_init },
    { "posix_spawnattr_destroy", (void *) posix_spawnattr_destroy },
    { "posix_spawnattr_init", (void *) posix_spawnattr_init },
    { "posix_spawnattr_setflags", (void *) posix_spawnattr_setflags },
    { "posix_spawnattr_setsigdefault", (void *) posix_spawnattr_setsigdefault },
    { "posix_spawnattr_setsigmask", (void *) posix_spawnattr_setsigmask },
    { "pthread_sigmask", (void *) pthread_sigmask }, { "read", (void *) read }, { "readlink", (void *) readlink },
    { "setns", (void *) setns }, { "sigfillset", (void *) sigfillset }, { "socket", (void *) socket },
    { "statx", (void *) statx }, { "strerror", (void *) strerror }, { "strlen", (void *) strlen },
    { "symlink", (void *) symlink }, { "syncfs", (void *) syncfs }, { "syscall", (void *) syscall },
    { "umount2", (void *) umount2 }, { "unlinkat", (void *) unlinkat }, { "unshare", (void *) unshare },
    { "utimensat", (void *) utimensat }, { "waitpid", (void *) waitpid }, { "write", (void *) write },
};

static void *libc_function(const char *name)
{
    for (size_t i = 0; i < sizeof libc_functions / sizeof libc_functions[0]; i++) {
        if (strcmp(libc_functions[i].name, name) == 0) return libc_functions[i].address;
    }
    return NULL;
}

/* Whether name is in the table above (NativeGateTest). */
JNIEXPORT jboolean JNICALL Java_jrkt_sys_NativeGate_inTable(JNIEnv *env, jclass cls, jstring name)
{
    (void) cls;
    const char *chars = (*env)->GetStringUTFChars(env, name, NULL);
    if (chars == NULL) return JNI_FALSE;
    jboolean found = libc_function(chars) != NULL;
    (*env)->ReleaseStringUTFChars(env, name, chars);
    return found;
}

/*
 * The gate's methods are bound to NativeGate here, as the library loads (on the warm-up thread):
 * bound by name instead, each method's first call would look its symbol up with dlsym, on
 * whichever thread first calls it, and wait for the loader's lock as libc's functions did.
 */
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void) reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK) return JNI_VERSION_1_8;
    jclass gate = (*env)->FindClass(env, "jrkt/sys/NativeGate");
    if (gate == NULL) {
        (*env)->ExceptionClear(env); /* bound by name at first call, as without this */
        return JNI_VERSION_1_8;
    }
    static const JNINativeMethod methods[] = {
        { "call", "(JJJJJJJJ)J", (void *) Java_jrkt_sys_NativeGate_call },
        { "address", "(Ljava/nio/ByteBuffer;)J", (void *) Java_jrkt_sys_NativeGate_address },
        { "bytes", "(JI)[B", (void *) Java_jrkt_sys_NativeGate_bytes },
        { "symbol", "(JLjava/lang/String;)J", (void *) Java_jrkt_sys_NativeGate_symbol },
        { "open", "(Ljava/lang/String;)J", (void *) Java_jrkt_sys_NativeGate_open },
    };
    if ((*env)->RegisterNatives(env, gate, methods, sizeof methods / sizeof methods[0]) != 0) (*env)->ExceptionClear(env);
    (*env)->DeleteLocalRef(env, gate);
    return JNI_VERSION_1_8;
}
