/* src/cli/cmd_proj_pt.c: `sea proj import` (the authors' uu_positive.pt / uu_negative.pt to a
 * projection file) and `sea proj export --format pt` (back to their layout). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sea.h"

int cmd_proj_import(int argc, char **argv);
int cmd_proj_export(int argc, char **argv);

static void on_progress(size_t done, size_t total, void *user)
{
    cli_progress("import", done, total, cli_now() - *(double *)user);
}

int cmd_proj_import(int argc, char **argv)
{
    const char *cmd = "proj import", *pos_path = NULL, *neg_path = NULL, *args = NULL, *out = NULL;
    double tol = 1e-3;
    long threads = 0;
    int quiet = 0, n_pos, rc;
    char *pos[1];
    sea_proj *p = NULL;
    sea_err err;
    double t0;
    sea_proj_import_params ip = sea_proj_import_default_params();
    const cli_opt opts[] = {
        {"pos", 0, CLI_STR, &pos_path, "FILE", "the authors' uu_positive.pt (U+U+^T per layer; required)", 0, -1, NULL},
        {"neg", 0, CLI_STR, &neg_path, "FILE", "the authors' uu_negative.pt (I - U-U-^T per layer; required)", 0, -1, NULL},
        {"args", 0, CLI_STR, &args, "FILE", "their sea-args.json (k ratios, N, feature function)", 0, -1, NULL},
        {"out", 'o', CLI_STR, &out, "FILE", "projection file to write (required)", 0, -1, NULL},
        {"tol", 0, CLI_DOUBLE, &tol, "X", "largest ||UU^T - P||_F accepted per layer (default 1e-3)", 1e-12, 0.5, NULL},
        {"threads", 't', CLI_INT, &threads, "N", "threads (default: all cores)", 1, 1024, NULL},
        {"quiet", 'q', CLI_FLAG, &quiet, NULL, "no progress on stderr", 0, -1, NULL},
    };
    rc = cli_parse(argc, argv, opts, sizeof opts / sizeof opts[0], "--pos uu_positive.pt --neg uu_negative.pt [--args sea-args.json] --out FILE",
                   "Import the projections published by the SEA authors (torch.save'd dense projectors, stacked\n"
                   "[L, d, d], or dicts/lists of [d, d]; their no_mean_sub_ files too). Each projector becomes\n"
                   "its orthonormal basis (rank = round(trace)); the negative file holds what their edit keeps, so\n"
                   "its complement is stored. A matrix that is not a projector is refused, naming the layer.",
                   pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if (!pos_path || !neg_path || !out) return cli_usage_error(cmd, "--pos, --neg and --out are required");
    ip.args_path = args;
    ip.tol = tol;
    ip.n_threads = (int)threads;
    ip.progress = quiet ? NULL : on_progress;
    ip.progress_user = &t0;
    sea_err_clear(&err);
    t0 = cli_now();
    if (sea_proj_import_pt(&p, pos_path, neg_path, &ip, &err) != SEA_OK) return cli_fail_err(cmd, &err);
    if (sea_proj_save(p, out, &err) != SEA_OK) {
        sea_proj_free(p);
        return cli_fail_err(cmd, &err);
    }
    if (!quiet) {
        size_t kp = 0, kn = 0;
        sea_proj_u_pos(p, sea_proj_n_layer(p) - 1, &kp);
        sea_proj_u_neg(p, sea_proj_n_layer(p) - 1, &kn);
        fprintf(stderr, "import: %zu layers, d = %zu (last layer k+ = %zu, k- = %zu) -> %s (%.1f s)\n", sea_proj_n_layer(p),
                sea_proj_d(p), kp, kn, out, cli_now() - t0);
    }
    sea_proj_free(p);
    return CLI_EXIT_OK;
}

int cmd_proj_export(int argc, char **argv)
{
    const char *cmd = "proj export", *format = NULL, *pos_path = NULL, *neg_path = NULL, *dir = NULL;
    int n_pos, rc;
    char *pos[1], *pp = NULL, *np = NULL;
    sea_proj *p = NULL;
    sea_err err;
    const cli_opt opts[] = {
        {"format", 0, CLI_STR, &format, "FMT", "pt (the authors' layout; required)", 0, -1, NULL},
        {"out", 'o', CLI_STR, &dir, "DIR", "directory for uu_positive.pt and uu_negative.pt", 0, -1, NULL},
        {"pos", 0, CLI_STR, &pos_path, "FILE", "positive file (instead of --out)", 0, -1, NULL},
        {"neg", 0, CLI_STR, &neg_path, "FILE", "negative file (instead of --out)", 0, -1, NULL},
    };
    rc = cli_parse(argc, argv, opts, sizeof opts / sizeof opts[0], "PROJ --format pt (--out DIR | --pos FILE --neg FILE)",
                   "Write a projection file in the SEA authors' layout: stacked float32 [L, d, d] U+U+^T\n"
                   "(uu_positive.pt) and I - U-U-^T (uu_negative.pt, what the negative edit keeps), readable\n"
                   "with torch.load. Layers absent from PROJ are written as the no-op pair (0 and I).",
                   pos, 1, &n_pos);
    if (rc >= 0) return rc;
    if (n_pos != 1) return cli_usage_error(cmd, "expected one projection file");
    if (!format || strcmp(format, "pt") != 0) return cli_usage_error(cmd, "--format pt is required (the only format)");
    if (dir ? (pos_path || neg_path) : !(pos_path && neg_path))
        return cli_usage_error(cmd, "give --out DIR, or both --pos and --neg");
    if (dir) {
        size_t n = strlen(dir) + 32;
        pp = malloc(n);
        np = malloc(n);
        if (!pp || !np) {
            free(pp);
            free(np);
            return cli_fail(cmd, "out of memory");
        }
        snprintf(pp, n, "%s/uu_positive.pt", dir);
        snprintf(np, n, "%s/uu_negative.pt", dir);
        pos_path = pp;
        neg_path = np;
    }
    sea_err_clear(&err);
    rc = CLI_EXIT_OK;
    if (sea_proj_open(&p, pos[0], &err) != SEA_OK || sea_proj_export_pt(p, pos_path, neg_path, &err) != SEA_OK)
        rc = cli_fail_err(cmd, &err);
    else
        fprintf(stderr, "export: %zu layers, d = %zu -> %s, %s\n", sea_proj_n_layer(p), sea_proj_d(p), pos_path, neg_path);
    sea_proj_free(p);
    free(pp);
    free(np);
    return rc;
}
