/* tests/check_sea.c: the SEA pipeline on kjv-demo against the reference implementation's
 * outputs (tests/fixtures/sea, derived from ../shared/golden/sea):
 *   trace  demos.jsonl -> acts-mlp / acts-residual within 1e-4 of max-abs, independent of
 *          threads and sharding;
 *   edit   projections fitted from acts-mlp (four settings) -> every edited logit within 1e-4
 *          (rows 0, 6, 12 from the fixture; all 13 rows when SEA_SHARED is set);
 *   eval   TruthfulQA, first 40 questions, unedited and edited -> truthfulqa.json within 1e-5,
 *          computing at most 15% of the naive token count;
 *   bad demonstrations and bad evaluation data -> errors naming the line. */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "core/internal.h"
#include "testutil.h"

static sea_model *kjv(void)
{
    sea_model *m;
    sea_err err;
    ck_assert_msg(sea_model_open(&m, model_dir("kjv-demo"), &err) == SEA_OK, "%s", err.msg);
    return m;
}

static sea_tokenizer *kjv_tok(void)
{
    sea_tokenizer *t;
    sea_err err;
    ck_assert_msg(sea_tokenizer_open(&t, model_dir("kjv-demo"), &err) == SEA_OK, "%s", err.msg);
    return t;
}

static sea_acts *trace(sea_model *m, sea_tokenizer *tok, sea_site site, int threads, size_t si, size_t sn)
{
    sea_demos *d;
    sea_acts *a;
    sea_err err;
    sea_trace_params tp = sea_trace_default_params();
    ck_assert_int_eq(sea_demos_load(&d, fixture("sea/demos.jsonl"), &err), SEA_OK);
    tp.site = site;
    tp.max_new_tokens = 16;
    tp.n_threads = threads;
    tp.shard_i = si;
    tp.shard_n = sn;
    ck_assert_msg(sea_trace(&a, m, tok, d, &tp, &err) == SEA_OK, "%s", err.msg);
    sea_demos_free(d);
    return a;
}

START_TEST(test_trace_golden)
{
    static const char *const files[2] = {"sea/acts-mlp.safetensors", "sea/acts-residual.safetensors"};
    sea_site sites[2] = {SEA_SITE_MLP, SEA_SITE_RESIDUAL};
    sea_model *m = kjv();
    sea_tokenizer *tok = kjv_tok();
    for (int s = 0; s < 2; s++) {
        sea_acts *mine = trace(m, tok, sites[s], 2, 0, 1), *gold;
        sea_err err;
        size_t n;
        ck_assert_int_eq(sea_acts_open(&gold, fixture(files[s]), &err), SEA_OK);
        ck_assert_uint_eq(sea_acts_n(mine), 48);
        n = sea_acts_n(mine) * sea_acts_n_layer(mine) * sea_acts_d(mine);
        for (int w = 0; w < 3; w++) {
            double e = rel_max_err(sea_acts_view(mine, w), sea_acts_view(gold, w), n, 1e-30);
            ck_assert_msg(e <= 1e-4, "%s kind %d differs by %.3g of max-abs", files[s], w, e);
        }
        {
            int has;
            const sea_acts_meta *md = sea_acts_get_meta(mine, &has);
            ck_assert(has);
            ck_assert_str_eq(md->site, s ? "residual" : "mlp");
            ck_assert_int_eq(md->max_new_tokens, 16);
            ck_assert_uint_eq(strlen(md->demos_sha256), 64);
        }
        sea_acts_free(mine);
        sea_acts_free(gold);
    }
    sea_tokenizer_close(tok);
    sea_model_close(m);
}
END_TEST

