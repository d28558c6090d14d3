/* tests/check_bake.c: sea_bake (`sea bake`): a model whose down_proj weights carry a linear
 * edit must compute what the original computes with the edit hook, within 1e-4 of the logits'
 * max-abs: on the bundled kjv-demo (BF16, one file) with projections fitted on its traced
 * activations, and on the golden tiny-f16-sharded model (F16, three shards and an index) with
 * projections fitted on synthetic activations; sum and average merges, a layer subset, and
 * strength 0 (the unedited model). Refusals name their reason and leave nothing behind. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char tmp_root[64];

static void make_root(void)
{
    strcpy(tmp_root, "/tmp/sea-bake-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp_root));
}

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[4096];
    if (!d) return;
    while ((de = readdir(d)) != NULL) {
        struct stat sb;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) rm_tree(p);
        else unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* number of entries in the test root (to see that a failed bake left nothing) */
static int root_entries(void)
{
    DIR *d = opendir(tmp_root);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) n++;
    closedir(d);
    return n;
}

static sea_proj *fit(const sea_acts *a, sea_feature feature)
{
    sea_proj *p;
    sea_err err;
    sea_fit_params fp = sea_fit_default_params();
    fp.k_ratio_pos = fp.k_ratio_neg = 0.9;
    fp.feature = feature;
    ck_assert_msg(sea_fit(&p, a, &fp, &err) == SEA_OK, "%s", err.msg);
    return p;
}

/* activations with structure: base b, positive = b rotated a little, negative = b + noise */
static sea_acts *synthetic_acts(size_t n, size_t n_layer, size_t d)
{
    sea_acts *a;
    sea_err err;
    uint64_t s = 12345;
    float *P, *N, *B;
    ck_assert_int_eq(sea_acts_new(&a, n, n_layer, d, &err), SEA_OK);
    P = sea_acts_data(a, SEA_ACTS_POSITIVE);
    N = sea_acts_data(a, SEA_ACTS_NEGATIVE);
    B = sea_acts_data(a, SEA_ACTS_BASE);
    for (size_t i = 0; i < n * n_layer * d; i++) {
        double r[3];
        for (int k = 0; k < 3; k++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            r[k] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
        }
        B[i] = (float)r[0];
        P[i] = (float)(0.8 * r[0] + 0.2 * r[1]);
        N[i] = (float)(0.5 * r[0] + 0.5 * r[2]);
    }
    return a;
}

/* logits [T, vocab] of ids on dir, with an edit when p != NULL */
static float *logits_of(const char *dir, const sea_proj *p, sea_merge merge, const char *layers, const int32_t *ids,
                        int T, size_t *n_out)
{
    sea_model *m;
    sea_ctx *c;
    sea_editor *ed = NULL;
    sea_err err;
    const float *lg;
    float *copy;
    size_t n;
    ck_assert_msg(sea_model_open(&m, dir, &err) == SEA_OK, "%s", err.msg);
    ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
    if (p) {
        sea_edit_params ep = sea_edit_default_params();
        ep.merge = merge;
        ep.layers = layers;
        ck_assert_msg(sea_editor_new(&ed, p, m, &ep, &err) == SEA_OK, "%s", err.msg);
        ck_assert_int_eq(sea_editor_attach(ed, c, &err), SEA_OK);
    }
    ck_assert_msg(sea_forward(c, ids, T, SEA_LOGITS_ALL, &lg, &err) == SEA_OK, "%s", err.msg);
    n = (size_t)T * (size_t)sea_model_config(m)->n_vocab;
    copy = malloc(n * sizeof *copy);
    memcpy(copy, lg, n * sizeof *copy);
    sea_ctx_free(c);
    sea_editor_free(ed);
    sea_model_close(m);
    *n_out = n;
    return copy;
}

/* bake, then compare the baked model's logits with the edited original's */
static double bake_and_compare(const char *dir, const sea_proj *p, sea_merge merge, const char *layers, double scale,
                               const char *name)
{
    static const int32_t ids[8] = {1, 57, 323, 844, 999, 42, 7, 123};
    char out[256];
    sea_err err;
    sea_bake_params bp = sea_bake_default_params();
    size_t n1, n2, skipped;
    float *a, *b;
    double e;
    snprintf(out, sizeof out, "%s/%s", tmp_root, name);
    bp.merge = merge;
    bp.layers = layers;
    bp.scale = scale;
    ck_assert_msg(sea_bake(dir, p, "test.proj", &bp, out, &skipped, &err) == SEA_OK, "%s", err.msg);
    ck_assert_uint_eq(skipped, 0);
    a = logits_of(out, NULL, merge, NULL, ids, 8, &n1);
    b = logits_of(dir, scale == 0 ? NULL : p, merge, layers, ids, 8, &n2);
    ck_assert_uint_eq(n1, n2);
    e = rel_max_err(a, b, n1, 1e-30);
    free(a);
    free(b);
    return e;
}

