/*
 * jrkt's JNI gate (sys/src/main/java/jrkt/sys/NativeGate.java): calls a C function by its
 * address with six integer arguments and stores the errno it left. See Downcall.java for why
 * one shape fits every function jrkt calls, and docs/design-notes.md for why JNI here.
 */
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
