/* tests/check_oom.c: the allocation-failure walk (checklist case 53 of
 * ../shared/docs/research/anchors-reliability.md §6) over everything sea reads: model loading
 * with a context and one forward pass (single file and sharded), config.json with
 * generation_config.json, a safetensors file through mmap, tokenizers (SentencePiece-style and
 * byte-level) with encoding, decoding and streaming, activation and projection files (open and
 * save), demonstrations, TruthfulQA and BBQ.
 *
 * Each scenario first runs once with a counting allocator to learn its number of allocations
 * N; then for k = 1..N it runs again with allocation k failing, in two modes: fail-once (only
 * allocation k fails) and fail-forever (k and every later one fail). Every run must either
 * succeed (code that tolerates a failed allocation) or return SEA_ERR_NOMEM with a one-line
 * "out of memory" message, and must leave nothing behind: no live allocation of the library,
 * no open file descriptor, no mapping of the file, no temporary file. The sanitizer build
 * (.ci/sanitize.sh) runs the same walks under LeakSanitizer, which also sees memory that does
 * not go through the hook. SEA_OOM_STRIDE=s walks k = 1, 1+s, 1+2s, ... (and N) instead. */
#include "hostile.h"

#include <fcntl.h>

/* ---- allocator: counts, tracks live bytes, fails allocation k (and later ones) ---- */
static long g_n, g_fail_at, g_failed;
static int g_forever;
static size_t g_live;

static int should_fail(void)
{
    ++g_n;
    if (g_fail_at > 0 && (g_n == g_fail_at || (g_forever && g_n > g_fail_at))) {
        g_failed++;
        return 1;
    }
    return 0;
}

static void *oom_malloc(size_t n, void *user)
{
    unsigned char *p;
    (void)user;
    if (should_fail() || n > SIZE_MAX - 16) return NULL;
    p = malloc(n + 16);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    g_live += n;
    return p + 16;
}

static void oom_free(void *q, void *user)
{
    size_t n;
    (void)user;
    if (!q) return;
    memcpy(&n, (unsigned char *)q - 16, sizeof n);
    g_live -= n;
    free((unsigned char *)q - 16);
}

static void *oom_realloc(void *q, size_t n, void *user)
{
    unsigned char *p;
    size_t old;
    if (!q) return oom_malloc(n, user);
    if (should_fail() || n > SIZE_MAX - 16) return NULL;
    memcpy(&old, (unsigned char *)q - 16, sizeof old);
    p = realloc((unsigned char *)q - 16, n + 16);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    g_live = g_live - old + n;
    return p + 16;
}

static const sea_allocator g_alloc = {oom_malloc, oom_realloc, oom_free, NULL};

/* ---- what a run may leave behind ---- */
static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    if (!d) return -1; /* not Linux: not checked */
    while ((e = readdir(d)) != NULL) n += e->d_name[0] != '.';
    closedir(d);
    return n - 1; /* the directory stream itself */
}

/* Mappings of files under `dir` (Linux /proc/self/maps), or -1 when unknown. */
static int count_maps(const char *dir)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int n = 0;
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (dir && strstr(line, dir)) n++;
    fclose(f);
    return n;
}

/* ---- the walk ---- */
/* an assertion that costs nothing when it holds (each Check assertion is otherwise a message to
 * the runner, thousands per walk) */
#define OOM_CHECK(cond, ...)                    \
    do {                                        \
        if (!(cond)) ck_abort_msg(__VA_ARGS__); \
    } while (0)

typedef sea_status (*scenario_fn)(const void *arg, sea_err *err);

typedef struct walk_stats {
    long n_allocs;  /* allocations of an unfailed run */
    long n_runs;    /* failing runs made (both modes) */
    long n_nomem;   /* of which reported SEA_ERR_NOMEM */
} walk_stats;

static long stride(void)
{
    const char *s = getenv("SEA_OOM_STRIDE");
    long v = s ? atol(s) : 1;
    return v >= 1 ? v : 1;
}

