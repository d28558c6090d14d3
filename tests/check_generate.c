/* tests/check_generate.c: the sampler (greedy, temperature, top-k, top-p, min-p, repetition
 * penalty, seeds) with real statistics, and the generation loop (EOS stop, n_predict). */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "core/internal.h"
#include "testutil.h"

static sea_sampler *mk(sea_sampler_params p, int n)
{
    sea_sampler *s;
    sea_err err;
    ck_assert_msg(sea_sampler_new(&s, &p, n, &err) == SEA_OK, "%s", err.msg);
    return s;
}

START_TEST(test_greedy_and_ties)
{
    float l[5] = {0.5f, 2.0f, -1.0f, 2.0f, 1.0f};
    sea_sampler *s = mk(sea_sampler_default_params(), 5);
    ck_assert_int_eq(sea_sampler_next(s, l, NULL, 0), 1); /* first maximum, as torch.argmax */
    sea_sampler_free(s);
}
END_TEST

START_TEST(test_distribution)
{
    /* probabilities 0.5, 0.3, 0.2: frequencies over 20000 draws within 0.015 */
    float l[3] = {logf(0.5f), logf(0.3f), logf(0.2f)};
    sea_sampler_params p = sea_sampler_default_params();
    int cnt[3] = {0, 0, 0};
    sea_sampler *s;
    p.greedy = 0;
    p.seed = 7;
    s = mk(p, 3);
    for (int i = 0; i < 20000; i++) cnt[sea_sampler_next(s, l, NULL, 0)]++;
    ck_assert_msg(fabs(cnt[0] / 20000.0 - 0.5) < 0.015 && fabs(cnt[1] / 20000.0 - 0.3) < 0.015 &&
                      fabs(cnt[2] / 20000.0 - 0.2) < 0.015,
                  "frequencies %d %d %d", cnt[0], cnt[1], cnt[2]);
    sea_sampler_free(s);
    /* temperature 0.5 squares the odds: 25:9:4 */
    p.temperature = 0.5f;
    s = mk(p, 3);
    memset(cnt, 0, sizeof cnt);
    for (int i = 0; i < 20000; i++) cnt[sea_sampler_next(s, l, NULL, 0)]++;
    ck_assert_msg(fabs(cnt[0] / 20000.0 - 25.0 / 38) < 0.015 && fabs(cnt[2] / 20000.0 - 4.0 / 38) < 0.015,
                  "temperature frequencies %d %d %d", cnt[0], cnt[1], cnt[2]);
    sea_sampler_free(s);
}
END_TEST

START_TEST(test_filters)
{
    float l[4] = {logf(0.4f), logf(0.3f), logf(0.2f), logf(0.1f)};
    sea_sampler_params p = sea_sampler_default_params();
    sea_sampler *s;
    int seen[4];
    p.greedy = 0;
    /* top-k 2: only the two most likely */
    p.top_k = 2;
    s = mk(p, 4);
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < 3000; i++) seen[sea_sampler_next(s, l, NULL, 0)]++;
    ck_assert(seen[0] && seen[1] && !seen[2] && !seen[3]);
    sea_sampler_free(s);
    /* top-p 0.65: Hugging Face keeps {0.4, 0.3} (tail 0.1+0.2 = 0.3 <= 0.35 removed) */
    p.top_k = 0;
    p.top_p = 0.65f;
    s = mk(p, 4);
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < 3000; i++) seen[sea_sampler_next(s, l, NULL, 0)]++;
    ck_assert_msg(seen[0] && seen[1] && !seen[2] && !seen[3], "top-p kept %d %d %d %d", seen[0], seen[1], seen[2], seen[3]);
    sea_sampler_free(s);
    /* min-p 0.6: keep probabilities >= 0.24, i.e. {0.4, 0.3} */
    p.top_p = 1.0f;
    p.min_p = 0.6f;
    s = mk(p, 4);
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < 3000; i++) seen[sea_sampler_next(s, l, NULL, 0)]++;
    ck_assert(seen[0] && seen[1] && !seen[2] && !seen[3]);
    sea_sampler_free(s);
}
END_TEST

