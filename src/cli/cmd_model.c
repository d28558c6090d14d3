/* src/cli/cmd_model.c: placeholder until this command's issue lands (replaced wholesale). */
#include "cli/cli.h"

int cmd_info(int argc, char **argv);
int cmd_info(int argc, char **argv)
{
    (void)argc;
    return cli_fail(argv[0], "not available in this build yet");
}

int cmd_forward(int argc, char **argv);
int cmd_forward(int argc, char **argv)
{
    (void)argc;
    return cli_fail(argv[0], "not available in this build yet");
}

int cmd_perplexity(int argc, char **argv);
int cmd_perplexity(int argc, char **argv)
{
    (void)argc;
    return cli_fail(argv[0], "not available in this build yet");
}