/* One run with allocation k failing (k = 0: none); checks the outcome and the leftovers. */
static sea_status run_once(scenario_fn fn, const void *arg, long k, int forever, const char *name, const char *files_dir,
                           int fds0, int maps0, int entries0)
{
    sea_err err;
    sea_status st;
    sea_err_clear(&err);
    g_n = g_failed = 0;
    g_live = 0;
    g_fail_at = k;
    g_forever = forever;
    sea_set_allocator(&g_alloc);
    st = fn(arg, &err);
    sea_set_allocator(NULL);
    OOM_CHECK(st == SEA_OK || st == SEA_ERR_NOMEM, "%s: allocation %ld failing (%s): status %d (%s): %s", name, k,
                  forever ? "forever" : "once", (int)st, sea_status_str(st), err.msg);
    if (st == SEA_ERR_NOMEM) {
        OOM_CHECK(strstr(err.msg, "out of memory") != NULL, "%s: k = %ld: message does not say out of memory: %s", name, k,
                      err.msg);
        OOM_CHECK(strchr(err.msg, '\n') == NULL, "%s: k = %ld: message is not one line", name, k);
        OOM_CHECK(g_failed > 0, "%s: k = %ld: out of memory reported but no allocation failed", name, k);
    }
    OOM_CHECK(g_live == 0, "%s: allocation %ld failing (%s): %zu bytes leaked (status %d: %s)", name, k,
                  forever ? "forever" : "once", g_live, (int)st, err.msg);
    if (fds0 >= 0) OOM_CHECK(count_fds() == fds0, "%s: k = %ld (%s): file descriptor leaked", name, k, forever ? "forever" : "once");
    if (maps0 >= 0)
        OOM_CHECK(count_maps(files_dir) == maps0, "%s: k = %ld (%s): file mapping leaked", name, k, forever ? "forever" : "once");
    if (entries0 >= 0)
        OOM_CHECK(ht_count_entries(files_dir) == entries0, "%s: k = %ld (%s): a file was left in %s", name, k,
                      forever ? "forever" : "once", files_dir);
    return st;
}

/* The walk of one scenario in both modes. files_dir: directory whose mappings and entries
 * must not change (NULL: not checked). */
static walk_stats walk(scenario_fn fn, const void *arg, const char *name, const char *files_dir)
{
    walk_stats ws = {0, 0, 0};
    int fds0, maps0, entries0;
    long s = stride();
    /* a first run warms up what the C library allocates once (stdio, locale) */
    fds0 = count_fds();
    maps0 = files_dir ? count_maps(files_dir) : -1;
    entries0 = files_dir ? ht_count_entries(files_dir) : -1;
    ck_assert_int_eq(run_once(fn, arg, 0, 0, name, files_dir, fds0, maps0, entries0), SEA_OK);
    ws.n_allocs = g_n;
    ck_assert_msg(ws.n_allocs > 0, "%s: no allocation to fail", name);
    for (int forever = 0; forever < 2; forever++)
        for (long k = 1; k <= ws.n_allocs; k = (k < ws.n_allocs && k + s > ws.n_allocs) ? ws.n_allocs : k + s) {
            sea_status st = run_once(fn, arg, k, forever, name, files_dir, fds0, maps0, entries0);
            ws.n_runs++;
            ws.n_nomem += st == SEA_ERR_NOMEM;
            /* failing the first allocation of the reader itself must be reported */
            if (k == 1) ck_assert_msg(st == SEA_ERR_NOMEM, "%s: the first allocation failed but the call succeeded", name);
            if (k == ws.n_allocs) break;
        }
    printf("%s: %ld allocations, %ld failing runs, %ld reported out of memory\n", name, ws.n_allocs, ws.n_runs, ws.n_nomem);
    fflush(stdout);
    return ws;
}

/* ---- scenarios ---- */

/* sea_model_open + sea_ctx_new + one forward pass of three tokens with every row of logits. */
static sea_status sc_model(const void *arg, sea_err *err)
{
    sea_model *m = NULL;
    sea_ctx *c = NULL;
    sea_ctx_params p = sea_ctx_default_params();
    const int32_t toks[3] = {1, 5, 7};
    const float *logits;
    sea_status st = sea_model_open(&m, (const char *)arg, err);
    if (st) return st;
    p.n_ctx = 8;
    p.n_threads = 1;
    st = sea_ctx_new(&c, m, &p, err);
    if (!st) st = sea_forward(c, toks, 3, SEA_LOGITS_ALL, &logits, err);
    sea_ctx_free(c);
    sea_model_close(m);
    return st;
}

static sea_status sc_config_dir(const void *arg, sea_err *err)
{
    sea_llama_config c;
    return sea_config_load(&c, (const char *)arg, err);
}

