/* tests/check_tokenizer_hostile.c: broken and hostile tokenizer.json / tokenizer_config.json
 * files get a clear one-line error naming the file and the problem (never a crash, never an
 * unbounded allocation), and every allocation failure while opening, encoding and decoding is
 * reported as "out of memory" without leaking or crashing. */
#include "check_tokenizer_util.h"

/* A minimal valid model with `model_extra` appended to "model" and `top` to the top level. */
static char *doc(const char *vocab, const char *merges, const char *model_extra, const char *top)
{
    sea_buf b;
    sea__buf_init(&b);
    sea__buf_printf(&b, "{\"model\":{\"type\":\"BPE\",\"vocab\":%s,\"merges\":%s%s%s}%s%s}",
                    vocab ? vocab : "{\"a\":0,\"b\":1,\"ab\":2}", merges ? merges : "[\"a b\"]",
                    model_extra ? "," : "", model_extra ? model_extra : "", top ? "," : "", top ? top : "");
    return b.data;
}

static void expect_error(const char *json, const char *config, sea_status want, const char *needle)
{
    sea_tokenizer *tok = (sea_tokenizer *)0x1;
    sea_err err;
    sea_status st;
    sea_err_clear(&err);
    st = sea_tokenizer_open_mem(&tok, json, strlen(json), config, config ? strlen(config) : 0, "bad.json", &err);
    ck_assert_msg(st != SEA_OK, "accepted: %s", json);
    ck_assert_ptr_null(tok);
    if (want) ck_assert_msg(st == want, "status %d (%s), want %d for %s", st, err.msg, want, json);
    ck_assert_msg(strstr(err.msg, needle), "message '%s' lacks '%s'", err.msg, needle);
    ck_assert_msg(!strchr(err.msg, '\n'), "message has several lines: %s", err.msg);
}

#define BAD(vocab, merges, model_extra, top, want, needle)        \
    do {                                                          \
        char *j__ = doc(vocab, merges, model_extra, top);         \
        expect_error(j__, NULL, want, needle);                    \
        sea__free(j__);                                           \
    } while (0)

START_TEST(test_structure)
{
    expect_error("", NULL, SEA_ERR_FORMAT, "bad.json: ");
    expect_error("{\"model\":", NULL, SEA_ERR_FORMAT, "bad.json: line 1");
    expect_error("[]", NULL, SEA_ERR_FORMAT, "top level must be an object");
    expect_error("{}", NULL, SEA_ERR_FORMAT, "'model' must be an object");
    expect_error("{\"model\":{\"type\":\"Unigram\",\"vocab\":[]}}", NULL, SEA_ERR_UNSUPPORTED, "model type 'Unigram' is not supported");
    expect_error("{\"model\":{\"type\":7}}", NULL, SEA_ERR_UNSUPPORTED, "not supported");
    expect_error("{\"model\":{\"vocab\":{}}}", NULL, SEA_ERR_UNSUPPORTED, "only BPE");
    BAD("[]", NULL, NULL, NULL, SEA_ERR_FORMAT, "model.vocab must be an object, got array");
    BAD("{}", "[]", NULL, NULL, SEA_ERR_FORMAT, "the vocab is empty");
    /* deep nesting is refused by the JSON reader */
    {
        char deep[600];
        memset(deep, '[', 300);
        memset(deep + 300, ']', 300);
        deep[600 - 1] = 0;
        memcpy(deep, "{\"a\":", 5);
        expect_error(deep, NULL, SEA_OK, "bad.json: line 1, column 133: nesting deeper than 128 levels");
    }
}
END_TEST

