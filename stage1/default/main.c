/* stage1: one binary for the default, fly and kvm flavors, the entrypoint chosen by the name it
 * is called by (/init, /fly or /kvm, /enter, /stop, /gc in the stage1 images; /kvm-guest is the
 * init of a kvm pod's VM). */
#include "../common/stage1.h"

#include <string.h>
#include <sys/prctl.h>

static const struct flavor DEFAULT_FLAVOR = { .name = "default", .own_namespaces = true };
static const struct flavor FLY_FLAVOR = { .name = "fly", .own_namespaces = false };

int cmd_run(int argc, char **argv) { return run_pod(&DEFAULT_FLAVOR, argc, argv); }
int cmd_fly(int argc, char **argv) { return run_pod(&FLY_FLAVOR, argc, argv); }

static const struct {
    const char *name;
    int (*fn)(int, char **);
} entrypoints[] = {
    { "init", cmd_run }, { "run", cmd_run }, { "fly", cmd_fly }, { "enter", cmd_enter },
    { "stop", cmd_stop }, { "gc", cmd_gc }, { "kvm", cmd_kvm }, { "kvm-guest", cmd_kvm_guest },
    { "kvm-enter", cmd_kvm_enter }, { "kvm-gc", cmd_kvm_gc },
};

static int (*lookup(const char *name))(int, char **)
{
    for (size_t i = 0; i < sizeof entrypoints / sizeof *entrypoints; i++)
        if (!strcmp(name, entrypoints[i].name))
            return entrypoints[i].fn;
    return NULL;
}

int main(int argc, char **argv)
{
    const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
    base = base ? base + 1 : (argc > 0 ? argv[0] : "init");
    /* run from a sealed memfd (selfexec.c) the kernel would call us "memfd:jrkt-stage1" */
    prctl(PR_SET_NAME, base, 0, 0, 0);
    int (*fn)(int, char **) = lookup(base);
    /* `init run ...`, `init enter ...`: the entrypoint may also be named as the first word */
    if ((!fn || fn == cmd_run) && argc > 1 && lookup(argv[1]) && strcmp(argv[1], "init")) {
        fn = lookup(argv[1]);
        argc--, argv++;
    }
    if (!fn) {
        struct s1_error err;
        s1_fail(&err, 0, "unknown entrypoint '%s' (init, enter, stop or gc)", base);
        s1_die(&err);
    }
    return fn(argc, argv);
}
