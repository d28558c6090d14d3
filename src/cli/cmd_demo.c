/* src/cli/cmd_demo.c: `sea demo`: the whole method on the bundled kjv-demo model, each step
 * explained for someone who has not read the paper: trace, fit, edit, evaluate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/fit_plots.h"
#include "cli/svg.h"
#include "sea.h"

static int quiet_progress;

static void trace_progress(size_t done, size_t total, void *user)
{
    if (!quiet_progress) cli_progress("  tracing", done, total, cli_now() - *(double *)user);
}

static void para(const char *text)
{
    printf("%s\n", text);
}

/* Greedy continuation of `prompt` (ids) as text, on a context with or without the edit. */
static char *continue_text(sea_ctx *c, sea_tokenizer *tok, const int32_t *ids, size_t n, int n_new, sea_err *err)
{
    sea_generate_params gp = sea_generate_default_params();
    int32_t *out = NULL;
    size_t n_out = 0;
    char *text = NULL;
    size_t len;
    gp.n_predict = n_new;
    sea_ctx_truncate(c, 0);
    if (sea_generate(c, ids, n, &gp, NULL, NULL, &out, &n_out, err) != SEA_OK) return NULL;
    {
        /* decode prompt + continuation and keep the continuation (leading space kept) */
        int32_t *all = malloc((n + n_out) * sizeof *all);
        char *p_text = NULL;
        size_t p_len;
        if (!all) {
            sea_free(out);
            return NULL;
        }
        memcpy(all, ids, n * sizeof *all);
        memcpy(all + n, out, n_out * sizeof *all);
        if (sea_detokenize(tok, all, n + n_out, 1, &text, &len, err) == SEA_OK &&
            sea_detokenize(tok, ids, n, 1, &p_text, &p_len, err) == SEA_OK && p_len <= len) {
            memmove(text, text + p_len, len - p_len + 1);
        }
        sea_free(p_text);
        free(all);
    }
    sea_free(out);
    for (char *p = text; p && *p; p++)
        if (*p == '\n') *p = ' ';
    return text;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int cmd_demo(int argc, char **argv)
{
    const char *dir = NULL, *out_dir = "sea-demo", *demos_path = NULL, *heldout_path = NULL, *layers = "last:1",
               *merge = "seq-norm";
    double k_ratio = 0.99;
    long n_new = 20, threads = 0;
    int quiet = 0;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "model directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"out", 'o', CLI_STR, &out_dir, "DIR", "where files and plots go (default ./sea-demo)", 0, -1, NULL},
        {"demos", 0, CLI_STR, &demos_path, "FILE", "demonstrations (default: the model's sea-demos.jsonl)", 0, -1, NULL},
        {"heldout", 0, CLI_STR, &heldout_path, "FILE", "held-out pairs (default: the model's sea-heldout.jsonl)", 0, -1, NULL},
        {"k-ratio", 0, CLI_DOUBLE, &k_ratio, "K", "explained-variance ratio that chooses k (default 0.99)", 1e-6, 1, NULL},
        {"layers", 0, CLI_STR, &layers, "SPEC", "edited layers (default last:1)", 0, -1, NULL},
        {"merge", 0, CLI_STR, &merge, "MODE", "seq-norm (default), token-norm, average or sum", 0, -1, NULL},
        {"n-predict", 'n', CLI_INT, &n_new, "N", "tokens per generated continuation (default 20)", 1, 256, NULL},
        {"threads", 't', CLI_INT, &threads, "N", "threads (default: all cores)", 1, 1024, NULL},
        {"quiet", 'q', CLI_FLAG, &quiet, NULL, "no progress lines", 0, -1, NULL},
    };
    char *pos[1], path[4096], msg[256], dpath[4096], hpath[4096];
    int n_pos, rc;
    sea_err err;
    sea_model *m = NULL;
    sea_tokenizer *tok = NULL;
    sea_demos *demos = NULL, *held = NULL;
    sea_acts *acts = NULL;
    sea_proj *proj = NULL;
    sea_editor *ed = NULL;
    sea_ctx *c0 = NULL, *c1 = NULL;
    double t0, t_start = cli_now();
    const sea_llama_config *cfg;
    rc = cli_parse(argc, argv, opts, SEA_ARRAY_LEN(opts), "[-m DIR] [--out DIR] [--k-ratio K] [--layers SPEC] [--merge MODE]",
                   "Spectral editing of activations, step by step, on the bundled model: trace\n"
                   "demonstrations, fit the projections, generate with and without the edit, and\n"
                   "score held-out pairs. Takes a few seconds; writes files and SVG plots to --out.",
                   pos, 0, &n_pos);
    if (rc >= 0) return rc;
    quiet_progress = quiet;
    dir = cli_model_dir(dir);
    sea_err_clear(&err);
    if (!demos_path) {
        snprintf(dpath, sizeof dpath, "%s/sea-demos.jsonl", dir);
        demos_path = dpath;
    }
    if (!heldout_path) {
        snprintf(hpath, sizeof hpath, "%s/sea-heldout.jsonl", dir);
        heldout_path = hpath;
    }
    if (mkdir(out_dir, 0755) != 0 && !cli_file_exists(out_dir)) {
        rc = cli_fail(argv[0], "%s: cannot create the output directory", out_dir);
        goto out;
    }
    if (cli_model_open(&m, dir, &err) != SEA_OK || sea_tokenizer_open(&tok, dir, &err) != SEA_OK ||
        sea_demos_load(&demos, demos_path, &err) != SEA_OK || sea_demos_load(&held, heldout_path, &err) != SEA_OK)
        goto fail;
    cfg = sea_model_config(m);

    printf("SEA: spectral editing of activations (Qiu et al., NeurIPS 2024), step by step\n");
    printf("model: %s (%d layers, width %d, %.1f M parameters)\n\n", cli_basename(dir), cfg->n_layer, cfg->d,
           (double)sea_model_n_params(m) / 1e6);
    para("SEA changes what a language model says without training it. It looks at the model's internal\n"
         "activations on pairs of good and bad examples, finds the directions in which they differ, and at\n"
         "inference projects every activation onto the good directions and away from the bad ones.\n"
         "Everything is computed in closed form from a few hundred examples. Here the goal is to make a small\n"
         "model trained on the King James Bible prefer words like life, love, peace and mercy over death,\n"
         "hate, war and wrath.\n");

    /* ---- step 1: trace ---- */
    {
        const sea_demo *d0 = sea_demos_at(demos, 0);
        sea_trace_params tp = sea_trace_default_params();
        printf("Step 1 of 4: trace activations\n\n");
        printf("%zu demonstrations (%s). Each is the start of a verse and two endings:\n", sea_demos_count(demos),
               cli_basename(demos_path));
        printf("    prompt    \"%s\"\n    positive  \"%s\"\n    negative  \"%s\"\n\n", d0->prompt, d0->positive, d0->negative);
        para("For each one the model reads three texts: prompt + positive, prompt + negative, and prompt + its own\n"
             "greedy continuation (the neutral example). At every layer we keep the output of the MLP block at the\n"
             "last token: three matrices per layer, H+ (positive), H- (negative) and H (neutral), one row per\n"
             "demonstration.");
        tp.max_new_tokens = 16;
        tp.n_threads = (int)threads;
        tp.progress = trace_progress;
        tp.progress_user = &t0;
        fflush(stdout); /* progress goes to stderr: keep the order when both are piped */
        t0 = cli_now();
        if (sea_trace(&acts, m, tok, demos, &tp, &err) != SEA_OK) goto fail;
        snprintf(path, sizeof path, "%s/acts.safetensors", out_dir);
        if (sea_acts_save(acts, path, &err) != SEA_OK) goto fail;
        printf("\n    traced %zu x 3 texts in %.1f s -> %s  ([%zu, %zu, %zu] per kind)\n\n", sea_acts_n(acts), cli_now() - t0,
               path, sea_acts_n(acts), sea_acts_n_layer(acts), sea_acts_d(acts));
    }

    /* ---- step 2: fit ---- */
    {
        sea_fit_params fp = sea_fit_default_params();
        printf("Step 2 of 4: fit the projections\n\n");
        para("Per layer, the cross-covariance of neutral with positive activations, Omega+ = H^T H+ / N, and with\n"
             "negative ones, Omega- = H^T H- / N, are d x d matrices of rank at most N. Their singular value\n"
             "decomposition ranks directions of the neutral activations by how strongly they co-vary with the\n"
             "positive (negative) behaviour. SEA keeps the top k+ directions of Omega+ (U+) and removes the top k-\n"
             "of Omega- (U-), k being the smallest number explaining a share K of the squared singular values.\n"
             "The d x d matrices are never formed: a thin QR of each N x d factor reduces the problem to an\n"
             "N x N core.");
        fp.k_ratio_pos = fp.k_ratio_neg = k_ratio;
        fp.n_threads = (int)threads;
        t0 = cli_now();
        if (sea_fit(&proj, acts, &fp, &err) != SEA_OK) goto fail;
        snprintf(path, sizeof path, "%s/proj.safetensors", out_dir);
        if (sea_proj_save(proj, path, &err) != SEA_OK) goto fail;
        printf("\n    fitted %d layers in %.2f s, K = %g -> %s\n\n", cfg->n_layer, cli_now() - t0, k_ratio, path);
        printf("    layer   k+   k-   sigma1(Omega+)  sigma1(Omega-)  signature\n");
        for (int l = 0; l < cfg->n_layer; l++) {
            size_t kp, kn, ns;
            const float *sp = sea_proj_singular_values(proj, (size_t)l, +1, &ns);
            const float *sn = sea_proj_singular_values(proj, (size_t)l, -1, &ns);
            sea_proj_u_pos(proj, (size_t)l, &kp);
            sea_proj_u_neg(proj, (size_t)l, &kn);
            printf("    %5d %4zu %4zu  %14.4g  %14.4g  %9.4g\n", l, kp, kn, (double)sp[0], (double)sn[0],
                   sea_proj_signature(proj, (size_t)l));
        }
        if (cli_fit_plots(out_dir, proj, msg, sizeof msg) != 0) {
            rc = cli_fail(argv[0], "%s", msg);
            goto out;
        }
        printf("\n    plots: %s/index.html (open in a browser): per layer, the share of variance explained\n"
               "           against k and the singular values; and the layer signature of the paper (§4.7)\n\n",
               out_dir);
    }

    /* ---- step 3: edit and generate ---- */
    {
        sea_edit_params ep = sea_edit_default_params();
        sea_ctx_params cp = sea_ctx_default_params();
        printf("Step 3 of 4: edit the forward pass\n\n");
        printf("At the MLP output z of the edited layers (%s), SEA computes z+ = U+ U+^T z and\n"
               "z- = z - U- U-^T z, adds them, and rescales each coordinate to keep its size over the sequence\n"
               "(%s merge, the paper's Eq. 4). The edit costs O(d (k+ + k-)) per token: only the thin U are\n"
               "stored. Greedy continuations of held-out prompts, unedited and edited:\n\n", layers, merge);
        if (sea_merge_parse(&ep.merge, merge, &err) != SEA_OK) goto fail;
        ep.layers = layers;
        if (sea_editor_new(&ed, proj, m, &ep, &err) != SEA_OK) goto fail;
        cp.n_threads = (int)threads;
        if (sea_ctx_new(&c0, m, &cp, &err) != SEA_OK || sea_ctx_new(&c1, m, &cp, &err) != SEA_OK) goto fail;
        if (sea_editor_attach(ed, c1, &err) != SEA_OK) goto fail;
        for (size_t i = 0; i < 4 && i < sea_demos_count(held); i++) {
            const sea_demo *d = sea_demos_at(held, i);
            int32_t *ids = NULL;
            size_t n;
            char *a, *b;
            if (sea_tokenize(tok, d->prompt, strlen(d->prompt), 1, &ids, &n, &err) != SEA_OK) goto fail;
            a = continue_text(c0, tok, ids, n, (int)n_new, &err);
            b = continue_text(c1, tok, ids, n, (int)n_new, &err);
            sea_free(ids);
            if (!a || !b) {
                sea_free(a);
                sea_free(b);
                goto fail;
            }
            printf("    \"%s\"\n      unedited  ...%s\n      edited    ...%s%s\n\n", d->prompt, a, b,
                   strcmp(a, b) ? "" : "   (same)");
            sea_free(a);
            sea_free(b);
        }
        printf("    the edit moved the edited MLP outputs by %.1f%% of their norm on average\n\n",
               100.0 * sea_editor_mean_change(ed));
    }

    /* ---- step 4: held-out pairs ---- */
    {
        sea_eval_params ev = sea_eval_default_params();
        sea_pairs_result base, edited;
        static const char *const sweep[] = {"last:1", "last:2", "last:3", "all"};
        double *a;
        printf("Step 4 of 4: score held-out pairs\n\n");
        printf("%zu pairs not used for fitting: how much more likely does the model find the positive ending\n"
               "than the negative one? (margin = log p(positive) - log p(negative), in nats)\n\n", sea_demos_count(held));
        ev.n_threads = (int)threads;
        if (sea_eval_pairs(&base, m, tok, held, &ev, &err) != SEA_OK) goto fail;
        ev.proj = proj;
        if (sea_merge_parse(&ev.edit.merge, merge, &err) != SEA_OK) goto fail;
        ev.edit.layers = layers;
        if (sea_eval_pairs(&edited, m, tok, held, &ev, &err) != SEA_OK) {
            sea_pairs_result_free(&base);
            goto fail;
        }
        printf("    %-22s prefers positive %5.1f%%   mean margin %+.3f\n", "unedited", 100 * base.prefer_positive, base.mean_margin);
        printf("    %-22s prefers positive %5.1f%%   mean margin %+.3f\n", "edited", 100 * edited.prefer_positive,
               edited.mean_margin);
        {
            /* what the edit did to each pair: the change of its margin, sorted */
            svg_plot pl = svg_plot_defaults();
            svg_series s[1];
            svg_refline zero;
            size_t n = base.n, up = 0;
            a = malloc(n * sizeof *a);
            if (!a) {
                sea_pairs_result_free(&base);
                sea_pairs_result_free(&edited);
                sea_err_set(&err, SEA_ERR_NOMEM, "out of memory");
                goto fail;
            }
            for (size_t k = 0; k < n; k++) {
                a[k] = (edited.pos[k] - edited.neg[k]) - (base.pos[k] - base.neg[k]);
                up += a[k] > 0;
            }
            qsort(a, n, sizeof *a, cmp_double);
            printf("    the edit raised the margin of %zu of the %zu pairs\n", up, n);
            pl.title = "What the edit did to each held-out pair";
            pl.subtitle = "change of log p(positive) - log p(negative), sorted; above 0 the edit favours the positive ending";
            pl.xlabel = "pair (sorted by the change)";
            pl.ylabel = "change of the margin (nats)";
            memset(s, 0, sizeof s);
            s[0].label = "edited - unedited";
            s[0].y = a;
            s[0].n = n;
            s[0].markers = 1;
            memset(&zero, 0, sizeof zero);
            zero.at = 0;
            zero.label = "no change";
            pl.refs = &zero;
            pl.n_refs = 1;
            snprintf(path, sizeof path, "%s/heldout-margins.svg", out_dir);
            if (svg_line_plot(path, &pl, s, 1, msg, sizeof msg) != 0) printf("    (plot not written: %s)\n", msg);
            free(a);
        }
        sea_pairs_result_free(&edited);
        printf("\n    which layers to edit matters; the same fit applied at different depths:\n");
        for (size_t i = 0; i < SEA_ARRAY_LEN(sweep); i++) {
            ev.edit.layers = sweep[i];
            if (sea_eval_pairs(&edited, m, tok, held, &ev, &err) != SEA_OK) {
                sea_pairs_result_free(&base);
                goto fail;
            }
            printf("    %-22s prefers positive %5.1f%%   mean margin %+.3f\n", sweep[i], 100 * edited.prefer_positive,
                   edited.mean_margin);
            sea_pairs_result_free(&edited);
        }
        sea_pairs_result_free(&base);
        printf("\n    plot: %s/heldout-margins.svg\n\n", out_dir);
    }
    para("On a 6.5 M-parameter model trained on one book the effect is modest, as in the paper, where SEA\n"
         "moves TruthfulQA MC1 of Llama-2-7B-chat by a few points. The same three steps on your own data:");
    /* every line runs as printed on the model the demo used (in the current directory) */
    printf("\n    sea trace -m %s --demos %s --out acts.safetensors        # step 1\n"
           "    sea fit --acts acts.safetensors --out proj.safetensors --plot plots   # step 2\n"
           "    sea generate -m %s -p \"And God said\" --edit proj.safetensors --layers %s   # step 3\n"
           "    sea eval pairs -m %s --data %s --edit proj.safetensors --layers %s   # step 4\n"
           "    sea bake -m %s --edit proj.safetensors --layers %s --merge sum --out kjv-edited\n\n"
           "With your own data: 'sea demos' builds the paper's demonstrations, 'sea eval truthfulqa|bbq'\n"
           "scores the paper's benchmarks. doc/GUIDE.md explains every option. Demo finished in %.1f s.\n",
           dir, demos_path, dir, layers, dir, heldout_path, layers, dir, layers, cli_now() - t_start);
    rc = CLI_EXIT_OK;
    goto out;
fail:
    rc = cli_fail_err(argv[0], &err);
out:
    sea_ctx_free(c0);
    sea_ctx_free(c1);
    sea_editor_free(ed);
    sea_proj_free(proj);
    sea_acts_free(acts);
    sea_demos_free(demos);
    sea_demos_free(held);
    sea_tokenizer_close(tok);
    sea_model_close(m);
    return rc;
}
