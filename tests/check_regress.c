/* tests/check_regress.c: one named test per bug the fuzzers found (doc/SECURITY.md,
 * "Findings"), each checking the exact result the input must give. The input that found the
 * bug is also in the fuzz target's corpus (fuzz/corpus/<target>/regress-*), which `make check`
 * replays; the sanitized build (.ci/sanitize.sh) runs both under ASan and UBSan. */
#include "hostile.h"

/* fuzz_tokenize, input "\x01" (empty text, byte-level tokenizer): decoding no ids through the
 * ByteLevel decoder formed NULL + 0 from the empty string list (undefined behaviour, reported
 * by clang's UBSan). Decoding nothing gives "". */
START_TEST(test_decode_nothing_byte_level)
{
    sea_tokenizer *tok = NULL;
    sea_detok_stream *s = NULL;
    sea_err err;
    char *text = NULL;
    size_t len = 99;
    const char *b;
    int32_t *ids = NULL;
    size_t n = 99;
    ck_assert_int_eq(sea_tokenizer_open_file(&tok, SEA_TEST_FIXTURES "/../../fuzz/tokenizers/bytelevel.json", NULL, &err),
                     SEA_OK);
    ck_assert_int_eq(sea_tokenize(tok, "", 0, 0, &ids, &n, &err), SEA_OK);
    ck_assert_uint_eq(n, 0);
    for (int skip = 0; skip < 2; skip++) {
        ck_assert_int_eq(sea_detokenize(tok, ids, 0, skip, &text, &len, &err), SEA_OK);
        ck_assert_uint_eq(len, 0);
        ck_assert_str_eq(text, "");
        sea_free(text);
    }
    ck_assert_int_eq(sea_detok_stream_new(&s, tok, &err), SEA_OK);
    ck_assert_int_eq(sea_detok_stream_flush(s, &b, &len), SEA_OK);
    ck_assert_uint_eq(len, 0);
    sea_detok_stream_free(s);
    sea_free(ids);
    sea_tokenizer_close(tok);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fuzz-regressions");
    TCase *tc = tcase_create("findings");
    tcase_add_test(tc, test_decode_nothing_byte_level);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
