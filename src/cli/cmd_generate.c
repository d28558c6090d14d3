/* src/cli/cmd_generate.c: `sea generate`: greedy or sampled text, streamed to stdout,
 * optionally with a SEA edit applied at every step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/edit_opts.h"
#include "cli/outbuf.h"
#include "cli/text_input.h"
#include "sea.h"

typedef struct gen_state {
    cli_out_stream *out;
    int stream;
} gen_state;

static int on_token(void *user, int32_t id)
{
    gen_state *g = user;
    if (g->stream) cli_out_stream_push(g->out, id);
    return 0;
}

/* ---- --prompts FILE.jsonl --out FILE.jsonl: one completion per line, with stop strings ---- */
#define MAX_STOPS 16

typedef struct batch_state {
    const sea_tokenizer *tok;
    int32_t *ids;
    size_t n, cap;
    const char *stop[MAX_STOPS];
    int n_stop;
    int hit;          /* a stop string appeared */
    size_t cut;       /* completion length in bytes before the stop string */
    char *text;       /* completion decoded so far */
} batch_state;

static int on_batch_token(void *user, int32_t id)
{
    batch_state *b = user;
    if (b->n == b->cap) {
        size_t nc = b->cap ? 2 * b->cap : 64;
        int32_t *ni = realloc(b->ids, nc * sizeof *ni);
        if (!ni) return 1;
        b->ids = ni;
        b->cap = nc;
    }
    b->ids[b->n++] = id;
    if (!b->n_stop) return 0;
    free(b->text);
    b->text = cli_detokenize(b->tok, b->ids, b->n);
    for (int k = 0; b->text && k < b->n_stop; k++) {
        const char *at = strstr(b->text, b->stop[k]);
        if (at) {
            b->hit = 1;
            b->cut = (size_t)(at - b->text);
            return 1;
        }
    }
    return 0;
}