START_TEST(test_trace_threads_and_shards)
{
    sea_model *m = kjv();
    sea_tokenizer *tok = kjv_tok();
    sea_acts *one = trace(m, tok, SEA_SITE_MLP, 1, 0, 1), *two = trace(m, tok, SEA_SITE_MLP, 2, 0, 1);
    sea_acts *sh[3], *merged;
    const char *names[3] = {"s0", "s1", "s2"};
    size_t n = sea_acts_n(one) * sea_acts_n_layer(one) * sea_acts_d(one) * sizeof(float);
    sea_err err;
    for (int w = 0; w < 3; w++)
        ck_assert_msg(memcmp(sea_acts_view(one, w), sea_acts_view(two, w), n) == 0, "1 and 2 threads differ");
    for (int i = 0; i < 3; i++) sh[i] = trace(m, tok, SEA_SITE_MLP, 2, (size_t)i, 3);
    ck_assert_uint_eq(sea_acts_n(sh[0]), 16);
    ck_assert_msg(sea_acts_merge(&merged, sh, names, 3, &err) == SEA_OK, "%s", err.msg);
    for (int w = 0; w < 3; w++)
        ck_assert_msg(memcmp(sea_acts_view(one, w), sea_acts_view(merged, w), n) == 0, "merged shards differ");
    for (int i = 0; i < 3; i++) sea_acts_free(sh[i]);
    sea_acts_free(merged);
    sea_acts_free(one);
    sea_acts_free(two);
    sea_tokenizer_close(tok);
    sea_model_close(m);
}
END_TEST

/* ---- edits against edited-logits ---- */
static const struct {
    const char *name;
    double k;
    sea_feature f;
} fits[4] = {{"linear-k0.99", 0.99, SEA_FEATURE_NONE},
             {"linear-k0.9", 0.9, SEA_FEATURE_NONE},
             {"rbf-k0.99", 0.99, SEA_FEATURE_SQEXP},
             {"tanh-k0.99", 0.99, SEA_FEATURE_TANH}};

static sea_proj *fit_setting(int i)
{
    sea_acts *a;
    sea_proj *p;
    sea_err err;
    sea_fit_params fp = sea_fit_default_params();
    ck_assert_int_eq(sea_acts_open(&a, fixture("sea/acts-mlp.safetensors"), &err), SEA_OK);
    fp.k_ratio_pos = fp.k_ratio_neg = fits[i].k;
    fp.feature = fits[i].f;
    ck_assert_msg(sea_fit(&p, a, &fp, &err) == SEA_OK, "%s", err.msg);
    sea_acts_free(a);
    return p;
}

static void check_edits(const char *golden_path, const int *rows, int n_rows)
{
    static const char *const merges[4] = {"seq-norm", "token-norm", "average", "sum"};
    sea_model *m = kjv();
    sea_st_file *g;
    sea_err err;
    int64_t ids64[64];
    int32_t ids[64];
    int T, nv = sea_model_config(m)->n_vocab, checked = 0;
    double worst = 0;
    ck_assert_msg(sea_st_open(&g, golden_path, &err) == SEA_OK, "%s", err.msg);
    T = (int)sea_st_find(g, "input_ids")->n_elements;
    ck_assert_int_eq(sea_st_read_i64(ids64, sea_st_find(g, "input_ids"), &err), SEA_OK);
    for (int t = 0; t < T; t++) ids[t] = (int32_t)ids64[t];
    for (int f = 0; f < 4; f++) {
        sea_proj *p = fit_setting(f);
        for (int mg = 0; mg < 4; mg++)
            for (int L = 1; L <= 3; L += 2) {
                char name[96], spec[16];
                const sea_st_tensor *want;
                sea_editor *ed;
                sea_ctx *c;
                const float *logits;
                sea_edit_params ep = sea_edit_default_params();
                snprintf(name, sizeof name, "logits.%s.%s.last%d", fits[f].name, merges[mg], L);
                snprintf(spec, sizeof spec, "last:%d", L);
                want = sea_st_find(g, name);
                ck_assert_msg(want != NULL, "golden %s missing", name);
                ck_assert_int_eq(sea_merge_parse(&ep.merge, merges[mg], &err), SEA_OK);
                ep.layers = spec;
                ck_assert_msg(sea_editor_new(&ed, p, m, &ep, &err) == SEA_OK, "%s", err.msg);
                ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
                ck_assert_int_eq(sea_editor_attach(ed, c, &err), SEA_OK);
                /* one forward call over the whole sequence, as the reference */
                ck_assert_int_eq(sea_forward(c, ids, T, SEA_LOGITS_ALL, &logits, &err), SEA_OK);
                {
                    double mx = 1e-30, e = 0;
                    const float *w = want->data;
                    for (int r = 0; r < n_rows; r++)
                        for (int v = 0; v < nv; v++) {
                            double a = fabs((double)w[(size_t)r * (size_t)nv + (size_t)v]);
                            if (a > mx) mx = a;
                        }
                    for (int r = 0; r < n_rows; r++)
                        for (int v = 0; v < nv; v++) {
                            double d = fabs((double)logits[(size_t)rows[r] * (size_t)nv + (size_t)v] -
                                            (double)w[(size_t)r * (size_t)nv + (size_t)v]);
                            if (!(d <= e)) e = d;
                        }
                    ck_assert_msg(e / mx <= 1e-4, "%s differs by %.3g of max-abs", name, e / mx);
                    if (e / mx > worst) worst = e / mx;
                }
                checked++;
                sea_ctx_free(c);
                sea_editor_free(ed);
            }
        sea_proj_free(p);
    }
    ck_assert_int_eq(checked, 32);
    fprintf(stderr, "edited logits: 32 settings, worst %.3g of max-abs\n", worst);
    sea_st_close(g);
    sea_model_close(m);
}