START_TEST(test_vocab_ids)
{
    BAD("{\"a\":-1}", "[]", NULL, NULL, SEA_ERR_LIMIT, "id of vocab piece 'a' is -1, expected 0 <= id < 16777216");
    BAD("{\"a\":99999999999}", "[]", NULL, NULL, SEA_ERR_LIMIT, "is 99999999999, expected");
    BAD("{\"a\":1e300}", "[]", NULL, NULL, SEA_ERR_FORMAT, "must be an integer");
    BAD("{\"a\":1.5}", "[]", NULL, NULL, SEA_ERR_FORMAT, "must be an integer");
    BAD("{\"a\":\"0\"}", "[]", NULL, NULL, SEA_ERR_FORMAT, "must be an integer");
    BAD("{\"a\":0,\"b\":0}", "[]", NULL, NULL, SEA_ERR_FORMAT, "vocab pieces 'a' and 'b' both have id 0");
    BAD("{\"a\":0,\"a\":1}", "[]", NULL, NULL, SEA_ERR_FORMAT, "duplicate");
    /* the id tables follow the largest id: it must stay near the number of tokens defined
     * (2 x 2 + 65536 - 1 = 65539 is the largest id two tokens allow) */
    BAD("{\"a\":0,\"b\":16777215}", "[]", NULL, NULL, SEA_ERR_LIMIT,
        "token id 16777215 is far beyond the 2 tokens defined (at most 65539)");
    BAD("{\"a\":0,\"b\":65540}", "[]", NULL, NULL, SEA_ERR_LIMIT, "token id 65540 is far beyond");
    {
        char *j = doc("{\"a\":0,\"b\":65539}", "[]", NULL, NULL);
        sea_tokenizer *t = NULL;
        ck_assert_int_eq(sea_tokenizer_open_mem(&t, j, strlen(j), NULL, 0, "ok.json", NULL), SEA_OK);
        ck_assert_int_eq(sea_tokenizer_n_vocab(t), 65540);
        sea_tokenizer_close(t);
        sea__free(j);
    }
    {
        /* a piece over the length cap */
        sea_buf v;
        char *j;
        sea__buf_init(&v);
        sea__buf_puts(&v, "{\"");
        for (int i = 0; i < 2000; i++) sea__buf_putc(&v, 'x');
        sea__buf_puts(&v, "\":0}");
        j = doc(v.data, "[]", NULL, NULL);
        expect_error(j, NULL, SEA_ERR_LIMIT, "is 2000 bytes, longer than 1024");
        sea__free(j);
        sea__buf_free(&v);
    }
    /* malformed byte pieces, when byte_fallback makes them meaningful */
    BAD("{\"a\":0,\"<0xZZ>\":1}", "[]", "\"byte_fallback\":true", NULL, SEA_ERR_FORMAT, "'<0xZZ>' (id 1) looks like a byte token but 'ZZ' is not two hex digits");
    BAD("{\"a\":0,\"<0x-1>\":1}", "[]", "\"byte_fallback\":true", NULL, SEA_ERR_FORMAT, "'-1' is not two hex digits");
    BAD("{\"a\":0,\"<0x+F>\":1}", "[]", "\"byte_fallback\":true", NULL, SEA_ERR_FORMAT, "not two hex digits");
}
END_TEST

START_TEST(test_merges)
{
    BAD(NULL, "[\"a c\"]", NULL, NULL, SEA_ERR_FORMAT, "merge 0: 'c' is not in the vocab");
    BAD("{\"a\":0,\"b\":1}", "[\"a b\"]", NULL, NULL, SEA_ERR_FORMAT, "merge 0: the merged piece 'ab' is not in the vocab");
    BAD(NULL, "[\"ab\"]", NULL, NULL, SEA_ERR_FORMAT, "merge 0 'ab' is not two pieces separated by one space");
    BAD(NULL, "[\"a  b\"]", NULL, NULL, SEA_ERR_FORMAT, "not two pieces");
    BAD(NULL, "[[\"a\"]]", NULL, NULL, SEA_ERR_FORMAT, "merge 0 must be a string");
    BAD(NULL, "[[1,2]]", NULL, NULL, SEA_ERR_FORMAT, "merge 0 must be a string");
    BAD(NULL, "{}", NULL, NULL, SEA_ERR_FORMAT, "model.merges must be an array");
    BAD(NULL, NULL, "\"dropout\":0.1", NULL, SEA_ERR_UNSUPPORTED, "dropout 0.1 is not supported");
    BAD(NULL, NULL, "\"continuing_subword_prefix\":\"##\"", NULL, SEA_ERR_UNSUPPORTED, "continuing_subword_prefix");
    BAD(NULL, NULL, "\"unk_token\":5", NULL, SEA_ERR_FORMAT, "unk_token must be a string");
    BAD(NULL, NULL, "\"byte_fallback\":\"yes\"", NULL, SEA_ERR_FORMAT, "byte_fallback");
}
END_TEST

