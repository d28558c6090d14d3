/* tests/check_parity_gemma.c: Gemma and Gemma 2 against the independent float32 torch
 * goldens of ../shared/golden/hf/tiny-gemma-mqa and tiny-gemma2 (read through $SEA_SHARED;
 * the suite is SKIPPED when it is unset): logits and every per-layer tensor within 1e-4 of
 * max-abs, greedy continuations identical (Gemma 2's sequence 0 runs past its sliding window
 * of 8 while decoding), with the SIMD kernels on 2 threads and the scalar ones on 1. Then the
 * same checks must fail when one semantic is changed in config.json (the window on the odd
 * layers, a window one wider, exact GELU, no soft-cap), so they can tell. */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include "kernels/cpu.h"
#include "parity_util.h"

static const char *const models[] = {"tiny-gemma-mqa", "tiny-gemma2"};

static const char *gdir(const char *name)
{
    static char buf[2][4096];
    static int slot;
    char *b = buf[slot++ & 1];
    snprintf(b, 4096, "%s/golden/hf/%s", getenv("SEA_SHARED"), name);
    return b;
}

static const char *golden_of(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/golden.safetensors", gdir(name));
    return buf;
}

START_TEST(test_parity)
{
    double w = pu_check_model(gdir(models[_i]), golden_of(models[_i]), 2);
    fprintf(stderr, "%s: worst tensor %.2g of max-abs\n", models[_i], w);
}
END_TEST

START_TEST(test_parity_one_thread_scalar)
{
    sea_simd prev = sea__simd_force(SEA_SIMD_SCALAR);
    pu_check_model(gdir(models[_i]), golden_of(models[_i]), 1);
    sea__simd_force(prev);
}
END_TEST

/* A copy of a golden model directory (weights linked) whose config.json has `from` replaced
 * by `to`; the largest relative logit error of sequence 0 against the golden. */
