/* src/cli/cli.h: the command-line tool's shared pieces: option parsing with generated help,
 * the command table, model-directory defaults and output helpers.
 *
 * Exit codes of every command: 0 success, 1 failure (bad file, bad data, I/O), 2 usage error
 * (bad flag or value). Errors are one line on stderr: "sea CMD: FILE: problem". */
#ifndef SEA_CLI_H
#define SEA_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "sea/core.h"
#include "sea/model.h"

/* The tool uses only the public headers (the library exports nothing else); these small
 * helpers are its own. */
#ifndef SEA_ARRAY_LEN
#define SEA_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef SEA_MIN
#define SEA_MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef SEA_MAX
#define SEA_MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

typedef enum cli_opt_kind {
    CLI_FLAG,   /* int* set to 1 */
    CLI_STR,    /* const char ** */
    CLI_INT,    /* long * (range min..max) */
    CLI_DOUBLE  /* double * (range min..max) */
} cli_opt_kind;

typedef struct cli_opt {
    const char *long_name; /* without "--" */
    char short_name;       /* 0 if none */
    cli_opt_kind kind;
    void *dest;
    const char *metavar; /* "N", "DIR" ... (NULL for flags) */
    const char *help;
    double min, max; /* for CLI_INT / CLI_DOUBLE; min > max means no bound */
    int *seen;       /* optional: set to 1 when given */
} cli_opt;

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *summary;
} cli_command;

/* Parse options; positional arguments are collected in order into pos[0..*n_pos) (at most
 * max_pos). Returns -1 to continue, or an exit code: 0 after printing help for --help/-h,
 * 2 after printing a usage error. `usage` is the synopsis line after "sea CMD ". */
int cli_parse(int argc, char **argv, const cli_opt *opts, size_t n_opts, const char *usage,
              const char *description, char **pos, int max_pos, int *n_pos);

/* Print an error line "sea CMD: message" to stderr and return CLI_EXIT_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...) SEA_PRINTF(2, 3);
/* Same for a library error report. */
int cli_fail_err(const char *cmd, const sea_err *err);
/* Usage error: "sea CMD: message (see 'sea CMD --help')", returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) SEA_PRINTF(2, 3);

/* Model directory to use: the -m value, else $SEA_MODEL, else the embedded kjv-demo.
 * Returns a static or borrowed string. */
const char *cli_model_dir(const char *given);

/* Model parameters of the tool: the library's defaults, and SEA_LOAD=copy in the environment
 * copies the weights into memory. */
sea_model_params cli_model_params(void);
/* sea_model_open_ex(dir) with cli_model_params(). */
sea_status cli_model_open(sea_model **out, const char *dir, sea_err *err);

/* Parse "1,2,3" into a newly allocated int array (caller frees with free()). Returns 0 or -1
 * with a message in msg. */
int cli_parse_int_list(const char *s, int **out, size_t *n, long min, long max, char *msg,
                       size_t msg_len);

/* The --system argument: "llama2-default" stands for the standard Llama-2 system prompt
 * (SEA_LLAMA2_SYSTEM_PROMPT, what the paper's runs use); anything else is used as given. */
const char *cli_system_prompt(const char *arg);

/* "dir/name" (one '/'), caller frees with free(); NULL when out of memory. */
char *cli_path_join(const char *dir, const char *name);
/* Last component of a path (a pointer into it). */
const char *cli_basename(const char *path);
/* 1 if something exists at path. */
int cli_file_exists(const char *path);

/* Default thread count: sea_default_threads(). */
int cli_default_threads(void);

/* Progress line on stderr, rewritten in place when stderr is a terminal:
 * "trace: 12/48 demos, 3.1 s, ETA 9 s". done == total ends the line. */
void cli_progress(const char *what, size_t done, size_t total, double elapsed_s);

/* Monotonic wall-clock seconds. */
double cli_now(void);

/* The commands (one family per src/cli/cmd_*.c). */
int cmd_info(int argc, char **argv);
int cmd_forward(int argc, char **argv);
int cmd_acts(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_perplexity(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_make_model(int argc, char **argv);
int cmd_tokenize(int argc, char **argv);
int cmd_detokenize(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_proj(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_demos(int argc, char **argv);
int cmd_eval_combine(int argc, char **argv);
int cmd_bake(int argc, char **argv);
int cmd_quantize(int argc, char **argv);

extern const cli_command cli_commands[];
extern const size_t cli_n_commands;

#endif /* SEA_CLI_H */