static int same_file(const char *x, const char *y)
{
    FILE *a = fopen(x, "rb"), *b = fopen(y, "rb");
    int ca, cb, same = a && b;
    while (same) {
        ca = fgetc(a);
        cb = fgetc(b);
        if (ca != cb) same = 0;
        if (ca == EOF) break;
    }
    if (a) fclose(a);
    if (b) fclose(b);
    return same;
}

START_TEST(test_bake_kjv)
{
    sea_acts *acts;
    sea_proj *p;
    sea_err err;
    char a[8192], b[8192];
    double e;
    make_root();
    ck_assert_int_eq(sea_acts_open(&acts, fixture("sea/acts-mlp.safetensors"), &err), SEA_OK);
    p = fit(acts, SEA_FEATURE_NONE);
    e = bake_and_compare(model_dir("kjv-demo"), p, SEA_MERGE_SUM, "last:2", 1.0, "sum");
    ck_assert_msg(e <= 1e-4, "kjv-demo sum last:2: %.3g", e);
    e = bake_and_compare(model_dir("kjv-demo"), p, SEA_MERGE_AVERAGE, NULL, 1.0, "avg");
    ck_assert_msg(e <= 1e-4, "kjv-demo average, all layers: %.3g", e);
    e = bake_and_compare(model_dir("kjv-demo"), p, SEA_MERGE_SUM, NULL, 0.0, "zero");
    ck_assert_msg(e <= 1e-5, "kjv-demo strength 0 against the unedited model: %.3g", e);
    /* the other files are copies */
    snprintf(a, sizeof a, "%s/tokenizer.json", model_dir("kjv-demo"));
    snprintf(b, sizeof b, "%s/sum/tokenizer.json", tmp_root);
    ck_assert(same_file(a, b));
    snprintf(a, sizeof a, "%s/config.json", model_dir("kjv-demo"));
    snprintf(b, sizeof b, "%s/sum/config.json", tmp_root);
    ck_assert(same_file(a, b));
    /* the edit is recorded in the weights file */
    {
        sea_st_file *f;
        const char *meta;
        snprintf(b, sizeof b, "%s/sum/model.safetensors", tmp_root);
        ck_assert_int_eq(sea_st_open(&f, b, &err), SEA_OK);
        meta = sea_st_metadata(f, "sea_bake");
        ck_assert_ptr_nonnull(meta);
        ck_assert_msg(strstr(meta, "\"merge\":\"sum\"") && strstr(meta, "\"layer\":4") && !strstr(meta, "\"layer\":3"),
                      "%s", meta);
        ck_assert_int_eq(sea_st_find(f, "model.layers.5.mlp.down_proj.weight")->dtype, SEA_DTYPE_F32);
        ck_assert_int_eq(sea_st_find(f, "model.layers.3.mlp.down_proj.weight")->dtype, SEA_DTYPE_BF16);
        sea_st_close(f);
    }
    sea_proj_free(p);
    sea_acts_free(acts);
    rm_tree(tmp_root);
}
END_TEST

START_TEST(test_bake_golden_sharded)
{
    const char *dir = fixture("hf/tiny-f16-sharded");
    sea_model *m;
    sea_acts *acts;
    sea_proj *p;
    sea_err err;
    char a[8192], b[8192];
    double e;
    size_t n_layer, d;
    make_root();
    ck_assert_msg(sea_model_open(&m, dir, &err) == SEA_OK, "%s", err.msg);
    n_layer = (size_t)sea_model_config(m)->n_layer;
    d = (size_t)sea_model_config(m)->d;
    sea_model_close(m);
    acts = synthetic_acts(40, n_layer, d);
    p = fit(acts, SEA_FEATURE_NONE);
    e = bake_and_compare(dir, p, SEA_MERGE_SUM, NULL, 1.0, "sum");
    ck_assert_msg(e <= 1e-4, "tiny-f16-sharded sum: %.3g", e);
    e = bake_and_compare(dir, p, SEA_MERGE_AVERAGE, "list:1,3", 1.0, "avg13");
    ck_assert_msg(e <= 1e-4, "tiny-f16-sharded average list:1,3: %.3g", e);
    /* the edit does change the model (the comparison can fail) */
    {
        static const int32_t ids[4] = {1, 57, 323, 844};
        size_t n1, n2;
        float *x = logits_of(dir, NULL, SEA_MERGE_SUM, NULL, ids, 4, &n1);
        float *y = logits_of(dir, p, SEA_MERGE_SUM, NULL, ids, 4, &n2);
        ck_assert_msg(rel_max_err(x, y, n1, 1e-30) > 1e-3, "the edit should move the logits");
        free(x);
        free(y);
    }
    /* the index names the same shards, with the new total size */
    {
        sea_st_dir *sd;
        char *text, want[64];
        size_t len;
        FILE *f;
        snprintf(b, sizeof b, "%s/sum", tmp_root);
        ck_assert_msg(sea_st_dir_open(&sd, b, &err) == SEA_OK, "%s", err.msg);
        ck_assert_uint_eq(sea_st_dir_n_files(sd), 3);
        snprintf(want, sizeof want, "\"total_size\": %llu", (unsigned long long)sea_st_dir_data_bytes(sd));
        sea_st_dir_close(sd);
        snprintf(b, sizeof b, "%s/sum/model.safetensors.index.json", tmp_root);
        f = fopen(b, "rb");
        ck_assert_ptr_nonnull(f);
        text = calloc(1, 1 << 20);
        len = fread(text, 1, (1 << 20) - 1, f);
        fclose(f);
        ck_assert(len > 0);
        ck_assert_msg(strstr(text, want), "index lacks %s", want);
        free(text);
        (void)a;
    }
    sea_proj_free(p);
    sea_acts_free(acts);
    rm_tree(tmp_root);
}
END_TEST

