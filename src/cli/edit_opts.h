/* src/cli/edit_opts.h: the editing options shared by forward, generate, perplexity and eval
 * (--edit PROJ --layers SPEC --merge MODE --edit-scale X), and attaching the edit to a context. */
#ifndef SEA_CLI_EDIT_OPTS_H
#define SEA_CLI_EDIT_OPTS_H

#include "cli/cli.h"
#include "sea/edit.h"
#include "sea/model.h"

#define CLI_EDIT_N_OPTS 5

typedef struct cli_edit_opts {
    const char *proj;   /* --edit */
    const char *layers; /* --layers */
    const char *merge;  /* --merge */
    double scale;       /* --edit-scale (default 1) */
    int scale_seen;
    int force;          /* --force: provenance mismatches only warn */
    const char *template_name; /* set by the command: the template its prompts use (NULL: none checked) */
} cli_edit_opts;

typedef struct cli_edit cli_edit;

/* The last CLI_EDIT_N_OPTS rows of a command's option table `opts` (an array, declared
 * with CLI_EDIT_N_OPTS spare rows at its end): where cli_edit_opts_init writes the edit rows,
 * without counting the command's own rows by hand. */
#define CLI_EDIT_ROWS(opts) ((opts) + SEA_ARRAY_LEN(opts) - CLI_EDIT_N_OPTS)
/* The spare rows, last in the table: `cli_opt opts[] = { ...command rows..., CLI_EDIT_SLOTS };` */
#define CLI_EDIT_SLOT {NULL, 0, CLI_FLAG, NULL, NULL, NULL, 0, -1, NULL}
#define CLI_EDIT_SLOTS CLI_EDIT_SLOT, CLI_EDIT_SLOT, CLI_EDIT_SLOT, CLI_EDIT_SLOT, CLI_EDIT_SLOT
typedef char cli_edit_slots_match[sizeof((cli_opt[]){CLI_EDIT_SLOTS}) / sizeof(cli_opt) == CLI_EDIT_N_OPTS ? 1 : -1];

/* Fill CLI_EDIT_N_OPTS option rows at `rows` bound to *o (all unset). */
void cli_edit_opts_init(cli_edit_opts *o, cli_opt *rows);
/* With --edit: open the projections, check them against the model, attach the edit hook to
 * c; *out receives the handle to free after the context. Without --edit: *out = NULL. */
sea_status cli_edit_attach(cli_edit **out, const cli_edit_opts *o, sea_ctx *c, const char *cmd,
                           sea_err *err);
void cli_edit_free(cli_edit *e);
/* Open and check without attaching (for commands that manage their own contexts). */
sea_status cli_edit_open(cli_edit **out, const cli_edit_opts *o, const sea_model *m, sea_err *err);
/* The editor of an opened edit (NULL without --edit). */
sea_editor *cli_edit_editor(cli_edit *e);

#endif /* SEA_CLI_EDIT_OPTS_H */