static int generate_prompts(const char *cmd, sea_ctx *c, const sea_tokenizer *tok, const sea_generate_params *gp,
                            const char *tmpl, const char *system, const char *stop, const char *in_path,
                            const char *out_path)
{
    FILE *f = fopen(in_path, "rb");
    char *line = NULL, msg[512];
    size_t cap = 0, lineno = 0, done = 0;
    int rc = CLI_EXIT_OK;
    cli_outbuf o;
    sea_template t;
    sea_err err;
    if (!f) return cli_fail(cmd, "%s: cannot open", in_path);
    if (sea_template_parse(&t, tmpl, &err) != SEA_OK) {
        fclose(f);
        return cli_usage_error(cmd, "--template: %s", err.msg);
    }
    cli_outbuf_init(&o);
    for (;;) {
        size_t len = 0;
        int ch;
        sea_json_doc *doc = NULL;
        const sea_json *root, *pv, *sv, *idv;
        batch_state b;
        char *wrapped = NULL, *text;
        int32_t *pids = NULL, *out = NULL;
        size_t np = 0, nout = 0;
        while ((ch = fgetc(f)) != EOF && ch != '\n') {
            if (len + 2 > cap) {
                char *nl = realloc(line, cap ? 2 * cap : 4096);
                if (!nl || cap > ((size_t)1 << 28)) {
                    free(nl ? nl : line);
                    line = NULL;
                    rc = cli_fail(cmd, "%s: line %zu: too long or out of memory", in_path, lineno + 1);
                    goto out;
                }
                line = nl;
                cap = cap ? 2 * cap : 4096;
            }
            line[len++] = (char)ch;
        }
        if (ch == EOF && len == 0) break;
        lineno++;
        if (len && line[len - 1] == '\r') len--;
        if (len == 0) continue;
        if (sea_json_parse(&doc, line, len, NULL, &err) != SEA_OK) {
            rc = cli_fail(cmd, "%s: line %zu: %s", in_path, lineno, err.msg);
            goto out;
        }
        root = sea_json_root(doc);
        pv = root->type == SEA_JSON_OBJECT ? sea_json_get(root, "prompt") : NULL;
        if (!pv || pv->type != SEA_JSON_STRING) {
            sea_json_free(doc);
            rc = cli_fail(cmd, "%s: line %zu: needs a string \"prompt\"", in_path, lineno);
            goto out;
        }
        memset(&b, 0, sizeof b);
        b.tok = tok;
        if (stop && *stop) b.stop[b.n_stop++] = stop;
        sv = sea_json_get(root, "stop");
        if (sv && sv->type == SEA_JSON_STRING && sv->v.str.len) b.stop[b.n_stop++] = sv->v.str.s;
        for (size_t k = 0; sv && sv->type == SEA_JSON_ARRAY && k < sv->v.arr.n; k++)
            if (sv->v.arr.items[k].type == SEA_JSON_STRING && sv->v.arr.items[k].v.str.len && b.n_stop < MAX_STOPS)
                b.stop[b.n_stop++] = sv->v.arr.items[k].v.str.s;
        sea_ctx_truncate(c, 0);
        if (sea_template_apply(&wrapped, t, system, pv->v.str.s, &err) != SEA_OK ||
            cli_tokenize_text(&pids, &np, tok, wrapped, &err) != SEA_OK ||
            sea_generate(c, pids, np, gp, on_batch_token, &b, &out, &nout, &err) != SEA_OK) {
            rc = cli_fail(cmd, "%s: line %zu: %s", in_path, lineno, err.msg);
            sea_free(wrapped);
            free(pids);
            sea_free(out);
            free(b.ids);
            free(b.text);
            sea_json_free(doc);
            goto out;
        }
        text = cli_detokenize(tok, out, nout);
        cli_outbuf_printf(&o, "{\"index\":%zu", lineno - 1);
        idv = sea_json_get(root, "id");
        if (idv && idv->type == SEA_JSON_STRING) {
            cli_outbuf_puts(&o, ",\"id\":");
            cli_outbuf_json_string(&o, idv->v.str.s, idv->v.str.len);
        } else if (idv && idv->type == SEA_JSON_NUMBER)
            cli_outbuf_printf(&o, ",\"id\":%.17g", idv->v.num.d);
        cli_outbuf_puts(&o, ",\"prompt\":");
        cli_outbuf_json_string(&o, pv->v.str.s, pv->v.str.len);
        cli_outbuf_puts(&o, ",\"completion\":");
        if (text) cli_outbuf_json_string(&o, text, b.hit ? b.cut : strlen(text));
        else cli_outbuf_puts(&o, "null");
        cli_outbuf_printf(&o, ",\"n_tokens\":%zu,\"stop\":\"%s\"}\n", nout,
                          b.hit ? "stop_string" : (int)nout < gp->n_predict ? "eos" : "length");
        free(text);
        sea_free(wrapped);
        free(pids);
        sea_free(out);
        free(b.ids);
        free(b.text);
        sea_json_free(doc);
        done++;
    }
    if (cli_outbuf_write(&o, out_path, msg, sizeof msg)) rc = cli_fail(cmd, "%s", msg);
    else fprintf(stderr, "generate: %zu completions -> %s\n", done, out_path ? out_path : "stdout");
out:
    free(line);
    fclose(f);
    cli_outbuf_free(&o);
    return rc;
}

