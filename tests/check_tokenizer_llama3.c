/* tests/check_tokenizer_llama3.c: the Llama-3 (byte-level BPE, 128k vocab, 280k merges)
 * tokenizer against Hugging Face `tokenizers` 0.23 on ~7000 golden texts. The tokenizer file
 * (9 MB) stays in ../shared: the suite reads it through SEA_SHARED and is SKIPPED when unset. */
#include "check_tokenizer_util.h"

static sea_tokenizer *g_tok;

START_TEST(test_golden_llama3)
{
    golden g;
    golden_load(&g, shared_path("golden/tokenizers/llama3.jsonl"));
    ck_assert_uint_eq(g.n, 6991);
    ck_assert_uint_eq(golden_check(g_tok, &g), 0);
    golden_free(&g);
}
END_TEST

START_TEST(test_stream_llama3)
{
    golden g;
    size_t bad = 0;
    golden_load(&g, shared_path("golden/tokenizers/llama3.jsonl"));
    for (size_t i = 0; i < g.n; i++) bad += (size_t)stream_matches(g_tok, g.lines[i].ids, g.lines[i].n_ids, 0);
    ck_assert_uint_eq(bad, 0);
    golden_free(&g);
}
END_TEST

/* Byte-level specifics: BOS is not added (the post-processor is ByteLevel only), special-token
 * strings are found in the raw text, a character cut in the middle decodes to U+FFFD. */
START_TEST(test_llama3_specifics)
{
    int32_t *ids;
    size_t n;
    sea_err err;
    char *t;
    /* "Hello" and the byte-level piece "æ", which stands for the lone byte 0xE6: the start of
     * a 3-byte character */
    int32_t cut[3] = {9906, -1, 9906};
    ck_assert_int_eq(sea_tokenizer_n_vocab(g_tok), 128256);
    ck_assert_int_eq(sea_tokenizer_bos(g_tok), 128000);
    ck_assert_int_eq(sea_tokenizer_eos(g_tok), 128001);
    ck_assert_int_eq(sea_tokenizer_add_bos(g_tok), 0);
    ck_assert(sea_tokenize(g_tok, "<|begin_of_text|>Hi<|eot_id|>", 29, 1, &ids, &n, &err) == SEA_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(ids[0], 128000);
    ck_assert_int_eq(ids[2], 128009);
    sea_free(ids);
    cut[1] = sea_tokenizer_token_id(g_tok, "\xC3\xA6", 2);
    ck_assert_int_ge(cut[1], 0);
    ck_assert(sea_detokenize(g_tok, cut, 3, 0, &t, &n, &err) == SEA_OK);
    ck_assert_str_eq(t, "Hello\xEF\xBF\xBDHello");
    sea_free(t);
    ck_assert_int_eq(stream_matches(g_tok, cut, 3, 0), 0);
}
END_TEST

int main(void)
{
    Suite *s;
    TCase *tc;
    sea_err err;
    int rc;
    SKIP_UNLESS_SHARED();
    if (sea_tokenizer_open(&g_tok, shared_path("golden/tokenizers/llama3"), &err) != SEA_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    s = suite_create("tokenizer-llama3");
    tc = tcase_create("golden");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_golden_llama3);
    tcase_add_test(tc, test_stream_llama3);
    tcase_add_test(tc, test_llama3_specifics);
    suite_add_tcase(s, tc);
    rc = run_suite(s);
    sea_tokenizer_close(g_tok);
    return rc;
}