static double variant_error(const char *name, const char *from, const char *to)
{
    char tmpl[] = "/tmp/sea-gemma-XXXXXX", src[4096], dst[4096], *text, *p;
    const char *dir = mkdtemp(tmpl);
    sea_model *m;
    sea_ctx *c;
    sea_err err;
    sea_st_file *g;
    const float *logits;
    int32_t *ids;
    int T;
    long len;
    double e;
    FILE *f;
    ck_assert_ptr_nonnull(dir);
    snprintf(src, sizeof src, "%s/model.safetensors", gdir(name));
    snprintf(dst, sizeof dst, "%s/model.safetensors", dir);
    ck_assert_int_eq(symlink(src, dst), 0);
    snprintf(src, sizeof src, "%s/config.json", gdir(name));
    f = fopen(src, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = calloc(1, (size_t)len + 1);
    ck_assert_int_eq((long)fread(text, 1, (size_t)len, f), len);
    fclose(f);
    p = strstr(text, from);
    ck_assert_msg(p != NULL, "config.json has no '%s'", from);
    snprintf(dst, sizeof dst, "%s/config.json", dir);
    f = fopen(dst, "w");
    fprintf(f, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
    fclose(f);
    free(text);
    ck_assert_msg(sea_model_open(&m, dir, &err) == SEA_OK, "%s", err.msg);
    ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
    ck_assert_int_eq(sea_st_open(&g, golden_of(name), &err), SEA_OK);
    ids = pu_ids(sea_st_find(g, "input_ids.0"), &T);
    ck_assert_int_eq(sea_forward(c, ids, T, SEA_LOGITS_ALL, &logits, &err), SEA_OK);
    e = rel_max_err(logits, (const float *)sea_st_find(g, "logits.0")->data, sea_st_find(g, "logits.0")->n_elements,
                    1e-30);
    free(ids);
    sea_st_close(g);
    sea_ctx_free(c);
    sea_model_close(m);
    unlink(dst);
    snprintf(dst, sizeof dst, "%s/model.safetensors", dir);
    unlink(dst);
    rmdir(dir);
    return e;
}

START_TEST(test_mistakes_are_seen)
{
    static const struct { const char *model, *from, *to, *what; } cases[] = {
        {"tiny-gemma2", "\"sliding_window\": 8", "\"sliding_window\": 9", "a window one key wider"},
        {"tiny-gemma2", "\"sliding_window\": 8", "\"sliding_window\": 7", "a window one key narrower"},
        {"tiny-gemma2", "\"sliding_window\": 8",
         "\"sliding_window\": 8, \"layer_types\": [\"full_attention\", \"sliding_attention\", \"full_attention\", "
         "\"sliding_attention\"]",
         "the window on the odd layers"},
        {"tiny-gemma2", "\"sliding_window\": 8", "\"sliding_window\": null", "no window"},
        {"tiny-gemma2", "\"attn_logit_softcapping\": 50.0", "\"attn_logit_softcapping\": null", "no attention soft-cap"},
        {"tiny-gemma2", "\"final_logit_softcapping\": 30.0", "\"final_logit_softcapping\": null", "no final soft-cap"},
        {"tiny-gemma2", "\"query_pre_attn_scalar\": 16", "\"query_pre_attn_scalar\": 32", "the head_dim scale"},
        {"tiny-gemma2", "\"hidden_activation\": \"gelu_pytorch_tanh\"", "\"hidden_activation\": \"gelu\"", "exact GELU"},
        {"tiny-gemma-mqa", "\"hidden_act\": \"gelu\"", "\"hidden_act\": \"gelu\", \"hidden_activation\": \"gelu\"",
         "exact GELU"},
        {"tiny-gemma-mqa", "\"rope_theta\": 10000.0", "\"rope_theta\": 20000.0", "another RoPE base"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double e = variant_error(cases[i].model, cases[i].from, cases[i].to);
        ck_assert_msg(e > PARITY_TOL, "%s with %s still matches the golden (%.3g)", cases[i].model, cases[i].what, e);
    }
    /* and the unchanged config passes through the same path */
    ck_assert_double_le(variant_error("tiny-gemma2", "\"sliding_window\": 8", "\"sliding_window\": 8"), PARITY_TOL);
    ck_assert_double_le(variant_error("tiny-gemma2", "\"sliding_window\": 8",
                                      "\"sliding_window\": 8, \"layer_types\": [\"sliding_attention\", "
                                      "\"full_attention\", \"sliding_attention\", \"full_attention\"]"),
                        PARITY_TOL);
}
END_TEST

/* Sliding window during decoding: each one-token step equals the same row of one batched
 * call, far past the window (within 1e-5 of max-abs: a one-row call takes the decode matmul
 * kernel, whose float32 rounding differs by ~1e-6 here; a window off by one key moves logits
 * by more than 1e-4), and the batched call is bit-identical on 1 and 2 threads. */
START_TEST(test_window_decode_equals_batch)
{
    sea_model *m;
    sea_ctx *c;
    sea_err err;
    int32_t ids[60];
    const float *l;
    float *full, *one;
    int nv;
    for (int i = 0; i < 60; i++) ids[i] = 3 + (i * 37) % 500;
    ck_assert_int_eq(sea_model_open(&m, gdir("tiny-gemma2"), &err), SEA_OK);
    nv = sea_model_config(m)->n_vocab;
    full = malloc((size_t)60 * (size_t)nv * sizeof(float));
    one = malloc((size_t)60 * (size_t)nv * sizeof(float));
    for (int th = 1; th <= 2; th++) {
        sea_ctx_params p = sea_ctx_default_params();
        p.n_threads = th;
        ck_assert_int_eq(sea_ctx_new(&c, m, &p, &err), SEA_OK);
        ck_assert_int_eq(sea_ctx_n_ctx(c), 4096); /* no longer capped to the window */
        ck_assert_int_eq(sea_forward(c, ids, 60, SEA_LOGITS_ALL, &l, &err), SEA_OK);
        if (th == 1) memcpy(full, l, (size_t)60 * (size_t)nv * sizeof(float));
        else ck_assert_msg(memcmp(full, l, (size_t)60 * (size_t)nv * sizeof(float)) == 0, "1 and 2 threads differ");
        sea_ctx_truncate(c, 0);
        for (int t = 0; t < 60; t++) {
            ck_assert_int_eq(sea_forward(c, ids + t, 1, SEA_LOGITS_LAST, &l, &err), SEA_OK);
            memcpy(one + (size_t)t * (size_t)nv, l, (size_t)nv * sizeof(float));
        }
        { double e_ = rel_max_err(one, full, (size_t)60 * (size_t)nv, 1e-30); ck_assert_msg(e_ <= 1e-5, "decode differs from batch by %.3g", e_); }
        sea_ctx_free(c);
    }
    free(full);
    free(one);
    sea_model_close(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parity_gemma");
    TCase *tc = tcase_create("gemma");
    SKIP_UNLESS_SHARED();
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_parity, 0, 2);
    tcase_add_loop_test(tc, test_parity_one_thread_scalar, 0, 2);
    tcase_add_test(tc, test_mistakes_are_seen);
    tcase_add_test(tc, test_window_decode_equals_batch);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
