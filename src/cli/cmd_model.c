/* src/cli/cmd_model.c: `sea info` (what a model directory holds) and `sea forward` (one
 * forward pass, with every per-layer tensor dumped to safetensors). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/edit_opts.h"
#include "sea.h"

static const char *rope_name(sea_rope_type t)
{
    return t == SEA_ROPE_LINEAR ? "linear" : t == SEA_ROPE_LLAMA3 ? "llama3" : "default";
}

static void human_bytes(char *buf, size_t cap, uint64_t b)
{
    const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)b;
    int i = 0;
    while (v >= 1024 && i < 4) v /= 1024, i++;
    snprintf(buf, cap, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

int cmd_info(int argc, char **argv)
{
    const char *dir = NULL;
    int json = 0, tensors = 0;
    long n_ctx = 0;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "model directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"ctx", 0, CLI_INT, &n_ctx, "N", "context size for the memory estimate (default: min(max positions, 4096))", 1, 1 << 24, NULL},
        {"tensors", 0, CLI_FLAG, &tensors, NULL, "also list every tensor with dtype and shape", 0, -1, NULL},
        {"json", 0, CLI_FLAG, &json, NULL, "print one JSON object", 0, -1, NULL},
    };
    char *pos[1];
    int n_pos, rc;
    sea_err err;
    sea_model *m;
    const sea_llama_config *c;
    const sea_family_info *fam;
    sea_ctx_params cp = sea_ctx_default_params();
    uint64_t ctx_bytes;
    rc = cli_parse(argc, argv, opts, SEA_ARRAY_LEN(opts), "[-m DIR] [--ctx N] [--tensors] [--json]",
                   "Describe a model directory: architecture, shapes, dtypes, parameter count and\n"
                   "the memory a run needs.", pos, 0, &n_pos);
    if (rc >= 0) return rc;
    dir = cli_model_dir(dir);
    sea_err_clear(&err);
    if (cli_model_open(&m, dir, &err) != SEA_OK) return cli_fail_err(argv[0], &err);
    c = sea_model_config(m);
    fam = sea_family_get(c->family);
    cp.n_ctx = (int)n_ctx;
    if (cp.n_ctx > c->max_pos) cp.n_ctx = c->max_pos;
    ctx_bytes = sea_ctx_bytes(m, &cp);
    if (json) {
        printf("{\"dir\":");
        {
            sea_buf b;
            sea_buf_init(&b);
            sea_buf_json_string(&b, dir, strlen(dir));
            fputs(sea_buf_cstr(&b), stdout);
            sea_buf_free(&b);
        }
        printf(",\"family\":\"%s\",\"architecture\":\"%s\",\"sliding_window\":%d,\"n_sliding_layers\":%d,"
               "\"attn_softcap\":%g,\"final_softcap\":%g", fam->model_type, fam->architecture,
               c->n_sliding_layers ? c->sliding_window : 0, c->n_sliding_layers, (double)c->attn_softcap,
               (double)c->final_softcap);
        printf(",\"n_vocab\":%d,\"d\":%d,\"d_ff\":%d,\"n_layer\":%d,\"n_head\":%d,\"n_kv_head\":%d,"
               "\"head_dim\":%d,\"max_pos\":%d,\"rms_eps\":%g,\"rope_theta\":%g,\"rope_type\":\"%s\","
               "\"tie_embeddings\":%s,\"bos\":%d,\"eos\":[",
               c->n_vocab, c->d, c->d_ff, c->n_layer, c->n_head, c->n_kv_head, c->head_dim, c->max_pos,
               (double)c->rms_eps, c->rope_theta, rope_name(c->rope_type), c->tie_embeddings ? "true" : "false",
               c->bos_id);
        for (int i = 0; i < c->n_eos; i++) printf("%s%d", i ? "," : "", c->eos_ids[i]);
        printf("],\"dtype\":\"%s\",\"n_params\":%llu,\"weight_bytes\":%llu,\"ctx_bytes\":%llu,\"simd\":\"%s\"}\n",
               sea_dtype_name(sea_model_dtype(m)), (unsigned long long)sea_model_n_params(m),
               (unsigned long long)sea_model_weight_bytes(m), (unsigned long long)ctx_bytes, sea_simd_name());
    } else {
        char wb[32], cb[32];
        human_bytes(wb, sizeof wb, sea_model_weight_bytes(m));
        human_bytes(cb, sizeof cb, ctx_bytes);
        printf("model       %s\n", dir);
        printf("family      %s (%s): %s MLP, %s RMSNorm%s%s%s\n", fam->name, fam->architecture,
               c->act == SEA_ACT_SILU ? "SiLU" : c->act == SEA_ACT_GELU_TANH ? "tanh-GELU" : "GELU",
               c->norm_one_plus ? "(1 + w)" : "w", c->embed_scale ? ", embeddings x sqrt(hidden)" : "",
               c->qkv_bias ? ", q/k/v biases" : "", c->post_norms ? ", post-norms" : "");
        if (c->attn_softcap > 0 || c->final_softcap > 0 || c->query_pre_attn_scalar > 0)
            printf("soft-caps   attention %g, final %g; attention scale %g\n", (double)c->attn_softcap,
                   (double)c->final_softcap, (double)c->attn_scale);
        if (c->n_sliding_layers)
            printf("window      %d positions on %d of %d layers\n", c->sliding_window, c->n_sliding_layers, c->n_layer);
        printf("layers      %d  (hidden %d, intermediate %d)\n", c->n_layer, c->d, c->d_ff);
        printf("attention   %d heads, %d key/value heads, head_dim %d\n", c->n_head, c->n_kv_head, c->head_dim);
        printf("vocabulary  %d  (bos %d, eos", c->n_vocab, c->bos_id);
        for (int i = 0; i < c->n_eos; i++) printf(" %d", c->eos_ids[i]);
        printf(")%s\n", c->tie_embeddings ? ", tied input/output embeddings" : "");
        printf("positions   %d  (RoPE %s, theta %g)\n", c->max_pos, rope_name(c->rope_type), c->rope_theta);
        printf("parameters  %.2f M, stored as %s: %s (mapped, not copied)\n", (double)sea_model_n_params(m) / 1e6,
               sea_dtype_name(sea_model_dtype(m)), wb);
        printf("run memory  %s for a context of %d positions (KV cache, scratch, logits)\n", cb,
               cp.n_ctx ? cp.n_ctx : (c->max_pos < 4096 ? c->max_pos : 4096));
        printf("kernels     %s\n", sea_simd_name());
    }
    if (tensors) {
        sea_st_dir *st;
        if (sea_st_dir_open(&st, dir, &err) == SEA_OK) {
            for (size_t i = 0; i < sea_st_dir_count(st); i++) {
                const sea_st_tensor *t = sea_st_dir_at(st, i);
                printf("  %-52s %-5s [", t->name, t->dtype_name);
                for (int k = 0; k < t->rank; k++) printf("%s%llu", k ? ", " : "", (unsigned long long)t->shape[k]);
                printf("]\n");
            }
            sea_st_dir_close(st);
        }
    }
    sea_model_close(m);
    return CLI_EXIT_OK;
}

/* ---- sea forward ---- */
typedef struct capture {
    int n_layer, T, d;
    float *embed, *final_norm; /* [T, d] */
    float *attn, *mlp, *hidden; /* [n_layer, T, d] */
} capture;