START_TEST(test_bake_refusals)
{
    sea_acts *acts, *tiny;
    sea_proj *p, *prbf, *ptiny;
    sea_err err;
    sea_bake_params bp = sea_bake_default_params();
    char out[256];
    make_root();
    snprintf(out, sizeof out, "%s/out", tmp_root);
    ck_assert_int_eq(sea_acts_open(&acts, fixture("sea/acts-mlp.safetensors"), &err), SEA_OK);
    p = fit(acts, SEA_FEATURE_NONE);
    prbf = fit(acts, SEA_FEATURE_SQEXP);
    tiny = synthetic_acts(12, 4, 128);
    ptiny = fit(tiny, SEA_FEATURE_NONE);
    bp.merge = SEA_MERGE_SEQ_NORM;
    ck_assert_int_eq(sea_bake(model_dir("kjv-demo"), p, "p", &bp, out, NULL, &err), SEA_ERR_UNSUPPORTED);
    ck_assert_msg(strstr(err.msg, "seq-norm cannot be baked"), "%s", err.msg);
    bp.merge = SEA_MERGE_TOKEN_NORM;
    ck_assert_int_eq(sea_bake(model_dir("kjv-demo"), p, "p", &bp, out, NULL, &err), SEA_ERR_UNSUPPORTED);
    bp.merge = SEA_MERGE_SUM;
    ck_assert_int_eq(sea_bake(model_dir("kjv-demo"), prbf, "p", &bp, out, NULL, &err), SEA_ERR_UNSUPPORTED);
    ck_assert_msg(strstr(err.msg, "feature map"), "%s", err.msg);
    ck_assert_int_eq(sea_bake(model_dir("kjv-demo"), ptiny, "p", &bp, out, NULL, &err), SEA_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "d = 128"), "%s", err.msg);
    bp.layers = "list:9";
    ck_assert_int_ne(sea_bake(model_dir("kjv-demo"), p, "p", &bp, out, NULL, &err), SEA_OK);
    bp.layers = NULL;
    ck_assert_int_eq(root_entries(), 0); /* nothing left behind */
    ck_assert_int_eq(mkdir(out, 0755), 0);
    ck_assert_int_eq(sea_bake(model_dir("kjv-demo"), p, "p", &bp, out, NULL, &err), SEA_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "already exists"), "%s", err.msg);
    /* a model directory without down_proj for a layer is refused and the copy removed */
    rmdir(out);
    {
        char bad[256], cmd[16384];
        snprintf(bad, sizeof bad, "%s/bad", tmp_root);
        ck_assert_int_eq(mkdir(bad, 0755), 0);
        snprintf(cmd, sizeof cmd, "cp %s/config.json %s/tokenizer.json %s/tokenizer_config.json %s/", model_dir("kjv-demo"),
                 model_dir("kjv-demo"), model_dir("kjv-demo"), bad);
        ck_assert_int_eq(system(cmd), 0);
        ck_assert_int_ne(sea_bake(bad, p, "p", &bp, out, NULL, &err), SEA_OK);
        rm_tree(bad);
        ck_assert_int_eq(root_entries(), 0);
    }
    sea_proj_free(p);
    sea_proj_free(prbf);
    sea_proj_free(ptiny);
    sea_acts_free(acts);
    sea_acts_free(tiny);
    rm_tree(tmp_root);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bake");
    TCase *tc = tcase_create("bake");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_bake_kjv);
    tcase_add_test(tc, test_bake_golden_sharded);
    tcase_add_test(tc, test_bake_refusals);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
