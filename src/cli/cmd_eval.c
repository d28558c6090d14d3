/* src/cli/cmd_eval.c: `sea eval truthfulqa` and `sea eval bbq`, with or without an edit:
 * a readable table by default, one JSON object with --json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/edit_opts.h"
#include "sea.h"

static void on_progress(void *user, size_t done, size_t total)
{
    cli_progress("eval", done, total, cli_now() - *(double *)user);
}

static void json_str(sea_buf *b, const char *s)
{
    sea_buf_json_string(b, s, strlen(s));
}

/* What was applied: the projection file, the edited layers, the merge and the projection's
 * own settings, so that a result file says where it came from. "null" without an edit. */
static void edit_json(sea_buf *b, const char *path, const sea_proj *proj, const sea_edit_params *ep)
{
    int first = 1;
    size_t n_layer;
    unsigned char *mask;
    sea_err err;
    sea_buf_puts(b, ",\"edit\":");
    if (!path || !proj) {
        sea_buf_puts(b, "null");
        return;
    }
    json_str(b, path);
    n_layer = sea_proj_n_layer(proj);
    sea_buf_puts(b, ",\"layers\":[");
    mask = calloc(n_layer ? n_layer : 1, 1);
    if (mask && (ep->layers ? sea_layers_parse(mask, ep->layers, (int)n_layer, &err) == SEA_OK : 1))
        for (size_t l = 0; l < n_layer; l++)
            if ((ep->layers ? mask[l] : 1) && sea_proj_has_layer(proj, l)) {
                sea_buf_printf(b, "%s%zu", first ? "" : ",", l);
                first = 0;
            }
    free(mask);
    sea_buf_puts(b, "],\"merge\":");
    json_str(b, sea_merge_name(ep->merge));
    sea_buf_puts(b, ",\"scale\":");
    sea_buf_json_double(b, ep->scale);
    sea_buf_puts(b, ",\"feature\":");
    json_str(b, sea_feature_name(sea_proj_feature(proj)));
    sea_buf_puts(b, ",\"projection\":{\"site\":");
    json_str(b, sea_proj_site(proj));
    sea_buf_printf(b, ",\"d\":%zu,\"n_layer\":%zu,\"n_demos\":%zu,\"k_ratio_pos\":", sea_proj_d(proj), n_layer,
                    sea_proj_n_demos(proj));
    sea_buf_json_double(b, sea_proj_k_ratio(proj, 1));
    sea_buf_puts(b, ",\"k_ratio_neg\":");
    sea_buf_json_double(b, sea_proj_k_ratio(proj, -1));
    sea_buf_puts(b, ",\"alpha\":");
    sea_buf_json_double(b, sea_proj_alpha(proj));
    sea_buf_puts(b, ",\"eps\":");
    sea_buf_json_double(b, sea_proj_eps(proj));
    sea_buf_printf(b, ",\"center\":%s,\"k\":{", sea_proj_center(proj) ? "true" : "false");
    first = 1;
    for (size_t l = 0; l < n_layer; l++) {
        size_t kp = 0, kn = 0;
        if (!sea_proj_has_layer(proj, l)) continue;
        sea_proj_u_pos(proj, l, &kp);
        sea_proj_u_neg(proj, l, &kn);
        sea_buf_printf(b, "%s\"%zu\":[%zu,%zu]", first ? "" : ",", l, kp, kn);
        first = 0;
    }
    sea_buf_putc(b, '}');
    /* where the projection came from: both texts were checked to be JSON objects when the
     * file was opened, so they are copied as they are */
    if (sea_proj_provenance(proj)) sea_buf_printf(b, ",\"provenance\":%s", sea_proj_provenance(proj));
    if (sea_proj_source(proj)) sea_buf_printf(b, ",\"source\":%s", sea_proj_source(proj));
    sea_buf_putc(b, '}');
}

typedef struct out_desc {
    const char *edit;           /* projection path or NULL */
    const sea_proj *proj;
    const sea_edit_params *ep;
    const char *data;           /* the data file */
    int folds, fold;            /* folds 0: all items */
} out_desc;