static sea_status capture_hook(void *user, sea_site site, int layer, float *x, int T, int pos0, int d)
{
    capture *cap = user;
    size_t n = (size_t)T * (size_t)d;
    float *dst = NULL;
    (void)pos0;
    switch (site) {
    case SEA_SITE_EMBED: dst = cap->embed; break;
    case SEA_SITE_FINAL_NORM: dst = cap->final_norm; break;
    case SEA_SITE_ATTN: dst = cap->attn + (size_t)layer * n; break;
    case SEA_SITE_MLP: dst = cap->mlp + (size_t)layer * n; break;
    case SEA_SITE_RESIDUAL: dst = cap->hidden + (size_t)layer * n; break;
    }
    memcpy(dst, x, n * sizeof *dst);
    return SEA_OK;
}

int cmd_forward(int argc, char **argv)
{
    const char *dir = NULL, *ids_s = NULL, *dump = NULL;
    long threads = 0, top = 5;
    int json = 0;
    cli_edit_opts eo;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "model directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"ids", 0, CLI_STR, &ids_s, "LIST", "comma-separated token ids (required)", 0, -1, NULL},
        {"dump", 0, CLI_STR, &dump, "FILE", "write logits and every per-layer tensor (F32) to FILE.safetensors", 0, -1, NULL},
        {"top", 0, CLI_INT, &top, "K", "print the K most likely next tokens (default 5)", 0, 1000, NULL},
        {"threads", 't', CLI_INT, &threads, "N", "threads (default: all cores)", 1, 1024, NULL},
        {"json", 0, CLI_FLAG, &json, NULL, "print the prediction as JSON", 0, -1, NULL},
        CLI_EDIT_SLOTS,
    };
    char *pos[1];
    int n_pos, rc, *ids = NULL;
    size_t n_ids = 0;
    char msg[256];
    sea_err err;
    sea_model *m = NULL;
    sea_ctx *c = NULL;
    capture cap;
    const float *logits;
    const sea_llama_config *cfg;
    int32_t *tok = NULL;
    size_t nd = 0;
    cli_edit *edit = NULL;
    cli_edit_opts_init(&eo, CLI_EDIT_ROWS(opts));
    rc = cli_parse(argc, argv, opts, SEA_ARRAY_LEN(opts), "--ids LIST [-m DIR] [--dump FILE] [--edit PROJ ...]",
                   "Run one forward pass over the given token ids (one call, no BOS added) and\n"
                   "print the most likely next tokens; --dump writes F32 tensors logits [T, vocab],\n"
                   "embed, attn.L{l}, mlp.L{l}, hidden.L{l} (layer outputs before the final norm)\n"
                   "and final_norm, each [T, d].",
                   pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if (!ids_s) return cli_usage_error(argv[0], "--ids is required");
    if (cli_parse_int_list(ids_s, &ids, &n_ids, 0, 0x7fffffff, msg, sizeof msg))
        return cli_usage_error(argv[0], "--ids: %s", msg);
    dir = cli_model_dir(dir);
    sea_err_clear(&err);
    memset(&cap, 0, sizeof cap);
    if (cli_model_open(&m, dir, &err) != SEA_OK) goto fail;
    cfg = sea_model_config(m);
    {
        sea_ctx_params cp = sea_ctx_default_params();
        cp.n_ctx = (int)SEA_MIN((size_t)cfg->max_pos, SEA_MAX(n_ids, (size_t)1));
        cp.n_threads = (int)threads;
        if (n_ids > (size_t)cfg->max_pos) {
            sea_err_set(&err, SEA_ERR_LIMIT, "%zu tokens exceed the model's %d positions", n_ids, cfg->max_pos);
            goto fail;
        }
        if (sea_ctx_new(&c, m, &cp, &err) != SEA_OK) goto fail;
    }
    if (cli_edit_attach(&edit, &eo, c, argv[0], &err) != SEA_OK) goto fail;
    tok = malloc(n_ids * sizeof *tok);
    if (!tok) goto oom;
    for (size_t i = 0; i < n_ids; i++) tok[i] = ids[i];
    if (dump) {
        nd = n_ids * (size_t)cfg->d;
        cap.n_layer = cfg->n_layer;
        cap.T = (int)n_ids;
        cap.d = cfg->d;
        cap.embed = malloc(nd * sizeof(float));
        cap.final_norm = malloc(nd * sizeof(float));
        cap.attn = malloc(nd * (size_t)cfg->n_layer * sizeof(float));
        cap.mlp = malloc(nd * (size_t)cfg->n_layer * sizeof(float));
        cap.hidden = malloc(nd * (size_t)cfg->n_layer * sizeof(float));
        if (!cap.embed || !cap.final_norm || !cap.attn || !cap.mlp || !cap.hidden) goto oom;
        if (sea_ctx_add_hook(c, capture_hook, &cap, 0x1f, &err) != SEA_OK) goto fail;
    }
    if (sea_forward(c, tok, (int)n_ids, SEA_LOGITS_ALL, &logits, &err) != SEA_OK) goto fail;
    if (dump) {
        sea_st_writer *w;
        uint64_t shp[2] = {n_ids, (uint64_t)cfg->d}, lshp[2] = {n_ids, (uint64_t)cfg->n_vocab};
        char name[64];
        sea_status st = sea_st_writer_new(&w, &err);
        if (st == SEA_OK) st = sea_st_writer_add(w, "logits", SEA_DTYPE_F32, 2, lshp, logits, &err);
        if (st == SEA_OK) st = sea_st_writer_add(w, "embed", SEA_DTYPE_F32, 2, shp, cap.embed, &err);
        for (int l = 0; st == SEA_OK && l < cfg->n_layer; l++) {
            size_t off = (size_t)l * nd;
            snprintf(name, sizeof name, "attn.L%d", l);
            st = sea_st_writer_add_copy(w, name, SEA_DTYPE_F32, 2, shp, cap.attn + off, &err);
            snprintf(name, sizeof name, "mlp.L%d", l);
            if (st == SEA_OK) st = sea_st_writer_add_copy(w, name, SEA_DTYPE_F32, 2, shp, cap.mlp + off, &err);
            snprintf(name, sizeof name, "hidden.L%d", l);
            if (st == SEA_OK) st = sea_st_writer_add_copy(w, name, SEA_DTYPE_F32, 2, shp, cap.hidden + off, &err);
        }
        if (st == SEA_OK) st = sea_st_writer_add(w, "final_norm", SEA_DTYPE_F32, 2, shp, cap.final_norm, &err);
        if (st == SEA_OK) st = sea_st_writer_set_metadata(w, "sea", "{\"kind\":\"forward\"}", &err);
        if (st == SEA_OK) st = sea_st_writer_save(w, dump, &err);
        sea_st_writer_free(w);
        if (st != SEA_OK) goto fail;
    }
    {
        /* most likely next tokens after the last position */
        const float *last = logits + (n_ids - 1) * (size_t)cfg->n_vocab;
        int k = (int)SEA_MIN((long)cfg->n_vocab, top);
        int *best = malloc((size_t)(k ? k : 1) * sizeof *best);
        double lse = 0, mx = last[0];
        if (!best) goto oom;
        for (int i = 1; i < cfg->n_vocab; i++) if (last[i] > mx) mx = last[i];
        for (int i = 0; i < cfg->n_vocab; i++) lse += exp((double)last[i] - mx);
        lse = mx + log(lse);
        for (int j = 0; j < k; j++) {
            int b = -1;
            for (int i = 0; i < cfg->n_vocab; i++) {
                int taken = 0;
                for (int q = 0; q < j; q++) taken |= best[q] == i;
                if (!taken && (b < 0 || last[i] > last[b])) b = i;
            }
            best[j] = b;
        }
        if (json) {
            printf("{\"n_tokens\":%zu,\"next\":[", n_ids);
            for (int j = 0; j < k; j++)
                printf("%s{\"id\":%d,\"logit\":%.6g,\"prob\":%.6g}", j ? "," : "", best[j], (double)last[best[j]],
                       exp((double)last[best[j]] - lse));
            printf("]%s%s%s}\n", dump ? ",\"dump\":\"" : "", dump ? dump : "", dump ? "\"" : "");
        } else {
            printf("next token after %zu tokens:\n", n_ids);
            for (int j = 0; j < k; j++)
                printf("  %6d  logit %9.4f  p %.4f\n", best[j], (double)last[best[j]], exp((double)last[best[j]] - lse));
            if (dump) printf("tensors written to %s\n", dump);
        }
        free(best);
    }
    rc = CLI_EXIT_OK;
    goto out;
oom:
    sea_err_set(&err, SEA_ERR_NOMEM, "out of memory");
fail:
    rc = cli_fail_err(argv[0], &err);
out:
    cli_edit_free(edit);
    free(cap.embed);
    free(cap.final_norm);
    free(cap.attn);
    free(cap.mlp);
    free(cap.hidden);
    free(tok);
    free(ids);
    sea_ctx_free(c);
    sea_model_close(m);
    return rc;
}
