/* tests/check_pt.c: the SEA authors' projections (.pt files written by torch.save, made by
 * tools/make_pt_fixtures.py into tests/fixtures/pt):
 *   import  stacked / dict / OrderedDict / list / Parameter float16 / protocol 4 / strided view
 *           -> U Uᵀ equal to the stored projector within 1e-5 (float16: 2e-3), the negative
 *           file's complement, the ranks the fixture was built with, sea-args.json settings;
 *   edit    kjv-demo's linear-k0.99 projection in the authors' layout -> edited logits equal to
 *           the reference implementation's within 1e-4 of max-abs (4 merges x last 1, 3);
 *   export  back to .pt and imported again -> the same spaces within 1e-5;
 *   hostile bad zip, legacy pickle, compression, disallowed opcodes and GLOBALs, storages and
 *           tensors past their end, huge shapes, non-projectors -> refused with the reason. */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "core/internal.h"
#include "io/pt_internal.h"
#include "testutil.h"

static sea_proj *import(const char *pos, const char *neg, const char *args)
{
    sea_proj *p = NULL;
    sea_err err;
    sea_proj_import_params ip = sea_proj_import_default_params();
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s", fixture(pos));
    snprintf(b, sizeof b, "%s", fixture(neg));
    ip.args_path = args ? fixture(args) : NULL;
    ck_assert_msg(sea_proj_import_pt(&p, a, b, &ip, &err) == SEA_OK, "%s", err.msg);
    return p;
}

/* max |U Uᵀ − M_l| over the layer, M_l read from the stacked .pt (complement when neg). */
static double layer_diff(const sea_proj *p, size_t l, int neg, const char *stacked_pt)
{
    sea__pt_file *f;
    sea_err err;
    size_t d = sea_proj_d(p), k;
    const float *u = neg ? sea_proj_u_neg(p, l, &k) : sea_proj_u_pos(p, l, &k);
    const sea__pt_tensor *t;
    double worst = 0;
    ck_assert_msg(sea__pt_open(&f, fixture(stacked_pt), &err) == SEA_OK, "%s", err.msg);
    t = &sea__pt_root(f)->t;
    ck_assert_int_eq(sea__pt_root(f)->kind, SEA__PT_TENSOR);
    ck_assert_int_eq(t->rank, 3);
    ck_assert_uint_eq(t->shape[1], d);
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) {
            double s = 0, m = sea__pt_elem(t, t->offset + l * t->stride[0] + i * t->stride[1] + j * t->stride[2]);
            for (size_t q = 0; q < k; q++) s += (double)u[i * k + q] * u[j * k + q];
            if (neg) m = (i == j) - m;
            if (fabs(s - m) > worst) worst = fabs(s - m);
        }
    sea__pt_close(f);
    return worst;
}

START_TEST(test_import_layouts)
{
    static const struct {
        const char *pos, *neg;
        double tol;
    } cases[] = {
        {"pt/small_uu_positive.pt", "pt/small_uu_negative.pt", 1e-5},
        {"pt/small_dict_pos.pt", "pt/small_dict_neg.pt", 1e-5},
        {"pt/small_list_pos.pt", "pt/small_odict_neg.pt", 1e-5},
        {"pt/small_proto4_pos.pt", "pt/small_param_f16_neg.pt", 2e-3},
        {"pt/small_view_pos.pt", "pt/small_uu_negative.pt", 1e-5},
    };
    static const size_t kp[3] = {2, 3, 4}, kn[3] = {1, 2, 3};
    for (size_t c = 0; c < SEA_ARRAY_LEN(cases); c++) {
        sea_proj *p = import(cases[c].pos, cases[c].neg, NULL);
        ck_assert_uint_eq(sea_proj_n_layer(p), 3);
        ck_assert_uint_eq(sea_proj_d(p), 12);
        ck_assert_str_eq(sea_proj_origin(p), "pt-import");
        for (size_t l = 0; l < 3; l++) {
            size_t k;
            double e;
            sea_proj_u_pos(p, l, &k);
            ck_assert_uint_eq(k, kp[l]);
            sea_proj_u_neg(p, l, &k);
            ck_assert_uint_eq(k, kn[l]);
            e = layer_diff(p, l, 0, "pt/small_uu_positive.pt");
            ck_assert_msg(e <= 1e-5, "case %zu layer %zu: |UU^T - P+| = %.3g", c, l, e);
            e = layer_diff(p, l, 1, "pt/small_uu_negative.pt");
            ck_assert_msg(e <= cases[c].tol, "case %zu layer %zu: |U-U-^T - (I - N)| = %.3g", c, l, e);
        }
        sea_proj_free(p);
    }
}
END_TEST

