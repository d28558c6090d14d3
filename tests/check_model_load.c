/* tests/check_model_load.c: sea_model_open on small model directories built here, against
 * case 45 of the checklist in ../shared/docs/research/anchors-reliability.md §6 (config
 * against tensors: wrong projection shapes, missing layer, lm_head missing without tied
 * embeddings, unknown or out-of-range tensors), weights of dtypes the kernels do not take
 * (case 22), misaligned weights (case 34: same logits as aligned ones), and sharded models
 * whose errors name the shard. */
#include "hostile.h"

/* Tiny Llama: vocab 16, d 8, d_ff 12, 2 layers, 2 heads of 4, 1 kv head. */
#define CONFIG                                                                                   \
    "{\"model_type\":\"llama\",\"vocab_size\":16,\"hidden_size\":8,\"intermediate_size\":12,"   \
    "\"num_hidden_layers\":2,\"num_attention_heads\":2,\"num_key_value_heads\":1,"                \
    "\"max_position_embeddings\":64,\"rms_norm_eps\":1e-05,\"rope_theta\":10000.0,"               \
    "\"tie_word_embeddings\":%s,\"bos_token_id\":1,\"eos_token_id\":2}"

/* One change to the standard tensor list. */
typedef struct tweak {
    const char *name; /* exact tensor name, or a prefix ending in '.' for drop */
    int drop;         /* leave it out */
    int rank;         /* > 0 or reshape_scalar: new shape */
    uint64_t d0, d1;
    int reshape_scalar;
    sea_dtype dtype;  /* if set_dtype */
    int set_dtype;
} tweak;

typedef struct spec {
    int tie;              /* config says tie_word_embeddings (and lm_head is not written) */
    int write_lm_head;    /* write lm_head.weight even when tied */
    const tweak *tweaks;  /* [n_tweaks] */
    int n_tweaks;
    const char *const *extra; /* extra F32 [8] tensors, NULL-terminated */
    int shards;           /* 0: model.safetensors; 2: two shards + index */
} spec;

static float value_of(size_t i, size_t salt)
{
    return (float)(0.05 * sin(0.37 * (double)i + 1.3 * (double)salt));
}

