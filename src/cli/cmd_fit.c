/* src/cli/cmd_fit.c: placeholder until this command's issue lands (replaced wholesale). */
#include "cli/cli.h"

int cmd_fit(int argc, char **argv);
int cmd_fit(int argc, char **argv)
{
    (void)argc;
    return cli_fail(argv[0], "not available in this build yet");
}

int cmd_proj(int argc, char **argv);
int cmd_proj(int argc, char **argv)
{
    (void)argc;
    return cli_fail(argv[0], "not available in this build yet");
}

int cmd_merge(int argc, char **argv);
int cmd_merge(int argc, char **argv)
{
    (void)argc;
    return cli_fail(argv[0], "not available in this build yet");
}

