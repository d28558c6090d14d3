/* tests/check_parity.c: the forward pass against Hugging Face transformers (float32, eager)
 * on every golden model: logits and every per-layer tensor within 1e-4 of the tensor's
 * max-abs, greedy continuations identical, RoPE frequencies, both config layouts, kjv-demo
 * held-out perplexity 42.366 +- 0.01, and results independent of thread count and of the
 * kernel family. Goldens: tests/fixtures/hf (copied from ../shared/golden/hf). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "kernels/cpu.h"
#include "testutil.h"

#define TOL 1e-4 /* SEA-SPEC §8: relative to the tensor's max-abs */

static const char *const models[] = {"tiny-f32", "tiny-gqa-bf16-tied-llama3rope", "tiny-f16-sharded",
                                     "tiny-headdim", "kjv-demo"};

static const char *model_path(const char *name)
{
    static char buf[4096];
    if (strcmp(name, "kjv-demo") == 0) return model_dir("kjv-demo");
    snprintf(buf, sizeof buf, "%s/hf/%s", SEA_TEST_FIXTURES, name);
    return buf;
}

static sea_st_file *open_golden(const char *name)
{
    char path[4096];
    sea_st_file *g;
    sea_err err;
    snprintf(path, sizeof path, "%s/hf/%s/golden.safetensors", SEA_TEST_FIXTURES, name);
    ck_assert_msg(sea_st_open(&g, path, &err) == SEA_OK, "%s", err.msg);
    return g;
}

static const sea_st_tensor *gt(const sea_st_file *g, const char *fmt, int a, int b)
{
    char name[128];
    const sea_st_tensor *t;
    if (b < 0) snprintf(name, sizeof name, fmt, a);
    else snprintf(name, sizeof name, fmt, a, b);
    t = sea_st_find(g, name);
    ck_assert_msg(t != NULL, "golden tensor %s missing", name);
    return t;
}

static int32_t *read_ids(const sea_st_tensor *t, int *n)
{
    int64_t *v = malloc(t->n_elements * sizeof *v);
    int32_t *ids = malloc(t->n_elements * sizeof *ids);
    sea_err err;
    ck_assert_int_eq(sea_st_read_i64(v, t, &err), SEA_OK);
    for (uint64_t i = 0; i < t->n_elements; i++) ids[i] = (int32_t)v[i];
    free(v);
    *n = (int)t->n_elements;
    return ids;
}

typedef struct capture {
    int n_layer;
    size_t nd;
    float *embed, *final_norm, *attn, *mlp, *hidden;
} capture;

static sea_status cap_hook(void *user, sea_site site, int layer, float *x, int T, int pos0, int d)
{
    capture *c = user;
    float *dst = site == SEA_SITE_EMBED ? c->embed
                 : site == SEA_SITE_FINAL_NORM ? c->final_norm
                 : site == SEA_SITE_ATTN ? c->attn + (size_t)layer * c->nd
                 : site == SEA_SITE_MLP ? c->mlp + (size_t)layer * c->nd
                                        : c->hidden + (size_t)layer * c->nd;
    ck_assert_int_eq(pos0, 0);
    memcpy(dst, x, (size_t)T * (size_t)d * sizeof *dst);
    return SEA_OK;
}

static void expect_close(const float *got, const sea_st_tensor *want, const char *what, const char *model)
{
    double e = rel_max_err(got, (const float *)want->data, want->n_elements, 1e-30);
    ck_assert_msg(e <= TOL, "%s: %s differs from Hugging Face by %.3g of max-abs (tolerance %g)", model, what, e, TOL);
}

