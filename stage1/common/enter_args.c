/* The command line of the enter entrypoint, the same for every flavor (docs/stage1-abi.md). */
#define _GNU_SOURCE
#include "stage1.h"

#include <string.h>

int enter_args(int argc, char **argv, const char **app_name, struct s1_error *err)
{
    *app_name = NULL;
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--debug"))
            s1_debug = true;
        else if (!strncmp(argv[i], "--app=", 6))
            *app_name = argv[i] + 6;
        else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (argv[i][0] == '-')
            return s1_fail(err, 0, "enter: unknown option '%s'", argv[i]);
        else
            break;
    }
    if (!*app_name || i >= argc)
        return s1_fail(err, 0, "usage: enter [--debug] --app=NAME -- CMD [ARG...]");
    return i;
}