START_TEST(test_import_args_and_file)
{
    sea_proj *p = import("pt/small_uu_positive.pt", "pt/small_uu_negative.pt", "pt/small_sea-args.json"), *q;
    char path[] = "/tmp/sea-pt-XXXXXX";
    sea_err err;
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_uint_eq(sea_proj_n_demos(p), 40);
    ck_assert_double_eq_tol(sea_proj_k_ratio(p, SEA_PROJ_POS), 0.99, 1e-12);
    ck_assert_msg(strstr(sea_proj_source(p), "\"args\":\"small_sea-args.json\"") != NULL, "%s", sea_proj_source(p));
    ck_assert_int_eq(sea_proj_save(p, path, &err), SEA_OK);
    ck_assert_msg(sea_proj_open(&q, path, &err) == SEA_OK, "%s", err.msg);
    ck_assert_str_eq(sea_proj_origin(q), "pt-import");
    ck_assert_str_eq(sea_proj_source(q), sea_proj_source(p));
    for (size_t l = 0; l < 3; l++) {
        size_t k1, k2;
        const float *a = sea_proj_u_neg(p, l, &k1), *b = sea_proj_u_neg(q, l, &k2);
        ck_assert_uint_eq(k1, k2);
        ck_assert_int_eq(memcmp(a, b, 12 * k1 * sizeof(float)), 0);
    }
    sea_proj_free(q);
    sea_proj_free(p);
    unlink(path);
}
END_TEST

START_TEST(test_import_kjv_matches_fit)
{
    sea_proj *p = import("pt/kjv_uu_positive.pt", "pt/kjv_uu_negative.pt", NULL), *fit;
    sea_acts *a;
    sea_err err;
    sea_fit_params fp = sea_fit_default_params();
    double worst = 0;
    ck_assert_int_eq(sea_acts_open(&a, fixture("sea/acts-mlp.safetensors"), &err), SEA_OK);
    ck_assert_int_eq(sea_fit(&fit, a, &fp, &err), SEA_OK);
    for (size_t l = 0; l < 6; l++) {
        size_t k1, k2;
        sea_proj_u_pos(p, l, &k1);
        sea_proj_u_pos(fit, l, &k2);
        ck_assert_uint_eq(k1, k2);
        sea_proj_u_neg(p, l, &k1);
        sea_proj_u_neg(fit, l, &k2);
        ck_assert_uint_eq(k1, k2);
        for (int neg = 0; neg < 2; neg++) {
            double e = layer_diff(p, l, neg, neg ? "pt/kjv_uu_negative.pt" : "pt/kjv_uu_positive.pt");
            ck_assert_msg(e <= 1e-5, "layer %zu %s: |UU^T - P| = %.3g", l, neg ? "neg" : "pos", e);
            if (e > worst) worst = e;
        }
    }
    fprintf(stderr, "kjv import: worst |UU^T - P| %.3g\n", worst);
    sea_proj_free(fit);
    sea_acts_free(a);
    sea_proj_free(p);
}
END_TEST