START_TEST(test_added)
{
    BAD(NULL, NULL, NULL, "\"added_tokens\":{}", SEA_ERR_FORMAT, "added_tokens must be an array");
    BAD(NULL, NULL, NULL, "\"added_tokens\":[7]", SEA_ERR_FORMAT, "added token 0 must be an object");
    BAD(NULL, NULL, NULL, "\"added_tokens\":[{\"id\":3}]", SEA_ERR_FORMAT, "needs a string 'content'");
    BAD(NULL, NULL, NULL, "\"added_tokens\":[{\"content\":\"<x>\"}]", SEA_ERR_FORMAT, "needs an 'id'");
    BAD(NULL, NULL, NULL, "\"added_tokens\":[{\"id\":1e9,\"content\":\"<x>\"}]", SEA_ERR_FORMAT, "must be an integer");
    BAD(NULL, NULL, NULL, "\"added_tokens\":[{\"id\":2147483648,\"content\":\"<x>\"}]", SEA_ERR_LIMIT, "added token id is 2147483648");
    BAD(NULL, NULL, NULL, "\"added_tokens\":[{\"id\":1,\"content\":\"<x>\"}]", SEA_ERR_FORMAT, "added token '<x>' has id 1, which is the vocab's 'b'");
    BAD(NULL, NULL, NULL, "\"added_tokens\":[{\"id\":5,\"content\":\"a\"}]", SEA_ERR_FORMAT, "added token 'a' has id 5 but the vocab gives it id 0");
    BAD(NULL, NULL, NULL, "\"added_tokens\":[{\"id\":5,\"content\":\"<x>\"},{\"id\":6,\"content\":\"<x>\"}]", SEA_ERR_FORMAT, "'<x>' is listed twice");
    BAD(NULL, NULL, NULL, "\"added_tokens\":[{\"id\":5,\"content\":\"<x>\"},{\"id\":5,\"content\":\"<y>\"}]", SEA_ERR_FORMAT, "both have id 5");
    BAD(NULL, NULL, NULL, "\"added_tokens\":[{\"id\":5,\"content\":\"<x>\",\"special\":1}]", SEA_ERR_FORMAT, "special");
}
END_TEST

