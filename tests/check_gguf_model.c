/* tests/check_gguf_model.c: models and tokenizers from GGUF files written by sea_gguf_convert
 * (`sea quantize`) from the bundled kjv-demo: f32 and bf16 files give the safetensors model's
 * logits (within 1e-5 of the logit range; the RoPE pairs are interleaved in the file, so only
 * the order of float sums differs), held-out perplexity within 1 % of the bf16 figure in Q8_0
 * and within 5 % in Q4_K_M (on the first 4096 held-out tokens, against the bf16 model), the tokenizer read back from the file (the
 * embedded tokenizer.json, and rebuilt from tokenizer.ggml.* with and without merges) gives
 * tokenizer.json's ids, and hostile conversions fail with one line and leave no file. */
#include "testutil.h"

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char buf[4][256];
    static int slot;
    char *b = buf[slot++ & 3];
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/sea_gguf_model_XXXXXX");
        if (!mkdtemp(tmpdir)) abort();
    }
    snprintf(b, 256, "%s/%s", tmpdir, name);
    return b;
}

static const char *convert(const char *type)
{
    char name[32];
    sea_err e;
    snprintf(name, sizeof name, "kjv-%s.gguf", type);
    const char *p = tmp_path(name);
    if (access(p, F_OK) != 0) ck_assert_msg(sea_gguf_convert(model_dir("kjv-demo"), type, p, &e) == SEA_OK, "%s", e.msg);
    return p;
}

static int32_t *heldout_ids(int *n)
{
    char path[4096];
    sea_st_file *g;
    sea_err e;
    snprintf(path, sizeof path, "%s/hf/kjv-demo/golden.safetensors", SEA_TEST_FIXTURES);
    ck_assert_msg(sea_st_open(&g, path, &e) == SEA_OK, "%s", e.msg);
    const sea_st_tensor *t = sea_st_find(g, "heldout_ids");
    int64_t *v = malloc(t->n_elements * sizeof *v);
    int32_t *ids = malloc(t->n_elements * sizeof *ids);
    ck_assert_int_eq(sea_st_read_i64(v, t, &e), SEA_OK);
    for (uint64_t i = 0; i < t->n_elements; i++) ids[i] = (int32_t)v[i];
    *n = (int)t->n_elements;
    free(v);
    sea_st_close(g);
    return ids;
}

static float *logits_of(const char *model, const int32_t *ids, int T, int *n_vocab)
{
    sea_model *m;
    sea_ctx *c;
    sea_err e;
    const float *lg;
    sea_ctx_params cp = sea_ctx_default_params();
    cp.n_ctx = T;
    ck_assert_msg(sea_model_open(&m, model, &e) == SEA_OK, "%s", e.msg);
    ck_assert_int_eq(sea_ctx_new(&c, m, &cp, &e), SEA_OK);
    ck_assert_msg(sea_forward(c, ids, T, SEA_LOGITS_ALL, &lg, &e) == SEA_OK, "%s", e.msg);
    *n_vocab = sea_model_config(m)->n_vocab;
    float *out = malloc((size_t)T * (size_t)*n_vocab * 4);
    memcpy(out, lg, (size_t)T * (size_t)*n_vocab * 4);
    sea_ctx_free(c);
    sea_model_close(m);
    return out;
}

START_TEST(test_logits_match)
{
    static const char *const types[] = {"f32", "bf16"};
    int n, V;
    int32_t *ids = heldout_ids(&n);
    int T = 64;
    float *ref = logits_of(model_dir("kjv-demo"), ids, T, &V);
    float lo = ref[0], hi = ref[0];
    for (size_t i = 0; i < (size_t)T * V; i++) lo = fminf(lo, ref[i]), hi = fmaxf(hi, ref[i]);
    for (int k = 0; k < 2; k++) {
        int V2;
        float *got = logits_of(convert(types[k]), ids, T, &V2);
        double worst = 0;
        ck_assert_int_eq(V, V2);
        for (size_t i = 0; i < (size_t)T * V; i++) worst = fmax(worst, fabs((double)got[i] - ref[i]));
        ck_assert_msg(worst <= 1e-5 * (hi - lo), "%s: logits differ by %g (range %g)", types[k], worst, (double)(hi - lo));
        free(got);
    }
    free(ref);
    free(ids);
}
END_TEST

/* perplexity over the first 4096 held-out tokens (the whole set takes minutes per model;
 * doc/FORMATS.md has the full-set figures and the command) */
