/* tests/check_st_index.c: a model checkpoint as a directory: model.safetensors or shards
 * listed by model.safetensors.index.json, against the index cases 36-39 of the checklist in
 * ../shared/docs/research/anchors-reliability.md §6 (shard names that leave the directory,
 * duplicate or misplaced tensors, missing shards, the shard cap, total_size), plus files that
 * are not what their names say. */
#include "hostile.h"

#include <fcntl.h>

#define INDEX "model.safetensors.index.json"

/* A shard holding F32 [2] tensors with the given names (NULL-terminated list). */
static void shard(const char *dir, const char *file, const char *const *names)
{
    char path[4200];
    float v[2] = {1, 2};
    uint64_t s[1] = {2};
    sea_st_writer *w = NULL;
    sea_err err;
    ck_assert_int_eq(sea_st_writer_new(&w, NULL), SEA_OK);
    for (; *names; names++) ck_assert_int_eq(sea_st_writer_add(w, *names, SEA_DTYPE_F32, 1, s, v, NULL), SEA_OK);
    ht_path(path, sizeof path, dir, file);
    sea_err_clear(&err);
    ck_assert_msg(sea_st_writer_save(w, path, &err) == SEA_OK, "%s", err.msg);
    sea_st_writer_free(w);
}

/* The usual two-shard checkpoint: a, b in A.safetensors, c in B.safetensors. */
static void two_shards(const char *dir)
{
    static const char *const a[] = {"a", "b", NULL}, *const b[] = {"c", NULL};
    shard(dir, "A.safetensors", a);
    shard(dir, "B.safetensors", b);
}

static sea_st_dir *open_ok(const char *dir)
{
    sea_st_dir *d = NULL;
    sea_err err;
    sea_err_clear(&err);
    ck_assert_msg(sea_st_dir_open(&d, dir, &err) == SEA_OK, "%s", err.msg);
    return d;
}

/* The index with this text must fail with `want`; the message begins with `file` (a path
 * inside dir, or the index when NULL) and holds n1 and n2. */
static void expect_index(const char *dir, const char *index_text, sea_status want, const char *file,
                         const char *n1, const char *n2)
{
    char path[4200];
    sea_st_dir *d = (sea_st_dir *)1;
    sea_err err;
    sea_status st;
    if (index_text) ht_write_str(dir, INDEX, index_text);
    if (file && !file[0]) snprintf(path, sizeof path, "%s", dir); /* "": the directory itself */
    else ht_path(path, sizeof path, dir, file ? file : INDEX);
    sea_err_clear(&err);
    st = sea_st_dir_open(&d, dir, &err);
    ck_assert_msg(st == want, "%s: status %d, expected %d: %s", index_text ? index_text : "", (int)st, (int)want,
                  err.msg);
    ck_assert_ptr_null(d);
    ht_check_msg(&err, path, n1, n2, index_text ? index_text : dir);
}