/* Forward every golden sequence of one model and compare all captured tensors. */
static void check_model(const char *name, int n_threads)
{
    sea_model *m;
    sea_ctx *c;
    sea_err err;
    sea_st_file *g = open_golden(name);
    const sea_llama_config *cfg;
    ck_assert_msg(sea_model_open(&m, model_path(name), &err) == SEA_OK, "%s", err.msg);
    cfg = sea_model_config(m);
    for (int s = 0;; s++) {
        char nm[64];
        int T;
        int32_t *ids;
        capture cap;
        const float *logits;
        sea_ctx_params cp = sea_ctx_default_params();
        snprintf(nm, sizeof nm, "input_ids.%d", s);
        if (!sea_st_find(g, nm)) {
            ck_assert_msg(s >= 2, "%s: expected at least two golden sequences", name);
            break;
        }
        ids = read_ids(sea_st_find(g, nm), &T);
        cp.n_threads = n_threads;
        ck_assert_int_eq(sea_ctx_new(&c, m, &cp, &err), SEA_OK);
        cap.n_layer = cfg->n_layer;
        cap.nd = (size_t)T * (size_t)cfg->d;
        cap.embed = malloc(cap.nd * sizeof(float));
        cap.final_norm = malloc(cap.nd * sizeof(float));
        cap.attn = malloc(cap.nd * (size_t)cfg->n_layer * sizeof(float));
        cap.mlp = malloc(cap.nd * (size_t)cfg->n_layer * sizeof(float));
        cap.hidden = malloc(cap.nd * (size_t)cfg->n_layer * sizeof(float));
        ck_assert_int_eq(sea_ctx_add_hook(c, cap_hook, &cap, 0x1f, &err), SEA_OK);
        ck_assert_msg(sea_forward(c, ids, T, SEA_LOGITS_ALL, &logits, &err) == SEA_OK, "%s", err.msg);
        expect_close(logits, gt(g, "logits.%d", s, -1), "logits", name);
        expect_close(cap.embed, gt(g, "embed.%d", s, -1), "embed", name);
        expect_close(cap.final_norm, gt(g, "final_norm.%d", s, -1), "final_norm", name);
        for (int l = 0; l < cfg->n_layer; l++) {
            char what[32];
            snprintf(what, sizeof what, "attn.L%d", l);
            expect_close(cap.attn + (size_t)l * cap.nd, gt(g, "attn.L%d.%d", l, s), what, name);
            snprintf(what, sizeof what, "mlp.L%d", l);
            expect_close(cap.mlp + (size_t)l * cap.nd, gt(g, "mlp.L%d.%d", l, s), what, name);
            snprintf(what, sizeof what, "hidden.L%d", l);
            expect_close(cap.hidden + (size_t)l * cap.nd, gt(g, "hidden.L%d.%d", l, s), what, name);
        }
        /* greedy continuation, no EOS stop, incremental decoding over the KV cache */
        {
            const sea_st_tensor *gg = gt(g, "greedy.%d", s, -1);
            int n_want;
            int32_t *want = read_ids(gg, &n_want), *out;
            size_t n_out;
            sea_generate_params gp = sea_generate_default_params();
            gp.n_predict = n_want;
            gp.ignore_eos = 1;
            sea_ctx_clear_hooks(c);
            sea_ctx_truncate(c, 0);
            ck_assert_int_eq(sea_generate(c, ids, (size_t)T, &gp, NULL, NULL, &out, &n_out, &err), SEA_OK);
            ck_assert_int_eq((int)n_out, n_want);
            for (int i = 0; i < n_want; i++)
                ck_assert_msg(out[i] == want[i], "%s seq %d: greedy token %d is %d, Hugging Face %d", name, s, i,
                              out[i], want[i]);
            sea_free(out);
            free(want);
        }
        free(cap.embed);
        free(cap.final_norm);
        free(cap.attn);
        free(cap.mlp);
        free(cap.hidden);
        free(ids);
        sea_ctx_free(c);
    }
    /* RoPE inverse frequencies after scaling */
    {
        const sea_st_tensor *rf = sea_st_find(g, "rope_inv_freq");
        float *mine = malloc((size_t)cfg->head_dim / 2 * sizeof(float));
        ck_assert_ptr_nonnull(rf);
        ck_assert_uint_eq(rf->n_elements, (uint64_t)cfg->head_dim / 2);
        sea_config_rope_inv_freq(cfg, mine);
        ck_assert_msg(rel_max_err(mine, rf->data, rf->n_elements, 1e-30) <= 1e-6, "%s: rope_inv_freq differs", name);
        free(mine);
    }
    sea_model_close(m);
    sea_st_close(g);
}

START_TEST(test_parity)
{
    check_model(models[_i], 2);
}
END_TEST

START_TEST(test_parity_one_thread_scalar)
{
    /* the portable reference kernels give the same answers */
    sea_simd prev = sea__simd_force(SEA_SIMD_SCALAR);
    check_model(models[_i], 1);
    sea__simd_force(prev);
}
END_TEST