START_TEST(test_seed_reproducible)
{
    float l[50];
    sea_sampler_params p = sea_sampler_default_params();
    sea_sampler *a, *b, *c;
    int same = 1, differ = 0;
    for (int i = 0; i < 50; i++) l[i] = (float)((i * 37) % 11) * 0.3f;
    p.greedy = 0;
    p.seed = 1234;
    a = mk(p, 50);
    b = mk(p, 50);
    p.seed = 1235;
    c = mk(p, 50);
    for (int i = 0; i < 200; i++) {
        int x = sea_sampler_next(a, l, NULL, 0), y = sea_sampler_next(b, l, NULL, 0), z = sea_sampler_next(c, l, NULL, 0);
        same &= x == y;
        differ |= x != z;
    }
    ck_assert(same && differ);
    sea_sampler_free(a), sea_sampler_free(b), sea_sampler_free(c);
}
END_TEST

START_TEST(test_repetition_penalty)
{
    /* HF: seen positive logits divided, negative multiplied; unseen untouched */
    float l[3] = {3.0f, 2.0f, -1.0f};
    int32_t hist[3] = {0, 0, 2};
    sea_sampler_params p = sea_sampler_default_params();
    sea_sampler *s;
    p.repeat_penalty = 2.0f; /* 3 -> 1.5 < 2: token 1 wins */
    s = mk(p, 3);
    ck_assert_int_eq(sea_sampler_next(s, l, hist, 3), 1);
    ck_assert_int_eq(sea_sampler_next(s, l, NULL, 0), 0); /* no history: no penalty */
    sea_sampler_free(s);
    p.repeat_penalty = 1.4f; /* 3 -> 2.14 > 2 */
    s = mk(p, 3);
    ck_assert_int_eq(sea_sampler_next(s, l, hist, 3), 0);
    sea_sampler_free(s);
}
END_TEST

START_TEST(test_bad_params)
{
    sea_sampler_params p = sea_sampler_default_params();
    sea_sampler *s;
    sea_err err;
    p.greedy = 0;
    p.temperature = 0;
    ck_assert_int_eq(sea_sampler_new(&s, &p, 10, &err), SEA_ERR_ARG);
    p.temperature = 1;
    p.top_p = 0;
    ck_assert_int_eq(sea_sampler_new(&s, &p, 10, &err), SEA_ERR_ARG);
    p.top_p = 1;
    p.min_p = 1;
    ck_assert_int_eq(sea_sampler_new(&s, &p, 10, &err), SEA_ERR_ARG);
}
END_TEST

START_TEST(test_generate_stops)
{
    /* greedy after [1, 1131, 323, 2641] is 333 323 880 2071 323 644 ... (Hugging Face golden) */
    int32_t prompt[4] = {1, 1131, 323, 2641}, *out;
    size_t n;
    sea_model *m;
    sea_ctx *c;
    sea_err err;
    sea_generate_params gp = sea_generate_default_params();
    /* a copy of kjv-demo whose EOS is a token the greedy continuation produces */
    const char *dir = tmp_model_variant("\"eos_token_id\": 2", "\"eos_token_id\": 644");
    ck_assert_msg(sea_model_open(&m, dir, &err) == SEA_OK, "%s", err.msg);
    ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
    gp.n_predict = 20;
    ck_assert_int_eq(sea_generate(c, prompt, 4, &gp, NULL, NULL, &out, &n, &err), SEA_OK);
    ck_assert_uint_eq(n, 5); /* stops before the EOS, which is not returned */
    ck_assert_int_eq(out[0], 333);
    ck_assert_int_eq(out[4], 323);
    sea_free(out);
    sea_ctx_truncate(c, 0);
    gp.ignore_eos = 1;
    gp.n_predict = 7;
    ck_assert_int_eq(sea_generate(c, prompt, 4, &gp, NULL, NULL, &out, &n, &err), SEA_OK);
    ck_assert_uint_eq(n, 7);
    ck_assert_int_eq(out[5], 644);
    ck_assert_int_eq(sea_ctx_n_past(c), 4 + 7 - 1); /* the last token is not fed back */
    sea_free(out);
    sea_ctx_free(c);
    sea_model_close(m);
    tmp_model_remove(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("generate");
    TCase *tc = tcase_create("sampler");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_greedy_and_ties);
    tcase_add_test(tc, test_distribution);
    tcase_add_test(tc, test_filters);
    tcase_add_test(tc, test_seed_reproducible);
    tcase_add_test(tc, test_repetition_penalty);
    tcase_add_test(tc, test_bad_params);
    tcase_add_test(tc, test_generate_stops);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
