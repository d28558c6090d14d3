/* src/cli/cmd_bench.c: `sea bench` (prefill and decode speed) and `sea make-model` (random
 * weights of a known shape, for benchmarks and tests without downloading a checkpoint). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/edit_opts.h"
#include "sea.h"

typedef struct shape {
    const char *name;
    int n_vocab, d, d_ff, n_layer, n_head, n_kv_head, max_pos, tie;
    double rope_theta;
    const char *rope_scaling; /* JSON or "null" */
    sea_family family;
    int head_dim;             /* 0: d / n_head */
    int bos, eos;
} shape;

static const shape shapes[] = {
    {"tinyllama-1.1b", 32000, 2048, 5632, 22, 32, 4, 2048, 0, 10000.0, "null", SEA_FAMILY_LLAMA, 0, 1, 2},
    {"llama-2-7b", 32000, 4096, 11008, 32, 32, 32, 4096, 0, 10000.0, "null", SEA_FAMILY_LLAMA, 0, 1, 2},
    {"mistral-7b", 32000, 4096, 14336, 32, 32, 8, 32768, 0, 1000000.0, "null", SEA_FAMILY_LLAMA, 0, 1, 2},
    {"llama-3.2-1b", 128256, 2048, 8192, 16, 32, 8, 131072, 1, 500000.0,
     "{\"rope_type\": \"llama3\", \"factor\": 32.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, "
     "\"original_max_position_embeddings\": 8192}", SEA_FAMILY_LLAMA, 0, 1, 2},
    {"gemma-2b", 256000, 2048, 16384, 18, 8, 1, 8192, 1, 10000.0, "null", SEA_FAMILY_GEMMA, 256, 2, 1},
    {"gemma-7b", 256000, 3072, 24576, 28, 16, 16, 8192, 1, 10000.0, "null", SEA_FAMILY_GEMMA, 256, 2, 1},
    {"gemma2-2b", 256000, 2304, 9216, 26, 8, 4, 8192, 1, 10000.0, "null", SEA_FAMILY_GEMMA2, 256, 2, 1},
    {"qwen2.5-0.5b", 151936, 896, 4864, 24, 14, 2, 32768, 1, 1000000.0, "null", SEA_FAMILY_QWEN2, 0, 151643, 151645},
    {"qwen2.5-7b", 152064, 3584, 18944, 28, 28, 4, 32768, 0, 1000000.0, "null", SEA_FAMILY_QWEN2, 0, 151643, 151645},
    {"tiny", 512, 64, 160, 2, 4, 2, 256, 0, 10000.0, "null", SEA_FAMILY_LLAMA, 0, 1, 2},
};

/* The config.json members a family adds, as its published configs have them. */
static const char *family_keys(sea_family f)
{
    switch (f) {
    case SEA_FAMILY_GEMMA: return "  \"hidden_activation\": \"gelu_pytorch_tanh\",\n";
    case SEA_FAMILY_GEMMA2:
        return "  \"hidden_activation\": \"gelu_pytorch_tanh\",\n  \"query_pre_attn_scalar\": 256,\n"
               "  \"attn_logit_softcapping\": 50.0,\n  \"final_logit_softcapping\": 30.0,\n"
               "  \"sliding_window\": 4096,\n";
    case SEA_FAMILY_QWEN2:
        return "  \"use_sliding_window\": false,\n  \"sliding_window\": 32768,\n  \"max_window_layers\": 21,\n";
    default: return "";
    }
}