static double ppl_of(const char *model)
{
    sea_model *m;
    sea_ctx *c;
    sea_err e;
    int n;
    int32_t *ids = heldout_ids(&n);
    double nll;
    size_t n_pred;
    sea_ctx_params cp = sea_ctx_default_params();
    cp.n_ctx = 257;
    ck_assert_msg(sea_model_open(&m, model, &e) == SEA_OK, "%s", e.msg);
    ck_assert_int_eq(sea_ctx_new(&c, m, &cp, &e), SEA_OK);
    ck_assert_msg(sea_perplexity(c, ids, n < 4096 ? (size_t)n : 4096, 257, &nll, &n_pred, NULL, NULL, &e) == SEA_OK, "%s", e.msg);
    sea_ctx_free(c);
    sea_model_close(m);
    free(ids);
    return exp(nll / (double)n_pred);
}

START_TEST(test_quantized_perplexity)
{
    double ref = ppl_of(model_dir("kjv-demo"));
    double q8 = ppl_of(convert("q8_0")), q4 = ppl_of(convert("q4_k_m"));
    printf("perplexity of the first 4096 held-out tokens: bf16 %.4f, Q8_0 %.4f, Q4_K_M %.4f\n", ref, q8, q4);
    ck_assert_msg(fabs(ref - 34.191) < 0.01, "bf16 perplexity %.4f, expected 34.191", ref);
    ck_assert_msg(fabs(q8 / ref - 1) <= 0.01, "Q8_0 perplexity %.4f not within 1 %% of bf16 %.4f", q8, ref);
    ck_assert_msg(fabs(q4 / ref - 1) <= 0.05, "Q4_K_M perplexity %.4f not within 5 %% of bf16 %.4f", q4, ref);
    ck_assert_msg(q8 != ref && q4 != q8, "the quantized models computed nothing different");
    /* the quantized matrices stay quantized, in the mapping */
    sea_model *m;
    sea_err e;
    ck_assert_int_eq(sea_model_open(&m, convert("q4_k_m"), &e), SEA_OK);
    ck_assert_int_eq(sea_model_dtype(m), SEA_DTYPE_Q4_K);
    sea_model_close(m);
}
END_TEST

