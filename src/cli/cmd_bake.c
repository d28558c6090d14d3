/* src/cli/cmd_bake.c: `sea bake`: a linear SEA edit folded into a copy of the model's weights
 * (sea_bake), so that the edited model runs in any runtime. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sea.h"

int cmd_bake(int argc, char **argv)
{
    const char *dir = NULL, *proj_path = NULL, *layers = NULL, *merge = NULL, *out = NULL;
    double scale = 1.0;
    int quiet = 0;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "model directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"edit", 0, CLI_STR, &proj_path, "PROJ", "the SEA projections to bake in (required)", 0, -1, NULL},
        {"layers", 0, CLI_STR, &layers, "SPEC", "edited layers: all, first:L, last:L or list:i,j,... (default: every layer in PROJ)", 0, -1, NULL},
        {"merge", 0, CLI_STR, &merge, "MODE", "sum or average (required: the linear merges)", 0, -1, NULL},
        {"edit-scale", 0, CLI_DOUBLE, &scale, "λ", "edit strength: z + λ(edit(z) − z) (default 1)", -1e6, 1e6, NULL},
        {"out", 'o', CLI_STR, &out, "DIR2", "new model directory to write (must not exist)", 0, -1, NULL},
        {"quiet", 'q', CLI_FLAG, &quiet, NULL, "no summary", 0, -1, NULL},
    };
    char *pos[1];
    int n_pos, rc;
    sea_err err;
    sea_proj *proj = NULL;
    sea_bake_params bp = sea_bake_default_params();
    size_t skipped = 0;
    double t0;
    rc = cli_parse(argc, argv, opts, sizeof opts / sizeof opts[0],
                   "-m DIR --edit PROJ --merge sum|average [--layers SPEC] [--edit-scale λ] --out DIR2",
                   "Write a copy of the Hugging Face model directory DIR whose down_proj weights carry\n"
                   "the edit: W' = W + λ(E W − W) with E = I + U+U+ᵀ − U-U-ᵀ (sum) or half of it\n"
                   "(average), so 'sea forward -m DIR2' equals 'sea forward -m DIR --edit PROJ' and the\n"
                   "edited model runs in any runtime. Edited tensors are stored as F32; other files\n"
                   "are copied. The seq-norm and token-norm merges, feature maps (Φ-SEA) and centred\n"
                   "projections are not linear maps of z and are refused.",
                   pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if (!proj_path || !out) return cli_usage_error(argv[0], "--edit and --out are required");
    if (!merge) return cli_usage_error(argv[0], "--merge sum or --merge average is required (the default seq-norm cannot be baked)");
    sea_err_clear(&err);
    if (sea_merge_parse(&bp.merge, merge, &err) != SEA_OK) return cli_usage_error(argv[0], "--merge: %s", err.msg);
    bp.layers = layers;
    bp.scale = scale;
    dir = cli_model_dir(dir);
    if (sea_proj_open(&proj, proj_path, &err) != SEA_OK) return cli_fail_err(argv[0], &err);
    t0 = cli_now();
    if (sea_bake(dir, proj, proj_path, &bp, out, &skipped, &err) != SEA_OK) {
        rc = cli_fail_err(argv[0], &err);
        goto out;
    }
    if (!quiet) {
        fprintf(stderr, "bake: %s edited with %s (%s, scale %g) -> %s (%.1f s)\n", dir, proj_path, merge, scale, out,
                cli_now() - t0);
        if (skipped)
            fprintf(stderr, "bake: %zu weight file(s) in other formats left out (they would carry the unedited model)\n",
                    skipped);
    }
    rc = CLI_EXIT_OK;
out:
    sea_proj_free(proj);
    return rc;
}
