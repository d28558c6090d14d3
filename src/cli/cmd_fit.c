/* src/cli/cmd_fit.c: `sea fit` (activations -> projections, SEA step 2, with --stats JSON and
 * --plot SVG figures), `sea proj info` (what a projection file holds) and `sea merge` (join the
 * activation shards of `sea trace --shard i/n`). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/fit_plots.h"
#include "sea.h"

/* ---- layer selection: all | first:L | last:L | list:i,j,... (SEA-SPEC §4) ---- */
static int parse_layers(const char *spec, size_t n_layer, unsigned char *sel, char *msg, size_t msg_len)
{
    memset(sel, 0, n_layer);
    if (strcmp(spec, "all") == 0) {
        memset(sel, 1, n_layer);
        return 0;
    }
    if (strncmp(spec, "first:", 6) == 0 || strncmp(spec, "last:", 5) == 0) {
        int first = spec[0] == 'f';
        const char *num = spec + (first ? 6 : 5);
        char *end;
        long L;
        errno = 0;
        L = strtol(num, &end, 10);
        if (errno || end == num || *end || L < 1 || (size_t)L > n_layer) {
            snprintf(msg, msg_len, "layer selection '%s': L must be an integer in [1, %zu]", spec, n_layer);
            return -1;
        }
        for (size_t l = 0; l < (size_t)L; l++) sel[first ? l : n_layer - 1 - l] = 1;
        return 0;
    }
    if (strncmp(spec, "list:", 5) == 0) {
        int *v;
        size_t n;
        char m2[256];
        if (cli_parse_int_list(spec + 5, &v, &n, 0, (long)n_layer - 1, m2, sizeof m2)) {
            snprintf(msg, msg_len, "layer selection '%s': %s", spec, m2);
            return -1;
        }
        for (size_t i = 0; i < n; i++) sel[v[i]] = 1;
        free(v);
        return 0;
    }
    snprintf(msg, msg_len, "layer selection '%s' is not all, first:L, last:L or list:i,j,...", spec);
    return -1;
}

/* ---- --stats JSON ---- */
static void json_floats(FILE *f, const float *v, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) fprintf(f, "%s%.9g", i ? "," : "", (double)v[i]);
    fputc(']', f);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) fprintf(f, "\\u%04x", *s);
        else fputc(*s, f);
    }
    fputc('"', f);
}

static void json_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.9g", v);
    else
        fputs("null", f);
}

static int write_stats(const char *path, const sea_proj *p, const char *acts_path, double seconds, const char *solver)
{
    FILE *f = fopen(path, "w");
    int first = 1;
    if (!f) return -1;
    fprintf(f, "{\n  \"acts\": ");
    json_str(f, acts_path);
    fprintf(f, ",\n  \"n_demos\": %zu, \"d\": %zu, \"n_layer\": %zu,\n", sea_proj_n_demos(p), sea_proj_d(p), sea_proj_n_layer(p));
    fprintf(f, "  \"site\": ");
    json_str(f, sea_proj_site(p));
    fprintf(f, ", \"feature\": \"%s\", \"alpha\": %.9g, \"eps\": %.9g, \"center\": %s,\n", sea_feature_name(sea_proj_feature(p)),
            (double)sea_proj_alpha(p), (double)sea_proj_eps(p), sea_proj_center(p) ? "true" : "false");
    fprintf(f, "  \"k_ratio_pos\": ");
    json_num(f, sea_proj_k_ratio(p, SEA_PROJ_POS));
    fprintf(f, ", \"k_ratio_neg\": ");
    json_num(f, sea_proj_k_ratio(p, SEA_PROJ_NEG));
    fprintf(f, ", \"solver\": \"%s\", \"seconds\": %.3f,\n  \"layers\": [", solver, seconds);
    for (size_t l = 0; l < sea_proj_n_layer(p); l++) {
        if (!sea_proj_has_layer(p, l)) continue;
        fprintf(f, "%s\n    {\"layer\": %zu, \"solver\": \"%s\", \"signature\": ", first ? "" : ",", l, sea_proj_layer_solver(p, l));
        json_num(f, sea_proj_signature(p, l));
        for (int s = 0; s < 2; s++) {
            const char *nm = s ? "neg" : "pos";
            size_t k, ns;
            const float *sv = sea_proj_singular_values(p, l, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &ns), *ev = sea_proj_explained(p, l, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &ns);
            if (s)
                sea_proj_u_neg(p, l, &k);
            else
                sea_proj_u_pos(p, l, &k);
            fprintf(f, ",\n     \"k_%s\": %zu, \"explained_at_k_%s\": ", nm, k, nm);
            json_num(f, k ? (double)ev[k - 1] : 0.0);
            fprintf(f, ",\n     \"top_singular_values_%s\": ", nm);
            json_floats(f, sv, ns < 16 ? ns : 16);
            fprintf(f, ",\n     \"explained_%s\": ", nm);
            json_floats(f, ev, ns);
        }
        fprintf(f, "}");
        first = 0;
    }
    fprintf(f, "\n  ]\n}\n");
    return fclose(f) == 0 ? 0 : -1;
}