/* a safetensors file through mmap, every tensor read */
static sea_status sc_st_file(const void *arg, sea_err *err)
{
    sea_st_file *f = NULL;
    sea_status st = sea_st_open(&f, (const char *)arg, err);
    static float buf[1 << 17]; /* room for 2^16 int64 too */
    for (size_t i = 0; !st && i < sea_st_count(f); i++) {
        const sea_st_tensor *t = sea_st_at(f, i);
        if (t->n_elements > (1 << 16)) continue;
        if (t->dtype == SEA_DTYPE_F32 || t->dtype == SEA_DTYPE_F16 || t->dtype == SEA_DTYPE_BF16 || t->dtype == SEA_DTYPE_F64)
            st = sea_st_read_f32(buf, t, err);
        else
            st = sea_st_read_i64((int64_t *)(void *)buf, t, err);
    }
    sea_st_close(f);
    return st;
}

/* A tokenizer: open, encode with and without specials, decode whole and streamed. */
typedef struct tok_arg {
    const char *json, *config;
} tok_arg;

static sea_status sc_tokenizer(const void *arg, sea_err *err)
{
    const tok_arg *ta = arg;
    static const char text[] = "In the beginning God created the heaven and the earth. caf\xc3\xa9 \xf0\x9f\x98\x80 1234 it's";
    sea_tokenizer *tok = NULL;
    int32_t *ids = NULL;
    size_t n = 0, len;
    char *out = NULL;
    sea_detok_stream *s = NULL;
    const char *b;
    sea_status st = sea_tokenizer_open_file(&tok, ta->json, ta->config, err);
    if (st) return st;
    st = sea_tokenize(tok, text, sizeof text - 1, 1, &ids, &n, err);
    if (!st) {
        sea_free(ids);
        ids = NULL;
        st = sea_tokenize(tok, text, sizeof text - 1, 0, &ids, &n, err);
    }
    if (!st) st = sea_detokenize(tok, ids, n, 0, &out, &len, err);
    if (!st) st = sea_detok_stream_new(&s, tok, err);
    for (size_t i = 0; !st && i < n; i++) st = sea_detok_stream_push(s, ids[i], &b, &len, err);
    if (!st && (st = sea_detok_stream_flush(s, &b, &len)) != SEA_OK) {
        /* the flush has no error report: its only failure is out of memory */
        err->status = st;
        snprintf(err->msg, sizeof err->msg, "%s: out of memory flushing the stream", ta->json);
    }
    sea_detok_stream_free(s);
    sea_free(out);
    sea_free(ids);
    sea_tokenizer_close(tok);
    return st;
}

static sea_status sc_acts_open(const void *arg, sea_err *err)
{
    sea_acts *a = NULL;
    sea_status st = sea_acts_open(&a, (const char *)arg, err);
    if (!st && !sea_acts_data(a, SEA_ACTS_POSITIVE)) {
        /* sea_acts_data reports out of memory by NULL alone */
        err->status = st = SEA_ERR_NOMEM;
        snprintf(err->msg, sizeof err->msg, "%s: out of memory copying the activations", (const char *)arg);
    }
    sea_acts_free(a);
    return st;
}

static sea_status sc_proj_open(const void *arg, sea_err *err)
{
    sea_proj *p = NULL;
    sea_status st = sea_proj_open(&p, (const char *)arg, err);
    sea_proj_free(p);
    return st;
}

/* save what the path holds under another name in the same directory: no temporary may stay */
typedef struct save_arg {
    const char *in, *out;
} save_arg;

static sea_status sc_acts_save(const void *arg, sea_err *err)
{
    const save_arg *sa = arg;
    sea_acts *a = NULL;
    sea_status st = sea_acts_open(&a, sa->in, err);
    if (!st) st = sea_acts_save(a, sa->out, err);
    sea_acts_free(a);
    if (!st) unlink(sa->out);
    return st;
}

static sea_status sc_proj_save(const void *arg, sea_err *err)
{
    const save_arg *sa = arg;
    sea_proj *p = NULL;
    sea_status st = sea_proj_open(&p, sa->in, err);
    if (!st) st = sea_proj_save(p, sa->out, err);
    sea_proj_free(p);
    if (!st) unlink(sa->out);
    return st;
}

static sea_status sc_demos(const void *arg, sea_err *err)
{
    sea_demos *d = NULL;
    sea_status st = sea_demos_load(&d, (const char *)arg, err);
    sea_demos_free(d);
    return st;
}

static sea_status sc_tqa(const void *arg, sea_err *err)
{
    sea_tqa *d = NULL;
    sea_status st = sea_tqa_load(&d, (const char *)arg, err);
    sea_tqa_free(d);
    return st;
}

static sea_status sc_bbq(const void *arg, sea_err *err)
{
    sea_bbq *d = NULL;
    sea_status st = sea_bbq_load(&d, (const char *)arg, err);
    sea_bbq_free(d);
    return st;
}