/* ---- random weights, counter-based so any chunking gives the same bytes ---- */
typedef struct fill_ctx {
    uint64_t key;
    sea_dtype dtype;
    int ones; /* norm weights: 1 + small noise */
} fill_ctx;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static sea_status fill_random(void *user, void *dst, uint64_t offset, size_t nbytes, sea_err *err)
{
    const fill_ctx *f = user;
    size_t es = sea_dtype_size(f->dtype), n = nbytes / es;
    uint64_t first = offset / es;
    /* uniform on [-a, a] has the standard deviation 0.02 of Hugging Face's initializer */
    const float a = 0.02f * 1.7320508f;
    (void)err;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = mix64(f->key + 0x9e3779b97f4a7c15ull * (first + i + 1));
        float u = (float)((double)(r >> 40) * (1.0 / 16777216.0)) * 2.0f - 1.0f; /* [-1, 1) */
        float v = f->ones ? 1.0f + 0.1f * u : a * u;
        if (f->dtype == SEA_DTYPE_F32) ((float *)dst)[i] = v;
        else if (f->dtype == SEA_DTYPE_F16) ((uint16_t *)dst)[i] = sea_f32_to_f16(v);
        else ((uint16_t *)dst)[i] = sea_f32_to_bf16(v);
    }
    return SEA_OK;
}

static int write_text(const char *path, const char *text, sea_err *err)
{
    return sea_write_file_atomic(path, text, strlen(text), err) != SEA_OK;
}