/* The rope_parameters layout (transformers 5) must describe the same model. */
START_TEST(test_native_config_layout)
{
    const char *name = models[_i];
    char tmpl[] = "/tmp/sea-native-XXXXXX", src[4096], dst[4096];
    const char *dir;
    sea_llama_config a, b;
    sea_err err;
    sea_model *m;
    sea_ctx *c;
    const float *logits;
    sea_st_file *g;
    int T;
    int32_t *ids;
    const char *files[] = {"model.safetensors", "model.safetensors.index.json", "model-00001-of-00003.safetensors",
                           "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"};
    if (strcmp(name, "kjv-demo") == 0) return; /* no native-layout config for it */
    dir = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(dir);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(src, sizeof src, "%s/%s", model_path(name), files[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, files[i]);
        if (access(src, R_OK) == 0) ck_assert_int_eq(symlink(src, dst), 0);
    }
    snprintf(src, sizeof src, "%s/config.hf-native.json", model_path(name));
    snprintf(dst, sizeof dst, "%s/config.json", dir);
    ck_assert_int_eq(symlink(src, dst), 0);
    ck_assert_msg(sea_config_load(&a, model_path(name), &err) == SEA_OK, "%s", err.msg);
    ck_assert_msg(sea_config_load(&b, dir, &err) == SEA_OK, "%s", err.msg);
    ck_assert_int_eq(a.rope_type, b.rope_type);
    ck_assert(a.rope_theta == b.rope_theta && a.rope_factor == b.rope_factor);
    ck_assert_int_eq(a.head_dim, b.head_dim);
    ck_assert_int_eq(a.tie_embeddings, b.tie_embeddings);
    ck_assert_int_eq(a.n_kv_head, b.n_kv_head);
    ck_assert_msg(sea_model_open(&m, dir, &err) == SEA_OK, "%s", err.msg);
    ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
    g = open_golden(name);
    ids = read_ids(sea_st_find(g, "input_ids.0"), &T);
    ck_assert_int_eq(sea_forward(c, ids, T, SEA_LOGITS_ALL, &logits, &err), SEA_OK);
    expect_close(logits, sea_st_find(g, "logits.0"), "logits (native config)", name);
    free(ids);
    sea_st_close(g);
    sea_ctx_free(c);
    sea_model_close(m);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(dst, sizeof dst, "%s/%s", dir, files[i]);
        unlink(dst);
    }
    snprintf(dst, sizeof dst, "%s/config.json", dir);
    unlink(dst);
    rmdir(dir);
}
END_TEST

START_TEST(test_kjv_perplexity)
{
    sea_model *m;
    sea_ctx *c;
    sea_err err;
    sea_st_file *g = open_golden("kjv-demo");
    int n;
    int32_t *ids = read_ids(sea_st_find(g, "heldout_ids"), &n);
    double nll, want_nll, ppl;
    int64_t want_n;
    size_t n_pred;
    sea_ctx_params cp = sea_ctx_default_params();
    ck_assert_int_eq(sea_model_open(&m, model_dir("kjv-demo"), &err), SEA_OK);
    cp.n_ctx = 257;
    ck_assert_int_eq(sea_ctx_new(&c, m, &cp, &err), SEA_OK);
    ck_assert_msg(sea_perplexity(c, ids, (size_t)n, 257, &nll, &n_pred, NULL, NULL, &err) == SEA_OK, "%s", err.msg);
    ck_assert_int_eq(sea_st_read_i64(&want_n, sea_st_find(g, "heldout_tokens"), &err), SEA_OK);
    memcpy(&want_nll, sea_st_find(g, "heldout_nll_sum")->data, sizeof want_nll);
    ck_assert_int_eq((int64_t)n_pred, want_n);
    ppl = exp(nll / (double)n_pred);
    ck_assert_msg(fabs(ppl - 42.366) <= 0.01, "held-out perplexity %.4f, expected 42.366 +- 0.01", ppl);
    ck_assert_msg(fabs(nll - want_nll) <= 1e-5 * want_nll, "NLL sum %.6f vs Hugging Face %.6f", nll, want_nll);
    free(ids);
    sea_ctx_free(c);
    sea_model_close(m);
    sea_st_close(g);
}
END_TEST

/* Results do not depend on the thread count, and a one-token decode step equals the same
 * position of a batched call (same kernels, same accumulation order). */
START_TEST(test_thread_and_batch_invariance)
{
    sea_model *m;
    sea_ctx *c1, *c2;
    sea_err err;
    sea_ctx_params p1 = sea_ctx_default_params(), p2 = sea_ctx_default_params();
    int32_t ids[40];
    const float *l1, *l2;
    float *keep;
    int nv;
    for (int i = 0; i < 40; i++) ids[i] = 3 + (i * 97) % 4000;
    ck_assert_int_eq(sea_model_open(&m, model_dir("kjv-demo"), &err), SEA_OK);
    nv = sea_model_config(m)->n_vocab;
    p1.n_threads = 1;
    p2.n_threads = 2;
    ck_assert_int_eq(sea_ctx_new(&c1, m, &p1, &err), SEA_OK);
    ck_assert_int_eq(sea_ctx_new(&c2, m, &p2, &err), SEA_OK);
    ck_assert_int_eq(sea_forward(c1, ids, 40, SEA_LOGITS_ALL, &l1, &err), SEA_OK);
    ck_assert_int_eq(sea_forward(c2, ids, 40, SEA_LOGITS_ALL, &l2, &err), SEA_OK);
    ck_assert_msg(memcmp(l1, l2, (size_t)40 * (size_t)nv * sizeof(float)) == 0, "1 and 2 threads differ");
    keep = malloc((size_t)nv * sizeof(float));
    memcpy(keep, l1 + (size_t)39 * (size_t)nv, (size_t)nv * sizeof(float));
    sea_ctx_truncate(c1, 0);
    ck_assert_int_eq(sea_forward(c1, ids, 39, SEA_LOGITS_NONE, NULL, &err), SEA_OK);
    ck_assert_int_eq(sea_forward(c1, ids + 39, 1, SEA_LOGITS_LAST, &l1, &err), SEA_OK);
    ck_assert_msg(rel_max_err(l1, keep, (size_t)nv, 1e-30) <= 1e-6, "decode step differs from the batched pass");
    free(keep);
    sea_ctx_free(c1);
    sea_ctx_free(c2);
    sea_model_close(m);
}
END_TEST

