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
