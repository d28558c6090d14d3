/* tests/check_provenance.c: provenance of activations and projections on kjv-demo:
 *   a trace records the model identity (shapes, config.json and weight-sample SHA-256),
 *   template, site, demos and N; it survives save/open, sea_fit and sea_proj_save/open;
 *   the editor refuses another model (same shapes, other config), another site and another
 *   template, naming both sides, and only warns with force; files without provenance load;
 *   sea_fit refuses a lone shard, k > N and a no-op fit (k+ = k- = 0) with an explanation;
 *   --center stores the base means and the edit is μ-centred (checked against a direct
 *   computation with merge "sum"). */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "testutil.h"

static sea_acts *trace(sea_model *m, sea_site site, size_t si, size_t sn)
{
    sea_tokenizer *tok;
    sea_demos *d;
    sea_acts *a;
    sea_err err;
    sea_trace_params tp = sea_trace_default_params();
    ck_assert_int_eq(sea_tokenizer_open(&tok, model_dir("kjv-demo"), &err), SEA_OK);
    ck_assert_int_eq(sea_demos_load(&d, fixture("sea/demos.jsonl"), &err), SEA_OK);
    tp.site = site;
    tp.max_new_tokens = 2;
    tp.n_threads = 2;
    tp.shard_i = si;
    tp.shard_n = sn;
    ck_assert_msg(sea_trace(&a, m, tok, d, &tp, &err) == SEA_OK, "%s", err.msg);
    sea_demos_free(d);
    sea_tokenizer_close(tok);
    return a;
}

static sea_proj *fit(const sea_acts *a, int center)
{
    sea_proj *p;
    sea_err err;
    sea_fit_params fp = sea_fit_default_params();
    fp.center = center;
    ck_assert_msg(sea_fit(&p, a, &fp, &err) == SEA_OK, "%s", err.msg);
    return p;
}

static void quiet_log(const char *msg, void *user)
{
    (*(int *)user)++;
    (void)msg;
}

START_TEST(test_recorded_and_checked)
{
    sea_model *m, *other;
    sea_err err;
    sea_acts *a = NULL, *b = NULL;
    sea_proj *p, *q;
    sea_editor *ed = NULL;
    sea_edit_params ep = sea_edit_default_params();
    char path[] = "/tmp/sea-prov-XXXXXX", ppath[] = "/tmp/sea-provp-XXXXXX";
    const char *variant;
    int fd, warned = 0;
    ck_assert_int_eq(sea_model_open(&m, model_dir("kjv-demo"), &err), SEA_OK);
    a = trace(m, SEA_SITE_MLP, 0, 1);
    ck_assert_ptr_nonnull(sea_acts_provenance(a));
    ck_assert_ptr_nonnull(strstr(sea_acts_provenance(a), "\"config_sha256\":\""));
    ck_assert_ptr_nonnull(strstr(sea_acts_provenance(a), "\"weights_sample_sha256\":\""));
    ck_assert_ptr_nonnull(strstr(sea_acts_provenance(a), "\"d\":256,\"n_layer\":6"));
    ck_assert_ptr_nonnull(strstr(sea_acts_provenance(a), "\"template\":\"none\""));
    ck_assert_ptr_nonnull(strstr(sea_acts_provenance(a), "\"n_demos\":48"));
    fd = mkstemp(path);
    close(fd);
    ck_assert_int_eq(sea_acts_save(a, path, &err), SEA_OK);
    ck_assert_int_eq(sea_acts_open(&b, path, &err), SEA_OK);
    ck_assert_str_eq(sea_acts_provenance(b), sea_acts_provenance(a));
    p = fit(b, 0);
    ck_assert_str_eq(sea_proj_provenance(p), sea_acts_provenance(a));
    fd = mkstemp(ppath);
    close(fd);
    ck_assert_int_eq(sea_proj_save(p, ppath, &err), SEA_OK);
    ck_assert_int_eq(sea_proj_open(&q, ppath, &err), SEA_OK);
    ck_assert_str_eq(sea_proj_provenance(q), sea_acts_provenance(a));
    /* the same model and template: accepted */
    ep.template_name = "none";
    ck_assert_msg(sea_editor_new(&ed, q, m, &ep, &err) == SEA_OK, "%s", err.msg);
    sea_editor_free(ed);
    /* another template */
    ep.template_name = "llama2-chat";
    ck_assert_int_eq(sea_editor_new(&ed, q, m, &ep, &err), SEA_ERR_MISMATCH);
    ck_assert_msg(strstr(err.msg, "template 'none'") && strstr(err.msg, "'llama2-chat'") && strstr(err.msg, "--force"), "%s", err.msg);
    ep.force = 1;
    sea_set_log(quiet_log, &warned);
    ck_assert_int_eq(sea_editor_new(&ed, q, m, &ep, &err), SEA_OK);
    sea_set_log_default();
    ck_assert_int_eq(warned, 1);
    sea_editor_free(ed);
    ep.force = 0;
    ep.template_name = NULL;
    /* another model of the same shapes (a copy whose config differs) */
    variant = tmp_model_variant("\"eos_token_id\": 2", "\"eos_token_id\": 3");
    ck_assert_int_eq(sea_model_open(&other, variant, &err), SEA_OK);
    ck_assert_int_eq(sea_editor_new(&ed, q, other, &ep, &err), SEA_ERR_MISMATCH);
    ck_assert_msg(strstr(err.msg, "fitted on model 'kjv-demo'") && strstr(err.msg, "config.json sha256"), "%s", err.msg);
    sea_model_close(other);
    tmp_model_remove(variant);
    sea_proj_free(q);
    sea_proj_free(p);
    sea_acts_free(b);
    sea_acts_free(a);
    /* another site */
    a = trace(m, SEA_SITE_RESIDUAL, 0, 1);
    p = fit(a, 0);
    ck_assert_int_eq(sea_editor_new(&ed, p, m, &ep, &err), SEA_ERR_MISMATCH);
    ck_assert_msg(strstr(err.msg, "site 'residual'") != NULL, "%s", err.msg);
    sea_proj_free(p);
    sea_acts_free(a);
    /* no provenance (the reference activations): loads, fits, edits */
    ck_assert_int_eq(sea_acts_open(&a, fixture("sea/acts-mlp.safetensors"), &err), SEA_OK);
    ck_assert_ptr_null(sea_acts_provenance(a));
    p = fit(a, 0);
    ck_assert_ptr_null(sea_proj_provenance(p));
    ck_assert_int_eq(sea_editor_new(&ed, p, m, &ep, &err), SEA_OK);
    sea_editor_free(ed);
    sea_proj_free(p);
    sea_acts_free(a);
    unlink(path);
    unlink(ppath);
    sea_model_close(m);
}
END_TEST