/* Recompute mode gives the same logits as running the whole sequence at once. */
START_TEST(test_recompute_matches_full_pass)
{
    sea_model *m;
    sea_ctx *c;
    sea_err err;
    int32_t ids[30];
    const float *l;
    float *full;
    int nv;
    for (int i = 0; i < 30; i++) ids[i] = 5 + (i * 131) % 4000;
    ck_assert_int_eq(sea_model_open(&m, model_dir("kjv-demo"), &err), SEA_OK);
    nv = sea_model_config(m)->n_vocab;
    ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
    ck_assert_int_eq(sea_forward(c, ids, 30, SEA_LOGITS_ALL, &l, &err), SEA_OK);
    full = malloc((size_t)30 * (size_t)nv * sizeof(float));
    memcpy(full, l, (size_t)30 * (size_t)nv * sizeof(float));
    sea_ctx_truncate(c, 0);
    ck_assert_int_eq(sea_ctx_keep_layer_input(c, 3, &err), SEA_OK);
    ck_assert_int_eq(sea_forward(c, ids, 20, SEA_LOGITS_NONE, NULL, &err), SEA_OK);
    ck_assert_int_eq(sea_forward_recompute(c, ids + 20, 10, 3, 0, SEA_LOGITS_ALL, &l, &err), SEA_OK);
    ck_assert_int_eq(sea_ctx_n_past(c), 30);
    ck_assert_msg(rel_max_err(l, full, (size_t)30 * (size_t)nv, 1e-30) <= 1e-6, "recompute differs from a full pass");
    /* misuse is an error, not a crash */
    ck_assert_int_eq(sea_forward_recompute(c, ids, 1, 2, 0, SEA_LOGITS_ALL, &l, &err), SEA_ERR_ARG);
    free(full);
    sea_ctx_free(c);
    sea_model_close(m);
}
END_TEST

START_TEST(test_bad_calls)
{
    sea_model *m;
    sea_ctx *c;
    sea_err err;
    int32_t ids[3] = {1, 4096, 2};
    const float *l;
    sea_ctx_params p = sea_ctx_default_params();
    ck_assert_int_eq(sea_model_open(&m, model_dir("kjv-demo"), &err), SEA_OK);
    p.n_ctx = 8;
    ck_assert_int_eq(sea_ctx_new(&c, m, &p, &err), SEA_OK);
    ck_assert_int_eq(sea_forward(c, ids, 3, SEA_LOGITS_LAST, &l, &err), SEA_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "4096") != NULL, "%s", err.msg);
    ids[1] = 7;
    ck_assert_int_eq(sea_forward(c, ids, 0, SEA_LOGITS_LAST, &l, &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_forward(c, ids, 3, SEA_LOGITS_LAST, &l, &err), SEA_OK);
    ck_assert_int_eq(sea_forward(c, ids, 3, SEA_LOGITS_LAST, &l, &err), SEA_OK);
    ck_assert_int_eq(sea_forward(c, ids, 3, SEA_LOGITS_LAST, &l, &err), SEA_ERR_LIMIT); /* 9 > 8 */
    ck_assert_int_eq(sea_ctx_n_past(c), 6);
    sea_ctx_free(c);
    p.n_ctx = 100000;
    ck_assert_int_eq(sea_ctx_new(&c, m, &p, &err), SEA_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "max_position_embeddings") != NULL, "%s", err.msg);
    sea_model_close(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parity");
    TCase *tc = tcase_create("hf");
    int n = (int)(sizeof models / sizeof models[0]);
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_parity, 0, n);
    tcase_add_loop_test(tc, test_parity_one_thread_scalar, 0, n);
    tcase_add_loop_test(tc, test_native_config_layout, 0, n);
    tcase_add_test(tc, test_kjv_perplexity);
    tcase_add_test(tc, test_thread_and_batch_invariance);
    tcase_add_test(tc, test_recompute_matches_full_pass);
    tcase_add_test(tc, test_bad_calls);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