START_TEST(test_edits_fixture_rows)
{
    int rows[3] = {0, 6, 12};
    check_edits(fixture("sea/edited-logits-rows.safetensors"), rows, 3);
}
END_TEST

START_TEST(test_edits_shared_full)
{
    int rows[13];
    const char *p = shared_path("golden/sea/edited-logits.safetensors");
    if (!p) {
        fprintf(stderr, "skipped: SEA_SHARED not set (full edited-logits check)\n");
        return;
    }
    for (int i = 0; i < 13; i++) rows[i] = i;
    check_edits(p, rows, 13);
}
END_TEST

/* ---- TruthfulQA golden ---- */
static double golden_num(const char *json, const char *section, const char *key)
{
    const sea_json *v;
    sea_json_doc *doc;
    sea_err err;
    double x;
    ck_assert_int_eq(sea_json_parse(&doc, json, strlen(json), NULL, &err), SEA_OK);
    v = sea_json_get(sea_json_get(sea_json_root(doc), section), key);
    ck_assert_ptr_nonnull(v);
    x = v->v.num.d;
    sea_json_free(doc);
    return x;
}

START_TEST(test_truthfulqa_golden)
{
    sea_model *m = kjv();
    sea_tokenizer *tok = kjv_tok();
    sea_tqa *d;
    sea_tqa_result r;
    sea_err err;
    char *gold;
    size_t len;
    sea_proj *p = fit_setting(0);
    sea_eval_params ep = sea_eval_default_params();
    ck_assert_int_eq(sea__read_file(&gold, &len, fixture("sea/truthfulqa.json"), 1 << 20, &err), SEA_OK);
    ck_assert_msg(sea_tqa_load(&d, fixture("sea/truthfulqa-40.csv"), &err) == SEA_OK, "%s", err.msg);
    ck_assert_uint_eq(sea_tqa_count(d), 40);
    ep.limit = 40;
    ck_assert_msg(sea_eval_truthfulqa(&r, m, tok, d, &ep, &err) == SEA_OK, "%s", err.msg);
    ck_assert_uint_eq(r.n, 40);
    ck_assert_msg(fabs(r.mc1 - golden_num(gold, "base", "mc1")) <= 1e-5, "mc1 %.8f", r.mc1);
    ck_assert_msg(fabs(r.mc2 - golden_num(gold, "base", "mc2")) <= 1e-5, "mc2 %.8f", r.mc2);
    ck_assert_msg(fabs(r.mc3 - golden_num(gold, "base", "mc3")) <= 1e-5, "mc3 %.8f", r.mc3);
    ck_assert_msg(r.cost.tokens_computed <= 0.15 * (double)r.cost.tokens_naive, "computed %llu of %llu tokens",
                  (unsigned long long)r.cost.tokens_computed, (unsigned long long)r.cost.tokens_naive);
    sea_tqa_result_free(&r);
    ep.proj = p;
    ep.edit.merge = SEA_MERGE_SEQ_NORM;
    ep.edit.layers = "last:3";
    ck_assert_msg(sea_eval_truthfulqa(&r, m, tok, d, &ep, &err) == SEA_OK, "%s", err.msg);
    ck_assert_msg(fabs(r.mc1 - golden_num(gold, "linear-k0.99.seq-norm.last3", "mc1")) <= 1e-5, "edited mc1 %.8f", r.mc1);
    ck_assert_msg(fabs(r.mc2 - golden_num(gold, "linear-k0.99.seq-norm.last3", "mc2")) <= 1e-5, "edited mc2 %.8f", r.mc2);
    ck_assert_msg(fabs(r.mc3 - golden_num(gold, "linear-k0.99.seq-norm.last3", "mc3")) <= 1e-5, "edited mc3 %.8f", r.mc3);
    sea_tqa_result_free(&r);
    /* the edit is causal under token-norm: the whole cache is reused and scores equal a fresh run per answer */
    sea_free(gold);
    sea_proj_free(p);
    sea_tqa_free(d);
    sea_tokenizer_close(tok);
    sea_model_close(m);
}
END_TEST