START_TEST(test_import_kjv_edit)
{
    static const char *const merges[4] = {"seq-norm", "token-norm", "average", "sum"};
    static const int rows[3] = {0, 6, 12};
    sea_proj *p = import("pt/kjv_uu_positive.pt", "pt/kjv_uu_negative.pt", NULL);
    sea_model *m;
    sea_st_file *g;
    sea_err err;
    int64_t ids64[64];
    int32_t ids[64];
    int T, nv;
    double worst = 0;
    ck_assert_msg(sea_model_open(&m, model_dir("kjv-demo"), &err) == SEA_OK, "%s", err.msg);
    nv = sea_model_config(m)->n_vocab;
    ck_assert_msg(sea_st_open(&g, fixture("sea/edited-logits-rows.safetensors"), &err) == SEA_OK, "%s", err.msg);
    T = (int)sea_st_find(g, "input_ids")->n_elements;
    ck_assert_int_eq(sea_st_read_i64(ids64, sea_st_find(g, "input_ids"), &err), SEA_OK);
    for (int t = 0; t < T; t++) ids[t] = (int32_t)ids64[t];
    for (int mg = 0; mg < 4; mg++)
        for (int L = 1; L <= 3; L += 2) {
            char name[96], spec[16];
            const sea_st_tensor *want;
            sea_editor *ed;
            sea_ctx *c;
            const float *logits, *w;
            double mx = 1e-30, e = 0;
            sea_edit_params ep = sea_edit_default_params();
            snprintf(name, sizeof name, "logits.linear-k0.99.%s.last%d", merges[mg], L);
            snprintf(spec, sizeof spec, "last:%d", L);
            want = sea_st_find(g, name);
            ck_assert_msg(want != NULL, "golden %s missing", name);
            w = want->data;
            ck_assert_int_eq(sea_merge_parse(&ep.merge, merges[mg], &err), SEA_OK);
            ep.layers = spec;
            ck_assert_msg(sea_editor_new(&ed, p, m, &ep, &err) == SEA_OK, "%s", err.msg);
            ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
            ck_assert_int_eq(sea_editor_attach(ed, c, &err), SEA_OK);
            ck_assert_int_eq(sea_forward(c, ids, T, SEA_LOGITS_ALL, &logits, &err), SEA_OK);
            for (int r = 0; r < 3; r++)
                for (int v = 0; v < nv; v++) {
                    double a = fabs((double)w[(size_t)r * (size_t)nv + (size_t)v]);
                    double d = fabs((double)logits[(size_t)rows[r] * (size_t)nv + (size_t)v] - (double)w[(size_t)r * (size_t)nv + (size_t)v]);
                    if (a > mx) mx = a;
                    if (!(d <= e)) e = d;
                }
            ck_assert_msg(e / mx <= 1e-4, "%s: imported edit differs by %.3g of max-abs", name, e / mx);
            if (e / mx > worst) worst = e / mx;
            sea_ctx_free(c);
            sea_editor_free(ed);
        }
    fprintf(stderr, "kjv imported edit: 8 settings, worst %.3g of max-abs\n", worst);
    sea_st_close(g);
    sea_model_close(m);
    sea_proj_free(p);
}
END_TEST

