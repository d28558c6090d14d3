/* tests/check_limits.c: memory a reader asks for is bounded by the size of its input
 * (doc/SECURITY.md, "Limits"). Each test gives a reader an input built to make it allocate out
 * of proportion (many newlines, many one-byte fields or answers, counts that promise more than
 * the file holds) and checks, through the allocator hook, that the peak of live bytes stays
 * within a small multiple of the input, or that the input is refused with SEA_ERR_LIMIT.
 * Regression tests for the bugs the audit found: demonstration and BBQ files sized their item
 * tables by the number of newlines (32 and 80 bytes per newline), the TruthfulQA reader had no
 * bound on the number of fields or answers (about 40 bytes of bookkeeping per byte), and the
 * model loader allocated its norm table from config.json before looking at the checkpoint
 * (4 GB for a config of 512 layers of width 2^20 beside an empty checkpoint). */
#include "hostile.h"

static char g_tmp[4096];

static void setup(void)
{
    ht_tmpdir(g_tmp, sizeof g_tmp);
}

static void teardown(void)
{
    ht_rm_tree(g_tmp);
}

/* A file of `head`, then n copies of `unit`, then `tail`; path in buf. Returns its size. */
static size_t write_repeated(char *buf, size_t cap, const char *name, const char *head, const char *unit, size_t n,
                             const char *tail)
{
    FILE *f;
    size_t ul = strlen(unit), written = 0;
    ht_path(buf, cap, g_tmp, name);
    f = fopen(buf, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(head, f);
    /* one assertion, not one per write: each Check assertion is a message to the runner */
    for (size_t i = 0; i < n; i++) written += fwrite(unit, 1, ul, f);
    ck_assert_uint_eq(written, n * ul);
    fputs(tail, f);
    ck_assert_int_eq(fclose(f), 0);
    return strlen(head) + n * ul + strlen(tail);
}

#define DEMO "{\"prompt\":\"In the beginning\",\"positive\":\" God\",\"negative\":\" man\"}\n"

START_TEST(test_demos_blank_lines)
{
    /* 2,000,000 newlines and one demonstration: the item table used to take 64 MB */
    char path[4200];
    size_t len = write_repeated(path, sizeof path, "demos.jsonl", DEMO, "\n", 2000000, DEMO);
    sea_demos *d = NULL;
    sea_err err;
    ht_track_allocations();
    ck_assert_int_eq(sea_demos_load(&d, path, &err), SEA_OK);
    ck_assert_uint_eq(sea_demos_count(d), 2);
    ck_assert_uint_eq(sea_demos_at(d, 1)->line, 2000002);
    sea_demos_free(d);
    sea_set_allocator(NULL);
    /* the file and its decoded strings, each at most len + 1 bytes, plus small tables */
    ck_assert_msg(ht_peak <= 2 * len + 262144, "peak %zu bytes for a %zu-byte file", ht_peak, len);
    ck_assert_uint_eq(ht_live, 0);
}
END_TEST

#define BBQ_ITEM                                                                                                      \
    "{\"context\":\"c\",\"question\":\"q\",\"ans0\":\"a\",\"ans1\":\"b\",\"ans2\":\"Unknown\",\"label\":1,"        \
    "\"category\":\"Age\",\"question_polarity\":\"neg\",\"answer_info\":{\"ans0\":[\"a\",\"old\"],"                \
    "\"ans1\":[\"b\",\"nonOld\"],\"ans2\":[\"Unknown\",\"unknown\"]},\"additional_metadata\":"                       \
    "{\"stereotyped_groups\":[\"old\"]}}\n"

START_TEST(test_bbq_blank_lines)
{
    /* 2,000,000 newlines and two items: the item table used to take 160 MB */
    char path[4200];
    size_t len = write_repeated(path, sizeof path, "bbq.jsonl", BBQ_ITEM, "\n", 2000000, BBQ_ITEM);
    sea_bbq *d = NULL;
    sea_err err;
    ht_track_allocations();
    ck_assert_int_eq(sea_bbq_load(&d, path, &err), SEA_OK);
    ck_assert_uint_eq(sea_bbq_count(d), 2);
    sea_bbq_free(d);
    sea_set_allocator(NULL);
    ck_assert_msg(ht_peak <= len + 262144, "peak %zu bytes for a %zu-byte file", ht_peak, len);
    ck_assert_uint_eq(ht_live, 0);
}
END_TEST

#define TQA_HEAD "Question,Best Answer,Correct Answers,Incorrect Answers\n"

START_TEST(test_truthfulqa_many_fields)
{
    /* 1,100,000 one-byte fields: over the cap of 2^20 fields, refused before the 40 MB of
     * bookkeeping they would take */
    char path[4200];
    size_t len = write_repeated(path, sizeof path, "tqa.csv", TQA_HEAD "Q,a,a,b", ",", 1100000, "\n");
    sea_tqa *d = NULL;
    sea_err err;
    ht_track_allocations();
    ck_assert_int_eq(sea_tqa_load(&d, path, &err), SEA_ERR_LIMIT);
    sea_set_allocator(NULL);
    ht_check_msg(&err, path, "line 2: more than 1048576 fields", NULL, "many fields");
    ck_assert_ptr_null(d);
    ck_assert_uint_eq(ht_live, 0);
    /* what was allocated before the cap: the file, and 9 bytes per field for 2^20 fields */
    ck_assert_msg(ht_peak <= len + 16 * ((size_t)1 << 20), "peak %zu bytes for a %zu-byte file", ht_peak, len);
}
END_TEST

START_TEST(test_truthfulqa_many_answers)
{
    /* one question with 1,100,000 correct answers "a;a;a;...": refused from the count */
    char path[4200];
    sea_tqa *d = NULL;
    sea_err err;
    write_repeated(path, sizeof path, "tqa.csv", TQA_HEAD "Q,a,", "a;", 1100000, ",b\n");
    ht_track_allocations();
    ck_assert_int_eq(sea_tqa_load(&d, path, &err), SEA_ERR_LIMIT);
    sea_set_allocator(NULL);
    ht_check_msg(&err, path, "line 2: more than 1048576 answers", NULL, "many answers");
    ck_assert_uint_eq(ht_live, 0);
    /* under the cap, many answers load */
    write_repeated(path, sizeof path, "tqa.csv", TQA_HEAD "Q,a,", "a;", 100000, ",b\n");
    ck_assert_int_eq(sea_tqa_load(&d, path, &err), SEA_OK);
    ck_assert_uint_eq(sea_tqa_at(d, 0)->n_true, 100000);
    sea_tqa_free(d);
}
END_TEST

START_TEST(test_projection_counts_need_the_file)
{
    /* metadata promising d = 2^24 and k = 2^24 (a 64 TiB u_pos) with no tensor: nothing is
     * sized from the promise; the missing tensor is reported */
    char path[4200];
    const char *meta = "{\"kind\":\"projections\",\"d\":16777216,\"n_layer\":2,\"n_demos\":1099511627776,"
                       "\"feature\":\"none\",\"k_pos\":[16777216,null],\"k_neg\":[1,null]}";
    sea_st_writer *w;
    sea_proj *p = NULL;
    sea_err err;
    ht_path(path, sizeof path, g_tmp, "proj.safetensors");
    ck_assert_int_eq(sea_st_writer_new(&w, NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_set_metadata(w, "sea", meta, NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_save(w, path, NULL), SEA_OK);
    sea_st_writer_free(w);
    ht_track_allocations();
    ck_assert_int_eq(sea_proj_open(&p, path, &err), SEA_ERR_FORMAT);
    sea_set_allocator(NULL);
    ht_check_msg(&err, path, "missing tensor 'layers.0.u_pos'", NULL, "huge promised projection");
    ck_assert_msg(ht_largest < ((size_t)1 << 20), "largest allocation %zu bytes", ht_largest);
    ck_assert_uint_eq(ht_live, 0);
}
END_TEST

START_TEST(test_activation_shape_needs_the_file)
{
    /* a header promising [2^20, 512, 2^20] activations in a file of a few hundred bytes is
     * refused by the safetensors reader before anything is sized from it */
    char path[4200];
    size_t len;
    const char *hdr = "{\"positive\":{\"dtype\":\"F32\",\"shape\":[1048576,512,1048576],\"data_offsets\":[0,4]}}";
    unsigned char *img = ht_image(&len, hdr, 4);
    sea_acts *a = NULL;
    sea_err err;
    ht_write(g_tmp, "acts.safetensors", img, len);
    free(img);
    ht_path(path, sizeof path, g_tmp, "acts.safetensors");
    ht_track_allocations();
    ck_assert_int_eq(sea_acts_open(&a, path, &err), SEA_ERR_FORMAT);
    sea_set_allocator(NULL);
    ck_assert_msg(strstr(err.msg, "positive") != NULL, "%s", err.msg);
    ck_assert_msg(ht_largest < ((size_t)1 << 20), "largest allocation %zu bytes", ht_largest);
    ck_assert_uint_eq(ht_live, 0);
}
END_TEST

START_TEST(test_model_config_needs_the_checkpoint)
{
    /* the widest, deepest config the caps allow, beside a checkpoint with no tensor: refused
     * for the missing embedding, without allocating the (2·512 + 1) x 2^20 floats of norms */
    const char *cfg = "{\"model_type\":\"llama\",\"vocab_size\":16,\"hidden_size\":1048576,\"intermediate_size\":1,"
                      "\"num_hidden_layers\":512,\"num_attention_heads\":16384,\"num_key_value_heads\":16384}";
    size_t len;
    unsigned char *img = ht_image(&len, "{}", 0);
    sea_model *m = NULL;
    sea_err err;
    ht_write_str(g_tmp, "config.json", cfg);
    ht_write(g_tmp, "model.safetensors", img, len);
    free(img);
    ht_track_allocations();
    ck_assert_int_eq(sea_model_open(&m, g_tmp, &err), SEA_ERR_FORMAT);
    sea_set_allocator(NULL);
    ck_assert_msg(strstr(err.msg, "no tensor 'model.embed_tokens.weight'") != NULL, "%s", err.msg);
    ck_assert_msg(ht_largest < ((size_t)1 << 20), "largest allocation %zu bytes", ht_largest);
    ck_assert_uint_eq(ht_live, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("amplification");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_demos_blank_lines);
    tcase_add_test(tc, test_bbq_blank_lines);
    tcase_add_test(tc, test_truthfulqa_many_fields);
    tcase_add_test(tc, test_truthfulqa_many_answers);
    tcase_add_test(tc, test_projection_counts_need_the_file);
    tcase_add_test(tc, test_activation_shape_needs_the_file);
    tcase_add_test(tc, test_model_config_needs_the_checkpoint);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