/* ---- bad inputs name the line ---- */
static void demos_error(const char *text, const char *needle)
{
    sea_demos *d = NULL;
    sea_err err;
    sea_err_clear(&err);
    ck_assert_msg(sea_demos_parse(&d, text, strlen(text), "d.jsonl", &err) != SEA_OK, "accepted: %s", text);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(err.msg, needle) != NULL, "message '%s' lacks '%s'", err.msg, needle);
}

START_TEST(test_bad_demos)
{
    demos_error("{\"prompt\":\"a\",\"positive\":\"b\",\"negative\":\"c\"}\n{\"prompt\":\"a\",\"positive\":\"b\"}\n",
                "d.jsonl: line 2: 'negative' is missing");
    demos_error("\n\n{\"prompt\":\"a\",\"positive\":\"\",\"negative\":\"c\"}\n", "line 3: 'positive' is empty");
    demos_error("{\"prompt\":3,\"positive\":\"b\",\"negative\":\"c\"}\n", "line 1: 'prompt' must be a string");
    demos_error("not json\n", "d.jsonl: line 1");
    demos_error("[1,2]\n", "line 1: expected a JSON object");
    demos_error("", "no demonstrations");
    demos_error("{\"prompt\":\"a\\u0000b\",\"positive\":\"b\",\"negative\":\"c\"}\n", "NUL");
}
END_TEST

START_TEST(test_demo_too_long)
{
    sea_model *m = kjv();
    sea_tokenizer *tok = kjv_tok();
    sea_demos *d;
    sea_acts *a = NULL;
    sea_err err;
    sea_buf b;
    sea_trace_params tp = sea_trace_default_params();
    sea__buf_init(&b);
    sea__buf_puts(&b, "{\"prompt\":\"ok\",\"positive\":\" yes\",\"negative\":\" no\"}\n{\"prompt\":\"");
    for (int i = 0; i < 400; i++) sea__buf_puts(&b, "And the LORD spake unto Moses ");
    sea__buf_puts(&b, "\",\"positive\":\" yes\",\"negative\":\" no\"}\n");
    ck_assert_int_eq(sea_demos_parse(&d, b.data, b.len, "long.jsonl", &err), SEA_OK);
    ck_assert_int_eq(sea_trace(&a, m, tok, d, &tp, &err), SEA_ERR_LIMIT);
    ck_assert_msg(strstr(err.msg, "line 2") && strstr(err.msg, "context"), "%s", err.msg);
    ck_assert_ptr_null(a);
    sea__buf_free(&b);
    sea_demos_free(d);
    sea_tokenizer_close(tok);
    sea_model_close(m);
}
END_TEST

