/* src/cli/cmd_eval.c: placeholder until this command's issue lands (replaced wholesale). */
#include "cli/cli.h"

int cmd_eval(int argc, char **argv);
int cmd_eval(int argc, char **argv)
{
    (void)argc;
    return cli_fail(argv[0], "not available in this build yet");
}