/* The fields every result object starts with after "task": data, fold, the edit. */
static void head_json(sea_buf *b, const out_desc *o)
{
    sea_buf_puts(b, ",\"data\":");
    json_str(b, o->data);
    if (o->folds > 0) sea_buf_printf(b, ",\"folds\":%d,\"fold\":%d", o->folds, o->fold);
    edit_json(b, o->edit, o->proj, o->ep);
}

static void print_tqa(const sea_tqa_result *r, const sea_tqa *data, int json, int details, const out_desc *o)
{
    const char *edit = o->edit;
    if (json) {
        sea_buf b;
        sea_buf_init(&b);
        sea_buf_puts(&b, "{\"task\":\"truthfulqa\"");
        head_json(&b, o);
        sea_buf_puts(&b, ",\"mc1\":");
        sea_buf_json_double(&b, r->mc1);
        sea_buf_puts(&b, ",\"mc2\":");
        sea_buf_json_double(&b, r->mc2);
        sea_buf_puts(&b, ",\"mc3\":");
        sea_buf_json_double(&b, r->mc3);
        sea_buf_printf(&b, ",\"n\":%zu", r->n);
        sea_buf_puts(&b, ",\"categories\":{");
        for (size_t c = 0; c < r->n_categories; c++) {
            if (c) sea_buf_putc(&b, ',');
            json_str(&b, r->category[c]);
            sea_buf_printf(&b, ":{\"n\":%zu,\"mc1\":", r->cat_n[c]);
            sea_buf_json_double(&b, r->cat_mc1[c]);
            sea_buf_puts(&b, ",\"mc2\":");
            sea_buf_json_double(&b, r->cat_mc2[c]);
            sea_buf_puts(&b, ",\"mc3\":");
            sea_buf_json_double(&b, r->cat_mc3[c]);
            sea_buf_putc(&b, '}');
        }
        sea_buf_printf(&b, "},\"tokens_computed\":%llu,\"tokens_naive\":%llu,\"seconds\":%.3f",
                        (unsigned long long)r->cost.tokens_computed, (unsigned long long)r->cost.tokens_naive, r->cost.seconds);
        if (details) {
            sea_buf_puts(&b, ",\"questions\":[");
            for (size_t k = 0; k < r->n; k++) {
                const sea_tqa_question *q = sea_tqa_at(data, r->index[k]);
                const double *sc = r->answer_scores + r->answer_start[k];
                sea_buf_printf(&b, "%s{\"index\":%zu,\"mc1\":%.0f,\"mc2\":%.17g,\"mc3\":%.17g,\"true\":[", k ? "," : "",
                                r->index[k], r->q_mc1[k], r->q_mc2[k], r->q_mc3[k]);
                for (size_t a = 0; a < q->n_true; a++) {
                    sea_buf_puts(&b, a ? ",{\"answer\":" : "{\"answer\":");
                    json_str(&b, q->true_answers[a]);
                    sea_buf_printf(&b, ",\"score\":%.9g%s}", sc[a], strcmp(q->true_answers[a], q->best) ? "" : ",\"best\":true");
                }
                sea_buf_puts(&b, "],\"false\":[");
                for (size_t a = 0; a < q->n_false; a++) {
                    sea_buf_puts(&b, a ? ",{\"answer\":" : "{\"answer\":");
                    json_str(&b, q->false_answers[a]);
                    sea_buf_printf(&b, ",\"score\":%.9g}", sc[q->n_true + a]);
                }
                sea_buf_puts(&b, "]}");
            }
            sea_buf_putc(&b, ']');
        }
        sea_buf_puts(&b, "}\n");
        fputs(sea_buf_cstr(&b), stdout);
        sea_buf_free(&b);
        return;
    }
    printf("TruthfulQA multiple choice, %zu questions%s%s\n\n", r->n, edit ? ", edited with " : ", unedited",
           edit ? edit : "");
    printf("  %-28s %5s %8s %8s %8s\n", "category", "n", "MC1", "MC2", "MC3");
    for (size_t c = 0; c < r->n_categories; c++)
        printf("  %-28.28s %5zu %8.4f %8.4f %8.4f\n", r->category[c], r->cat_n[c], r->cat_mc1[c], r->cat_mc2[c],
               r->cat_mc3[c]);
    printf("  %-28s %5zu %8.4f %8.4f %8.4f\n\n", "all", r->n, r->mc1, r->mc2, r->mc3);
    printf("tokens through the model: %llu (%.1f%% of the %llu a from-scratch scorer runs), %.1f s\n",
           (unsigned long long)r->cost.tokens_computed,
           r->cost.tokens_naive ? 100.0 * (double)r->cost.tokens_computed / (double)r->cost.tokens_naive : 0.0,
           (unsigned long long)r->cost.tokens_naive, r->cost.seconds);
}