int cmd_generate(int argc, char **argv)
{
    const char *dir = NULL, *prompt = NULL, *ids_s = NULL, *tmpl = "none", *system = NULL;
    long n_predict = 64, threads = 0, top_k = 0, seed = 42, n_ctx = 0;
    double temp = 1.0, top_p = 1.0, min_p = 0.0, rep = 1.0;
    int greedy = 0, ignore_eos = 0, json = 0, temp_set = 0, topk_set = 0, topp_set = 0, minp_set = 0,
        seed_set = 0;
    cli_edit_opts eo;
    const char *prompts = NULL, *out_path = NULL, *stop = NULL;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "model directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"prompt", 'p', CLI_STR, &prompt, "TEXT", "prompt text (BOS added per the tokenizer)", 0, -1, NULL},
        {"ids", 0, CLI_STR, &ids_s, "LIST", "prompt as comma-separated token ids (used as given)", 0, -1, NULL},
        {"template", 0, CLI_STR, &tmpl, "T", "wrap -p in a chat template: none (default), llama2-chat, mistral, llama3-chat", 0, -1, NULL},
        {"system", 0, CLI_STR, &system, "TEXT", "system prompt for the template (llama2-default: the standard Llama-2 one)", 0, -1, NULL},
        {"n-predict", 'n', CLI_INT, &n_predict, "N", "most new tokens (default 64)", 0, 1 << 24, NULL},
        {"greedy", 0, CLI_FLAG, &greedy, NULL, "always take the most likely token (the default without sampling options)", 0, -1, NULL},
        {"temp", 0, CLI_DOUBLE, &temp, "T", "sample with temperature T > 0", 1e-6, 1e6, &temp_set},
        {"top-k", 0, CLI_INT, &top_k, "K", "sample among the K most likely tokens", 0, 1 << 24, &topk_set},
        {"top-p", 0, CLI_DOUBLE, &top_p, "P", "sample from the smallest set with probability >= P", 1e-9, 1, &topp_set},
        {"min-p", 0, CLI_DOUBLE, &min_p, "M", "drop tokens below M x the top probability", 0, 0.999999, &minp_set},
        {"repeat-penalty", 0, CLI_DOUBLE, &rep, "R", "penalize tokens already present (Hugging Face rule; 1 = off)", 1e-3, 1e3, NULL},
        {"seed", 's', CLI_INT, &seed, "S", "random seed for sampling (default 42)", 0, 0x7fffffffL, &seed_set},
        {"ignore-eos", 0, CLI_FLAG, &ignore_eos, NULL, "keep generating after an end-of-sequence token", 0, -1, NULL},
        {"ctx", 0, CLI_INT, &n_ctx, "N", "context size (default: min(max positions, 4096))", 1, 1 << 24, NULL},
        {"threads", 't', CLI_INT, &threads, "N", "threads (default: all cores)", 1, 1024, NULL},
        {"json", 0, CLI_FLAG, &json, NULL, "print {\"ids\": [...], \"text\": \"...\"} at the end instead of streaming", 0, -1, NULL},
        {"prompts", 0, CLI_STR, &prompts, "FILE", "JSON Lines of {\"prompt\", optional \"id\", \"stop\"}: one completion each", 0, -1, NULL},
        {"out", 'o', CLI_STR, &out_path, "FILE", "with --prompts: JSON Lines of completions (default: stdout)", 0, -1, NULL},
        {"stop", 0, CLI_STR, &stop, "TEXT", "with --prompts: end a completion before TEXT (e.g. $'\\nQ:')", 0, -1, NULL},
        CLI_EDIT_SLOTS,
    };
    char *pos[1], msg[256];
    int n_pos, rc;
    sea_err err;
    sea_model *m = NULL;
    sea_tokenizer *tok = NULL;
    sea_ctx *c = NULL;
    cli_edit *edit = NULL;
    int32_t *prompt_ids = NULL, *out = NULL;
    size_t n_prompt = 0, n_out = 0;
    sea_generate_params gp = sea_generate_default_params();
    gen_state gs = {NULL, 0};
    cli_edit_opts_init(&eo, CLI_EDIT_ROWS(opts));
    rc = cli_parse(argc, argv, opts, SEA_ARRAY_LEN(opts), "(-p TEXT | --ids LIST) [-n N] [--greedy | --temp T --top-k K --top-p P --min-p M --seed S] [--edit PROJ ...]",
                   "Generate a continuation of the prompt, streamed to stdout. Greedy unless a\n"
                   "sampling option (--temp, --top-k, --top-p, --min-p) is given. Stops at an\n"
                   "end-of-sequence token (unless --ignore-eos) or after -n tokens.", pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if (prompts && (prompt || ids_s || json)) return cli_usage_error(argv[0], "--prompts replaces -p, --ids and --json");
    if (!prompts && (out_path || stop)) return cli_usage_error(argv[0], "--out and --stop go with --prompts");
    if (!prompts && !prompt == !ids_s) return cli_usage_error(argv[0], "give exactly one of -p TEXT, --ids LIST and --prompts FILE");
    if (ids_s && (strcmp(tmpl, "none") != 0 || system))
        return cli_usage_error(argv[0], "--template and --system apply to -p TEXT, not to --ids");
    if (greedy && (temp_set || topk_set || topp_set || minp_set))
        return cli_usage_error(argv[0], "--greedy cannot be combined with sampling options");
    gp.n_predict = (int)n_predict;
    gp.ignore_eos = ignore_eos;
    gp.sampler.greedy = !(temp_set || topk_set || topp_set || minp_set);
    gp.sampler.temperature = (float)temp;
    gp.sampler.top_k = (int)top_k;
    gp.sampler.top_p = (float)top_p;
    gp.sampler.min_p = (float)min_p;
    gp.sampler.repeat_penalty = (float)rep;
    gp.sampler.seed = (uint64_t)seed;
    (void)seed_set;
    dir = cli_model_dir(dir);
    sea_err_clear(&err);
    if (cli_model_open(&m, dir, &err) != SEA_OK) goto fail;
    /* the tokenizer, opened once: for -p (required) and for printing (ids without it) */
    if (sea_tokenizer_open(&tok, dir, &err) != SEA_OK) {
        tok = NULL;
        if (!ids_s) goto fail;
        sea_err_clear(&err);
    }
    if (prompts) {
        sea_ctx_params cp = sea_ctx_default_params();
        cp.n_ctx = (int)n_ctx;
        cp.n_threads = (int)threads;
        if (cp.n_ctx > sea_model_config(m)->max_pos) cp.n_ctx = sea_model_config(m)->max_pos;
        if (sea_ctx_new(&c, m, &cp, &err) != SEA_OK) goto fail;
        if (cli_edit_attach(&edit, &eo, c, argv[0], &err) != SEA_OK) goto fail;
        rc = generate_prompts(argv[0], c, tok, &gp, tmpl, cli_system_prompt(system), stop, prompts, out_path);
        goto out;
    }
    if (ids_s) {
        int *v;
        if (cli_parse_int_list(ids_s, &v, &n_prompt, 0, sea_model_config(m)->n_vocab - 1, msg, sizeof msg)) {
            rc = cli_usage_error(argv[0], "--ids: %s", msg);
            goto out;
        }
        prompt_ids = malloc(n_prompt * sizeof *prompt_ids);
        if (!prompt_ids) {
            free(v);
            sea_err_set(&err, SEA_ERR_NOMEM, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < n_prompt; i++) prompt_ids[i] = v[i];
        free(v);
    } else {
        sea_template t;
        char *wrapped = NULL;
        if (sea_template_parse(&t, tmpl, &err) != SEA_OK ||
            sea_template_apply(&wrapped, t, cli_system_prompt(system), prompt, &err) != SEA_OK)
            goto fail;
        eo.template_name = sea_template_name(t); /* checked against the projection's provenance */
        rc = cli_tokenize_text(&prompt_ids, &n_prompt, tok, wrapped, &err) != SEA_OK;
        sea_free(wrapped);
        if (rc) goto fail;
    }
    if (n_prompt == 0) {
        sea_err_set(&err, SEA_ERR_ARG, "the prompt has no tokens");
        goto fail;
    }
    {
        sea_ctx_params cp = sea_ctx_default_params();
        cp.n_ctx = (int)n_ctx;
        cp.n_threads = (int)threads;
        if (cp.n_ctx > sea_model_config(m)->max_pos) cp.n_ctx = sea_model_config(m)->max_pos;
        if (sea_ctx_new(&c, m, &cp, &err) != SEA_OK) goto fail;
    }
    if (cli_edit_attach(&edit, &eo, c, argv[0], &err) != SEA_OK) goto fail;
    if (!json) {
        gs.out = cli_out_stream_new(tok, prompt_ids, n_prompt);
        gs.stream = gs.out != NULL;
        if (prompt) {
            fputs(prompt, stdout);
            fflush(stdout);
        }
    }
    if (sea_generate(c, prompt_ids, n_prompt, &gp, on_token, &gs, &out, &n_out, &err) != SEA_OK) goto fail;
    if (json) {
        char *text = cli_detokenize(tok, out, n_out);
        sea_buf b;
        sea_buf_init(&b);
        sea_buf_puts(&b, "{\"ids\":[");
        for (size_t i = 0; i < n_out; i++) sea_buf_printf(&b, "%s%d", i ? "," : "", (int)out[i]);
        sea_buf_puts(&b, "],\"text\":");
        if (text) sea_buf_json_string(&b, text, strlen(text));
        else sea_buf_puts(&b, "null");
        sea_buf_puts(&b, "}\n");
        fputs(sea_buf_cstr(&b), stdout);
        sea_buf_free(&b);
        free(text);
    } else if (gs.out) {
        cli_out_stream_end(gs.out);
    }
    rc = CLI_EXIT_OK;
    goto out;
fail:
    if (gs.out) cli_out_stream_end(gs.out);
    rc = cli_fail_err(argv[0], &err);
out:
    cli_out_stream_free(gs.out);
    cli_edit_free(edit);
    sea_free(out);
    free(prompt_ids);
    sea_ctx_free(c);
    sea_tokenizer_close(tok);
    sea_model_close(m);
    return rc;
}
