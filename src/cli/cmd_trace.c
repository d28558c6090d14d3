/* src/cli/cmd_trace.c: placeholder until this command's issue lands (replaced wholesale). */
#include "cli/cli.h"

int cmd_trace(int argc, char **argv);
int cmd_trace(int argc, char **argv)
{
    (void)argc;
    return cli_fail(argv[0], "not available in this build yet");
}

