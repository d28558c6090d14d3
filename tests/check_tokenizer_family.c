/* tests/check_tokenizer_family.c: Gemma's and Qwen2's tokenizer formats, on the small
 * tokenizer.json files of tools/make_family_tokenizers.py (tests/fixtures/tokenizer/gemma and
 * qwen2; no official file is in the repository, doc/TOKENIZER.md) against the ids its own
 * reference encoder gives: Gemma's SentencePiece-BPE with byte fallback, no prefix space,
 * <bos> from the post-processor, <start_of_turn>/<end_of_turn> specials; Qwen2's NFC
 * normalizer, its pre-tokenizer regex (single digits) and byte-level BPE, no BOS. Then the
 * chat templates through them, and the limits of the NFC step. */
#include "check_tokenizer_util.h"

static sea_tokenizer *open_tok(const char *name)
{
    sea_tokenizer *t;
    sea_err err;
    char rel[64];
    snprintf(rel, sizeof rel, "tokenizer/%s", name);
    ck_assert_msg(sea_tokenizer_open(&t, fixture(rel), &err) == SEA_OK, "%s", err.msg);
    return t;
}

START_TEST(test_golden)
{
    static const char *const names[] = {"gemma", "qwen2"};
    char rel[64];
    golden g;
    sea_tokenizer *t = open_tok(names[_i]);
    snprintf(rel, sizeof rel, "tokenizer/%s.jsonl", names[_i]);
    golden_load(&g, fixture(rel));
    ck_assert_uint_ge(g.n, 12);
    ck_assert_uint_eq(golden_check(t, &g), 0);
    for (size_t i = 0; i < g.n; i++) ck_assert_int_eq(stream_matches(t, g.lines[i].ids, g.lines[i].n_ids, 0), 0);
    golden_free(&g);
    sea_tokenizer_close(t);
}
END_TEST

START_TEST(test_gemma_specifics)
{
    sea_tokenizer *t = open_tok("gemma");
    sea_template tm;
    sea_err err;
    char *text;
    int32_t *ids;
    size_t n;
    ck_assert_int_eq(sea_tokenizer_bos(t), 2);
    ck_assert_int_eq(sea_tokenizer_eos(t), 1);
    ck_assert_int_eq(sea_tokenizer_add_bos(t), 1);
    ck_assert_int_eq(sea_tokenizer_token_id(t, "<start_of_turn>", 15), 4);
    ck_assert_int_eq(sea_tokenizer_token_id(t, "<end_of_turn>", 13), 5);
    ck_assert_int_eq(sea_template_parse(&tm, "gemma", &err), SEA_OK);
    ck_assert_int_eq(sea_template_apply(&text, tm, NULL, "hello", &err), SEA_OK);
    ck_assert_int_eq(sea_tokenize(t, text, strlen(text), 1, &ids, &n, &err), SEA_OK);
    /* <bos> <start_of_turn> user \n hello <end_of_turn> \n <start_of_turn> model \n: no prefix
     * space before "user" */
    ck_assert_uint_ge(n, 8);
    ck_assert_int_eq(ids[0], 2);
    ck_assert_int_eq(ids[1], 4);
    ck_assert_int_eq(ids[2], sea_tokenizer_token_id(t, "user", 4));
    ck_assert_int_eq(ids[n - 1], sea_tokenizer_token_id(t, "\n", 1));
    ck_assert_int_eq(ids[n - 2], sea_tokenizer_token_id(t, "model", 5));
    ck_assert_int_eq(ids[n - 3], 4);
    sea_free(ids);
    sea_free(text);
    sea_tokenizer_close(t);
}
END_TEST

START_TEST(test_qwen2_specifics)
{
    sea_tokenizer *t = open_tok("qwen2");
    sea_err err;
    char *text;
    int32_t *ids;
    size_t n;
    ck_assert_int_eq(sea_tokenizer_add_bos(t), 0);
    /* digits one at a time although the merge "1 2" exists (Llama-3's regex would keep "12") */
    ck_assert_int_eq(sea_tokenize(t, "12", 2, 0, &ids, &n, &err), SEA_OK);
    ck_assert_uint_eq(n, 2);
    sea_free(ids);
    ck_assert_int_eq(sea_template_apply(&text, SEA_TEMPLATE_QWEN2, NULL, "hello", &err), SEA_OK);
    ck_assert_int_eq(sea_tokenize(t, text, strlen(text), 1, &ids, &n, &err), SEA_OK);
    ck_assert_int_eq(ids[0], sea_tokenizer_token_id(t, "<|im_start|>", 12));
    /* ... <|im_start|> assistant \n: the last id is the byte-level newline "\u010a" */
    ck_assert_int_eq(ids[n - 1], sea_tokenizer_token_id(t, "\xC4\x8A", 2));
    ck_assert_int_eq(ids[n - 1], 10);
    sea_free(ids);
    sea_free(text);
    /* NFC: the identity below U+0300 (precomposed Latin-1 letters are fine) ... */
    ck_assert_int_eq(sea_tokenize(t, "caf\xC3\xA9", 5, 0, &ids, &n, &err), SEA_OK);
    sea_free(ids);
    /* ... and on curly quotes, dashes and the euro sign (TruthfulQA's instruction has quotes) */
    {
        const char *q = "\xE2\x80\x9Cno\xE2\x80\x9D \xE2\x80\x94 5\xE2\x82\xAC";
        ck_assert_int_eq(sea_tokenize(t, q, strlen(q), 0, &ids, &n, &err), SEA_OK);
        ck_assert_uint_eq(n, strlen(q)); /* no merge of this vocabulary applies: one id per byte */
    }
    sea_free(ids);
    /* U+2000 decomposes to U+2002 under NFC: refused, not passed through */
    ck_assert_int_eq(sea_tokenize(t, "\xE2\x80\x80", 3, 0, &ids, &n, &err), SEA_ERR_UNSUPPORTED);
    /* ... beyond it sea has no composition tables: one clear error, not a wrong answer */
    ck_assert_int_eq(sea_tokenize(t, "cafe\xCC\x81", 6, 0, &ids, &n, &err), SEA_ERR_UNSUPPORTED);
    ck_assert_msg(strstr(err.msg, "NFC") != NULL && strchr(err.msg, '\n') == NULL, "%s", err.msg);
    ck_assert_int_eq(sea_tokenize(t, "\xE4\xBD\xA0", 3, 0, &ids, &n, &err), SEA_ERR_UNSUPPORTED);
    sea_tokenizer_close(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tokenizer-family");
    TCase *tc = tcase_create("family");
    tcase_add_loop_test(tc, test_golden, 0, 2);
    tcase_add_test(tc, test_gemma_specifics);
    tcase_add_test(tc, test_qwen2_specifics);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
