/* src/cli/main.c: `sea COMMAND [options]`: dispatch to the commands listed in commands.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *f)
{
    fprintf(f, "sea %s: spectral editing of activations for Llama, Mistral, Gemma and Qwen2 models\n\n", sea_version());
    fprintf(f, "usage: sea COMMAND [options]   (sea COMMAND --help for a command's options)\n\ncommands:\n");
    for (size_t i = 0; i < cli_n_commands; i++)
        fprintf(f, "  %-12s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fprintf(f, "\nWithout -m DIR, commands use $SEA_MODEL or the bundled kjv-demo model.\n");
}

/* The environment is read here, never by the library: SEA_SIMD caps the kernel family,
 * SEA_FIT_TRACE turns on the trace log level (phase timings of sea fit); SEA_LOAD and SEA_MODEL
 * are read where a model is opened (args.c). */
static int apply_environment(void)
{
    const char *simd = getenv("SEA_SIMD");
    sea_err err;
    if (simd && simd[0] && sea_set_simd(simd, &err) != SEA_OK) {
        fprintf(stderr, "sea: SEA_SIMD: %s\n", err.msg);
        return -1;
    }
    if (getenv("SEA_FIT_TRACE")) sea_set_log_level(SEA_LOG_TRACE);
    return 0;
}

int main(int argc, char **argv)
{
    if (apply_environment() != 0) return CLI_EXIT_USAGE;
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("sea %s\n", sea_version());
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < cli_n_commands; i++)
        if (strcmp(argv[1], cli_commands[i].name) == 0) return cli_commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "sea: unknown command '%s' (see 'sea --help')\n", argv[1]);
    return CLI_EXIT_USAGE;
}