START_TEST(test_steps)
{
    BAD(NULL, NULL, NULL, "\"normalizer\":{\"type\":\"NFKC\"}", SEA_ERR_UNSUPPORTED, "normalizer 'NFKC' is not supported");
    BAD(NULL, NULL, NULL, "\"normalizer\":{\"prepend\":\"x\"}", SEA_ERR_FORMAT, "normalizer has no string 'type'");
    BAD(NULL, NULL, NULL, "\"normalizer\":{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"a+\"},\"content\":\"\"}", SEA_ERR_UNSUPPORTED, "Regex pattern is not supported");
    BAD(NULL, NULL, NULL, "\"normalizer\":{\"type\":\"Replace\",\"pattern\":{\"String\":\"\"},\"content\":\"x\"}", SEA_ERR_FORMAT, "pattern is empty");
    BAD(NULL, NULL, NULL, "\"normalizer\":{\"type\":\"Prepend\"}", SEA_ERR_FORMAT, "needs a string 'prepend'");
    BAD(NULL, NULL, NULL, "\"pre_tokenizer\":{\"type\":\"Whitespace\"}", SEA_ERR_UNSUPPORTED, "pre-tokenizer 'Whitespace' is not supported");
    BAD(NULL, NULL, NULL, "\"pre_tokenizer\":{\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\w+\"},\"behavior\":\"Isolated\"}", SEA_ERR_UNSUPPORTED, "Split regex '\\w+' is not supported");
    BAD(NULL, NULL, NULL, "\"pre_tokenizer\":{\"type\":\"Split\",\"pattern\":{\"String\":\"-\"},\"behavior\":\"Sideways\"}", SEA_ERR_FORMAT, "Split behavior 'Sideways' is unknown");
    BAD(NULL, NULL, NULL, "\"pre_tokenizer\":{\"type\":\"Metaspace\",\"replacement\":\"ab\"}", SEA_ERR_FORMAT, "must be exactly one character");
    BAD(NULL, NULL, NULL, "\"pre_tokenizer\":{\"type\":\"Metaspace\",\"replacement\":\"_\",\"prepend_scheme\":\"sometimes\"}", SEA_ERR_FORMAT, "prepend_scheme 'sometimes'");
    BAD(NULL, NULL, NULL, "\"pre_tokenizer\":{\"type\":\"Metaspace\",\"replacement\":\"_\",\"prepend_scheme\":\"always\",\"add_prefix_space\":false}", SEA_ERR_FORMAT, "does not match");
    BAD(NULL, NULL, NULL, "\"decoder\":{\"type\":\"WordPiece\"}", SEA_ERR_UNSUPPORTED, "decoder 'WordPiece' is not supported");
    BAD(NULL, NULL, NULL, "\"decoder\":{\"type\":\"Strip\",\"content\":\" \",\"start\":99999999}", SEA_ERR_LIMIT, "start/stop");
    BAD(NULL, NULL, NULL, "\"decoder\":{\"type\":\"Strip\",\"content\":\" \",\"start\":-1}", SEA_ERR_FORMAT, "Strip start");
    BAD(NULL, NULL, NULL, "\"post_processor\":{\"type\":\"BertProcessing\"}", SEA_ERR_UNSUPPORTED, "post-processor 'BertProcessing' is not supported");
    BAD(NULL, NULL, NULL, "\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<s>\"}},{\"Sequence\":{\"id\":\"A\"}}],\"special_tokens\":{}}", SEA_ERR_FORMAT, "template special token '<s>' is missing");
    BAD(NULL, NULL, NULL, "\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<s>\"}}],\"special_tokens\":{\"<s>\":{\"id\":\"<s>\",\"ids\":[0]}}}", SEA_ERR_FORMAT, "no sequence A");
    BAD(NULL, NULL, NULL, "\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<s>\"}},{\"Sequence\":{\"id\":\"A\"}}],\"special_tokens\":{\"<s>\":{\"id\":\"<s>\",\"ids\":[-4]}}}", SEA_ERR_LIMIT, "id -4 is out of range");
    {
        /* more steps than the cap */
        sea_buf t;
        char *j;
        sea__buf_init(&t);
        sea__buf_puts(&t, "\"decoder\":{\"type\":\"Sequence\",\"decoders\":[");
        for (int i = 0; i < 100; i++) sea__buf_printf(&t, "%s{\"type\":\"Fuse\"}", i ? "," : "");
        sea__buf_puts(&t, "]}");
        j = doc(NULL, NULL, NULL, t.data);
        expect_error(j, NULL, SEA_ERR_LIMIT, "more than 64 decoders");
        sea__free(j);
        sea__buf_free(&t);
    }
}
END_TEST

START_TEST(test_config_and_files)
{
    char *j = doc(NULL, NULL, NULL, NULL);
    sea_tokenizer *tok;
    sea_err err;
    expect_error(j, "{\"bos_token\":\"<nope>\"}", SEA_ERR_FORMAT, "tokenizer_config.json: bos_token '<nope>' is not a token");
    expect_error(j, "{\"eos_token\":3}", SEA_ERR_FORMAT, "tokenizer_config.json: 'eos_token' must be a string");
    expect_error(j, "[1]", SEA_ERR_FORMAT, "tokenizer_config.json: the top level must be an object");
    expect_error(j, "{\"add_bos_token\":\"yes\"}", SEA_ERR_FORMAT, "tokenizer_config.json");
    expect_error(j, "{\"tokenizer_class\":\"LlamaTokenizer\",\"add_bos_token\":true}", SEA_ERR_FORMAT, "add_bos_token is true but there is no bos_token");
    sea__free(j);
    ck_assert_int_eq(sea_tokenizer_open(&tok, "/nonexistent/dir", &err), SEA_ERR_IO);
    ck_assert_msg(strstr(err.msg, "/nonexistent/dir/tokenizer.json: cannot open"), "%s", err.msg);
    ck_assert_int_eq(sea_tokenizer_open_file(&tok, fixture("tokenizer/llama2.jsonl"), NULL, &err), SEA_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "llama2.jsonl: line 2, column 1: unexpected data"), "%s", err.msg);
    ck_assert_int_eq(sea_tokenizer_open(NULL, ".", &err), SEA_ERR_ARG);
}
END_TEST

/* ---- allocation failures ---- */
static long g_budget = -1; /* allocations left before failing; -1: never fail */

