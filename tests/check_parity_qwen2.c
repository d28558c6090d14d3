/* tests/check_parity_qwen2.c: Qwen2 against the independent float32 torch reference of
 * tools/make_qwen2_golden.py (fixture tests/fixtures/qwen2/tiny-qwen2: q/k/v biases, untied
 * head, rope_theta 1e6, bf16): every per-layer tensor and the logits within 1e-4 of max-abs,
 * greedy identical, for the shipped config (use_sliding_window false, a window larger than
 * the positions: unused) and for config-window.json (a window of 6 on layers 1 and 2);
 * mutations of the config must fail. Then the model directories of the new families against
 * hostile checkpoints: bias tensors missing or of the wrong shape, a Gemma checkpoint with an
 * lm_head, Gemma 2 without its post-norms; and the Mistral sliding window applied in
 * attention instead of capping the context. */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include "hostile.h"
#include "kernels/cpu.h"
#include "parity_util.h"

#define QDIR SEA_TEST_FIXTURES "/qwen2/tiny-qwen2"

/* Write DIR/config.json: the text of `cfg_src` with `from` replaced by `to` (both may be NULL). */
static void write_config(const char *dir, const char *cfg_src, const char *from, const char *to)
{
    char path[4200], *text, *p = NULL;
    long len;
    FILE *f = fopen(cfg_src, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = calloc(1, (size_t)len + 1);
    ck_assert_int_eq((long)fread(text, 1, (size_t)len, f), len);
    fclose(f);
    if (from) {
        p = strstr(text, from);
        ck_assert_msg(p != NULL, "%s has no '%s'", cfg_src, from);
    }
    snprintf(path, sizeof path, "%s/config.json", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    if (p) fprintf(f, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
    else fputs(text, f);
    fclose(f);
    free(text);
}

static void rm_model(const char *dir)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/config.json", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/model.safetensors", dir);
    unlink(p);
    rmdir(dir);
}

/* A temporary model: the fixture's weights (linked) with a config variant. */
static const char *variant(char *buf, const char *cfg_name, const char *from, const char *to)
{
    char src[4200], dst[4200];
    strcpy(buf, "/tmp/sea-qwen2-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(buf));
    snprintf(src, sizeof src, "%s/model.safetensors", QDIR);
    snprintf(dst, sizeof dst, "%s/model.safetensors", buf);
    ck_assert_int_eq(symlink(src, dst), 0);
    snprintf(src, sizeof src, "%s/%s", QDIR, cfg_name);
    write_config(buf, src, from, to);
    return buf;
}

START_TEST(test_parity)
{
    sea_simd prev = sea__simd_force(_i ? SEA_SIMD_SCALAR : sea__simd_level());
    double w = pu_check_model(QDIR, QDIR "/golden.safetensors", _i ? 1 : 2);
    fprintf(stderr, "tiny-qwen2: worst tensor %.2g of max-abs\n", w);
    sea__simd_force(prev);
}
END_TEST

START_TEST(test_parity_window)
{
    char dir[64];
    sea_simd prev = sea__simd_force(_i ? SEA_SIMD_SCALAR : sea__simd_level());
    double w = pu_check_model(variant(dir, "config-window.json", NULL, NULL), QDIR "/golden-window.safetensors",
                              _i ? 1 : 2);
    fprintf(stderr, "tiny-qwen2 with a window: worst tensor %.2g of max-abs\n", w);
    rm_model(dir);
    sea__simd_force(prev);
}
END_TEST

static double logits_error(const char *dir, const char *golden)
{
    sea_model *m;
    sea_ctx *c;
    sea_err err;
    sea_st_file *g;
    const float *l;
    int32_t *ids;
    int T;
    double e;
    ck_assert_msg(sea_model_open(&m, dir, &err) == SEA_OK, "%s", err.msg);
    ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
    ck_assert_int_eq(sea_st_open(&g, golden, &err), SEA_OK);
    ids = pu_ids(sea_st_find(g, "input_ids.0"), &T);
    ck_assert_int_eq(sea_forward(c, ids, T, SEA_LOGITS_ALL, &l, &err), SEA_OK);
    e = rel_max_err(l, (const float *)sea_st_find(g, "logits.0")->data, sea_st_find(g, "logits.0")->n_elements, 1e-30);
    free(ids);
    sea_st_close(g);
    sea_ctx_free(c);
    sea_model_close(m);
    return e;
}

START_TEST(test_mistakes_are_seen)
{
    static const struct { const char *cfg, *golden, *from, *to, *what; } cases[] = {
        {"config-window.json", "golden-window.safetensors", "\"sliding_window\": 6", "\"sliding_window\": 7", "a window one wider"},
        {"config-window.json", "golden-window.safetensors", "\"max_window_layers\": 1", "\"max_window_layers\": 2", "one sliding layer fewer"},
        {"config-window.json", "golden-window.safetensors", "\"use_sliding_window\": true", "\"use_sliding_window\": false", "no window"},
        {"config.json", "golden.safetensors", "\"rope_theta\": 1000000.0", "\"rope_theta\": 10000.0", "theta 1e4"},
        {"config.json", "golden.safetensors", "\"rms_norm_eps\": 1e-06", "\"rms_norm_eps\": 0.1", "another eps"},
    };
    char dir[64], golden[4200];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double e;
        snprintf(golden, sizeof golden, "%s/%s", QDIR, cases[i].golden);
        e = logits_error(variant(dir, cases[i].cfg, cases[i].from, cases[i].to), golden);
        rm_model(dir);
        ck_assert_msg(e > PARITY_TOL, "tiny-qwen2 with %s still matches (%.3g)", cases[i].what, e);
    }
}
END_TEST

/* ---- hostile checkpoints of the new families ---- */

/* A copy of the fixture's checkpoint into dir/model.safetensors: tensors whose name contains
 * `drop` or `drop2` are left out; `reshape` gets shape [n]; `add` is added as F32 [8]. */
static void copy_checkpoint(const char *dir, const char *drop, const char *reshape, uint64_t n, const char *add,
                            const char *drop2)
{
    sea_st_file *f;
    sea_st_writer *w;
    sea_err err;
    char path[4200];
    float extra[64] = {0};
    ck_assert_int_eq(sea_st_open(&f, QDIR "/model.safetensors", &err), SEA_OK);
    ck_assert_int_eq(sea_st_writer_new(&w, &err), SEA_OK);
    for (size_t i = 0; i < sea_st_count(f); i++) {
        const sea_st_tensor *t = sea_st_at(f, i);
        uint64_t shp[2] = {t->shape[0], t->rank > 1 ? t->shape[1] : 0};
        int rank = t->rank;
        if ((drop && strstr(t->name, drop)) || (drop2 && strstr(t->name, drop2))) continue;
        if (reshape && strcmp(t->name, reshape) == 0) {
            void *z = calloc((size_t)n, sea_dtype_size(t->dtype));
            shp[0] = n;
            ck_assert_int_eq(sea_st_writer_add_copy(w, t->name, t->dtype, 1, shp, z, &err), SEA_OK);
            free(z);
            continue;
        }
        ck_assert_int_eq(sea_st_writer_add(w, t->name, t->dtype, rank, shp, t->data, &err), SEA_OK);
    }
    if (add) {
        uint64_t shp[1] = {8};
        ck_assert_int_eq(sea_st_writer_add(w, add, SEA_DTYPE_F32, 1, shp, extra, &err), SEA_OK);
    }
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    ck_assert_int_eq(sea_st_writer_save(w, path, &err), SEA_OK);
    sea_st_writer_free(w);
    sea_st_close(f);
}

static void expect_open(const char *dir, sea_status want, const char *n1, const char *n2)
{
    sea_model *m = NULL;
    sea_err err;
    sea_status st;
    sea_err_clear(&err);
    st = sea_model_open(&m, dir, &err);
    ck_assert_msg(st == want, "%s: status %d, expected %d: %s", dir, (int)st, (int)want, err.msg);
    ck_assert_msg(strchr(err.msg, '\n') == NULL, "not one line: %s", err.msg);
    if (n1) ck_assert_msg(strstr(err.msg, n1) != NULL, "message lacks '%s': %s", n1, err.msg);
    if (n2) ck_assert_msg(strstr(err.msg, n2) != NULL, "message lacks '%s': %s", n2, err.msg);
    ck_assert_ptr_null(m);
}

static void unlink_model_file(const char *dir)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/model.safetensors", dir);
    unlink(p);
}