static void write_tmp(char *path, const char *text)
{
    int fd;
    strcpy(path, "/tmp/sea-test-XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq((int)write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
}

START_TEST(test_bad_eval_data)
{
    char path[64];
    sea_tqa *t = NULL;
    sea_bbq *b = NULL;
    sea_err err;
    write_tmp(path, "Type,Category,Question,Best Answer,Correct Answers,Incorrect Answers\nA,B,Q?,x,x,\"y\n");
    ck_assert_int_eq(sea_tqa_load(&t, path, &err), SEA_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "line 2: unterminated quoted field"), "%s", err.msg);
    unlink(path);
    write_tmp(path, "Type,Question,Answer\nA,Q?,x\n");
    ck_assert_int_eq(sea_tqa_load(&t, path, &err), SEA_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "line 1: header needs"), "%s", err.msg);
    unlink(path);
    write_tmp(path, "Question,Best Answer,Correct Answers,Incorrect Answers\nQ1,a,a,b\nQ2,a,a, ; \n");
    ck_assert_int_eq(sea_tqa_load(&t, path, &err), SEA_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "line 3: no incorrect answers"), "%s", err.msg);
    unlink(path);
    write_tmp(path, "Question,Best Answer,Correct Answers,Incorrect Answers\nQ1,a,a,b,extra\n");
    ck_assert_int_eq(sea_tqa_load(&t, path, &err), SEA_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "line 2: 5 fields"), "%s", err.msg);
    unlink(path);
    write_tmp(path, "{\"context\":\"c\",\"question\":\"q\",\"ans0\":\"a\",\"ans1\":\"b\",\"ans2\":\"Unknown\",\"label\":1,"
                    "\"category\":\"Age\",\"question_polarity\":\"neg\",\"answer_info\":{\"ans0\":[\"a\",\"old\"],"
                    "\"ans1\":[\"b\",\"nonOld\"],\"ans2\":[\"Unknown\",\"unknown\"]},\"additional_metadata\":"
                    "{\"stereotyped_groups\":[\"old\"]}}\n{\"context\":\"c\",\"question\":\"q\"}\n");
    ck_assert_int_eq(sea_bbq_load(&b, path, &err), SEA_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "line 2: 'ans0' is missing") || strstr(err.msg, "line 2: 'category' is missing"), "%s", err.msg);
    unlink(path);
    write_tmp(path, "{\"context\":\"c\",\"question\":\"q\",\"ans0\":\"a\",\"ans1\":\"b\",\"ans2\":\"c\",\"label\":7,\"category\":\"Age\"}\n");
    ck_assert_int_eq(sea_bbq_load(&b, path, &err), SEA_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "line 1: 'label' must be 0, 1 or 2"), "%s", err.msg);
    unlink(path);
}
END_TEST

static void *fail_malloc(size_t n, void *user) { (void)n; (void)user; return NULL; }
static void *fail_realloc(void *p, size_t n, void *user) { (void)p; (void)n; (void)user; return NULL; }
static void pass_free(void *p, void *user) { (void)user; free(p); }