/* Tensor data of the right byte size for its dtype (floats for F32/F16/BF16, else bytes). */
static void *tensor_data(sea_dtype dt, uint64_t n, int ones, size_t salt)
{
    size_t es = sea_dtype_size(dt);
    unsigned char *p = malloc(n * es + 1);
    ck_assert_ptr_nonnull(p);
    for (uint64_t i = 0; i < n; i++) {
        float v = ones ? 1.0f : value_of((size_t)i, salt);
        if (dt == SEA_DTYPE_F32) memcpy(p + 4 * i, &v, 4);
        else if (dt == SEA_DTYPE_F16 || dt == SEA_DTYPE_BF16) {
            uint16_t h = dt == SEA_DTYPE_F16 ? sea_f32_to_f16(v) : sea_f32_to_bf16(v);
            memcpy(p + 2 * i, &h, 2);
        } else {
            memset(p + es * i, (int)(i & 1), es);
        }
    }
    return p;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Write config.json and the checkpoint for `sp` into dir. */
static void build(const char *dir, const spec *sp)
{
    static const struct { const char *suffix; uint64_t d0, d1; int ones; } lw[] = {
        {"input_layernorm.weight", 8, 0, 1},       {"self_attn.q_proj.weight", 8, 8, 0},
        {"self_attn.k_proj.weight", 4, 8, 0},      {"self_attn.v_proj.weight", 4, 8, 0},
        {"self_attn.o_proj.weight", 8, 8, 0},      {"post_attention_layernorm.weight", 8, 0, 1},
        {"mlp.gate_proj.weight", 12, 8, 0},        {"mlp.up_proj.weight", 12, 8, 0},
        {"mlp.down_proj.weight", 8, 12, 0},
    };
    struct { char name[96]; uint64_t d0, d1; int rank, ones; } t[32];
    int n = 0;
    char text[1024], path[4200];
    sea_st_writer *w[2] = {NULL, NULL};
    void *bufs[40];
    int n_bufs = 0;
    char index[8192];
    size_t io = 0;
    snprintf(text, sizeof text, CONFIG, sp->tie ? "true" : "false");
    ht_write_str(dir, "config.json", text);
#define ADD(NAME, D0, D1, RANK, ONES) \
    (snprintf(t[n].name, sizeof t[n].name, "%s", NAME), t[n].d0 = (D0), t[n].d1 = (D1), t[n].rank = (RANK), t[n].ones = (ONES), n++)
    ADD("model.embed_tokens.weight", 16, 8, 2, 0);
    for (int l = 0; l < 2; l++)
        for (size_t k = 0; k < HT_LEN(lw); k++) {
            char nm[96];
            snprintf(nm, sizeof nm, "model.layers.%d.%s", l, lw[k].suffix);
            ADD(nm, lw[k].d0, lw[k].d1, lw[k].d1 ? 2 : 1, lw[k].ones);
        }
    ADD("model.norm.weight", 8, 0, 1, 1);
    if (!sp->tie || sp->write_lm_head) ADD("lm_head.weight", 16, 8, 2, 0);
    for (const char *const *e = sp->extra; e && *e; e++) ADD(*e, 8, 0, 1, 0);
#undef ADD
    for (int s = 0; s < (sp->shards ? 2 : 1); s++) ck_assert_int_eq(sea_st_writer_new(&w[s], NULL), SEA_OK);
    io += (size_t)snprintf(index + io, sizeof index - io, "{\"metadata\":{},\"weight_map\":{");
    for (int i = 0, written = 0; i < n; i++) {
        sea_dtype dt = SEA_DTYPE_F32;
        int drop = 0, rank = t[i].rank, s = sp->shards ? i % 2 : 0;
        uint64_t shape[2] = {t[i].d0, t[i].d1}, count;
        for (int k = 0; k < sp->n_tweaks; k++) {
            const tweak *tw = &sp->tweaks[k];
            int match = strcmp(tw->name, t[i].name) == 0 ||
                        (tw->drop && tw->name[strlen(tw->name) - 1] == '.' && starts_with(t[i].name, tw->name));
            if (!match) continue;
            if (tw->drop) drop = 1;
            if (tw->rank > 0 || tw->reshape_scalar) rank = tw->rank, shape[0] = tw->d0, shape[1] = tw->d1;
            if (tw->set_dtype) dt = tw->dtype;
        }
        if (drop) continue;
        count = rank == 0 ? 1 : rank == 1 ? shape[0] : shape[0] * shape[1];
        bufs[n_bufs] = tensor_data(dt, count, t[i].ones, (size_t)i);
        ck_assert_int_eq(sea_st_writer_add(w[s], t[i].name, dt, rank, shape, bufs[n_bufs], NULL), SEA_OK);
        n_bufs++;
        io += (size_t)snprintf(index + io, sizeof index - io, "%s\"%s\":\"part-%d.safetensors\"", written++ ? "," : "",
                               t[i].name, s);
    }
    snprintf(index + io, sizeof index - io, "}}");
    if (sp->shards) {
        for (int s = 0; s < 2; s++) {
            char nm[64];
            snprintf(nm, sizeof nm, "part-%d.safetensors", s);
            ht_path(path, sizeof path, dir, nm);
            ck_assert_int_eq(sea_st_writer_save(w[s], path, NULL), SEA_OK);
        }
        ht_write_str(dir, "model.safetensors.index.json", index);
    } else {
        ht_path(path, sizeof path, dir, "model.safetensors");
        ck_assert_int_eq(sea_st_writer_save(w[0], path, NULL), SEA_OK);
    }
    for (int s = 0; s < 2; s++) sea_st_writer_free(w[s]);
    for (int i = 0; i < n_bufs; i++) free(bufs[i]);
}

static sea_model *open_ok(const char *dir)
{
    sea_model *m = NULL;
    sea_err err;
    sea_err_clear(&err);
    ck_assert_msg(sea_model_open(&m, dir, &err) == SEA_OK, "%s", err.msg);
    return m;
}

/* Build `sp` in a fresh directory, open it, expect `want`; the message begins with
 * dir/file (or dir when file is NULL). */
static void expect_model(const spec *sp, sea_status want, const char *file, const char *n1, const char *n2)
{
    char dir[4096], path[4200];
    sea_model *m = (sea_model *)1;
    sea_err err;
    sea_status st;
    ht_tmpdir(dir, sizeof dir);
    build(dir, sp);
    if (file) ht_path(path, sizeof path, dir, file);
    else snprintf(path, sizeof path, "%s", dir);
    sea_err_clear(&err);
    st = sea_model_open(&m, dir, &err);
    ck_assert_msg(st == want, "%s: status %d, expected %d: %s", n1, (int)st, (int)want, err.msg);
    ck_assert_ptr_null(m);
    ht_check_msg(&err, path, n1, n2, n1);
    ht_rm_tree(dir);
}

/* Logits [3, 16] of ids 1, 5, 9 in one call. */
static void logits_of(sea_model *m, float *out)
{
    sea_ctx_params p = sea_ctx_default_params();
    sea_ctx *c = NULL;
    const float *lg;
    int32_t ids[3] = {1, 5, 9};
    sea_err err;
    p.n_threads = 1;
    sea_err_clear(&err);
    ck_assert_msg(sea_ctx_new(&c, m, &p, &err) == SEA_OK, "%s", err.msg);
    ck_assert_msg(sea_forward(c, ids, 3, SEA_LOGITS_ALL, &lg, &err) == SEA_OK, "%s", err.msg);
    memcpy(out, lg, 3 * 16 * sizeof *out);
    sea_ctx_free(c);
}

START_TEST(test_valid_models)
{
    char dir[4096];
    spec sp = {0};
    sea_model *m;
    float lg[48], lg2[48];
    static const char *const inv[] = {"model.layers.1.self_attn.rotary_emb.inv_freq", NULL};
    ht_tmpdir(dir, sizeof dir);
    build(dir, &sp);
    m = open_ok(dir);
    ck_assert_int_eq(sea_model_config(m)->n_layer, 2);
    ck_assert_uint_eq(sea_model_n_params(m), 16 * 8 * 2 + 2 * (8 + 64 + 32 + 32 + 64 + 8 + 96 * 3) + 8);
    ck_assert_int_eq(sea_model_dtype(m), SEA_DTYPE_F32);
    logits_of(m, lg);
    for (int i = 0; i < 48; i++) ck_assert(isfinite(lg[i]));
    sea_model_close(m);
    ht_rm_tree(dir);
    /* the same weights in two shards give the same logits */
    sp.shards = 2;
    ht_tmpdir(dir, sizeof dir);
    build(dir, &sp);
    m = open_ok(dir);
    logits_of(m, lg2);
    ck_assert(memcmp(lg, lg2, sizeof lg) == 0);
    sea_model_close(m);
    ht_rm_tree(dir);
    /* tied embeddings without lm_head; old transformers' rotary inv_freq leftovers */
    sp.shards = 0;
    sp.tie = 1;
    sp.extra = inv;
    ht_tmpdir(dir, sizeof dir);
    build(dir, &sp);
    sea_model_close(open_ok(dir));
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_case45_projection_shapes)
{
    tweak q = {"model.layers.0.self_attn.q_proj.weight", 0, 2, 4, 8, 0, SEA_DTYPE_F32, 0};
    tweak k = {"model.layers.1.self_attn.k_proj.weight", 0, 2, 8, 8, 0, SEA_DTYPE_F32, 0};
    tweak v = {"model.layers.1.self_attn.v_proj.weight", 0, 2, 4, 7, 0, SEA_DTYPE_F32, 0};
    tweak o = {"model.layers.0.self_attn.o_proj.weight", 0, 2, 8, 4, 0, SEA_DTYPE_F32, 0};
    tweak e = {"model.embed_tokens.weight", 0, 2, 15, 8, 0, SEA_DTYPE_F32, 0};
    tweak h = {"lm_head.weight", 0, 2, 16, 9, 0, SEA_DTYPE_F32, 0};
    tweak dn = {"model.layers.0.mlp.down_proj.weight", 0, 2, 12, 8, 0, SEA_DTYPE_F32, 0};
    tweak nr = {"model.norm.weight", 0, 2, 1, 8, 0, SEA_DTYPE_F32, 0};
    tweak ln = {"model.layers.0.input_layernorm.weight", 0, 0, 0, 0, 1, SEA_DTYPE_F32, 0};
    tweak q3 = {"model.layers.0.self_attn.q_proj.weight", 0, 1, 64, 0, 0, SEA_DTYPE_F32, 0};
    spec sp = {0};
    const char *f = "model.safetensors";
    sp.n_tweaks = 1;
    sp.tweaks = &q;
    expect_model(&sp, SEA_ERR_FORMAT, f, "tensor 'model.layers.0.self_attn.q_proj.weight' has shape [4, 8], but config.json implies [8, 8]", NULL);
    sp.tweaks = &k;
    expect_model(&sp, SEA_ERR_FORMAT, f, "tensor 'model.layers.1.self_attn.k_proj.weight' has shape [8, 8], but config.json implies [4, 8]", NULL);
    sp.tweaks = &v;
    expect_model(&sp, SEA_ERR_FORMAT, f, "'model.layers.1.self_attn.v_proj.weight' has shape [4, 7]", "implies [4, 8]");
    sp.tweaks = &o;
    expect_model(&sp, SEA_ERR_FORMAT, f, "'model.layers.0.self_attn.o_proj.weight' has shape [8, 4]", "implies [8, 8]");
    sp.tweaks = &e;
    expect_model(&sp, SEA_ERR_FORMAT, f, "'model.embed_tokens.weight' has shape [15, 8], but config.json implies [16, 8]", NULL);
    sp.tweaks = &h;
    expect_model(&sp, SEA_ERR_FORMAT, f, "'lm_head.weight' has shape [16, 9]", NULL);
    sp.tweaks = &dn;
    expect_model(&sp, SEA_ERR_FORMAT, f, "'model.layers.0.mlp.down_proj.weight' has shape [12, 8], but config.json implies [8, 12]", NULL);
    sp.tweaks = &nr;
    expect_model(&sp, SEA_ERR_FORMAT, f, "'model.norm.weight' has shape [1, 8], but config.json implies [8]", NULL);
    sp.tweaks = &ln;
    expect_model(&sp, SEA_ERR_FORMAT, f, "'model.layers.0.input_layernorm.weight' has shape rank 0", NULL);
    sp.tweaks = &q3;
    expect_model(&sp, SEA_ERR_FORMAT, f, "'model.layers.0.self_attn.q_proj.weight' has shape [64]", NULL);
}
END_TEST

START_TEST(test_case45_missing_tensors)
{
    tweak layer1 = {"model.layers.1.", 1, 0, 0, 0, 0, SEA_DTYPE_F32, 0};
    tweak up = {"model.layers.0.mlp.up_proj.weight", 1, 0, 0, 0, 0, SEA_DTYPE_F32, 0};
    tweak norm = {"model.norm.weight", 1, 0, 0, 0, 0, SEA_DTYPE_F32, 0};
    tweak lm = {"lm_head.weight", 1, 0, 0, 0, 0, SEA_DTYPE_F32, 0};
    spec sp = {0};
    const char *f = "model.safetensors";
    sp.n_tweaks = 1;
    sp.tweaks = &layer1;
    expect_model(&sp, SEA_ERR_FORMAT, f, "checkpoint has no tensor 'model.layers.1.self_attn.q_proj.weight'", NULL);
    sp.tweaks = &up;
    expect_model(&sp, SEA_ERR_FORMAT, f, "checkpoint has no tensor 'model.layers.0.mlp.up_proj.weight'", NULL);
    sp.tweaks = &norm;
    expect_model(&sp, SEA_ERR_FORMAT, f, "checkpoint has no tensor 'model.norm.weight'", NULL);
    sp.tweaks = &lm;
    expect_model(&sp, SEA_ERR_FORMAT, f, "no tensor 'lm_head.weight' and tie_word_embeddings is false", NULL);
    /* in a sharded checkpoint the index is named */
    sp.shards = 2;
    sp.tweaks = &layer1;
    expect_model(&sp, SEA_ERR_FORMAT, "model.safetensors.index.json", "checkpoint has no tensor 'model.layers.1.", NULL);
}
END_TEST

START_TEST(test_case45_unexpected_tensors)
{
    static const char *const extra[] = {"model.extra.weight", NULL};
    static const char *const beyond[] = {"model.layers.2.mlp.up_proj.weight", NULL};
    static const char *const far[] = {"model.layers.999999.input_layernorm.weight", NULL};
    static const char *const zero[] = {"model.layers.01.mlp.up_proj.weight", NULL};
    static const char *const bias[] = {"model.layers.0.self_attn.q_proj.bias", NULL};
    static const char *const huge[] = {"model.layers.99999999999999999999.mlp.up_proj.weight", NULL};
    spec sp = {0};
    const char *f = "model.safetensors";
    sp.extra = extra;
    expect_model(&sp, SEA_ERR_FORMAT, f, "unexpected tensor 'model.extra.weight' for a Llama model", NULL);
    sp.extra = beyond;
    expect_model(&sp, SEA_ERR_FORMAT, f, "tensor 'model.layers.2.mlp.up_proj.weight' is for layer 2, but config.json has 2 layers", NULL);
    sp.extra = far;
    expect_model(&sp, SEA_ERR_FORMAT, f, "is for layer 999999, but config.json has 2 layers", NULL);
    sp.extra = zero;
    expect_model(&sp, SEA_ERR_FORMAT, f, "unexpected tensor 'model.layers.01.mlp.up_proj.weight'", NULL);
    sp.extra = bias;
    expect_model(&sp, SEA_ERR_FORMAT, f, "unexpected tensor 'model.layers.0.self_attn.q_proj.bias'", NULL);
    sp.extra = huge;
    expect_model(&sp, SEA_ERR_FORMAT, f, "unexpected tensor 'model.layers.99999999999999999999.mlp.up_proj.weight'", NULL);
}
END_TEST

START_TEST(test_case45_tied_with_lm_head)
{
    /* tie_word_embeddings with an lm_head.weight present: the embedding is used (as Hugging
     * Face does) and a warning says so */
    char dir[4096];
    spec sp = {0};
    sp.tie = 1;
    sp.write_lm_head = 1;
    ht_tmpdir(dir, sizeof dir);
    build(dir, &sp);
    ht_capture_warnings();
    sea_model_close(open_ok(dir));
    ck_assert_int_eq(ht_n_warnings, 1);
    ck_assert_msg(strstr(ht_warning, "tie_word_embeddings is true; lm_head.weight is ignored"), "%s", ht_warning);
    sea_set_log_default();
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_case22_weight_dtypes)
{
    tweak b = {"model.layers.0.mlp.gate_proj.weight", 0, 0, 0, 0, 0, SEA_DTYPE_BOOL, 1};
    tweak i = {"model.embed_tokens.weight", 0, 0, 0, 0, 0, SEA_DTYPE_I64, 1};
    tweak d = {"model.norm.weight", 0, 0, 0, 0, 0, SEA_DTYPE_F64, 1};
    tweak h[2] = {{"model.layers.1.mlp.up_proj.weight", 0, 0, 0, 0, 0, SEA_DTYPE_F16, 1},
                  {"model.layers.0.input_layernorm.weight", 0, 0, 0, 0, 0, SEA_DTYPE_BF16, 1}};
    spec sp = {0};
    const char *f = "model.safetensors";
    char dir[4096];
    sp.n_tweaks = 1;
    sp.tweaks = &b;
    expect_model(&sp, SEA_ERR_UNSUPPORTED, f, "tensor 'model.layers.0.mlp.gate_proj.weight' has dtype BOOL (F32, F16 and BF16 are supported)", NULL);
    sp.tweaks = &i;
    expect_model(&sp, SEA_ERR_UNSUPPORTED, f, "'model.embed_tokens.weight' has dtype I64", NULL);
    sp.tweaks = &d;
    expect_model(&sp, SEA_ERR_UNSUPPORTED, f, "'model.norm.weight' has dtype F64", NULL);
    /* F16 and BF16 mixed with F32 are fine */
    sp.n_tweaks = 2;
    sp.tweaks = h;
    ht_tmpdir(dir, sizeof dir);
    build(dir, &sp);
    sea_model_close(open_ok(dir));
    ht_rm_tree(dir);
}
END_TEST

/* Rewrite the dtype name of the tensor stored as U8 in dir/model.safetensors (the header
 * grows or shrinks; offsets are relative to the data, so they stay right). */
static void retype_u8(const char *dir, const char *dtype)
{
    char path[4200], *hdr, *at;
    unsigned char *p, *q;
    size_t len, hl, nl;
    uint64_t n = 0;
    ht_path(path, sizeof path, dir, "model.safetensors");
    p = ht_read(path, &len);
    for (int i = 7; i >= 0; i--) n = (n << 8) | p[i];
    hl = (size_t)n;
    hdr = malloc(hl + 64);
    ck_assert_ptr_nonnull(hdr);
    memcpy(hdr, p + 8, hl);
    hdr[hl] = '\0';
    at = strstr(hdr, "\"dtype\":\"U8\"");
    ck_assert_ptr_nonnull(at);
    memmove(at + 9 + strlen(dtype), at + 11, strlen(at + 11) + 1);
    memcpy(at + 9, dtype, strlen(dtype));
    nl = strlen(hdr);
    q = malloc(8 + nl + (len - 8 - hl));
    ck_assert_ptr_nonnull(q);
    for (int i = 0; i < 8; i++) q[i] = (unsigned char)((uint64_t)nl >> (8 * i));
    memcpy(q + 8, hdr, nl);
    memcpy(q + 8 + nl, p + 8 + hl, len - 8 - hl);
    ht_write(dir, "model.safetensors", q, 8 + nl + (len - 8 - hl));
    free(p);
    free(q);
    free(hdr);
}

START_TEST(test_case22_exotic_weight)
{
    /* an F8_E4M3 weight is valid safetensors that the kernels do not take: refused as
     * unsupported when the model is opened; an F4 one of the same byte size is malformed */
    char dir[4096], path[4200];
    tweak t = {"model.layers.1.mlp.down_proj.weight", 0, 0, 0, 0, 0, SEA_DTYPE_U8, 1};
    spec sp = {0};
    sea_model *m = NULL;
    sea_err err;
    sp.n_tweaks = 1;
    sp.tweaks = &t;
    ht_tmpdir(dir, sizeof dir);
    ht_path(path, sizeof path, dir, "model.safetensors");
    build(dir, &sp);
    retype_u8(dir, "F8_E4M3");
    sea_err_clear(&err);
    ck_assert_int_eq(sea_model_open(&m, dir, &err), SEA_ERR_UNSUPPORTED);
    ht_check_msg(&err, path, "tensor 'model.layers.1.mlp.down_proj.weight' has dtype F8_E4M3", NULL, "F8");
    build(dir, &sp);
    retype_u8(dir, "F4");
    ck_assert_int_eq(sea_model_open(&m, dir, &err), SEA_ERR_FORMAT);
    ht_check_msg(&err, path, "tensor 'model.layers.1.mlp.down_proj.weight'", "span 96 bytes, but shape and dtype F4 need 48", "F4");
    ck_assert_ptr_null(m);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_case34_misaligned_weights)
{
    /* two more spaces of header padding put every tensor at an address 2 mod 8: the loader
     * copies what it cannot use in place, and the logits are bit-identical */
    char dir[4096], path[4200];
    spec sp = {0};
    unsigned char *p, *q;
    size_t len;
    uint64_t n = 0;
    sea_model *m;
    float a[48], b[48];
    ht_tmpdir(dir, sizeof dir);
    build(dir, &sp);
    m = open_ok(dir);
    logits_of(m, a);
    sea_model_close(m);
    ht_path(path, sizeof path, dir, "model.safetensors");
    p = ht_read(path, &len);
    for (int i = 7; i >= 0; i--) n = (n << 8) | p[i];
    q = malloc(len + 2);
    ck_assert_ptr_nonnull(q);
    for (int i = 0; i < 8; i++) q[i] = (unsigned char)((n + 2) >> (8 * i));
    memcpy(q + 8, p + 8, (size_t)n);
    q[8 + n] = q[9 + n] = ' ';
    memcpy(q + 10 + n, p + 8 + n, len - 8 - (size_t)n);
    ht_write(dir, "model.safetensors", q, len + 2);
    m = open_ok(dir);
    logits_of(m, b);
    sea_model_close(m);
    ck_assert(memcmp(a, b, sizeof a) == 0);
    free(p);
    free(q);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_sharded_errors_name_the_shard)
{
    tweak k = {"model.layers.1.self_attn.k_proj.weight", 0, 2, 8, 8, 0, SEA_DTYPE_F32, 0};
    spec sp = {0};
    char dir[4096], path[4200];
    sea_model *m = NULL;
    sea_err err;
    sp.shards = 2;
    sp.n_tweaks = 1;
    sp.tweaks = &k;
    ht_tmpdir(dir, sizeof dir);
    build(dir, &sp);
    sea_err_clear(&err);
    ck_assert_int_eq(sea_model_open(&m, dir, &err), SEA_ERR_FORMAT);
    /* the k_proj of layer 1 is tensor 12 of the list: it went to part-0 */
    ht_path(path, sizeof path, dir, "part-0.safetensors");
    ht_check_msg(&err, path, "'model.layers.1.self_attn.k_proj.weight' has shape [8, 8]", NULL, "sharded");
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_config_errors_come_first)
{
    /* a broken config.json is reported before the checkpoint is opened */
    char dir[4096], path[4200];
    spec sp = {0};
    sea_model *m = NULL;
    sea_err err;
    ht_tmpdir(dir, sizeof dir);
    build(dir, &sp);
    ht_write_str(dir, "config.json", "{\"model_type\":\"llama\"}");
    ht_write_str(dir, "model.safetensors", "garbage");
    ht_path(path, sizeof path, dir, "config.json");
    sea_err_clear(&err);
    ck_assert_int_eq(sea_model_open(&m, dir, &err), SEA_ERR_FORMAT);
    ht_check_msg(&err, path, "required key 'vocab_size' is missing", NULL, "config first");
    ck_assert_ptr_null(m);
    ht_rm_tree(dir);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("model load");
    TCase *tc = tcase_create("config vs tensors");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_valid_models);
    tcase_add_test(tc, test_case45_projection_shapes);
    tcase_add_test(tc, test_case45_missing_tensors);
    tcase_add_test(tc, test_case45_unexpected_tensors);
    tcase_add_test(tc, test_case45_tied_with_lm_head);
    tcase_add_test(tc, test_case22_weight_dtypes);
    tcase_add_test(tc, test_case22_exotic_weight);
    tcase_add_test(tc, test_case34_misaligned_weights);
    tcase_add_test(tc, test_sharded_errors_name_the_shard);
    tcase_add_test(tc, test_config_errors_come_first);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