START_TEST(test_export_roundtrip)
{
    sea_proj *p = import("pt/small_uu_positive.pt", "pt/small_odict_neg.pt", NULL), *q;
    char dir[] = "/tmp/sea-ptx-XXXXXX", a[128], b[128];
    sea_err err;
    sea_proj_import_params ip = sea_proj_import_default_params();
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(a, sizeof a, "%s/uu_positive.pt", dir);
    snprintf(b, sizeof b, "%s/uu_negative.pt", dir);
    ck_assert_msg(sea_proj_export_pt(p, a, b, &err) == SEA_OK, "%s", err.msg);
    ck_assert_msg(sea_proj_import_pt(&q, a, b, &ip, &err) == SEA_OK, "%s", err.msg);
    for (size_t l = 0; l < 3; l++)
        for (int neg = 0; neg < 2; neg++) {
            size_t d = 12, k1, k2;
            const float *u1 = neg ? sea_proj_u_neg(p, l, &k1) : sea_proj_u_pos(p, l, &k1);
            const float *u2 = neg ? sea_proj_u_neg(q, l, &k2) : sea_proj_u_pos(q, l, &k2);
            ck_assert_uint_eq(k1, k2);
            for (size_t i = 0; i < d; i++)
                for (size_t j = 0; j < d; j++) {
                    double s1 = 0, s2 = 0;
                    for (size_t x = 0; x < k1; x++) {
                        s1 += (double)u1[i * k1 + x] * u1[j * k1 + x];
                        s2 += (double)u2[i * k2 + x] * u2[j * k2 + x];
                    }
                    ck_assert_msg(fabs(s1 - s2) <= 1e-5, "layer %zu: exported projector differs by %.3g", l, fabs(s1 - s2));
                }
        }
    sea_proj_free(q);
    sea_proj_free(p);
    unlink(a);
    unlink(b);
    rmdir(dir);
}
END_TEST

START_TEST(test_hostile)
{
    static const struct {
        const char *file, *want;
    } cases[] = {
        {"pt/bad_truncated.pt", "no end of central directory"},
        {"pt/bad_legacy.pt", "legacy format"},
        {"pt/bad_compressed.pt", "is compressed (method 8)"},
        {"pt/bad_global_os_system.pt", "GLOBAL 'os system' is not allowed"},
        {"pt/bad_builtins_eval.pt", "GLOBAL '__builtin__ eval' is not allowed"},
        {"pt/bad_opcode_inst.pt", "opcode 0x69 ('i') is not allowed"},
        {"pt/bad_storage_past_end.pt", "runs past its entry"},
        {"pt/bad_tensor_past_storage.pt", "reaches element 16 of a storage of 16"},
        {"pt/bad_huge_shape.pt", "overflow"},
        {"pt/bad_stack_leftover.pt", "STOP with 2 values"},
        {"pt/bad_untyped_storage.pt", "UntypedStorage' is not supported"},
        {"pt/bad_not_projector.pt", "layer 0 is not a projector"},
    };
    for (size_t c = 0; c < SEA_ARRAY_LEN(cases); c++) {
        sea_proj *p = (sea_proj *)1;
        sea_err err;
        char path[4096];
        sea_proj_import_params ip = sea_proj_import_default_params();
        snprintf(path, sizeof path, "%s", fixture(cases[c].file));
        sea_err_clear(&err);
        ck_assert_int_ne(sea_proj_import_pt(&p, path, fixture("pt/small_uu_negative.pt"), &ip, &err), SEA_OK);
        ck_assert_ptr_null(p);
        ck_assert_msg(strstr(err.msg, cases[c].want) != NULL, "%s: got '%s'", cases[c].file, err.msg);
        ck_assert_msg(strstr(err.msg, cases[c].file + 3) != NULL, "message does not name the file: %s", err.msg);
        ck_assert_ptr_null(strchr(err.msg, '\n'));
    }
    /* a pair whose widths differ */
    {
        sea_proj *p;
        sea_err err;
        char a[4096];
        snprintf(a, sizeof a, "%s", fixture("pt/kjv_uu_positive.pt"));
        ck_assert_int_eq(sea_proj_import_pt(&p, a, fixture("pt/small_uu_negative.pt"), NULL, &err), SEA_ERR_MISMATCH);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pt");
    TCase *tc = tcase_create("pt");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_import_layouts);
    tcase_add_test(tc, test_import_args_and_file);
    tcase_add_test(tc, test_import_kjv_matches_fit);
    tcase_add_test(tc, test_import_kjv_edit);
    tcase_add_test(tc, test_export_roundtrip);
    tcase_add_test(tc, test_hostile);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