/* a copy of the file's tokenizer.ggml.* keys only (no embedded tokenizer.json) */
static const char *strip_tokenizer(const char *src, int keep_merges)
{
    sea_gguf *g;
    sea_gguf_writer *w;
    sea_err e;
    const char *dst = tmp_path(keep_merges ? "tok-merges.gguf" : "tok-scores.gguf");
    ck_assert_int_eq(sea_gguf_open(&g, src, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_writer_new(&w, &e), SEA_OK);
    for (size_t i = 0; i < sea_gguf_kv_count(g); i++) {
        const sea_gguf_kv *kv = sea_gguf_kv_at(g, i);
        if (strncmp(kv->key, "tokenizer.ggml.", 15) != 0 || (!keep_merges && strcmp(kv->key, "tokenizer.ggml.merges") == 0)) continue;
        if (kv->type == SEA_GGUF_STRING) ck_assert_int_eq(sea_gguf_put_str(w, kv->key, kv->str.s, kv->str.len, &e), SEA_OK);
        else if (kv->type == SEA_GGUF_U32) ck_assert_int_eq(sea_gguf_put_u32(w, kv->key, (uint32_t)kv->v.u, &e), SEA_OK);
        else if (kv->type == SEA_GGUF_BOOL) ck_assert_int_eq(sea_gguf_put_bool(w, kv->key, (int)kv->v.u, &e), SEA_OK);
        else if (kv->elem == SEA_GGUF_STRING) {
            const char **s = malloc(kv->n * sizeof *s);
            size_t *l = malloc(kv->n * sizeof *l);
            for (uint64_t j = 0; j < kv->n; j++) s[j] = kv->strs[j].s, l[j] = kv->strs[j].len;
            ck_assert_int_eq(sea_gguf_put_arr_str(w, kv->key, s, l, kv->n, &e), SEA_OK);
            free(s), free(l);
        } else {
            ck_assert_int_eq(sea_gguf_put_arr(w, kv->key, kv->elem, kv->arr, kv->n, &e), SEA_OK);
        }
    }
    ck_assert_int_eq(sea_gguf_write(w, dst, &e), SEA_OK);
    sea_gguf_writer_free(w);
    sea_gguf_close(g);
    return dst;
}

START_TEST(test_tokenizer_ids)
{
    static const char *const texts[] = {
        "In the beginning God created the heaven and the earth.",
        "And the LORD spake unto Moses, saying,  Speak unto the children of Israel!",
        "  leading spaces, tabs\tand newlines\nand unicode: caf\xc3\xa9 \xe2\x9c\x9d \xf0\x9f\x99\x8f 12345",
        "<s> literal special </s> tokens and <unk>",
        ""};
    sea_tokenizer *ref, *tok;
    sea_err e;
    const char *files[3];
    files[0] = convert("q8_0");
    files[1] = strip_tokenizer(files[0], 1);
    files[2] = strip_tokenizer(files[0], 0);
    ck_assert_int_eq(sea_tokenizer_open(&ref, model_dir("kjv-demo"), &e), SEA_OK);
    /* the held-out text of the bundled demonstrations, line by line, plus the texts above */
    char *text = NULL;
    size_t tlen = 0;
    {
        char path[4200];
        FILE *f;
        snprintf(path, sizeof path, "%.4000s/sea-heldout.jsonl", model_dir("kjv-demo"));
        f = fopen(path, "rb");
        ck_assert_ptr_nonnull(f);
        text = malloc(1 << 20);
        tlen = fread(text, 1, (1 << 20) - 1, f);
        text[tlen] = 0;
        fclose(f);
    }
    for (int k = 0; k < 3; k++) {
        ck_assert_msg(sea_tokenizer_open(&tok, files[k], &e) == SEA_OK, "%s: %s", files[k], e.msg);
        ck_assert_int_eq(sea_tokenizer_bos(tok), sea_tokenizer_bos(ref));
        ck_assert_int_eq(sea_tokenizer_eos(tok), sea_tokenizer_eos(ref));
        ck_assert_msg(sea_tokenizer_add_bos(tok) == sea_tokenizer_add_bos(ref), "%s: add_bos %d", files[k], sea_tokenizer_add_bos(tok));
        int checked = 0;
        for (size_t i = 0; i < (sizeof texts / sizeof *texts) + 1; i++) {
            const char *s = i < (sizeof texts / sizeof *texts) ? texts[i] : text;
            size_t len = strlen(s);
            int32_t *a = NULL, *b = NULL;
            size_t na = 0, nb = 0;
            ck_assert_int_eq(sea_tokenize(ref, s, len, 1, &a, &na, &e), SEA_OK);
            ck_assert_msg(sea_tokenize(tok, s, len, 1, &b, &nb, &e) == SEA_OK, "%s", e.msg);
            ck_assert_msg(na == nb && memcmp(a, b, na * sizeof *a) == 0, "%s: ids of text %zu differ (%zu vs %zu tokens)", files[k], i, na, nb);
            checked += (int)na;
            sea_free(a), sea_free(b);
        }
        ck_assert_int_gt(checked, 1000);
        sea_tokenizer_close(tok);
    }
    sea_tokenizer_close(ref);
    free(text);
}
END_TEST

START_TEST(test_convert_hostile)
{
    sea_err e;
    const char *out = tmp_path("never.gguf");
    ck_assert_int_eq(sea_gguf_convert(model_dir("kjv-demo"), "q3_k", out, &e), SEA_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(e.msg, "unknown type 'q3_k'"));
    ck_assert_int_ne(sea_gguf_convert("/nonexistent-model-dir", "q8_0", out, &e), SEA_OK);
    ck_assert(!strchr(e.msg, '\n') && e.msg[0]);
    ck_assert_int_ne(access(out, F_OK), 0);
    /* a GGUF that is not a model: clear errors from the model and tokenizer loaders */
    sea_model *m;
    sea_tokenizer *t;
    ck_assert_int_ne(sea_model_open(&m, strip_tokenizer(convert("q8_0"), 0), &e), SEA_OK);
    ck_assert_ptr_nonnull(strstr(e.msg, "general.architecture"));
    ck_assert_int_ne(sea_tokenizer_open(&t, model_dir("kjv-demo/config.json"), &e), SEA_OK);
    ck_assert_ptr_nonnull(strstr(e.msg, "not a GGUF file"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gguf_model");
    TCase *tc = tcase_create("gguf_model");
    tcase_set_timeout(tc, 300);
    (void)tmp_path("x"); /* the directory is made here, before the tests fork */
    tcase_add_test(tc, test_logits_match);
    tcase_add_test(tc, test_quantized_perplexity);
    tcase_add_test(tc, test_tokenizer_ids);
    tcase_add_test(tc, test_convert_hostile);
    suite_add_tcase(s, tc);
    int rc = run_suite(s);
    /* the temporary files */
    static const char *const names[] = {"kjv-f32.gguf", "kjv-bf16.gguf", "kjv-q8_0.gguf", "kjv-q4_k_m.gguf", "kjv-q4_0.gguf",
                                        "tok-merges.gguf", "tok-scores.gguf"};
    if (tmpdir[0]) {
        for (size_t i = 0; i < sizeof names / sizeof *names; i++) unlink(tmp_path(names[i]));
        rmdir(tmpdir);
    }
    return rc;
}
