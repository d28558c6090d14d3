/* tests/check_edit_scale.c: edit strength λ (sea_edit_params.scale, --edit-scale) on kjv-demo
 * with the linear-k0.99 projection fitted from tests/fixtures/sea/acts-mlp:
 *   λ = 1 gives logits bit-identical to the default edit, λ = 0 bit-identical to no edit
 *   (every merge), and for λ = 0.5, -1, 2.5 the edited MLP output is z + λ (edit(z) - z)
 *   within 1e-6 of its scale; out-of-range λ is refused. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

static sea_proj *fitted(void)
{
    sea_acts *a;
    sea_proj *p;
    sea_err err;
    sea_fit_params fp = sea_fit_default_params();
    ck_assert_int_eq(sea_acts_open(&a, fixture("sea/acts-mlp.safetensors"), &err), SEA_OK);
    ck_assert_msg(sea_fit(&p, a, &fp, &err) == SEA_OK, "%s", err.msg);
    sea_acts_free(a);
    return p;
}

/* logits [T, n_vocab] of one forward call (copied), edited with (merge, scale) or not (p NULL) */
static float *run(sea_model *m, const sea_proj *p, sea_merge merge, double scale, const int32_t *ids, int T)
{
    sea_ctx *c;
    sea_editor *ed = NULL;
    sea_err err;
    const float *logits;
    size_t n = (size_t)T * (size_t)sea_model_config(m)->n_vocab;
    float *out = malloc(n * sizeof *out);
    ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
    if (p) {
        sea_edit_params ep = sea_edit_default_params();
        ep.merge = merge;
        ep.layers = "last:3";
        if (scale == scale) ep.scale = scale; /* NaN: leave the default */
        ck_assert_msg(sea_editor_new(&ed, p, m, &ep, &err) == SEA_OK, "%s", err.msg);
        ck_assert_int_eq(sea_editor_attach(ed, c, &err), SEA_OK);
    }
    ck_assert_int_eq(sea_forward(c, ids, T, SEA_LOGITS_ALL, &logits, &err), SEA_OK);
    memcpy(out, logits, n * sizeof *out);
    sea_ctx_free(c);
    sea_editor_free(ed);
    return out;
}

START_TEST(test_identities)
{
    static const int32_t ids[12] = {1, 200, 31, 400, 77, 1024, 9, 15, 3000, 61, 8, 512};
    sea_model *m;
    sea_err err;
    sea_proj *p = fitted();
    size_t n;
    float *none;
    ck_assert_msg(sea_model_open(&m, model_dir("kjv-demo"), &err) == SEA_OK, "%s", err.msg);
    n = 12 * (size_t)sea_model_config(m)->n_vocab;
    none = run(m, NULL, SEA_MERGE_SEQ_NORM, 0, ids, 12);
    for (int mg = 0; mg < 4; mg++) {
        float *dflt = run(m, p, (sea_merge)mg, NAN, ids, 12);
        float *one = run(m, p, (sea_merge)mg, 1.0, ids, 12);
        float *zero = run(m, p, (sea_merge)mg, 0.0, ids, 12);
        double moved = 0;
        ck_assert_msg(memcmp(dflt, one, n * sizeof *one) == 0, "merge %d: scale 1 differs from the edit", mg);
        ck_assert_msg(memcmp(none, zero, n * sizeof *zero) == 0, "merge %d: scale 0 differs from no edit", mg);
        for (size_t i = 0; i < n; i++) moved = fmax(moved, fabs((double)dflt[i] - none[i]));
        ck_assert_msg(moved > 1e-3, "merge %d: the edit does not change the logits (%.3g)", mg, moved);
        free(dflt);
        free(one);
        free(zero);
    }
    free(none);
    sea_proj_free(p);
    sea_model_close(m);
}
END_TEST

START_TEST(test_interpolation)
{
    static const double lams[3] = {0.5, -1.0, 2.5};
    sea_model *m;
    sea_err err;
    sea_proj *p = fitted();
    int d, T = 5;
    float *z, *full, *mine;
    sea_editor *ed1;
    ck_assert_msg(sea_model_open(&m, model_dir("kjv-demo"), &err) == SEA_OK, "%s", err.msg);
    d = sea_model_config(m)->d;
    z = malloc((size_t)T * d * sizeof *z);
    full = malloc((size_t)T * d * sizeof *z);
    mine = malloc((size_t)T * d * sizeof *z);
    for (int i = 0; i < T * d; i++) z[i] = (float)sin(0.37 * i) * (1.0f + (float)(i % 7));
    for (int mg = 0; mg < 4; mg++) {
        sea_edit_params ep = sea_edit_default_params();
        ep.merge = (sea_merge)mg;
        ck_assert_int_eq(sea_editor_new(&ed1, p, m, &ep, &err), SEA_OK);
        memcpy(full, z, (size_t)T * d * sizeof *z);
        ck_assert_int_eq(sea_editor_apply(ed1, 5, full, T, 1, &err), SEA_OK);
        for (int k = 0; k < 3; k++) {
            sea_editor *ed;
            double mx = 0, e = 0;
            ep.scale = lams[k];
            ck_assert_int_eq(sea_editor_new(&ed, p, m, &ep, &err), SEA_OK);
            memcpy(mine, z, (size_t)T * d * sizeof *z);
            ck_assert_int_eq(sea_editor_apply(ed, 5, mine, T, 1, &err), SEA_OK);
            for (int i = 0; i < T * d; i++) {
                double want = z[i] + lams[k] * ((double)full[i] - z[i]);
                mx = fmax(mx, fabs(want));
                e = fmax(e, fabs(want - mine[i]));
            }
            ck_assert_msg(e <= 1e-6 * mx, "merge %d, scale %g: off by %.3g (max %.3g)", mg, lams[k], e, mx);
            sea_editor_free(ed);
        }
        sea_editor_free(ed1);
    }
    {
        sea_edit_params ep = sea_edit_default_params();
        sea_editor *ed = NULL;
        ep.scale = NAN;
        ck_assert_int_eq(sea_editor_new(&ed, p, m, &ep, &err), SEA_ERR_ARG);
        ep.scale = 1e4;
        ck_assert_int_eq(sea_editor_new(&ed, p, m, &ep, &err), SEA_ERR_ARG);
        ck_assert_msg(strstr(err.msg, "edit scale") != NULL, "%s", err.msg);
    }
    free(z);
    free(full);
    free(mine);
    sea_proj_free(p);
    sea_model_close(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("edit_scale");
    TCase *tc = tcase_create("edit_scale");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_identities);
    tcase_add_test(tc, test_interpolation);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
