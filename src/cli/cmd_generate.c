/* src/cli/cmd_generate.c: placeholder until this command's issue lands (replaced wholesale). */
#include "cli/cli.h"

int cmd_generate(int argc, char **argv);
int cmd_generate(int argc, char **argv)
{
    (void)argc;
    return cli_fail(argv[0], "not available in this build yet");
}

