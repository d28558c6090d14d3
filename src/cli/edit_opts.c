/* src/cli/edit_opts.c: --edit/--layers/--merge for every command that runs the model.
 * (Editing itself lands with the SEA issue; until then --edit is refused clearly.) */
#include <stdlib.h>

#include "cli/edit_opts.h"
#include "core/internal.h"

struct cli_edit {
    int unused;
};

void cli_edit_opts_init(cli_edit_opts *o, cli_opt *rows)
{
    cli_opt r[CLI_EDIT_N_OPTS] = {
        {"edit", 0, CLI_STR, &o->proj, "PROJ", "apply the SEA projections in PROJ (from 'sea fit')", 0, -1, NULL},
        {"layers", 0, CLI_STR, &o->layers, "SPEC", "edited layers: all, first:L, last:L or list:i,j,... (default all in PROJ)", 0, -1, NULL},
        {"merge", 0, CLI_STR, &o->merge, "MODE", "seq-norm (default), token-norm, average or sum", 0, -1, NULL},
    };
    o->proj = o->layers = o->merge = NULL;
    for (int i = 0; i < CLI_EDIT_N_OPTS; i++) rows[i] = r[i];
}

sea_status cli_edit_attach(cli_edit **out, const cli_edit_opts *o, sea_ctx *c, const char *cmd,
                           sea_err *err)
{
    (void)c;
    (void)cmd;
    *out = NULL;
    if (!o->proj) {
        if (o->layers || o->merge) return sea__err(err, SEA_ERR_ARG, "--layers and --merge need --edit PROJ");
        return SEA_OK;
    }
    return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: editing is not available in this build yet", o->proj);
}

void cli_edit_free(cli_edit *e)
{
    free(e);
}
