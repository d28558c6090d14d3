/* src/cli/cmd_perplexity.c: `sea perplexity`: perplexity of a text or of token ids, with or
 * without an edit (a quick check of what an edit costs the model). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/edit_opts.h"
#include "cli/text_input.h"
#include "sea.h"

/* Integers separated by whitespace, commas or brackets (a JSON array also reads this way). */
static int parse_ids_text(const char *s, int32_t **out, size_t *n, int n_vocab, char *msg, size_t cap)
{
    size_t cnt = 0, alloc = 1024;
    int32_t *v = malloc(alloc * sizeof *v);
    if (!v) return snprintf(msg, cap, "out of memory"), -1;
    while (*s) {
        char *end;
        long x;
        if (isspace((unsigned char)*s) || *s == ',' || *s == '[' || *s == ']') {
            s++;
            continue;
        }
        errno = 0;
        x = strtol(s, &end, 10);
        if (end == s || errno || x < 0 || x >= n_vocab) {
            snprintf(msg, cap, "token %zu is not an id in [0, %d)", cnt, n_vocab);
            free(v);
            return -1;
        }
        if (cnt == alloc) {
            int32_t *nv = realloc(v, 2 * alloc * sizeof *v);
            if (!nv) {
                free(v);
                return snprintf(msg, cap, "out of memory"), -1;
            }
            v = nv;
            alloc *= 2;
        }
        v[cnt++] = (int32_t)x;
        s = end;
    }
    *out = v;
    *n = cnt;
    return 0;
}

static void on_progress(void *user, size_t done, size_t total)
{
    cli_progress("perplexity", done, total, cli_now() - *(double *)user);
}

int cmd_perplexity(int argc, char **argv)
{
    const char *dir = NULL, *text_file = NULL, *ids_file = NULL;
    long window = 0, threads = 0;
    int json = 0, quiet = 0;
    cli_edit_opts eo;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "model directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"text-file", 0, CLI_STR, &text_file, "FILE", "text to score (tokenized with the model's tokenizer, BOS per add_bos_token)", 0, -1, NULL},
        {"ids-file", 0, CLI_STR, &ids_file, "FILE", "token ids to score (integers separated by spaces or commas, or a JSON array)", 0, -1, NULL},
        {"window", 'w', CLI_INT, &window, "W", "tokens per window; windows overlap by one token (default: min(context, 1024))", 2, 1 << 24, NULL},
        {"threads", 't', CLI_INT, &threads, "N", "threads (default: all cores)", 1, 1024, NULL},
        {"json", 0, CLI_FLAG, &json, NULL, "print one JSON object", 0, -1, NULL},
        {"quiet", 'q', CLI_FLAG, &quiet, NULL, "no progress on stderr", 0, -1, NULL},
        CLI_EDIT_SLOTS,
    };
    char *pos[1], msg[256];
    int n_pos, rc;
    sea_err err;
    sea_model *m = NULL;
    sea_ctx *c = NULL;
    cli_edit *edit = NULL;
    int32_t *ids = NULL;
    size_t n = 0, n_pred;
    double nll, t0;
    cli_edit_opts_init(&eo, CLI_EDIT_ROWS(opts));
    rc = cli_parse(argc, argv, opts, SEA_ARRAY_LEN(opts), "(--text-file FILE | --ids-file FILE) [-m DIR] [--window W] [--edit PROJ ...]",
                   "Perplexity exp(mean negative log-likelihood) of every token after the first,\n"
                   "in windows of W tokens that share one token of context.", pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if (!text_file == !ids_file) return cli_usage_error(argv[0], "give exactly one of --text-file and --ids-file");
    dir = cli_model_dir(dir);
    sea_err_clear(&err);
    if (cli_model_open(&m, dir, &err) != SEA_OK) goto fail;
    if (ids_file) {
        char *text;
        size_t len;
        if (sea_read_file(&text, &len, ids_file, (size_t)1 << 30, &err) != SEA_OK) goto fail;
        rc = parse_ids_text(text, &ids, &n, sea_model_config(m)->n_vocab, msg, sizeof msg);
        sea_free(text);
        if (rc) {
            sea_err_set(&err, SEA_ERR_FORMAT, "%s: %s", ids_file, msg);
            goto fail;
        }
    } else if (cli_tokenize_file(&ids, &n, dir, text_file, &err) != SEA_OK) {
        goto fail;
    }
    if (n < 2) {
        sea_err_set(&err, SEA_ERR_ARG, "%s: need at least 2 tokens, got %zu", ids_file ? ids_file : text_file, n);
        goto fail;
    }
    {
        sea_ctx_params cp = sea_ctx_default_params();
        int maxp = sea_model_config(m)->max_pos;
        if (window == 0) window = SEA_MIN(maxp, 1024);
        if (window > maxp) {
            sea_err_set(&err, SEA_ERR_ARG, "--window %ld exceeds the model's %d positions", window, maxp);
            goto fail;
        }
        cp.n_ctx = (int)window;
        cp.n_threads = (int)threads;
        if (sea_ctx_new(&c, m, &cp, &err) != SEA_OK) goto fail;
    }
    if (cli_edit_attach(&edit, &eo, c, argv[0], &err) != SEA_OK) goto fail;
    t0 = cli_now();
    if (sea_perplexity(c, ids, n, (int)window, &nll, &n_pred, quiet ? NULL : on_progress, &t0, &err) != SEA_OK)
        goto fail;
    if (json)
        printf("{\"perplexity\":%.6f,\"nll_sum\":%.6f,\"n_predictions\":%zu,\"window\":%ld,\"seconds\":%.3f}\n",
               exp(nll / (double)n_pred), nll, n_pred, window, cli_now() - t0);
    else
        printf("perplexity %.4f over %zu predictions (window %ld, %.1f s)\n", exp(nll / (double)n_pred), n_pred,
               window, cli_now() - t0);
    rc = CLI_EXIT_OK;
    goto out;
fail:
    rc = cli_fail_err(argv[0], &err);
out:
    cli_edit_free(edit);
    free(ids);
    sea_ctx_free(c);
    sea_model_close(m);
    return rc;
}
