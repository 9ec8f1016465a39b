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

/* dlsym of name in the library (0: the process's global scope, libc's functions among them);
 * 0 when there is no such symbol. */
JNIEXPORT jlong JNICALL Java_jrkt_sys_NativeGate_symbol(JNIEnv *env, jclass cls, jlong library, jstring name)
{
    (void) cls;
    const char *chars = (*env)->GetStringUTFChars(env, name, NULL);
    if (chars == NULL) return 0;
    void *symbol = dlsym(library == 0 ? RTLD_DEFAULT : (void *) (long) library, chars);
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