static void *fail_malloc(size_t n, void *u)
{
    (void)u;
    if (g_budget == 0) return NULL;
    if (g_budget > 0) g_budget--;
    return malloc(n);
}
static void *fail_realloc(void *p, size_t n, void *u)
{
    (void)u;
    if (g_budget == 0) return NULL;
    if (g_budget > 0) g_budget--;
    return realloc(p, n);
}
static void fail_free(void *p, void *u)
{
    (void)u;
    free(p);
}

START_TEST(test_out_of_memory)
{
    static const sea_allocator a = {fail_malloc, fail_realloc, fail_free, NULL};
    const char *json =
        "{\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\",\"prepend\":\"_\"},"
        "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"_\"}]},"
        "\"pre_tokenizer\":{\"type\":\"Metaspace\",\"replacement\":\"_\",\"prepend_scheme\":\"first\"},"
        "\"decoder\":{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"String\":\"_\"},\"content\":\" \"},"
        "{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"},{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}]},"
        "\"added_tokens\":[{\"id\":7,\"content\":\"<s>\",\"special\":true,\"normalized\":false},"
        "{\"id\":8,\"content\":\"hey\",\"special\":false,\"normalized\":true}],"
        "\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<s>\"}},{\"Sequence\":{\"id\":\"A\"}}],"
        "\"special_tokens\":{\"<s>\":{\"id\":\"<s>\",\"ids\":[7]}}},"
        "\"model\":{\"type\":\"BPE\",\"byte_fallback\":true,\"unk_token\":\"<unk>\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2,\"_\":3,\"_ab\":4,"
        "\"<0xC3>\":5,\"<0xA9>\":6,\"<unk>\":9},\"merges\":[\"a b\",\"_ ab\"]}}";
    const char *text = "ab <s>ab \xC3\xA9 hey z";
    int done_open = 0, done_all = 0;
    for (long k = 0; k < 2000 && !done_all; k++) {
        sea_tokenizer *tok = NULL;
        sea_err err;
        sea_status st;
        int32_t *ids = NULL;
        size_t n = 0, l;
        char *t = NULL;
        sea_detok_stream *s = NULL;
        const char *b;
        g_budget = k;
        sea_set_allocator(&a);
        st = sea_tokenizer_open_mem(&tok, json, strlen(json), NULL, 0, "oom.json", &err);
        if (st != SEA_OK) {
            sea_set_allocator(NULL);
            ck_assert_msg(st == SEA_ERR_NOMEM, "budget %ld: %s", k, err.msg);
            ck_assert_msg(strstr(err.msg, "oom.json") != NULL, "%s", err.msg);
            ck_assert_ptr_null(tok);
            continue;
        }
        done_open = 1;
        st = sea_tokenize(tok, text, strlen(text), 1, &ids, &n, &err);
        if (st == SEA_OK) st = sea_detokenize(tok, ids, n, 0, &t, &l, &err);
        if (st == SEA_OK) st = sea_detok_stream_new(&s, tok, &err);
        for (size_t i = 0; st == SEA_OK && i < n; i++) st = sea_detok_stream_push(s, ids[i], &b, &l, &err);
        if (st == SEA_OK) st = sea_detok_stream_flush(s, &b, &l);
        sea_set_allocator(NULL);
        ck_assert_msg(st == SEA_OK || st == SEA_ERR_NOMEM, "budget %ld: status %d %s", k, st, err.msg);
        if (st == SEA_OK) {
            /* BOS, "▁ab" "▁" <s> "▁ab" "▁" <0xC3><0xA9> "hey" "▁" <unk> (z: no byte token) */
            ck_assert_str_eq(t, "<s> ab <s> ab \xC3\xA9hey <unk>");
            done_all = 1;
        }
        sea_detok_stream_free(s);
        sea_free(t);
        sea_free(ids);
        sea_tokenizer_close(tok);
    }
    sea_set_allocator(NULL);
    ck_assert(done_open);
    ck_assert(done_all);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tokenizer-hostile");
    TCase *tc = tcase_create("files");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_structure);
    tcase_add_test(tc, test_vocab_ids);
    tcase_add_test(tc, test_merges);
    tcase_add_test(tc, test_added);
    tcase_add_test(tc, test_steps);
    tcase_add_test(tc, test_config_and_files);
    tcase_add_test(tc, test_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