START_TEST(test_sharded_ok)
{
    char dir[4096];
    sea_st_dir *d;
    const sea_st_tensor *t;
    ht_tmpdir(dir, sizeof dir);
    two_shards(dir);
    ht_write_str(dir, INDEX,
                 "{\"metadata\":{\"total_size\":24},\"weight_map\":{\"a\":\"A.safetensors\",\"c\":\"B.safetensors\","
                 "\"b\":\"A.safetensors\"}}");
    ht_capture_warnings();
    d = open_ok(dir);
    ck_assert_int_eq(ht_n_warnings, 0);
    ck_assert_uint_eq(sea_st_dir_count(d), 3);
    ck_assert_uint_eq(sea_st_dir_n_files(d), 2);
    ck_assert_uint_eq(sea_st_dir_data_bytes(d), 24);
    ck_assert_str_eq(sea_st_dir_at(d, 0)->name, "a");
    ck_assert_str_eq(sea_st_dir_at(d, 2)->name, "c");
    ck_assert_ptr_null(sea_st_dir_at(d, 3));
    t = sea_st_dir_find(d, "c");
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(strrchr(sea_st_dir_file_of(d, t), '/') + 1, "B.safetensors");
    ck_assert_ptr_null(sea_st_dir_find(d, "d"));
    sea_st_dir_close(d);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_case36_shard_names)
{
    static const char *const bad[] = {
        "../A.safetensors", "/etc/passwd", "sub/A.safetensors", "a\\\\b.safetensors", "C:A.safetensors",
        "A.safetensors\\u0000x", ".", "..", "", "a\\nb.safetensors", "a\\u007fb.safetensors",
    };
    char dir[4096], text[8192];
    ht_tmpdir(dir, sizeof dir);
    two_shards(dir);
    for (size_t i = 0; i < HT_LEN(bad); i++) {
        snprintf(text, sizeof text, "{\"weight_map\":{\"a\":\"A.safetensors\",\"c\":\"%s\"}}", bad[i]);
        expect_index(dir, text, SEA_ERR_FORMAT, NULL, "weight_map entry 'c' names shard",
                     "which is not a plain file name inside the model directory");
    }
    {
        /* an absolute path to a real checkpoint elsewhere is refused, not opened */
        char other[4096], abs_path[4300];
        static const char *const c[] = {"c", NULL};
        ht_tmpdir(other, sizeof other);
        shard(other, "B.safetensors", c);
        ht_path(abs_path, sizeof abs_path, other, "B.safetensors");
        snprintf(text, sizeof text, "{\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"%s\"}}", abs_path);
        expect_index(dir, text, SEA_ERR_FORMAT, NULL, "not a plain file name", NULL);
        /* a plain name that is a symbolic link is followed (the Hugging Face cache is made of
         * links into a blob store): the name check is what keeps the index inside */
        ck_assert_int_eq(unlink(strcat(strcpy(text, dir), "/B.safetensors")), 0);
        ck_assert_int_eq(symlink(abs_path, text), 0);
        ht_write_str(dir, INDEX, "{\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\"}}");
        sea_st_dir_close(open_ok(dir));
        ht_rm_tree(other);
    }
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_case37_misplaced_tensors)
{
    char dir[4096];
    static const char *const dup[] = {"c", "a", NULL};
    ht_tmpdir(dir, sizeof dir);
    two_shards(dir);
    expect_index(dir, "{\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\",\"a\":\"A.safetensors\"}}",
                 SEA_ERR_FORMAT, NULL, "duplicate key \"a\"", NULL);
    expect_index(dir, "{\"weight_map\":{\"a\":\"B.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\"}}",
                 SEA_ERR_FORMAT, NULL, "tensor 'a' is listed in shard 'B.safetensors' but found in 'A.safetensors'", NULL);
    expect_index(dir, "{\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\",\"z\":\"B.safetensors\"}}",
                 SEA_ERR_FORMAT, NULL, "tensor 'z' is listed in shard 'B.safetensors' but no shard contains it", NULL);
    /* "a\u0000b" must not pass for "a" */
    expect_index(dir, "{\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\",\"a\\u0000b\":\"A.safetensors\"}}",
                 SEA_ERR_FORMAT, NULL, "weight_map key 'a' is not a tensor name", NULL);
    expect_index(dir, "{\"weight_map\":{\"a\\nb\":\"A.safetensors\"}}", SEA_ERR_FORMAT, NULL, "weight_map key 'a?b' is not a tensor name", NULL);
    /* the same tensor in two shards */
    shard(dir, "B.safetensors", dup);
    expect_index(dir, "{\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\"}}",
                 SEA_ERR_FORMAT, "", "tensor 'a' is in two shards, A.safetensors and B.safetensors", NULL);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_case38_missing_and_unlisted)
{
    char dir[4096], *text;
    size_t o, cap = 4200 * 40;
    ht_tmpdir(dir, sizeof dir);
    two_shards(dir);
    /* a listed shard that does not exist */
    ht_write_str(dir, INDEX, "{\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"C.safetensors\"}}");
    {
        sea_st_dir *d = NULL;
        sea_err err;
        sea_err_clear(&err);
        ck_assert_int_eq(sea_st_dir_open(&d, dir, &err), SEA_ERR_IO);
        ck_assert_msg(strstr(err.msg, INDEX " lists shard 'C.safetensors'") == err.msg, "%s", err.msg);
        ck_assert_msg(strstr(err.msg, "/C.safetensors: cannot open") != NULL, "%s", err.msg);
    }
    /* a tensor in a shard that the index does not list */
    expect_index(dir, "{\"weight_map\":{\"a\":\"A.safetensors\",\"c\":\"B.safetensors\"}}", SEA_ERR_FORMAT, NULL,
                 "shard 'A.safetensors' holds tensor 'b', which the index does not list", NULL);
    /* a shard the index never names is not opened, and its tensors are not part of the model */
    {
        static const char *const x[] = {"x", NULL};
        sea_st_dir *d;
        shard(dir, "X.safetensors", x);
        ht_write_str(dir, INDEX, "{\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\"}}");
        d = open_ok(dir);
        ck_assert_ptr_null(sea_st_dir_find(d, "x"));
        sea_st_dir_close(d);
    }
    /* more distinct shards than the cap: refused before any is opened */
    text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    o = (size_t)snprintf(text, cap, "{\"weight_map\":{");
    for (int i = 0; i <= SEA_ST_MAX_SHARDS; i++)
        o += (size_t)snprintf(text + o, cap - o, "%s\"t%d\":\"s%05d.safetensors\"", i ? "," : "", i, i);
    snprintf(text + o, cap - o, "}}");
    expect_index(dir, text, SEA_ERR_LIMIT, NULL, "more than 4096 shards", NULL);
    /* 10^5 entries over 4096 shards: found quickly (then the first shard is missing) */
    o = (size_t)snprintf(text, cap, "{\"weight_map\":{");
    free(text);
    cap = 100000 * 40;
    text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    o = (size_t)snprintf(text, cap, "{\"weight_map\":{");
    for (int i = 0; i < 100000; i++)
        o += (size_t)snprintf(text + o, cap - o, "%s\"t%d\":\"s%05d.safetensors\"", i ? "," : "", i, i % SEA_ST_MAX_SHARDS);
    snprintf(text + o, cap - o, "}}");
    ht_write_str(dir, INDEX, text);
    {
        sea_st_dir *d = NULL;
        sea_err err;
        sea_err_clear(&err);
        ck_assert_int_eq(sea_st_dir_open(&d, dir, &err), SEA_ERR_IO);
        ck_assert_msg(strstr(err.msg, "lists shard 's00000.safetensors'") != NULL, "%s", err.msg);
    }
    free(text);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_case39_total_size)
{
    char dir[4096];
    sea_st_dir *d;
    ht_tmpdir(dir, sizeof dir);
    two_shards(dir);
    ht_capture_warnings();
    /* a wrong total_size is a warning naming both figures; nothing is sized from it */
    ht_write_str(dir, INDEX, "{\"metadata\":{\"total_size\":25},\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\"}}");
    d = open_ok(dir);
    ck_assert_int_eq(ht_n_warnings, 1);
    ck_assert_msg(strstr(ht_warning, INDEX ": metadata.total_size 25 differs from the 24 bytes of tensor data"), "%s", ht_warning);
    sea_st_dir_close(d);
    /* compared exactly: 2^53 + 1 is not 2^53 */
    ht_write_str(dir, INDEX, "{\"metadata\":{\"total_size\":9007199254740993},\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\"}}");
    sea_st_dir_close(open_ok(dir));
    ck_assert_int_eq(ht_n_warnings, 2);
    ht_write_str(dir, INDEX, "{\"metadata\":{\"total_size\":\"24\"},\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\"}}");
    sea_st_dir_close(open_ok(dir));
    ck_assert_int_eq(ht_n_warnings, 3);
    ck_assert_msg(strstr(ht_warning, "total_size is not a number"), "%s", ht_warning);
    /* absent, null or right: no warning */
    ht_write_str(dir, INDEX, "{\"metadata\":{\"total_size\":null},\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\"}}");
    sea_st_dir_close(open_ok(dir));
    ht_write_str(dir, INDEX, "{\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\"}}");
    sea_st_dir_close(open_ok(dir));
    ck_assert_int_eq(ht_n_warnings, 3);
    sea_set_log_default();
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_case39_mixed_dtypes)
{
    /* shards may store tensors in different dtypes: the checkpoint layer accepts that, the
     * model loader checks each weight's dtype on its own */
    char dir[4096], path[4200];
    uint16_t h[2] = {0x3C00, 0x4000};
    uint64_t s[1] = {2};
    sea_st_writer *w = NULL;
    sea_st_dir *d;
    static const char *const a[] = {"a", NULL};
    ht_tmpdir(dir, sizeof dir);
    shard(dir, "A.safetensors", a);
    ck_assert_int_eq(sea_st_writer_new(&w, NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_add(w, "b", SEA_DTYPE_BF16, 1, s, h, NULL), SEA_OK);
    ht_path(path, sizeof path, dir, "B.safetensors");
    ck_assert_int_eq(sea_st_writer_save(w, path, NULL), SEA_OK);
    sea_st_writer_free(w);
    ht_write_str(dir, INDEX, "{\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"B.safetensors\"}}");
    d = open_ok(dir);
    ck_assert_int_eq(sea_st_dir_find(d, "a")->dtype, SEA_DTYPE_F32);
    ck_assert_int_eq(sea_st_dir_find(d, "b")->dtype, SEA_DTYPE_BF16);
    sea_st_dir_close(d);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_index_structure)
{
    char dir[4096];
    ht_tmpdir(dir, sizeof dir);
    two_shards(dir);
    expect_index(dir, "{\"weight_map\":", SEA_ERR_FORMAT, NULL, "line 1", "unexpected end of input");
    expect_index(dir, "[]", SEA_ERR_FORMAT, NULL, "missing 'weight_map' object", NULL);
    expect_index(dir, "{\"weight_map\":[]}", SEA_ERR_FORMAT, NULL, "missing 'weight_map' object", NULL);
    expect_index(dir, "{\"metadata\":{}}", SEA_ERR_FORMAT, NULL, "missing 'weight_map' object", NULL);
    expect_index(dir, "{\"weight_map\":{}}", SEA_ERR_FORMAT, NULL, "'weight_map' is empty", NULL);
    expect_index(dir, "{\"weight_map\":{\"a\":1}}", SEA_ERR_FORMAT, NULL, "weight_map entry 'a' must be a file name string", NULL);
    expect_index(dir, "{\"weight_map\":{\"a\":[\"A.safetensors\"]}}", SEA_ERR_FORMAT, NULL, "must be a file name string", NULL);
    expect_index(dir, "\xef\xbb\xbf{\"weight_map\":{\"a\":\"A.safetensors\"}}", SEA_ERR_FORMAT, NULL, "invalid value", NULL);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_not_what_they_seem)
{
    char dir[4096], path[4200];
    int fd;
    ht_tmpdir(dir, sizeof dir);
    /* neither file */
    {
        sea_st_dir *d = NULL;
        sea_err err;
        sea_err_clear(&err);
        ck_assert_int_eq(sea_st_dir_open(&d, dir, &err), SEA_ERR_IO);
        ht_check_msg(&err, dir, "no model.safetensors or model.safetensors.index.json", NULL, "empty dir");
    }
    /* an index that is a FIFO must not block */
    ht_path(path, sizeof path, dir, INDEX);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    expect_index(dir, NULL, SEA_ERR_IO, NULL, "not a regular file", NULL);
    unlink(path);
    /* an index over the 100 MB cap is refused before it is read (a sparse file) */
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)SEA_ST_MAX_HEADER + 1), 0);
    close(fd);
    expect_index(dir, NULL, SEA_ERR_LIMIT, NULL, "larger than the limit", NULL);
    unlink(path);
    /* model.safetensors as a directory, and as a FIFO */
    ht_path(path, sizeof path, dir, "model.safetensors");
    ck_assert_int_eq(mkdir(path, 0700), 0);
    expect_index(dir, NULL, SEA_ERR_IO, "model.safetensors", "not a regular file", NULL);
    rmdir(path);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    expect_index(dir, NULL, SEA_ERR_IO, "model.safetensors", "not a regular file", NULL);
    unlink(path);
    /* a broken shard is reported by its own path */
    ht_write(dir, "model.safetensors", "\x02\0\0\0\0\0\0\0{]", 10);
    expect_index(dir, NULL, SEA_ERR_FORMAT, "model.safetensors", "header: line 1, column 2", NULL);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_single_file_wins)
{
    /* with both model.safetensors and an index, the single file is the checkpoint */
    char dir[4096];
    static const char *const m[] = {"w", NULL};
    sea_st_dir *d;
    ht_tmpdir(dir, sizeof dir);
    shard(dir, "model.safetensors", m);
    ht_write_str(dir, INDEX, "{\"weight_map\":{\"a\":\"../evil.safetensors\"}}");
    d = open_ok(dir);
    ck_assert_uint_eq(sea_st_dir_count(d), 1);
    ck_assert_ptr_nonnull(sea_st_dir_find(d, "w"));
    sea_st_dir_close(d);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_case53_allocation_failures)
{
    char dir[4096];
    int done = 0;
    ht_tmpdir(dir, sizeof dir);
    two_shards(dir);
    ht_write_str(dir, INDEX, "{\"metadata\":{\"total_size\":24},\"weight_map\":{\"a\":\"A.safetensors\",\"b\":\"A.safetensors\",\"c\":\"B.safetensors\"}}");
    for (long k = 1; k < 200 && !done; k++) {
        sea_st_dir *d = NULL;
        sea_err err;
        sea_status st;
        sea_err_clear(&err);
        ht_track_allocations();
        ht_fail_at = k;
        st = sea_st_dir_open(&d, dir, &err);
        ht_fail_at = 0;
        if (st == SEA_OK) {
            done = 1;
            sea_st_dir_close(d);
        } else {
            ck_assert_msg(st == SEA_ERR_NOMEM, "k = %ld: status %d: %s", k, (int)st, err.msg);
            ck_assert_msg(strstr(err.msg, "out of memory") != NULL, "k = %ld: %s", k, err.msg);
        }
        ck_assert_msg(ht_live == 0, "k = %ld: %zu bytes leaked", k, ht_live);
        sea_set_allocator(NULL);
    }
    ck_assert(done);
    ht_rm_tree(dir);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("checkpoint directory");
    TCase *tc = tcase_create("index");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_sharded_ok);
    tcase_add_test(tc, test_case36_shard_names);
    tcase_add_test(tc, test_case37_misplaced_tensors);
    tcase_add_test(tc, test_case38_missing_and_unlisted);
    tcase_add_test(tc, test_case39_total_size);
    tcase_add_test(tc, test_case39_mixed_dtypes);
    tcase_add_test(tc, test_index_structure);
    tcase_add_test(tc, test_not_what_they_seem);
    tcase_add_test(tc, test_single_file_wins);
    tcase_add_test(tc, test_case53_allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