static void progress(size_t done, size_t total, void *user)
{
    double *t0 = user;
    cli_progress("fit", done, total, cli_now() - *t0);
}

static int first_demos(sea_acts **acts, size_t n, const char *path, const char *cmd, int *rc);

int cmd_fit(int argc, char **argv);
int cmd_fit(int argc, char **argv)
{
    const char *cmd = argv[0], *acts_path = NULL, *out = NULL, *feature = "none", *layers = "all", *solver = "auto";
    const char *stats = NULL, *plot = NULL;
    double K = 0.99, Kp = NAN, Kn = NAN, alpha = 1.0, eps = 1e-4, t0;
    long kpos = -1, kneg = -1, threads = 0, n_demos = 0;
    int center = 0, quiet = 0, n_pos, rc, seen_k = 0, seen_kp = 0, seen_kn = 0, seen_fp = 0, seen_fn = 0;
    char *pos[1], msg[512];
    unsigned char *sel = NULL;
    sea_acts *acts = NULL;
    sea_proj *proj = NULL;
    sea_err err;
    sea_fit_params fp = sea_fit_default_params();
    const cli_opt opts[] = {
        {"acts", 0, CLI_STR, &acts_path, "FILE", "activations from 'sea trace' (required)", 1, 0, NULL},
        {"out", 'o', CLI_STR, &out, "FILE", "projection file to write (required)", 1, 0, NULL},
        {"k-ratio", 0, CLI_DOUBLE, &K, "K", "explained-variance ratio for both projections (default 0.99)", 1e-12, 1, &seen_k},
        {"k-ratio-pos", 0, CLI_DOUBLE, &Kp, "K1", "ratio for the kept (positive) directions", 1e-12, 1, &seen_kp},
        {"k-ratio-neg", 0, CLI_DOUBLE, &Kn, "K2", "ratio for the removed (negative) directions", 1e-12, 1, &seen_kn},
        {"k-pos", 0, CLI_INT, &kpos, "k1", "fixed number of kept directions (instead of a ratio)", 0, 1e9, &seen_fp},
        {"k-neg", 0, CLI_INT, &kneg, "k2", "fixed number of removed directions", 0, 1e9, &seen_fn},
        {"feature", 0, CLI_STR, &feature, "F", "none, squared-exponential (rbf), tanh, elu", 1, 0, NULL},
        {"alpha", 0, CLI_DOUBLE, &alpha, "A", "feature function parameter α (default 1)", SEA_FEATURE_ALPHA_MIN,
         SEA_FEATURE_ALPHA_MAX, NULL},
        {"eps", 0, CLI_DOUBLE, &eps, "E", "clamp ε of the inverse feature map (default 1e-4)", 1e-30, 0.5, NULL},
        {"center", 0, CLI_FLAG, &center, NULL, "subtract each matrix's mean over the demonstrations", 1, 0, NULL},
        {"layers", 0, CLI_STR, &layers, "SPEC", "all (default), first:L, last:L, list:i,j,...", 1, 0, NULL},
        {"solver", 0, CLI_STR, &solver, "S", "auto (default), exact, randomized", 1, 0, NULL},
        {"threads", 't', CLI_INT, &threads, "N", "threads (default: all processors)", 1, 4096, NULL},
        {"stats", 0, CLI_STR, &stats, "FILE", "write per-layer statistics as JSON", 1, 0, NULL},
        {"plot", 0, CLI_STR, &plot, "DIR", "write SVG figures (explained variance, spectra, signature) into DIR", 1, 0, NULL},
        {"quiet", 'q', CLI_FLAG, &quiet, NULL, "no progress or summary table", 1, 0, NULL},
        {"n-demos", 0, CLI_INT, &n_demos, "N", "fit on the first N demonstrations only (default: all)", 1, 1e12, NULL},
    };
    rc = cli_parse(argc, argv, opts, sizeof opts / sizeof opts[0],
                   "--acts ACTS --out PROJ [--k-ratio K | --k-ratio-pos K1 --k-ratio-neg K2 | --k-pos k1 --k-neg k2] [options]",
                   "Fit SEA projections (SEA-SPEC §3): per layer, the SVDs of the cross-covariances of neutral with\n"
                   "positive and negative activations; keep the top k+ positive directions, remove the top k- negative ones.",
                   pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if (!acts_path || !out) return cli_usage_error(cmd, "--acts and --out are required");
    if (seen_k && (seen_kp || seen_kn)) return cli_usage_error(cmd, "give --k-ratio or --k-ratio-pos/--k-ratio-neg, not both");
    if ((seen_fp && seen_kp) || (seen_fn && seen_kn) || (seen_k && seen_fp && seen_fn))
        return cli_usage_error(cmd, "a side has both a fixed k and a ratio");
    fp.k_ratio_pos = seen_kp ? Kp : K;
    fp.k_ratio_neg = seen_kn ? Kn : K;
    fp.k_pos = kpos;
    fp.k_neg = kneg;
    fp.alpha = alpha;
    fp.eps = eps;
    fp.center = center;
    fp.n_threads = (int)threads;
    sea_err_clear(&err);
    if (sea_feature_parse(&fp.feature, feature, &err) || sea_solver_parse(&fp.solver, solver, &err))
        return cli_usage_error(cmd, "%s", err.msg);
    if (sea_acts_open(&acts, acts_path, &err)) return cli_fail_err(cmd, &err);
    if (n_demos > 0 && first_demos(&acts, (size_t)n_demos, acts_path, cmd, &rc)) return rc;
    sel = malloc(sea_acts_n_layer(acts));
    if (!sel) {
        sea_acts_free(acts);
        return cli_fail(cmd, "out of memory");
    }
    if (parse_layers(layers, sea_acts_n_layer(acts), sel, msg, sizeof msg)) {
        free(sel);
        sea_acts_free(acts);
        return cli_usage_error(cmd, "%s", msg);
    }
    fp.layers = sel;
    t0 = cli_now();
    if (!quiet) {
        fp.progress = progress;
        fp.progress_user = &t0;
    }
    if (sea_fit(&proj, acts, &fp, &err)) {
        rc = cli_fail_err(cmd, &err);
        goto out;
    }
    t0 = cli_now() - t0;
    if (sea_proj_save(proj, out, &err)) {
        rc = cli_fail_err(cmd, &err);
        goto out;
    }
    if (stats && write_stats(stats, proj, acts_path, t0, solver)) {
        rc = cli_fail(cmd, "%s: cannot write the statistics", stats);
        goto out;
    }
    if (plot && cli_fit_plots(plot, proj, msg, sizeof msg)) {
        rc = cli_fail(cmd, "%s", msg);
        goto out;
    }
    if (!quiet) {
        printf("%zu demonstrations, d = %zu, feature %s%s, fitted in %.2f s -> %s\n", sea_acts_n(acts), sea_acts_d(acts),
               sea_feature_name(fp.feature), center ? ", centred" : "", t0, out);
        printf("%5s %6s %6s %10s %10s %10s  %s\n", "layer", "k+", "k-", "sigma1+", "sigma1-", "signature", "solver");
        for (size_t l = 0; l < sea_proj_n_layer(proj); l++) {
            size_t kp, kn, ns;
            const float *sp, *sn;
            if (!sea_proj_has_layer(proj, l)) continue;
            sea_proj_u_pos(proj, l, &kp);
            sea_proj_u_neg(proj, l, &kn);
            sp = sea_proj_singular_values(proj, l, SEA_PROJ_POS, &ns);
            sn = sea_proj_singular_values(proj, l, SEA_PROJ_NEG, &ns);
            printf("%5zu %6zu %6zu %10.4g %10.4g %10.4g  %s\n", l, kp, kn, (double)sp[0], (double)sn[0],
                   sea_proj_signature(proj, l), sea_proj_layer_solver(proj, l));
        }
    }
    rc = CLI_EXIT_OK;
out:
    free(sel);
    sea_proj_free(proj);
    sea_acts_free(acts);
    return rc;
}

/* --n-demos N: replace *acts by its first N demonstrations (the paper's data-efficiency study
 * fits on the first N of one traced set), provenance kept. Returns 0, or 1 with *rc set. */
static int first_demos(sea_acts **acts, size_t n, const char *path, const char *cmd, int *rc)
{
    sea_acts *a = *acts, *b = NULL;
    size_t row = sea_acts_n_layer(a) * sea_acts_d(a);
    int has_meta = 0;
    const sea_acts_meta *meta = sea_acts_get_meta(a, &has_meta);
    sea_err err;
    if (n > sea_acts_n(a)) {
        *rc = cli_usage_error(cmd, "--n-demos %zu: %s holds %zu demonstrations", n, path, sea_acts_n(a));
        sea_acts_free(a);
        return 1;
    }
    if (n == sea_acts_n(a)) return 0;
    if (sea_acts_new(&b, n, sea_acts_n_layer(a), sea_acts_d(a), &err) ||
        (has_meta && sea_acts_set_meta(b, meta, &err))) {
        *rc = cli_fail_err(cmd, &err);
        sea_acts_free(b);
        sea_acts_free(a);
        return 1;
    }
    for (int w = SEA_ACTS_POSITIVE; w <= SEA_ACTS_BASE; w++)
        memcpy(sea_acts_data(b, w), sea_acts_view(a, w), n * row * sizeof(float));
    sea_acts_free(a);
    *acts = b;
    return 0;
}

/* ---- sea proj info (import/export: cmd_proj_pt.c) ---- */
int cmd_proj(int argc, char **argv);
int cmd_proj_import(int argc, char **argv);
int cmd_proj_export(int argc, char **argv);
int cmd_proj(int argc, char **argv)
{
    const char *cmd = argv[0];
    static char import_name[] = "proj import", export_name[] = "proj export"; /* for usage lines */
    if (argc >= 2 && strcmp(argv[1], "import") == 0) {
        argv[1] = import_name;
        return cmd_proj_import(argc - 1, argv + 1);
    }
    if (argc >= 2 && strcmp(argv[1], "export") == 0) {
        argv[1] = export_name;
        return cmd_proj_export(argc - 1, argv + 1);
    }
    int as_json = 0, n_pos, rc;
    char *pos[2];
    sea_proj *p;
    sea_err err;
    const cli_opt opts[] = {
        {"json", 0, CLI_FLAG, &as_json, NULL, "print JSON instead of a table", 1, 0, NULL},
    };
    rc = cli_parse(argc, argv, opts, 1, "info FILE [--json]  |  import ...  |  export ...",
                   "Describe a projection file: fit settings and, per layer, k+, k-, explained ratios and spectra.\n"
                   "'sea proj import --help' and 'sea proj export --help': the SEA authors' .pt projections.", pos, 2, &n_pos);
    if (rc >= 0) return rc;
    if (n_pos != 2 || strcmp(pos[0], "info") != 0) return cli_usage_error(cmd, "expected 'info FILE'");
    sea_err_clear(&err);
    if (sea_proj_open(&p, pos[1], &err)) return cli_fail_err(cmd, &err);
    if (as_json) {
        printf("{\"file\": ");
        json_str(stdout, pos[1]);
        printf(", \"site\": ");
        json_str(stdout, sea_proj_site(p));
        printf(", \"feature\": \"%s\", \"alpha\": %.9g, \"eps\": %.9g, \"center\": %s, \"n_demos\": %zu, \"d\": %zu, \"n_layer\": %zu, "
               "\"k_ratio_pos\": ",
               sea_feature_name(sea_proj_feature(p)), (double)sea_proj_alpha(p), (double)sea_proj_eps(p),
               sea_proj_center(p) ? "true" : "false", sea_proj_n_demos(p), sea_proj_d(p), sea_proj_n_layer(p));
        json_num(stdout, sea_proj_k_ratio(p, SEA_PROJ_POS));
        printf(", \"k_ratio_neg\": ");
        json_num(stdout, sea_proj_k_ratio(p, SEA_PROJ_NEG));
        printf(", \"origin\": %s%s%s, \"source\": %s, \"provenance\": %s", sea_proj_origin(p) ? "\"" : "",
               sea_proj_origin(p) ? sea_proj_origin(p) : "null", sea_proj_origin(p) ? "\"" : "",
               sea_proj_source(p) ? sea_proj_source(p) : "null", sea_proj_provenance(p) ? sea_proj_provenance(p) : "null");
        printf(", \"layers\": [");
    } else {
        size_t have = 0;
        for (size_t l = 0; l < sea_proj_n_layer(p); l++) have += (size_t)sea_proj_has_layer(p, l);
        printf("%s: projections for %zu of %zu layers, d = %zu, fitted on %zu demonstrations at site %s\n", pos[1], have,
               sea_proj_n_layer(p), sea_proj_d(p), sea_proj_n_demos(p), sea_proj_site(p));
        {
            char kp[32], kn[32];
            double rp = sea_proj_k_ratio(p, SEA_PROJ_POS), rn = sea_proj_k_ratio(p, SEA_PROJ_NEG);
            /* a fixed k has no ratio (NaN in the file): say so instead of printing "nan" */
            if (rp == rp) snprintf(kp, sizeof kp, "K+ = %g", rp);
            else snprintf(kp, sizeof kp, "k+ fixed");
            if (rn == rn) snprintf(kn, sizeof kn, "K- = %g", rn);
            else snprintf(kn, sizeof kn, "k- fixed");
            printf("feature %s (alpha %g, eps %g)%s; %s, %s\n", sea_feature_name(sea_proj_feature(p)), (double)sea_proj_alpha(p),
                   (double)sea_proj_eps(p), sea_proj_center(p) ? ", centred" : ", not centred", kp, kn);
        }
        if (sea_proj_source(p)) printf("imported: %s\n", sea_proj_source(p));
        if (sea_proj_provenance(p))
            printf("provenance %s\n", sea_proj_provenance(p));
        else if (!sea_proj_origin(p))
            printf("no provenance record (written before sea recorded it)\n");
        if (sea_proj_mean(p, 0) || sea_proj_center(p)) printf("centred: the edit %s the base means\n", sea_proj_mean(p, sea_proj_n_layer(p) - 1) ? "uses" : "has no stored");
        printf("%5s %6s %6s %9s %9s %10s %10s %10s  %s\n", "layer", "k+", "k-", "ev(k+)", "ev(k-)", "sigma1+", "sigma1-",
               "signature", "solver");
    }
    {
        size_t present = 0;
        for (size_t l = 0; l < sea_proj_n_layer(p); l++) {
            size_t k[2], ns[2];
            const float *ev[2], *sv[2];
            if (!sea_proj_has_layer(p, l)) continue;
            sea_proj_u_pos(p, l, &k[0]);
            sea_proj_u_neg(p, l, &k[1]);
            for (int s = 0; s < 2; s++) {
                ev[s] = sea_proj_explained(p, l, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &ns[s]);
                sv[s] = sea_proj_singular_values(p, l, s ? SEA_PROJ_NEG : SEA_PROJ_POS, &ns[s]);
            }
            if (as_json) {
                printf("%s{\"layer\": %zu, \"k_pos\": %zu, \"k_neg\": %zu, \"solver\": ", present ? ", " : "", l, k[0], k[1]);
                json_str(stdout, sea_proj_layer_solver(p, l) ? sea_proj_layer_solver(p, l) : "");
                printf(", \"signature\": ");
                json_num(stdout, sea_proj_signature(p, l));
                for (int s = 0; s < 2; s++) {
                    printf(", \"explained_at_k_%s\": ", s ? "neg" : "pos");
                    json_num(stdout, k[s] && ns[s] >= k[s] ? (double)ev[s][k[s] - 1] : (k[s] && !ns[s] ? NAN : 0.0));
                    printf(", \"singular_values_%s\": ", s ? "neg" : "pos");
                    json_floats(stdout, sv[s], ns[s]);
                }
                printf("}");
            } else {
                double e0 = k[0] ? (ns[0] >= k[0] ? (double)ev[0][k[0] - 1] : NAN) : 0.0;
                double e1 = k[1] ? (ns[1] >= k[1] ? (double)ev[1][k[1] - 1] : NAN) : 0.0;
                printf("%5zu %6zu %6zu %9.6f %9.6f %10.4g %10.4g %10.4g  %s\n", l, k[0], k[1], e0, e1,
                       ns[0] ? (double)sv[0][0] : NAN, ns[1] ? (double)sv[1][0] : NAN, sea_proj_signature(p, l),
                       sea_proj_layer_solver(p, l) ? sea_proj_layer_solver(p, l) : "?");
            }
            present++;
        }
        if (as_json) printf("]}\n");
    }
    sea_proj_free(p);
    return CLI_EXIT_OK;
}

/* ---- sea merge ---- */
int cmd_merge(int argc, char **argv);
int cmd_merge(int argc, char **argv)
{
    const char *cmd = argv[0], *out = NULL;
    char *pos[4096];
    int n_pos, rc;
    sea_acts **shards, *merged = NULL;
    sea_err err;
    const cli_opt opts[] = {
        {"out", 'o', CLI_STR, &out, "FILE", "merged activation file to write (required)", 1, 0, NULL},
    };
    rc = cli_parse(argc, argv, opts, 1, "--out ACTS SHARD...",
                   "Join the activation shards written by 'sea trace --shard i/n' (in any order) into the file one\n"
                   "unsharded run would have written. Every shard of the run must be given exactly once.",
                   pos, 4096, &n_pos);
    if (rc >= 0) return rc;
    if (!out) return cli_usage_error(cmd, "--out is required");
    if (n_pos < 1) return cli_usage_error(cmd, "no shard given");
    shards = calloc((size_t)n_pos, sizeof *shards);
    if (!shards) return cli_fail(cmd, "out of memory");
    sea_err_clear(&err);
    rc = CLI_EXIT_OK;
    for (int i = 0; i < n_pos; i++)
        if (sea_acts_open(&shards[i], pos[i], &err)) {
            rc = cli_fail_err(cmd, &err);
            goto done;
        }
    if (sea_acts_merge(&merged, shards, (const char *const *)pos, (size_t)n_pos, &err) || sea_acts_save(merged, out, &err)) {
        rc = cli_fail_err(cmd, &err);
        goto done;
    }
    printf("merged %d shard%s: %zu demonstrations, %zu layers, d = %zu -> %s\n", n_pos, n_pos == 1 ? "" : "s",
           sea_acts_n(merged), sea_acts_n_layer(merged), sea_acts_d(merged), out);
done:
    for (int i = 0; i < n_pos; i++) sea_acts_free(shards[i]);
    free(shards);
    sea_acts_free(merged);
    return rc;
}
