/* src/cli/cmd_bench.c: placeholder until this command's issue lands (replaced wholesale). */
#include "cli/cli.h"

int cmd_bench(int argc, char **argv);
int cmd_bench(int argc, char **argv)
{
    (void)argc;
    return cli_fail(argv[0], "not available in this build yet");
}

int cmd_make_model(int argc, char **argv);
int cmd_make_model(int argc, char **argv)
{
    (void)argc;
    return cli_fail(argv[0], "not available in this build yet");
}