int cmd_make_model(int argc, char **argv)
{
    const char *shape_name = NULL, *dtype_name = "bf16", *out = NULL;
    long seed = 1;
    cli_opt opts[] = {
        {"shape", 0, CLI_STR, &shape_name, "NAME", "tinyllama-1.1b, llama-2-7b, mistral-7b, llama-3.2-1b, gemma-2b, gemma-7b, gemma2-2b, qwen2.5-0.5b, qwen2.5-7b or tiny", 0, -1, NULL},
        {"dtype", 0, CLI_STR, &dtype_name, "T", "bf16 (default), f16 or f32", 0, -1, NULL},
        {"out", 'o', CLI_STR, &out, "DIR", "output directory (created)", 0, -1, NULL},
        {"seed", 's', CLI_INT, &seed, "S", "random seed (default 1)", 0, 0x7fffffffL, NULL},
    };
    char *pos[1], buf[2048];
    int n_pos, rc, n_fill;
    const shape *sh = NULL;
    const sea_family_info *fam;
    int hd;
    sea_dtype dt;
    sea_err err;
    sea_st_writer *w = NULL;
    fill_ctx *fills = NULL;
    char *path = NULL;
    rc = cli_parse(argc, argv, opts, SEA_ARRAY_LEN(opts), "--shape NAME --out DIR [--dtype bf16|f16|f32] [--seed S]",
                   "Write a model of a known shape (Llama, Gemma, Gemma 2 or Qwen2 family) with random\n"
                   "weights (config.json +\n"
                   "model.safetensors; no tokenizer): for benchmarks and tests.", pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if (!shape_name || !out) return cli_usage_error(argv[0], "--shape and --out are required");
    for (size_t i = 0; i < SEA_ARRAY_LEN(shapes); i++)
        if (strcmp(shapes[i].name, shape_name) == 0) sh = &shapes[i];
    if (!sh) return cli_usage_error(argv[0], "unknown shape '%s'", shape_name);
    if (strcmp(dtype_name, "bf16") == 0) dt = SEA_DTYPE_BF16;
    else if (strcmp(dtype_name, "f16") == 0) dt = SEA_DTYPE_F16;
    else if (strcmp(dtype_name, "f32") == 0) dt = SEA_DTYPE_F32;
    else return cli_usage_error(argv[0], "--dtype must be bf16, f16 or f32");
    sea_err_clear(&err);
    if (mkdir(out, 0755) != 0 && !cli_file_exists(out)) return cli_fail(argv[0], "%s: cannot create directory", out);
    fam = sea_family_get(sh->family);
    hd = sh->head_dim ? sh->head_dim : sh->d / sh->n_head;
    snprintf(buf, sizeof buf,
             "{\n  \"architectures\": [\"%s\"],\n  \"model_type\": \"%s\",\n  \"hidden_act\": \"%s\",\n%s"
             "  \"vocab_size\": %d,\n  \"hidden_size\": %d,\n  \"intermediate_size\": %d,\n  \"num_hidden_layers\": %d,\n"
             "  \"num_attention_heads\": %d,\n  \"num_key_value_heads\": %d,\n  \"head_dim\": %d,\n"
             "  \"max_position_embeddings\": %d,\n"
             "  \"rms_norm_eps\": %s,\n  \"rope_theta\": %.1f,\n  \"rope_scaling\": %s,\n  \"tie_word_embeddings\": %s,\n"
             "  \"bos_token_id\": %d,\n  \"eos_token_id\": %d,\n  \"torch_dtype\": \"%s\"\n}\n",
             fam->architecture, fam->model_type, fam->act == SEA_ACT_SILU ? "silu" : "gelu_pytorch_tanh",
             family_keys(sh->family), sh->n_vocab, sh->d, sh->d_ff, sh->n_layer, sh->n_head, sh->n_kv_head, hd,
             sh->max_pos, sh->family == SEA_FAMILY_LLAMA ? "1e-05" : "1e-06", sh->rope_theta, sh->rope_scaling,
             sh->tie ? "true" : "false", sh->bos, sh->eos,
             dt == SEA_DTYPE_BF16 ? "bfloat16" : dt == SEA_DTYPE_F16 ? "float16" : "float32");
    path = cli_path_join(out, "config.json");
    if (!path || write_text(path, buf, &err)) goto fail;
    free(path);
    n_fill = 3 + 14 * sh->n_layer;
    fills = calloc((size_t)n_fill, sizeof *fills);
    if (!fills || sea_st_writer_new(&w, &err) != SEA_OK) goto fail;
    {
        int k = 0;
        uint64_t q = (uint64_t)sh->n_head * (uint64_t)hd, kv = (uint64_t)sh->n_kv_head * (uint64_t)hd;
        struct {
            const char *suffix;
            uint64_t r, c;
            int ones;
        } lw[] = {
            {"input_layernorm.weight", (uint64_t)sh->d, 0, 1},
            {"self_attn.q_proj.weight", q, (uint64_t)sh->d, 0},
            {"self_attn.k_proj.weight", kv, (uint64_t)sh->d, 0},
            {"self_attn.v_proj.weight", kv, (uint64_t)sh->d, 0},
            {"self_attn.o_proj.weight", (uint64_t)sh->d, q, 0},
            {"post_attention_layernorm.weight", (uint64_t)sh->d, 0, 1},
            {"mlp.gate_proj.weight", (uint64_t)sh->d_ff, (uint64_t)sh->d, 0},
            {"mlp.up_proj.weight", (uint64_t)sh->d_ff, (uint64_t)sh->d, 0},
            {"mlp.down_proj.weight", (uint64_t)sh->d, (uint64_t)sh->d_ff, 0},
            /* Gemma 2's two extra norms, Qwen2's q/k/v biases (rank 1, small values) */
            {"pre_feedforward_layernorm.weight", (uint64_t)sh->d, 0, 1},
            {"post_feedforward_layernorm.weight", (uint64_t)sh->d, 0, 1},
            {"self_attn.q_proj.bias", q, 0, 0},
            {"self_attn.k_proj.bias", kv, 0, 0},
            {"self_attn.v_proj.bias", kv, 0, 0},
        };
        size_t n_lw = fam->post_norms ? 11 : 9;
        uint64_t emb[2] = {(uint64_t)sh->n_vocab, (uint64_t)sh->d}, nrm[1] = {(uint64_t)sh->d};
        char name[96];
#define ADD(NAME, RANK, SHAPE, ONES)                                                                \
    do {                                                                                            \
        fills[k].key = mix64((uint64_t)seed * 1000003u + (uint64_t)k);                              \
        fills[k].dtype = dt;                                                                        \
        fills[k].ones = (ONES);                                                                     \
        if (sea_st_writer_add_fn(w, (NAME), dt, (RANK), (SHAPE), fill_random, &fills[k], &err) != SEA_OK) \
            goto fail;                                                                              \
        k++;                                                                                        \
    } while (0)
        ADD("model.embed_tokens.weight", 2, emb, 0);
        for (int l = 0; l < sh->n_layer; l++)
            for (size_t j = 0; j < SEA_ARRAY_LEN(lw); j++) {
                uint64_t s2[2] = {lw[j].r, lw[j].c};
                if (j >= n_lw && !(j >= 11 && fam->qkv_bias)) continue;
                snprintf(name, sizeof name, "model.layers.%d.%s", l, lw[j].suffix);
                ADD(name, lw[j].c ? 2 : 1, s2, lw[j].ones);
            }
        ADD("model.norm.weight", 1, nrm, 1);
        if (!sh->tie) ADD("lm_head.weight", 2, emb, 0);
#undef ADD
    }
    if (sea_st_writer_set_metadata(w, "format", "pt", &err) != SEA_OK) goto fail;
    path = cli_path_join(out, "model.safetensors");
    if (!path) goto fail;
    fprintf(stderr, "make-model: writing %s ...\n", path);
    if (sea_st_writer_save(w, path, &err) != SEA_OK) goto fail;
    free(path);
    path = cli_path_join(out, "generation_config.json");
    snprintf(buf, sizeof buf, "{\"bos_token_id\": %d, \"eos_token_id\": %d}\n", sh->bos, sh->eos);
    if (!path || write_text(path, buf, &err)) goto fail;
    printf("wrote %s (%s, %s, seed %ld)\n", out, sh->name, dtype_name, seed);
    rc = CLI_EXIT_OK;
    goto out;
fail:
    if (err.status == SEA_OK) sea_err_set(&err, SEA_ERR_NOMEM, "out of memory");
    rc = cli_fail_err(argv[0], &err);
out:
    free(path);
    free(fills);
    sea_st_writer_free(w);
    return rc;
}

/* mean, sample standard deviation, min and max of x[0..n) */
typedef struct stats {
    double mean, sd, min, max;
} stats;

static stats stats_of(const double *x, long n)
{
    stats st = {0, 0, 0, 0};
    if (n <= 0) return st;
    st.min = st.max = x[0];
    for (long i = 0; i < n; i++) {
        st.mean += x[i];
        if (x[i] < st.min) st.min = x[i];
        if (x[i] > st.max) st.max = x[i];
    }
    st.mean /= (double)n;
    if (n > 1) {
        for (long i = 0; i < n; i++) st.sd += (x[i] - st.mean) * (x[i] - st.mean);
        st.sd = sqrt(st.sd / (double)(n - 1));
    }
    return st;
}

static void print_stats_json(const char *name, const double *x, long n)
{
    stats st = stats_of(x, n);
    printf("\"%s\":{\"mean\":%.3f,\"sd\":%.3f,\"min\":%.3f,\"max\":%.3f,\"runs\":[", name, st.mean, st.sd, st.min, st.max);
    for (long i = 0; i < n; i++) printf("%s%.3f", i ? "," : "", x[i]);
    printf("]}");
}

int cmd_bench(int argc, char **argv)
{
    const char *dir = NULL, *load = NULL;
    long P = 128, G = 32, threads = 0, reps = 1, warmup = 1;
    int json = 0;
    cli_edit_opts eo;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "model directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"prompt-tokens", 0, CLI_INT, &P, "P", "tokens in the prefill call (default 128)", 1, 1 << 20, NULL},
        {"gen-tokens", 0, CLI_INT, &G, "G", "decode steps after it (default 32)", 0, 1 << 20, NULL},
        {"reps", 'r', CLI_INT, &reps, "R", "timed repetitions, reported as mean ± sd, min and max (default 1)", 1, 1000, NULL},
        {"warmup", 0, CLI_INT, &warmup, "W", "untimed passes before the timed ones (default 1: pages the weights in)", 0, 100, NULL},
        {"load", 0, CLI_STR, &load, "MODE", "weights: mmap (read from the mapped file) or copy (into memory); default $SEA_LOAD or mmap", 0, -1, NULL},
        {"threads", 't', CLI_INT, &threads, "N", "threads (default: all cores)", 1, 1024, NULL},
        {"json", 0, CLI_FLAG, &json, NULL, "print one JSON object", 0, -1, NULL},
        CLI_EDIT_SLOTS,
    };
    char *pos[1];
    int n_pos, rc;
    sea_err err;
    sea_model *m = NULL;
    sea_ctx *c = NULL, *ce = NULL;
    cli_edit *edit = NULL;
    int32_t *ids = NULL;
    double *pp = NULL, *tg = NULL, *ppe = NULL, *tge = NULL;
    cli_edit_opts_init(&eo, CLI_EDIT_ROWS(opts));
    rc = cli_parse(argc, argv, opts, SEA_ARRAY_LEN(opts),
                   "[-m DIR] [--prompt-tokens P] [--gen-tokens G] [-r R] [--warmup W] [--threads N] [--json] [--edit PROJ ...]",
                   "One prefill call of P tokens, then G single-token decode steps (batch size 1),\n"
                   "on fixed pseudo-random token ids; W untimed warm-up passes first, then R timed\n"
                   "ones. Prints tokens per second for each as mean ± sd, min and max over the R\n"
                   "runs, and the weight bandwidth decode reaches (weight bytes x tokens/s).\n"
                   "With --edit PROJ: the same runs on a second context with the edit attached,\n"
                   "alternating with the unedited ones (A/B in one run), and the edit's cost.", pos, 0, &n_pos);
    if (rc >= 0) return rc;
    dir = cli_model_dir(dir);
    sea_err_clear(&err);
    {
        sea_model_params mp = cli_model_params();
        if (load) {
            if (strcmp(load, "mmap") == 0) mp.load = SEA_LOAD_MMAP;
            else if (strcmp(load, "copy") == 0) mp.load = SEA_LOAD_COPY;
            else return cli_usage_error(argv[0], "--load must be mmap or copy");
        }
        if (sea_model_open_ex(&m, dir, &mp, &err) != SEA_OK) goto fail;
    }
    if (P + G > sea_model_config(m)->max_pos) {
        sea_err_set(&err, SEA_ERR_ARG, "P + G = %ld exceeds the model's %d positions", P + G, sea_model_config(m)->max_pos);
        goto fail;
    }
    {
        sea_ctx_params cp = sea_ctx_default_params();
        cp.n_ctx = (int)(P + G);
        cp.n_threads = (int)threads;
        if (sea_ctx_new(&c, m, &cp, &err) != SEA_OK) goto fail;
        if (eo.proj) {
            if (sea_ctx_new(&ce, m, &cp, &err) != SEA_OK) goto fail;
            if (cli_edit_attach(&edit, &eo, ce, argv[0], &err) != SEA_OK) goto fail;
        } else if (cli_edit_attach(&edit, &eo, c, argv[0], &err) != SEA_OK) {
            goto fail; /* --layers or --merge without --edit */
        }
    }
    ids = malloc((size_t)(P + G) * sizeof *ids);
    pp = calloc((size_t)reps, sizeof *pp);
    tg = calloc((size_t)reps, sizeof *tg);
    ppe = calloc((size_t)reps, sizeof *ppe);
    tge = calloc((size_t)reps, sizeof *tge);
    if (!ids || !pp || !tg || !ppe || !tge) goto fail;
    for (long i = 0; i < P + G; i++) ids[i] = (int32_t)(mix64((uint64_t)i + 7) % (uint64_t)sea_model_config(m)->n_vocab);
    for (long r = -warmup; r < reps; r++)
        for (int side = 0; side < (ce ? 2 : 1); side++) {
            /* unedited then edited, alternating, so both see the same state of the machine */
            sea_ctx *cx = side ? ce : c;
            const float *logits;
            double t0, t1, t2;
            sea_ctx_truncate(cx, 0);
            t0 = cli_now();
            if (sea_forward(cx, ids, (int)P, SEA_LOGITS_LAST, &logits, &err) != SEA_OK) goto fail;
            t1 = cli_now();
            for (long g = 0; g < G; g++)
                if (sea_forward(cx, ids + P + g, 1, SEA_LOGITS_LAST, &logits, &err) != SEA_OK) goto fail;
            t2 = cli_now();
            if (r < 0) continue; /* warm-up: page cache, huge pages, caches, thread pool */
            (side ? ppe : pp)[r] = (double)P / (t1 - t0);
            (side ? tge : tg)[r] = G ? (double)G / (t2 - t1) : 0.0;
        }
    {
        double wb = (double)sea_model_weight_bytes(m);
        int nth = threads ? (int)threads : cli_default_threads();
        stats sp = stats_of(pp, reps), sg = stats_of(tg, reps);
        const char *mode = sea_model_load_mode(m) == SEA_LOAD_COPY ? "copy" : "mmap";
        if (json) {
            /* prefill_tokens_per_s / decode_tokens_per_s: the best run (as before -r had stats) */
            printf("{\"prefill_tokens_per_s\":%.3f,\"decode_tokens_per_s\":%.3f,\"decode_weight_gb_per_s\":%.3f,"
                   "\"prompt_tokens\":%ld,\"gen_tokens\":%ld,\"batch\":1,\"threads\":%d,\"simd\":\"%s\",\"weight_bytes\":%llu,"
                   "\"load\":\"%s\",\"warmup\":%ld,\"reps\":%ld,",
                   sp.max, sg.max, sg.max * wb / 1e9, P, G, nth, sea_simd_name(), (unsigned long long)sea_model_weight_bytes(m),
                   mode, warmup, reps);
            print_stats_json("prefill", pp, reps);
            printf(",");
            print_stats_json("decode", tg, reps);
            if (ce) {
                stats se = stats_of(ppe, reps), ge = stats_of(tge, reps);
                printf(",\"edit\":\"%s\",", eo.proj);
                print_stats_json("prefill_edited", ppe, reps);
                printf(",");
                print_stats_json("decode_edited", tge, reps);
                printf(",\"prefill_edited_ratio\":%.4f,\"decode_edited_ratio\":%.4f", se.mean / sp.mean,
                       G ? ge.mean / sg.mean : 0.0);
            }
            printf("}\n");
        } else {
            printf("prefill %ld tokens: %.2f ± %.2f tok/s (min %.2f, max %.2f)\n", P, sp.mean, sp.sd, sp.min, sp.max);
            printf("decode %ld tokens: %.2f ± %.2f tok/s (min %.2f, max %.2f; %.1f GB/s of weights at the mean)\n", G, sg.mean,
                   sg.sd, sg.min, sg.max, sg.mean * wb / 1e9);
            if (ce) {
                stats se = stats_of(ppe, reps), ge = stats_of(tge, reps);
                printf("edited (%s), prefill: %.2f ± %.2f tok/s (min %.2f, max %.2f), %.1f %% of unedited\n", eo.proj,
                       se.mean, se.sd, se.min, se.max, 100.0 * se.mean / sp.mean);
                printf("edited, decode: %.2f ± %.2f tok/s (min %.2f, max %.2f), %.1f %% of unedited\n", ge.mean, ge.sd, ge.min,
                       ge.max, G ? 100.0 * ge.mean / sg.mean : 0.0);
            }
            printf("batch 1, threads %d, kernels %s, weights %s, %ld warm-up + %ld timed runs%s\n", nth, sea_simd_name(),
                   strcmp(mode, "copy") == 0 ? "copied into memory" : "memory-mapped", warmup, reps,
                   ce ? " of each (unedited and edited alternating)" : "");
        }
    }
    rc = CLI_EXIT_OK;
    goto out;
fail:
    if (err.status == SEA_OK) sea_err_set(&err, SEA_ERR_NOMEM, "out of memory");
    rc = cli_fail_err(argv[0], &err);
out:
    free(ids);
    free(pp);
    free(tg);
    free(ppe);
    free(tge);
    sea_ctx_free(c);
    sea_ctx_free(ce);
    cli_edit_free(edit);
    sea_model_close(m);
    return rc;
}