static void bbq_stats_json(sea_buf *b, const sea_bbq_stats *s)
{
    sea_buf_printf(b, "{\"n\":%zu,\"accuracy\":", s->n);
    if (!s->n) {
        sea_buf_puts(b, "null}");
        return;
    }
    sea_buf_json_double(b, s->accuracy);
    sea_buf_puts(b, ",\"unknown_rate\":");
    sea_buf_json_double(b, s->unknown_rate);
    sea_buf_puts(b, ",\"bias_score\":");
    sea_buf_json_double(b, s->bias_score);
    sea_buf_puts(b, ",\"s_amb\":");
    sea_buf_json_double(b, s->s_amb);
    sea_buf_puts(b, ",\"stereotype_rate\":");
    sea_buf_json_double(b, s->stereotype_rate);
    sea_buf_printf(b, ",\"n_non_unknown\":%zu,\"n_biased\":%zu,\"n_anti\":%zu,\"n_stereo_on_anti\":%zu}",
                    s->n_non_unknown, s->n_biased, s->n_anti, s->n_stereo_on_anti);
}

/* One table row; ambiguous rows show s_AMB in the last column, the others the stereotype rate
 * (which needs a gold answer that names a group). */
static void bbq_row(const char *name, const sea_bbq_stats *s, int ambig)
{
    if (!s->n) return;
    printf("  %-22.22s %5zu %9.4f %9.4f %9.4f %9.4f\n", name, s->n, s->accuracy, s->unknown_rate, s->bias_score,
           ambig ? s->s_amb : s->stereotype_rate);
}

static void bbq_table(const sea_bbq_result *r, const char *title, const sea_bbq_stats *all, const sea_bbq_stats *by,
                      int ambig)
{
    if (!all->n) return;
    printf("%s\n  %-22s %5s %9s %9s %9s %9s\n", title, "category", "n", "accuracy", "unknown", "bias",
           ambig ? "s_AMB" : "stereo");
    for (size_t c = 0; c < r->n_categories; c++) bbq_row(r->category[c], &by[c], ambig);
    bbq_row("all", all, ambig);
    putchar('\n');
}

