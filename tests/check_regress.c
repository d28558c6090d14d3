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

/* fuzz_config: "rms_norm_eps": 1e-50 was accepted (positive as a double) and stored as the
 * float32 0, so RMSNorm divided by zero on an all-zero row. It is refused; the smallest
 * positive float32 values still pass. */
START_TEST(test_rms_norm_eps_underflow)
{
    static const char *const bad[] = {"1e-50", "1e-46", "0.99999999999"};
    static const char *const good[] = {"1e-45", "1.2e-38", "1e-5", "0.9999"};
    char text[512];
    sea_llama_config c;
    sea_err err;
    for (size_t i = 0; i < HT_LEN(bad) + HT_LEN(good); i++) {
        int ok = i >= HT_LEN(bad);
        snprintf(text, sizeof text,
                 "{\"model_type\":\"llama\",\"vocab_size\":16,\"hidden_size\":8,\"intermediate_size\":12,"
                 "\"num_hidden_layers\":2,\"num_attention_heads\":2,\"rms_norm_eps\":%s}",
                 ok ? good[i - HT_LEN(bad)] : bad[i]);
        if (ok) {
            ck_assert_msg(sea_config_parse(&c, text, strlen(text), "config.json", &err) == SEA_OK, "%s", err.msg);
            ck_assert(c.rms_eps > 0 && c.rms_eps < 1);
        } else {
            ck_assert_int_eq(sea_config_parse(&c, text, strlen(text), "config.json", &err), SEA_ERR_FORMAT);
            ht_check_msg(&err, "config.json", "rms_norm_eps must be in (0, 1) as a float32", NULL, bad[i]);
        }
    }
}
END_TEST

/* fuzz_demos: a demonstration line nested deeper than the JSON reader's 128 levels returned
 * SEA_ERR_FORMAT while err said SEA_ERR_LIMIT (the reader's status was replaced, its message
 * kept). Both say LIMIT now, and the message names the file and the line. */
START_TEST(test_demos_nesting_status)
{
    char text[400];
    sea_demos *d = (sea_demos *)0x1;
    sea_err err;
    sea_status st;
    memset(text, '[', 300);
    strcpy(text + 300, "]\n");
    sea_err_clear(&err);
    st = sea_demos_parse(&d, text, strlen(text), "demos.jsonl", &err);
    ck_assert_int_eq(st, SEA_ERR_LIMIT);
    ck_assert_int_eq(err.status, st);
    ck_assert_ptr_null(d);
    ht_check_msg(&err, "demos.jsonl: line 1", "nesting deeper than 128 levels", NULL, "deep demos");
    /* a broken line keeps the reader's FORMAT, in both places */
    sea_err_clear(&err);
    st = sea_demos_parse(&d, "{\"prompt\": \n", 13, "demos.jsonl", &err);
    ck_assert_int_eq(st, SEA_ERR_FORMAT);
    ck_assert_int_eq(err.status, st);
}
END_TEST

/* fuzz_proj: a projection file with "eps": 1e-84 was accepted (positive as a double) and
 * stored as the float32 0; saving it wrote eps 0, which the reader refused on reopening.
 * eps and alpha are checked as the float32 they are stored as. The test edits the metadata of
 * the input that found it, keeping its length (so the header stays valid). */
static sea_status open_proj_variant(const char *from, const char *to, sea_err *err)
{
    char dir[4096], path[4200];
    size_t len;
    unsigned char *img = ht_read(SEA_TEST_FIXTURES "/../../fuzz/corpus/proj/regress-proj-eps-underflow", &len);
    unsigned char *at = NULL;
    sea_proj *p = NULL;
    sea_status st;
    ck_assert_uint_eq(strlen(from), strlen(to));
    for (size_t i = 0; i + strlen(from) <= len && !at; i++)
        if (memcmp(img + i, from, strlen(from)) == 0) at = img + i;
    ck_assert_msg(at != NULL, "'%s' not in the file", from);
    memcpy(at, to, strlen(to));
    ht_tmpdir(dir, sizeof dir);
    ht_write(dir, "p.safetensors", img, len);
    ht_path(path, sizeof path, dir, "p.safetensors");
    sea_err_clear(err);
    st = sea_proj_open(&p, path, err);
    if (st == SEA_OK) {
        ck_assert(sea_proj_eps(p) > 0 && sea_proj_alpha(p) > 0);
        sea_proj_free(p);
    }
    free(img);
    ht_rm_tree(dir);
    return st;
}

START_TEST(test_proj_eps_alpha_underflow)
{
    static const char eps[] = "\\\"alpha\\\":1,\\\"eps\\\":9.999999747378752e-85";
    sea_err err;
    ck_assert_int_eq(open_proj_variant(eps, eps, &err), SEA_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "p.safetensors: metadata 'sea': eps 1e-84 must be in (0, 1) as a float32"), "%s", err.msg);
    ck_assert_int_eq(open_proj_variant(eps, "\\\"alpha\\\":1,\\\"eps\\\":1.000000000000000e-30", &err), SEA_OK);
    ck_assert_int_eq(open_proj_variant(eps, "\\\"alpha\\\":1e-99,\\\"eps\\\":1.00000000000e-04", &err), SEA_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "p.safetensors: metadata 'sea': alpha 1e-99 must be in [1e-15, 1e+15]"), "%s", err.msg);
    /* alpha must also keep 2 alpha^2 a finite normal float32 (1e-30 squared is 0) */
    ck_assert_int_eq(open_proj_variant(eps, "\\\"alpha\\\":1e-30,\\\"eps\\\":1.00000000000e-04", &err), SEA_ERR_FORMAT);
    ck_assert_int_eq(open_proj_variant(eps, "\\\"alpha\\\":1e+20,\\\"eps\\\":1.00000000000e-04", &err), SEA_ERR_FORMAT);
    ck_assert_int_eq(open_proj_variant(eps, "\\\"alpha\\\":1e-15,\\\"eps\\\":1.00000000000e-04", &err), SEA_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fuzz-regressions");
    TCase *tc = tcase_create("findings");
    tcase_add_test(tc, test_decode_nothing_byte_level);
    tcase_add_test(tc, test_rms_norm_eps_underflow);
    tcase_add_test(tc, test_demos_nesting_status);
    tcase_add_test(tc, test_proj_eps_alpha_underflow);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
