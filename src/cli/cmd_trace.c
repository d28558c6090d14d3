/* src/cli/cmd_trace.c: `sea trace`: SEA step 1, demonstrations to activations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sea.h"

static void on_progress(size_t done, size_t total, void *user)
{
    cli_progress("trace", done, total, cli_now() - *(double *)user);
}

/* "i/n" with 0 <= i < n */
static int parse_shard(const char *s, size_t *i, size_t *n)
{
    char *end;
    unsigned long a, b;
    a = strtoul(s, &end, 10);
    if (end == s || *end != '/') return -1;
    s = end + 1;
    b = strtoul(s, &end, 10);
    if (end == s || *end || b == 0 || a >= b || b > 1000000) return -1;
    *i = a;
    *n = b;
    return 0;
}

int cmd_trace(int argc, char **argv)
{
    const char *dir = NULL, *demos_path = NULL, *out = NULL, *site = "mlp", *tmpl = "none", *system = NULL,
               *shard = NULL;
    long max_new = 64, min_new = 0, threads = 0;
    int quiet = 0;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "model directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"demos", 'd', CLI_STR, &demos_path, "FILE", "demonstrations, JSON Lines of {prompt, positive, negative}", 0, -1, NULL},
        {"out", 'o', CLI_STR, &out, "FILE", "activations file to write (safetensors)", 0, -1, NULL},
        {"site", 0, CLI_STR, &site, "SITE", "mlp (default: MLP output, the paper) or residual (layer output, the released code)", 0, -1, NULL},
        {"template", 0, CLI_STR, &tmpl, "T", "chat template: none (default), llama2-chat, mistral, llama3-chat", 0, -1, NULL},
        {"system", 0, CLI_STR, &system, "TEXT", "system prompt for the template (llama2-default: the standard Llama-2 one)", 0, -1, NULL},
        {"max-new-tokens", 0, CLI_INT, &max_new, "N", "length of the neutral greedy completion (default 64)", 0, 1 << 20, NULL},
        {"min-new-tokens", 0, CLI_INT, &min_new, "M", "no EOS before M new tokens (default 0; the paper's BBQ intent: 16)", 0, 1 << 20, NULL},
        {"shard", 0, CLI_STR, &shard, "I/N", "trace only demonstrations j with j % N == I (join with 'sea merge')", 0, -1, NULL},
        {"threads", 't', CLI_INT, &threads, "N", "threads (default: all cores)", 1, 1024, NULL},
        {"quiet", 'q', CLI_FLAG, &quiet, NULL, "no progress on stderr", 0, -1, NULL},
    };
    char *pos[1];
    int n_pos, rc;
    sea_err err;
    sea_model *m = NULL;
    sea_tokenizer *tok = NULL;
    sea_demos *demos = NULL;
    sea_acts *acts = NULL;
    sea_trace_params tp = sea_trace_default_params();
    double t0;
    rc = cli_parse(argc, argv, opts, SEA_ARRAY_LEN(opts), "--demos FILE --out FILE [-m DIR] [--site mlp|residual] [--template T] [--shard I/N]",
                   "SEA step 1. For each demonstration, the activation at the last token of\n"
                   "template(prompt) + positive, of template(prompt) + negative, and of\n"
                   "template(prompt) + the model's greedy completion (the neutral one), at every\n"
                   "layer. Writes positive/negative/base [N, n_layer, d] to a safetensors file.",
                   pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if (!demos_path || !out) return cli_usage_error(argv[0], "--demos and --out are required");
    sea_err_clear(&err);
    if (sea_site_parse(&tp.site, site, &err) != SEA_OK || (tp.site != SEA_SITE_MLP && tp.site != SEA_SITE_RESIDUAL))
        return cli_usage_error(argv[0], "--site must be mlp or residual");
    if (sea_template_parse(&tp.tmpl, tmpl, &err) != SEA_OK) return cli_usage_error(argv[0], "--template: %s", err.msg);
    if (shard && parse_shard(shard, &tp.shard_i, &tp.shard_n))
        return cli_usage_error(argv[0], "--shard must be I/N with 0 <= I < N, got '%s'", shard);
    tp.system = cli_system_prompt(system);
    tp.max_new_tokens = (int)max_new;
    if (min_new > max_new) return cli_usage_error(argv[0], "--min-new-tokens must not exceed --max-new-tokens");
    tp.min_new_tokens = (int)min_new;
    tp.n_threads = (int)threads;
    tp.progress = quiet ? NULL : on_progress;
    tp.progress_user = &t0;
    dir = cli_model_dir(dir);
    if (sea_demos_load(&demos, demos_path, &err) != SEA_OK) goto fail;
    if (cli_model_open(&m, dir, &err) != SEA_OK) goto fail;
    if (sea_tokenizer_open(&tok, dir, &err) != SEA_OK) goto fail;
    t0 = cli_now();
    if (sea_trace(&acts, m, tok, demos, &tp, &err) != SEA_OK) {
        sea_err_prefix(&err, "%s", demos_path);
        goto fail;
    }
    if (sea_acts_save(acts, out, &err) != SEA_OK) goto fail;
    if (!quiet)
        fprintf(stderr, "trace: %zu demonstrations x %zu layers x %zu at the %s site -> %s (%.1f s)\n", sea_acts_n(acts),
                sea_acts_n_layer(acts), sea_acts_d(acts), site, out, cli_now() - t0);
    rc = CLI_EXIT_OK;
    goto out;
fail:
    rc = cli_fail_err(argv[0], &err);
out:
    sea_acts_free(acts);
    sea_demos_free(demos);
    sea_tokenizer_close(tok);
    sea_model_close(m);
    return rc;
}