/* ---- files the walks read ---- */
static char g_tmp[4096];

/* A small activation set with "sea" metadata, and projections fitted from it, in g_tmp. */
static void make_acts_and_proj(char *acts_path, char *proj_path, size_t cap)
{
    sea_acts *a = NULL;
    sea_proj *p = NULL;
    sea_fit_params fp = sea_fit_default_params();
    sea_acts_meta m;
    uint32_t r = 12345;
    ck_assert_int_eq(sea_acts_new(&a, 6, 2, 8, NULL), SEA_OK);
    for (int k = 0; k < 3; k++) {
        float *x = sea_acts_data(a, k);
        for (size_t i = 0; i < 6 * 2 * 8; i++) {
            r = r * 1664525u + 1013904223u;
            x[i] = (float)((double)(r >> 8) / (double)(1u << 24) - 0.5);
        }
    }
    memset(&m, 0, sizeof m);
    m.site = "mlp";
    m.model = "oom-test";
    m.template_name = "none";
    m.max_new_tokens = 8;
    m.shard_i = 0;
    m.shard_n = 1;
    ck_assert_int_eq(sea_acts_set_meta(a, &m, NULL), SEA_OK);
    ht_path(acts_path, cap, g_tmp, "acts.safetensors");
    ck_assert_int_eq(sea_acts_save(a, acts_path, NULL), SEA_OK);
    fp.n_threads = 1;
    fp.k_ratio_pos = fp.k_ratio_neg = 0.9;
    ck_assert_int_eq(sea_fit(&p, a, &fp, NULL), SEA_OK);
    ht_path(proj_path, cap, g_tmp, "proj.safetensors");
    ck_assert_int_eq(sea_proj_save(p, proj_path, NULL), SEA_OK);
    sea_proj_free(p);
    sea_acts_free(a);
}

static void setup(void)
{
    ht_tmpdir(g_tmp, sizeof g_tmp);
}

static void teardown(void)
{
    ht_rm_tree(g_tmp);
}

/* ---- tests ---- */
START_TEST(test_model_single_file)
{
    walk(sc_model, fixture("hf/tiny-f32"), "model tiny-f32", fixture("hf/tiny-f32"));
}
END_TEST

START_TEST(test_model_sharded)
{
    walk(sc_model, fixture("hf/tiny-f16-sharded"), "model tiny-f16-sharded", fixture("hf/tiny-f16-sharded"));
}
END_TEST

START_TEST(test_model_bf16_tied_llama3_rope)
{
    const char *dir = fixture("hf/tiny-gqa-bf16-tied-llama3rope");
    walk(sc_model, dir, "model tiny-gqa-bf16-tied-llama3rope", dir);
}
END_TEST

START_TEST(test_config_with_generation_config)
{
    size_t len;
    unsigned char *cfg = ht_read(fixture("hf/tiny-gqa-bf16-tied-llama3rope/config.json"), &len);
    ht_write(g_tmp, "config.json", cfg, len);
    ht_write_str(g_tmp, "generation_config.json", "{\"bos_token_id\": 1, \"eos_token_id\": [2, 3, 2]}");
    free(cfg);
    walk(sc_config_dir, g_tmp, "config.json + generation_config.json", g_tmp);
}
END_TEST

START_TEST(test_safetensors_mmap)
{
    walk(sc_st_file, fixture("hf/tiny-f32/golden.safetensors"), "safetensors (mmap)", fixture("hf/tiny-f32"));
}
END_TEST

START_TEST(test_tokenizer_sentencepiece)
{
    /* kjv-demo's tokenizer cut to 700 pieces (fuzz/tokenizers/trim.py): the same steps as the
     * whole one (normalizer, byte fallback, merges, added tokens, tokenizer_config.json) with
     * a twentieth of the allocations to walk */
    char cfg[4096];
    tok_arg ta;
    snprintf(cfg, sizeof cfg, "%s/kjv-demo/tokenizer_config.json", SEA_SRC_MODELDIR);
    ta.json = SEA_TEST_FIXTURES "/../../fuzz/tokenizers/kjv-small.json";
    ta.config = cfg;
    walk(sc_tokenizer, &ta, "tokenizer kjv-demo (700 pieces)", NULL);
}
END_TEST

START_TEST(test_tokenizer_byte_level)
{
    tok_arg ta;
    ta.json = SEA_TEST_FIXTURES "/../../fuzz/tokenizers/bytelevel.json";
    ta.config = NULL;
    walk(sc_tokenizer, &ta, "tokenizer byte-level", NULL);
}
END_TEST