static const char *tmp_dir(char *buf)
{
    strcpy(buf, "/tmp/sea-fam-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(buf));
    return buf;
}

START_TEST(test_hostile_checkpoints)
{
    char dir[64];
    const char *cfg = QDIR "/config.json";
    /* Qwen2 biases: missing, wrong length, a matrix where a vector belongs */
    copy_checkpoint(tmp_dir(dir), "layers.1.self_attn.k_proj.bias", NULL, 0, NULL, NULL);
    write_config(dir, cfg, NULL, NULL);
    expect_open(dir, SEA_ERR_FORMAT, "no tensor 'model.layers.1.self_attn.k_proj.bias'", NULL);
    rm_model(dir);
    copy_checkpoint(tmp_dir(dir), NULL, "model.layers.0.self_attn.q_proj.bias", 63, NULL, NULL);
    write_config(dir, cfg, NULL, NULL);
    expect_open(dir, SEA_ERR_FORMAT, "tensor 'model.layers.0.self_attn.q_proj.bias' has shape [63]", "implies [64]");
    rm_model(dir);
    copy_checkpoint(tmp_dir(dir), NULL, "model.layers.2.self_attn.v_proj.bias", 64, NULL, NULL);
    write_config(dir, cfg, NULL, NULL);
    expect_open(dir, SEA_ERR_FORMAT, "'model.layers.2.self_attn.v_proj.bias' has shape [64]", "implies [32]");
    rm_model(dir);
    /* an o_proj bias Qwen2 does not have */
    copy_checkpoint(tmp_dir(dir), NULL, NULL, 0, "model.layers.0.self_attn.o_proj.bias", NULL);
    write_config(dir, cfg, NULL, NULL);
    expect_open(dir, SEA_ERR_FORMAT, "unexpected tensor 'model.layers.0.self_attn.o_proj.bias' for a Qwen2 model", NULL);
    rm_model(dir);
    /* biases in a Llama checkpoint */
    copy_checkpoint(tmp_dir(dir), NULL, NULL, 0, NULL, NULL);
    write_config(dir, cfg, "\"model_type\": \"qwen2\"", "\"model_type\": \"llama\"");
    expect_open(dir, SEA_ERR_FORMAT, "unexpected tensor 'model.layers.0.self_attn.k_proj.bias' for a Llama model", NULL);
    rm_model(dir);
    /* a Gemma checkpoint with an untied lm_head present */
    copy_checkpoint(tmp_dir(dir), ".bias", NULL, 0, NULL, NULL);
    write_config(dir, cfg, "\"model_type\": \"qwen2\"", "\"model_type\": \"gemma\", \"head_dim\": 16");
    {
        /* the config says tied (Gemma's default: its tie_word_embeddings false is refused) */
        char p[4200];
        snprintf(p, sizeof p, "%s/config.json", dir);
        write_config(dir, p, "\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true");
    }
    expect_open(dir, SEA_ERR_FORMAT, "tensor 'lm_head.weight' is not expected: GemmaForCausalLM ties lm_head", NULL);
    rm_model(dir);
    /* Gemma 2 without its pre/post-feedforward norms */
    copy_checkpoint(tmp_dir(dir), ".bias", NULL, 0, NULL, "lm_head");
    write_config(dir, cfg, "\"model_type\": \"qwen2\"", "\"model_type\": \"gemma2\", \"head_dim\": 16");
    {
        char p[4200];
        snprintf(p, sizeof p, "%s/config.json", dir);
        write_config(dir, p, "\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true");
        write_config(dir, p, "\"sliding_window\": 131072", "\"sliding_window\": 8");
    }
    expect_open(dir, SEA_ERR_FORMAT, "no tensor 'model.layers.0.pre_feedforward_layernorm.weight'", NULL);
    rm_model(dir);
}
END_TEST

/* Mistral v0.1's window is applied in attention: contexts are not capped to it, sequences
 * within the window give exactly the unwindowed result, longer ones differ. */
START_TEST(test_mistral_window)
{
    char dir[64];
    sea_model *m;
    sea_ctx *c;
    sea_err err;
    int32_t ids[40];
    const float *l;
    float *ref;
    int nv;
    for (int i = 0; i < 40; i++) ids[i] = 3 + (i * 53) % 380;
    variant(dir, "config.json", "\"model_type\": \"qwen2\"", "\"model_type\": \"llama\"");
    unlink_model_file(dir); /* the link to the fixture */
    copy_checkpoint(dir, ".bias", NULL, 0, NULL, NULL);
    ck_assert_msg(sea_model_open(&m, dir, &err) == SEA_OK, "%s", err.msg);
    nv = sea_model_config(m)->n_vocab;
    ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
    ck_assert_int_eq(sea_forward(c, ids, 40, SEA_LOGITS_ALL, &l, &err), SEA_OK);
    ref = malloc((size_t)40 * (size_t)nv * sizeof(float));
    memcpy(ref, l, (size_t)40 * (size_t)nv * sizeof(float));
    sea_ctx_free(c);
    sea_model_close(m);
    {
        char p[4200];
        snprintf(p, sizeof p, "%s/config.json", dir);
        write_config(dir, p, "\"model_type\": \"llama\"", "\"model_type\": \"mistral\", \"sliding_window\": 16");
        /* write_config read the old text before rewriting it: drop the duplicate key */
        write_config(dir, p, "\"sliding_window\": 131072,", "");
    }
    ck_assert_msg(sea_model_open(&m, dir, &err) == SEA_OK, "%s", err.msg);
    ck_assert_int_eq(sea_model_config(m)->n_sliding_layers, 3);
    ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
    ck_assert_int_eq(sea_ctx_n_ctx(c), 512); /* not capped to the window of 16 */
    ck_assert_int_eq(sea_forward(c, ids, 40, SEA_LOGITS_ALL, &l, &err), SEA_OK);
    ck_assert_msg(memcmp(l, ref, (size_t)16 * (size_t)nv * sizeof(float)) == 0, "positions within the window differ");
    ck_assert_msg(rel_max_err(l + (size_t)16 * (size_t)nv, ref + (size_t)16 * (size_t)nv, (size_t)24 * (size_t)nv, 1e-30) > 1e-3,
                  "positions past the window see the same keys");
    sea_ctx_free(c);
    sea_model_close(m);
    free(ref);
    rm_model(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parity_qwen2");
    TCase *tc = tcase_create("qwen2");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_parity, 0, 2);
    tcase_add_loop_test(tc, test_parity_window, 0, 2);
    tcase_add_test(tc, test_mistakes_are_seen);
    tcase_add_test(tc, test_hostile_checkpoints);
    tcase_add_test(tc, test_mistral_window);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