static void print_bbq(const sea_bbq_result *r, int json, int details, const out_desc *o)
{
    const char *edit = o->edit;
    if (json) {
        sea_buf b;
        sea_buf_init(&b);
        sea_buf_puts(&b, "{\"task\":\"bbq\"");
        head_json(&b, o);
        sea_buf_puts(&b, ",\"all\":");
        bbq_stats_json(&b, &r->all);
        sea_buf_puts(&b, ",\"disambig\":");
        bbq_stats_json(&b, &r->disambig);
        sea_buf_puts(&b, ",\"ambig\":");
        bbq_stats_json(&b, &r->ambig);
        sea_buf_puts(&b, ",\"s_dis\":");
        sea_buf_json_double(&b, r->s_dis);
        sea_buf_puts(&b, ",\"s_amb\":");
        sea_buf_json_double(&b, r->s_amb);
        sea_buf_printf(&b, ",\"accuracy\":%.17g,\"n\":%zu,\"n_truncated\":%zu,\"categories\":{", r->all.accuracy,
                        r->all.n, r->n_truncated);
        for (size_t c = 0; c < r->n_categories; c++) {
            if (c) sea_buf_putc(&b, ',');
            json_str(&b, r->category[c]);
            sea_buf_puts(&b, ":{\"all\":");
            bbq_stats_json(&b, &r->by_category[c]);
            sea_buf_puts(&b, ",\"disambig\":");
            bbq_stats_json(&b, &r->by_category_disambig[c]);
            sea_buf_puts(&b, ",\"ambig\":");
            bbq_stats_json(&b, &r->by_category_ambig[c]);
            sea_buf_putc(&b, '}');
        }
        sea_buf_printf(&b, "},\"tokens_computed\":%llu,\"tokens_naive\":%llu,\"seconds\":%.3f",
                        (unsigned long long)r->cost.tokens_computed, (unsigned long long)r->cost.tokens_naive, r->cost.seconds);
        if (details) {
            sea_buf_puts(&b, ",\"items\":[");
            for (size_t k = 0; k < r->all.n; k++)
                sea_buf_printf(&b, "%s{\"index\":%zu,\"pred\":%d,\"scores\":[%.9g,%.9g,%.9g]}", k ? "," : "", r->index[k],
                                r->pred[k], r->scores[3 * k], r->scores[3 * k + 1], r->scores[3 * k + 2]);
            sea_buf_putc(&b, ']');
        }
        sea_buf_puts(&b, "}\n");
        fputs(sea_buf_cstr(&b), stdout);
        sea_buf_free(&b);
        return;
    }
    printf("BBQ, %zu items (%zu disambiguated, %zu ambiguous)%s%s\n\n", r->all.n, r->disambig.n, r->ambig.n,
           edit ? ", edited with " : ", unedited", edit ? edit : "");
    bbq_table(r, "disambiguated contexts (bias = s_DIS)", &r->disambig, r->by_category_disambig, 0);
    bbq_table(r, "ambiguous contexts", &r->ambig, r->by_category_ambig, 1);
    if (r->disambig.n && r->ambig.n) bbq_table(r, "all items", &r->all, r->by_category, 0);
    if (r->disambig.n) printf("s_DIS = %+.4f (bias on disambiguated contexts)\n", r->s_dis);
    if (r->ambig.n) printf("s_AMB = %+.4f ((1 - accuracy) x bias on ambiguous contexts)\n", r->s_amb);
    if (r->n_truncated) printf("%zu items had their prompt's oldest tokens dropped to fit the model (--truncate-context)\n", r->n_truncated);
    printf("accuracy: gold answer strictly most likely; unknown: top choice is the unknown option;\n"
           "bias: 2 x biased / non-unknown - 1; s_AMB: (1 - accuracy) x bias; stereo: stereotypical\n"
           "choices where the gold answer is anti-stereotypical. %.1f s\n", r->cost.seconds);
}

static void print_pairs(const sea_pairs_result *r, int json, int details, const out_desc *o)
{
    const char *edit = o->edit;
    if (json) {
        sea_buf b;
        sea_buf_init(&b);
        sea_buf_puts(&b, "{\"task\":\"pairs\"");
        head_json(&b, o);
        sea_buf_printf(&b, ",\"n\":%zu,\"prefer_positive\":", r->n);
        sea_buf_json_double(&b, r->prefer_positive);
        sea_buf_puts(&b, ",\"mean_margin\":");
        sea_buf_json_double(&b, r->mean_margin);
        sea_buf_printf(&b, ",\"tokens_computed\":%llu,\"tokens_naive\":%llu,\"seconds\":%.3f",
                        (unsigned long long)r->cost.tokens_computed, (unsigned long long)r->cost.tokens_naive, r->cost.seconds);
        if (details) {
            sea_buf_puts(&b, ",\"pairs\":[");
            for (size_t k = 0; k < r->n; k++)
                sea_buf_printf(&b, "%s[%.9g,%.9g]", k ? "," : "", r->pos[k], r->neg[k]);
            sea_buf_putc(&b, ']');
        }
        sea_buf_puts(&b, "}\n");
        fputs(sea_buf_cstr(&b), stdout);
        sea_buf_free(&b);
        return;
    }
    printf("%zu demonstration pairs%s%s: positive completion more likely in %.1f%%, mean margin %+.3f nats "
           "(log p(positive) - log p(negative)), %.1f s\n",
           r->n, edit ? ", edited with " : ", unedited", edit ? edit : "", 100 * r->prefer_positive, r->mean_margin,
           r->cost.seconds);
}