START_TEST(test_editor_checks)
{
    sea_model *m = kjv();
    sea_proj *p = fit_setting(1);
    sea_editor *ed;
    sea_err err;
    sea_edit_params ep = sea_edit_default_params();
    unsigned char mask[6];
    ck_assert_int_eq(sea_layers_parse(mask, "last:2", 6, &err), SEA_OK);
    ck_assert(!mask[3] && mask[4] && mask[5]);
    ck_assert_int_eq(sea_layers_parse(mask, "list:0,5", 6, &err), SEA_OK);
    ck_assert(mask[0] && mask[5] && !mask[1]);
    ck_assert_int_eq(sea_layers_parse(mask, "first:7", 6, &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_layers_parse(mask, "list:1,1", 6, &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_layers_parse(mask, "list:6", 6, &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_layers_parse(mask, "middle", 6, &err), SEA_ERR_ARG);
    ep.layers = "list:2,4";
    ck_assert_int_eq(sea_editor_new(&ed, p, m, &ep, &err), SEA_OK);
    ck_assert_int_eq(sea_editor_first_layer(ed), 2);
    ck_assert_uint_eq(sea_editor_n_layers(ed), 2);
    ck_assert(!sea_editor_is_causal(ed));
    {
        /* an edit that fails inside the forward pass says why: its scratch for 4 rows cannot
         * be allocated (1 row was), and the forward call's error names the layer and that */
        sea_ctx *c;
        sea_ctx_params cp = sea_ctx_default_params();
        sea_allocator failing = {fail_malloc, fail_realloc, pass_free, NULL};
        const int32_t ids[4] = {1, 450, 3303, 310};
        cp.n_ctx = 16;
        ck_assert_int_eq(sea_ctx_new(&c, m, &cp, &err), SEA_OK);
        ck_assert_int_eq(sea_editor_attach(ed, c, &err), SEA_OK);
        ck_assert_msg(sea_forward(c, ids, 1, SEA_LOGITS_LAST, NULL, &err) == SEA_OK, "%s", err.msg);
        sea_err_clear(&err);
        sea_set_allocator(&failing);
        ck_assert_int_eq(sea_forward(c, ids + 1, 3, SEA_LOGITS_LAST, NULL, &err), SEA_ERR_NOMEM);
        sea_set_allocator(NULL);
        ck_assert_msg(strstr(err.msg, "layer 2: ") && strstr(err.msg, "edit scratch"), "%s", err.msg);
        sea_ctx_free(c);
    }
    sea_editor_free(ed);
    {
        /* a model of another width is refused */
        sea_model *other;
        char path[4096];
        snprintf(path, sizeof path, "%s/hf/tiny-f32", SEA_TEST_FIXTURES);
        ck_assert_int_eq(sea_model_open(&other, path, &err), SEA_OK);
        ck_assert_int_eq(sea_editor_new(&ed, p, other, &ep, &err), SEA_ERR_MISMATCH);
        ck_assert_msg(strstr(err.msg, "d = 256") && strstr(err.msg, "64"), "%s", err.msg);
        sea_model_close(other);
    }
    sea_proj_free(p);
    sea_model_close(m);
}
END_TEST

/* capture of the MLP output at the last position of every forward call, layer by layer */
typedef struct last_cap {
    float *x; /* [n_layer, d] */
} last_cap;

static sea_status cap_last(void *user, sea_site site, int layer, float *x, int T, int pos0, int d)
{
    last_cap *c = user;
    (void)site;
    (void)pos0;
    memcpy(c->x + (size_t)layer * (size_t)d, x + (size_t)(T - 1) * (size_t)d, (size_t)d * sizeof(float));
    return SEA_OK;
}

START_TEST(test_trace_min_new_tokens)
{
    /* kjv-demo with EOS = 644: greedy after [1, 1131, 323, 2641] is 333 323 880 2071 323 644
     * (Hugging Face golden, tests/check_generate.c), so the neutral completion stops after five
     * tokens; with min_new_tokens 6 the sixth token is the best one that is not 644. The base
     * activation must be the MLP output at the last token fed: c5 = 323 without the minimum,
     * the runner-up t6 with it, each computed here by plain forward calls. */
    static const int32_t ids[4] = {1, 1131, 323, 2641};
    static const int32_t cont[5] = {333, 323, 880, 2071, 323};
    const char *dir = tmp_model_variant("\"eos_token_id\": 2", "\"eos_token_id\": 644");
    sea_model *m;
    sea_tokenizer *tok = kjv_tok();
    sea_ctx *c;
    sea_err err;
    char *text, line[512];
    size_t tl;
    sea_demos *d;
    sea_acts *a0, *a6, *a5;
    sea_trace_params tp = sea_trace_default_params();
    const sea_llama_config *cfg;
    last_cap cap;
    const float *logits;
    int32_t seq[9], t6 = -1;
    size_t row;
    float *want5, *want6;
    ck_assert_msg(sea_model_open(&m, dir, &err) == SEA_OK, "%s", err.msg);
    cfg = sea_model_config(m);
    row = (size_t)cfg->n_layer * (size_t)cfg->d;
    ck_assert_int_eq(sea_detokenize(tok, ids + 1, 3, 0, &text, &tl, &err), SEA_OK);
    snprintf(line, sizeof line, "{\"prompt\": \"%s\", \"positive\": \" a\", \"negative\": \" b\"}\n", text);
    ck_assert_int_eq(sea_demos_parse(&d, line, strlen(line), "mem", &err), SEA_OK);
    tp.max_new_tokens = 6;
    ck_assert_msg(sea_trace(&a0, m, tok, d, &tp, &err) == SEA_OK, "%s", err.msg);
    tp.max_new_tokens = 5;
    ck_assert_msg(sea_trace(&a5, m, tok, d, &tp, &err) == SEA_OK, "%s", err.msg);
    tp.max_new_tokens = 6;
    tp.min_new_tokens = 6;
    ck_assert_msg(sea_trace(&a6, m, tok, d, &tp, &err) == SEA_OK, "%s", err.msg);
    tp.min_new_tokens = 7;
    {
        sea_acts *bad = NULL;
        ck_assert_int_eq(sea_trace(&bad, m, tok, d, &tp, &err), SEA_ERR_ARG);
        ck_assert_ptr_null(bad);
        ck_assert_msg(strstr(err.msg, "min_new_tokens"), "%s", err.msg);
    }
    /* by hand: the prompt and c1..c5 in one call, then the runner-up */
    cap.x = malloc(row * sizeof(float));
    want5 = malloc(row * sizeof(float));
    want6 = malloc(row * sizeof(float));
    ck_assert_int_eq(sea_ctx_new(&c, m, NULL, &err), SEA_OK);
    ck_assert_int_eq(sea_ctx_add_hook(c, cap_last, &cap, 1u << SEA_SITE_MLP, &err), SEA_OK);
    memcpy(seq, ids, sizeof ids);
    memcpy(seq + 4, cont, sizeof cont);
    ck_assert_int_eq(sea_forward(c, seq, 9, SEA_LOGITS_LAST, &logits, &err), SEA_OK);
    memcpy(want5, cap.x, row * sizeof(float));
    for (int i = 0; i < cfg->n_vocab; i++)
        if (i != 644 && (t6 < 0 || logits[i] > logits[t6])) t6 = i;
    {
        int top = 0;
        for (int i = 1; i < cfg->n_vocab; i++)
            if (logits[i] > logits[top]) top = i;
        ck_assert_int_eq(top, 644); /* the EOS really is what greedy picks here */
    }
    ck_assert_int_eq(sea_forward(c, &t6, 1, SEA_LOGITS_NONE, NULL, &err), SEA_OK);
    memcpy(want6, cap.x, row * sizeof(float));
    {
        double e0 = rel_max_err(sea_acts_view(a0, SEA_ACTS_BASE), want5, row, 1e-30);
        double e5 = rel_max_err(sea_acts_view(a5, SEA_ACTS_BASE), want5, row, 1e-30);
        double e6 = rel_max_err(sea_acts_view(a6, SEA_ACTS_BASE), want6, row, 1e-30);
        double d56 = rel_max_err(want6, want5, row, 1e-30);
        ck_assert_msg(e0 <= 1e-4 && e5 <= 1e-4, "stopped at EOS: %.3g %.3g", e0, e5);
        ck_assert_msg(e6 <= 1e-4, "min_new_tokens 6: %.3g", e6);
        ck_assert_msg(d56 > 1e-2, "the two activations should differ (%.3g)", d56);
        /* positive and negative are not affected */
        ck_assert(rel_max_err(sea_acts_view(a6, SEA_ACTS_POSITIVE), sea_acts_view(a0, SEA_ACTS_POSITIVE), row, 1e-30) == 0);
    }
    free(cap.x);
    free(want5);
    free(want6);
    sea_ctx_free(c);
    sea_acts_free(a0);
    sea_acts_free(a5);
    sea_acts_free(a6);
    sea_demos_free(d);
    sea_free(text);
    sea_tokenizer_close(tok);
    sea_model_close(m);
    tmp_model_remove(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sea");
    TCase *tc = tcase_create("pipeline");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, test_trace_golden);
    tcase_add_test(tc, test_trace_threads_and_shards);
    tcase_add_test(tc, test_trace_min_new_tokens);
    tcase_add_test(tc, test_edits_fixture_rows);
    tcase_add_test(tc, test_edits_shared_full);
    tcase_add_test(tc, test_truthfulqa_golden);
    tcase_add_test(tc, test_bad_demos);
    tcase_add_test(tc, test_demo_too_long);
    tcase_add_test(tc, test_bad_eval_data);
    tcase_add_test(tc, test_editor_checks);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