START_TEST(test_acts_and_proj)
{
    char acts[4200], proj[4200], out[4200];
    save_arg sa;
    make_acts_and_proj(acts, proj, sizeof acts);
    walk(sc_acts_open, acts, "sea_acts_open", g_tmp);
    walk(sc_acts_open, fixture("sea/acts-mlp.safetensors"), "sea_acts_open (no sea metadata)", NULL);
    walk(sc_proj_open, proj, "sea_proj_open", g_tmp);
    ht_path(out, sizeof out, g_tmp, "saved.safetensors");
    sa.out = out;
    sa.in = acts;
    walk(sc_acts_save, &sa, "sea_acts_open + sea_acts_save", g_tmp);
    sa.in = proj;
    walk(sc_proj_save, &sa, "sea_proj_open + sea_proj_save", g_tmp);
}
END_TEST

START_TEST(test_demos)
{
    walk(sc_demos, fixture("sea/demos.jsonl"), "sea_demos_load", NULL);
}
END_TEST

START_TEST(test_truthfulqa)
{
    char path[4200];
    size_t len, cut = 0;
    unsigned char *csv = ht_read(fixture("sea/truthfulqa-40.csv"), &len);
    /* the header and the first 8 questions (one line each in this file) */
    for (int lines = 0; cut < len && lines < 9; cut++) lines += csv[cut] == '\n';
    ht_write(g_tmp, "tqa8.csv", csv, cut);
    free(csv);
    ht_path(path, sizeof path, g_tmp, "tqa8.csv");
    walk(sc_tqa, path, "sea_tqa_load (8 TruthfulQA questions)", g_tmp);
    ht_write_str(g_tmp, "tqa.csv",
                 "\xef\xbb\xbfType,Category,Question,Best Answer,Correct Answers,Incorrect Answers\r\n"
                 "A,Misc,\"Q1, with a comma?\",\" a \",\"a; b.;\",\"c;\nd\"\"quoted\"\"\"\r\n"
                 "A,,Q2?,x,y,z\n");
    ht_path(path, sizeof path, g_tmp, "tqa.csv");
    walk(sc_tqa, path, "sea_tqa_load (quoting)", g_tmp);
}
END_TEST

START_TEST(test_bbq)
{
    char path[4200];
    ht_write_str(g_tmp, "bbq.jsonl",
                 "{\"context\":\"A grandson and his grandfather talked.\",\"question\":\"Who forgot?\",\"ans0\":\"The grandfather\","
                 "\"ans1\":\"The grandson\",\"ans2\":\"Unknown\",\"label\":1,\"category\":\"Age\",\"question_polarity\":\"neg\","
                 "\"answer_info\":{\"ans0\":[\"grandfather\",\"old\"],\"ans1\":[\"grandson\",\"nonOld\"],"
                 "\"ans2\":[\"Unknown\",\"unknown\"]},\"additional_metadata\":{\"stereotyped_groups\":[\"old\"]}}\n\n"
                 "{\"context\":\"c\",\"question\":\"q\",\"ans0\":\"a\",\"ans1\":\"b\",\"ans2\":\"Unknown\",\"label\":0,"
                 "\"category\":\"SES\",\"question_polarity\":\"nonneg\",\"answer_info\":{\"ans0\":[\"a\",\"lowSES-F-Black\"],"
                 "\"ans1\":[\"b\",\"highSES\"],\"ans2\":[\"Unknown\",\"unknown\"]},\"additional_metadata\":"
                 "{\"stereotyped_groups\":[\"low SES\",\"F\"]}}\n");
    ht_path(path, sizeof path, g_tmp, "bbq.jsonl");
    walk(sc_bbq, path, "sea_bbq_load", g_tmp);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("oom");
    TCase *tc = tcase_create("walks");
    tcase_set_timeout(tc, 600);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_model_single_file);
    tcase_add_test(tc, test_model_sharded);
    tcase_add_test(tc, test_model_bf16_tied_llama3_rope);
    tcase_add_test(tc, test_config_with_generation_config);
    tcase_add_test(tc, test_safetensors_mmap);
    tcase_add_test(tc, test_tokenizer_sentencepiece);
    tcase_add_test(tc, test_tokenizer_byte_level);
    tcase_add_test(tc, test_acts_and_proj);
    tcase_add_test(tc, test_demos);
    tcase_add_test(tc, test_truthfulqa);
    tcase_add_test(tc, test_bbq);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    sea_set_log(NULL, NULL); /* warnings of the fixtures (none expected) would repeat per run */
    return run_suite(suite());
}