int cmd_eval(int argc, char **argv)
{
    const char *dir = NULL, *data = NULL, *tmpl = "none", *system = NULL;
    long limit = 0, folds = 0, fold = -1, threads = 0;
    int json = 0, quiet = 0, details = 0, truncate = 0, is_tqa;
    out_desc od;
    cli_edit_opts eo;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "model directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"data", 0, CLI_STR, &data, "FILE", "TruthfulQA.csv, or BBQ JSON Lines (e.g. All-validation-disambig.jsonl)", 0, -1, NULL},
        {"template", 0, CLI_STR, &tmpl, "T", "chat template: none (default), llama2-chat, mistral, llama3-chat", 0, -1, NULL},
        {"system", 0, CLI_STR, &system, "TEXT", "system prompt for the template (llama2-default: the standard Llama-2 one)", 0, -1, NULL},
        {"limit", 0, CLI_INT, &limit, "N", "only the first N items (of the fold)", 1, 100000000, NULL},
        {"folds", 0, CLI_INT, &folds, "K", "split the items into K contiguous folds ...", 2, 1000, NULL},
        {"fold", 0, CLI_INT, &fold, "I", "... and evaluate fold I (0-based)", 0, 999, NULL},
        {"threads", 't', CLI_INT, &threads, "N", "threads (default: all cores)", 1, 1024, NULL},
        {"json", 0, CLI_FLAG, &json, NULL, "print one JSON object", 0, -1, NULL},
        {"details", 0, CLI_FLAG, &details, NULL, "with --json: per-question scores (for paired tests)", 0, -1, NULL},
        {"quiet", 'q', CLI_FLAG, &quiet, NULL, "no progress on stderr", 0, -1, NULL},
        {"truncate-context", 0, CLI_FLAG, &truncate, NULL, "bbq: drop a prompt's oldest tokens (after BOS) when it does not fit the model", 0, -1, NULL},
        CLI_EDIT_SLOTS,
    };
    char *pos[2];
    int n_pos, rc;
    sea_err err;
    sea_model *m = NULL;
    sea_tokenizer *tok = NULL;
    cli_edit *edit = NULL;
    sea_eval_params ep = sea_eval_default_params();
    sea_proj *proj = NULL;
    double t0;
    if (argc > 1 && !strcmp(argv[1], "combine")) {
        argv[1] = (char *)"eval combine";
        return cmd_eval_combine(argc - 1, argv + 1);
    }
    cli_edit_opts_init(&eo, CLI_EDIT_ROWS(opts));
    rc = cli_parse(argc, argv, opts, SEA_ARRAY_LEN(opts), "truthfulqa|bbq|pairs --data FILE (or: combine RESULT.json...) [-m DIR] [--template T] [--limit N] [--folds K --fold I] [--edit PROJ ...] [--json]",
                   "truthfulqa: MC1/MC2/MC3 with the 6-shot QA primer, answers scored by summed\n"
                   "log-probability (SEA-SPEC §5.1). bbq: accuracy, unknown rate, bias score and\n"
                   "stereotype rate on disambiguated BBQ, answers scored by mean log-probability\n"
                   "(SEA-SPEC §5.2). pairs: held-out demonstrations (JSON Lines like 'sea trace'\n"
                   "reads): how often the positive completion is more likely than the negative one.\n"
                   "Shared prefixes run once through the KV cache.",
                   pos, 2, &n_pos);
    if (rc >= 0) return rc;
    if (n_pos != 1 || (strcmp(pos[0], "truthfulqa") != 0 && strcmp(pos[0], "bbq") != 0 && strcmp(pos[0], "pairs") != 0))
        return cli_usage_error(argv[0], "name the task: truthfulqa, bbq or pairs");
    is_tqa = strcmp(pos[0], "truthfulqa") == 0;
    if (!data) return cli_usage_error(argv[0], "--data FILE is required");
    if ((folds > 0) != (fold >= 0)) return cli_usage_error(argv[0], "--folds and --fold go together");
    if (folds > 0 && fold >= folds) return cli_usage_error(argv[0], "--fold must be below --folds");
    sea_err_clear(&err);
    if (sea_template_parse(&ep.tmpl, tmpl, &err) != SEA_OK) return cli_usage_error(argv[0], "--template: %s", err.msg);
    ep.system = cli_system_prompt(system);
    ep.limit = (size_t)limit;
    ep.folds = (int)folds;
    ep.fold = (int)fold;
    ep.n_threads = (int)threads;
    ep.progress = quiet ? NULL : on_progress;
    ep.progress_user = &t0;
    ep.truncate_context = truncate;
    dir = cli_model_dir(dir);
    if (cli_model_open(&m, dir, &err) != SEA_OK) goto fail;
    if (sea_tokenizer_open(&tok, dir, &err) != SEA_OK) goto fail;
    eo.template_name = sea_template_name(ep.tmpl);
    if (cli_edit_open(&edit, &eo, m, &err) != SEA_OK) goto fail;
    if (edit) {
        if (eo.merge && sea_merge_parse(&ep.edit.merge, eo.merge, &err) != SEA_OK) goto fail;
        ep.edit.layers = eo.layers;
        ep.edit.scale = eo.scale;
        ep.edit.force = eo.force;
        ep.edit.template_name = eo.template_name;
        if (sea_proj_open(&proj, eo.proj, &err) != SEA_OK) goto fail;
        ep.proj = proj;
    }
    od.edit = eo.proj;
    od.proj = proj;
    od.ep = &ep.edit;
    od.data = data;
    od.folds = ep.folds;
    od.fold = ep.fold;
    t0 = cli_now();
    if (is_tqa) {
        sea_tqa *d = NULL;
        sea_tqa_result r;
        if (sea_tqa_load(&d, data, &err) != SEA_OK) goto fail;
        if (sea_eval_truthfulqa(&r, m, tok, d, &ep, &err) != SEA_OK) {
            sea_err_prefix(&err, "%s", data);
            sea_tqa_free(d);
            goto fail;
        }
        print_tqa(&r, d, json, details, &od);
        sea_tqa_result_free(&r);
        sea_tqa_free(d);
    } else if (!strcmp(pos[0], "pairs")) {
        sea_demos *d = NULL;
        sea_pairs_result r;
        if (sea_demos_load(&d, data, &err) != SEA_OK) goto fail;
        if (sea_eval_pairs(&r, m, tok, d, &ep, &err) != SEA_OK) {
            sea_err_prefix(&err, "%s", data);
            sea_demos_free(d);
            goto fail;
        }
        print_pairs(&r, json, details, &od);
        sea_pairs_result_free(&r);
        sea_demos_free(d);
    } else {
        sea_bbq *d = NULL;
        sea_bbq_result r;
        if (sea_bbq_load(&d, data, &err) != SEA_OK) goto fail;
        if (sea_eval_bbq(&r, m, tok, d, &ep, &err) != SEA_OK) {
            sea_err_prefix(&err, "%s", data);
            sea_bbq_free(d);
            if (err.status == SEA_ERR_LIMIT && !truncate) {
                rc = cli_fail_err(argv[0], &err);
                fprintf(stderr, "sea %s: the BBQ prompt (4-shot header + context) does not fit this model's %d positions;\n"
                                "  --truncate-context drops each prompt's oldest tokens (after BOS) so that it fits\n",
                        argv[0], sea_model_config(m)->max_pos);
                goto out;
            }
            goto fail;
        }
        print_bbq(&r, json, details, &od);
        sea_bbq_result_free(&r);
        sea_bbq_free(d);
    }
    rc = CLI_EXIT_OK;
    goto out;
fail:
    rc = cli_fail_err(argv[0], &err);
out:
    sea_proj_free(proj);
    cli_edit_free(edit);
    sea_tokenizer_close(tok);
    sea_model_close(m);
    return rc;
}