START_TEST(test_fit_refusals)
{
    sea_model *m;
    sea_err err;
    sea_acts *a;
    sea_proj *p = NULL;
    sea_fit_params fp = sea_fit_default_params();
    ck_assert_int_eq(sea_model_open(&m, model_dir("kjv-demo"), &err), SEA_OK);
    a = trace(m, SEA_SITE_MLP, 1, 3);
    ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "shard 1/3") && strstr(err.msg, "sea merge"), "%s", err.msg);
    ck_assert_ptr_null(p);
    sea_acts_free(a);
    ck_assert_int_eq(sea_acts_open(&a, fixture("sea/acts-mlp.safetensors"), &err), SEA_OK);
    fp.k_neg = 49;
    ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "k_neg = 49") && strstr(err.msg, "only 48 demonstrations"), "%s", err.msg);
    fp.k_pos = fp.k_neg = 0;
    ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "k+ = k- = 0 on every layer") != NULL, "%s", err.msg);
    fp.k_pos = 1; /* one direction on one side is an edit */
    ck_assert_int_eq(sea_fit(&p, a, &fp, &err), SEA_OK);
    sea_proj_free(p);
    sea_acts_free(a);
    sea_model_close(m);
}
END_TEST

START_TEST(test_center_means_used)
{
    sea_model *m;
    sea_err err;
    sea_acts *a;
    sea_proj *p, *q;
    sea_editor *ed;
    sea_edit_params ep = sea_edit_default_params();
    char path[] = "/tmp/sea-provc-XXXXXX";
    const float *mu, *up, *un, *base;
    size_t kp, kn, d = 256, N;
    float z[256], mine[256];
    double e = 0, mx = 0;
    int fd;
    ck_assert_int_eq(sea_model_open(&m, model_dir("kjv-demo"), &err), SEA_OK);
    ck_assert_int_eq(sea_acts_open(&a, fixture("sea/acts-mlp.safetensors"), &err), SEA_OK);
    p = fit(a, 1);
    fd = mkstemp(path);
    close(fd);
    ck_assert_int_eq(sea_proj_save(p, path, &err), SEA_OK);
    ck_assert_int_eq(sea_proj_open(&q, path, &err), SEA_OK);
    mu = sea_proj_mean(q, 5);
    ck_assert_ptr_nonnull(mu);
    /* μ is the mean of the base activations of layer 5 */
    base = sea_acts_view(a, SEA_ACTS_BASE);
    N = sea_acts_n(a);
    for (size_t i = 0; i < d; i++) {
        double s = 0;
        for (size_t n = 0; n < N; n++) s += base[(n * 6 + 5) * d + i];
        ck_assert_msg(fabs(s / (double)N - mu[i]) <= 1e-5 * (1 + fabs(s / (double)N)), "mean %zu", i);
    }
    /* merge sum: s = μ + U+U+ᵀ(z − μ) + z − U-U-ᵀ(z − μ) */
    ep.merge = SEA_MERGE_SUM;
    ep.layers = "last:1";
    ck_assert_int_eq(sea_editor_new(&ed, q, m, &ep, &err), SEA_OK);
    for (size_t i = 0; i < d; i++) z[i] = base[(3 * 6 + 5) * d + i] + 0.1f * (float)sin((double)i);
    memcpy(mine, z, sizeof z);
    ck_assert_int_eq(sea_editor_apply(ed, 5, mine, 1, 1, &err), SEA_OK);
    up = sea_proj_u_pos(q, 5, &kp);
    un = sea_proj_u_neg(q, 5, &kn);
    for (size_t i = 0; i < d; i++) {
        double want = (double)mu[i] + z[i];
        for (size_t j = 0; j < kp; j++) {
            double c = 0;
            for (size_t t = 0; t < d; t++) c += (double)up[t * kp + j] * (z[t] - mu[t]);
            want += up[i * kp + j] * c;
        }
        for (size_t j = 0; j < kn; j++) {
            double c = 0;
            for (size_t t = 0; t < d; t++) c += (double)un[t * kn + j] * (z[t] - mu[t]);
            want -= un[i * kn + j] * c;
        }
        e = fmax(e, fabs(want - mine[i]));
        mx = fmax(mx, fabs(want));
    }
    ck_assert_msg(e <= 1e-4 * mx, "centred edit off by %.3g (max %.3g)", e, mx);
    sea_editor_free(ed);
    sea_proj_free(q);
    sea_proj_free(p);
    sea_acts_free(a);
    unlink(path);
    sea_model_close(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("provenance");
    TCase *tc = tcase_create("provenance");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_recorded_and_checked);
    tcase_add_test(tc, test_fit_refusals);
    tcase_add_test(tc, test_center_means_used);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
