/* src/cli/edit_opts.c: --edit/--layers/--merge/--edit-scale for every command that runs the model: open
 * the projection file, check it against the model, attach the edit to the context. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/edit_opts.h"
#include "sea/edit.h"

struct cli_edit {
    sea_proj *proj;
    sea_editor *ed;
};

void cli_edit_opts_init(cli_edit_opts *o, cli_opt *rows)
{
    cli_opt r[CLI_EDIT_N_OPTS] = {
        {"edit", 0, CLI_STR, &o->proj, "PROJ", "apply the SEA projections in PROJ (from 'sea fit')", 0, -1, NULL},
        {"layers", 0, CLI_STR, &o->layers, "SPEC", "edited layers: all, first:L, last:L or list:i,j,... (default: every layer in PROJ)", 0, -1, NULL},
        {"merge", 0, CLI_STR, &o->merge, "MODE", "seq-norm (default, paper Eq. 4), token-norm, average or sum", 0, -1, NULL},
        {"edit-scale", 0, CLI_DOUBLE, &o->scale, "X", "edit strength: z + X (edit(z) - z); 1 (default) the edit, 0 none, < 0 the other way", -1000, 1000, &o->scale_seen},
        {"force", 0, CLI_FLAG, &o->force, NULL, "apply PROJ even if it was fitted on another model, site or template (warns)", 0, -1, NULL},
    };
    o->proj = o->layers = o->merge = NULL;
    o->scale = 1.0;
    o->scale_seen = 0;
    o->force = 0;
    o->template_name = NULL;
    for (int i = 0; i < CLI_EDIT_N_OPTS; i++) rows[i] = r[i];
}

sea_status cli_edit_open(cli_edit **out, const cli_edit_opts *o, const sea_model *m, sea_err *err)
{
    cli_edit *e;
    sea_edit_params ep = sea_edit_default_params();
    sea_status st;
    *out = NULL;
    if (!o->proj) {
        if (o->layers || o->merge || o->scale_seen || o->force)
            return sea_err_set(err, SEA_ERR_ARG, "--layers, --merge, --edit-scale and --force need --edit PROJ");
        return SEA_OK;
    }
    if (o->merge && (st = sea_merge_parse(&ep.merge, o->merge, err)) != SEA_OK) return st;
    ep.layers = o->layers;
    ep.scale = o->scale;
    ep.force = o->force;
    ep.template_name = o->template_name;
    e = calloc(1, sizeof *e);
    if (!e) return sea_err_set(err, SEA_ERR_NOMEM, "out of memory allocating %s", "an edit");
    if ((st = sea_proj_open(&e->proj, o->proj, err)) != SEA_OK) {
        free(e);
        return st;
    }
    if (!sea_proj_provenance(e->proj) && !sea_proj_origin(e->proj))
        fprintf(stderr, "sea: note: %s carries no provenance (written before sea recorded it): the model, site and "
                        "template it was fitted on are not checked\n", o->proj);
    if ((st = sea_editor_new(&e->ed, e->proj, m, &ep, err)) != SEA_OK) {
        sea_err_prefix(err, "%s", o->proj);
        cli_edit_free(e);
        return st;
    }
    *out = e;
    return SEA_OK;
}

sea_status cli_edit_attach(cli_edit **out, const cli_edit_opts *o, sea_ctx *c, const char *cmd,
                           sea_err *err)
{
    sea_status st;
    (void)cmd;
    if ((st = cli_edit_open(out, o, sea_ctx_model(c), err)) != SEA_OK || !*out) return st;
    if ((st = sea_editor_attach((*out)->ed, c, err)) != SEA_OK) {
        cli_edit_free(*out);
        *out = NULL;
    }
    return st;
}

sea_editor *cli_edit_editor(cli_edit *e)
{
    return e ? e->ed : NULL;
}

void cli_edit_free(cli_edit *e)
{
    if (!e) return;
    sea_editor_free(e->ed);
    sea_proj_free(e->proj);
    free(e);
}
