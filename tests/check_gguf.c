/* tests/check_gguf.c: the GGUF reader and writer: a written file read back (every metadata
 * type, tensors of every written type), version 2, and hostile images built here byte by byte
 * (truncation at every length, huge counts, string lengths past the end, bad alignment,
 * unknown types, wrong block size for a shape, data out of bounds or overlapping, duplicate
 * keys and tensor names, nested arrays): each refused with its own one-line message. */
#include "kernels/quant.h"
#include "testutil.h"

typedef struct bb {
    unsigned char *p;
    size_t n, cap;
} bb;
static void put(bb *b, const void *d, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}
static void le(bb *b, uint64_t v, int n)
{
    unsigned char x[8];
    for (int i = 0; i < n; i++) x[i] = (unsigned char)(v >> (8 * i));
    put(b, x, (size_t)n);
}
static void str(bb *b, const char *s)
{
    le(b, strlen(s), 8);
    put(b, s, strlen(s));
}

/* What a hostile image changes from the valid one. */
typedef struct knobs {
    uint32_t magic, version, align, t0_type, kv_type;
    uint64_t n_t, n_kv, t0_ne0, t1_off, str_len, arr_n;
    int dup_key, dup_tensor, nested, bool_val, rank;
    size_t cut; /* truncate to this many bytes (0: whole) */
} knobs;

static knobs base_knobs(void)
{
    knobs k = {0x46554747u, 3, 32, SEA_GGML_Q8_0, SEA_GGUF_STRING, 2, 4, 64, 160, 5, 2, 0, 0, 0, 1, 2, 0};
    return k;
}

/* valid: kv "general.architecture"="llama", "general.alignment"=32, "tok" = ["a","bc"],
 * "flag" = true; tensors "w" [2 x 64] Q8_0 at 0 (136 bytes), "v" [4] F32 at 160 */
static unsigned char *build(const knobs *k, size_t *len)
{
    bb b = {0};
    le(&b, k->magic, 4);
    le(&b, k->version, 4);
    le(&b, k->n_t, 8);
    le(&b, k->n_kv, 8);
    str(&b, "general.architecture");
    le(&b, k->kv_type, 4);
    le(&b, k->str_len, 8);
    put(&b, "llama", 5);
    str(&b, k->dup_key ? "general.architecture" : "general.alignment");
    le(&b, SEA_GGUF_U32, 4);
    le(&b, k->align, 4);
    str(&b, "tok");
    le(&b, SEA_GGUF_ARRAY, 4);
    le(&b, k->nested ? SEA_GGUF_ARRAY : SEA_GGUF_STRING, 4);
    le(&b, k->arr_n, 8);
    str(&b, "a");
    str(&b, "bc");
    str(&b, "flag");
    le(&b, SEA_GGUF_BOOL, 4);
    le(&b, (uint64_t)k->bool_val, 1);
    str(&b, "w");
    le(&b, (uint64_t)k->rank, 4);
    le(&b, k->t0_ne0, 8);
    if (k->rank > 1) le(&b, 2, 8);
    le(&b, k->t0_type, 4);
    le(&b, 0, 8);
    str(&b, k->dup_tensor ? "w" : "v");
    le(&b, 1, 4);
    le(&b, 4, 8);
    le(&b, SEA_GGML_F32, 4);
    le(&b, k->t1_off, 8);
    while (b.n % 32) le(&b, 0, 1);
    size_t data0 = b.n;
    for (int i = 0; i < 176; i++) le(&b, (uint64_t)(i * 7), 1); /* 160 + 16 bytes of data */
    (void)data0;
    *len = k->cut ? k->cut : b.n;
    return b.p;
}

static sea_status open_knobs(const knobs *k, sea_gguf **g, sea_err *e)
{
    size_t len;
    unsigned char *img = build(k, &len);
    sea_status st = sea_gguf_open_memory(g, img, len, "x.gguf", e);
    if (st == SEA_OK) {
        /* keep the image alive with the handle: tests close right away */
        const sea_gguf_tensor *t = sea_gguf_find_tensor(*g, "w");
        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(t->dtype, SEA_DTYPE_Q8_0);
        sea_gguf_close(*g);
        *g = NULL;
    }
    free(img);
    return st;
}

START_TEST(test_valid_image)
{
    knobs k = base_knobs();
    size_t len;
    unsigned char *img = build(&k, &len);
    sea_gguf *g;
    sea_err e;
    ck_assert_int_eq(sea_gguf_open_memory(&g, img, len, "x.gguf", &e), SEA_OK);
    ck_assert_uint_eq(sea_gguf_version(g), 3);
    ck_assert_uint_eq(sea_gguf_kv_count(g), 4);
    ck_assert_uint_eq(sea_gguf_tensor_count(g), 2);
    sea_gguf_str s;
    ck_assert_int_eq(sea_gguf_get_str(g, "general.architecture", &s, &e), SEA_OK);
    ck_assert(s.len == 5 && memcmp(s.s, "llama", 5) == 0);
    const sea_gguf_kv *tok = sea_gguf_find_kv(g, "tok");
    ck_assert(tok && tok->n == 2 && tok->strs[1].len == 2 && memcmp(tok->strs[1].s, "bc", 2) == 0);
    const sea_gguf_tensor *w = sea_gguf_find_tensor(g, "w"), *v = sea_gguf_find_tensor(g, "v");
    ck_assert(w && v);
    ck_assert_uint_eq(w->nbytes, 136);
    ck_assert_uint_eq(w->ne[0], 64);
    ck_assert_uint_eq(w->ne[1], 2);
    ck_assert_uint_eq(v->nbytes, 16);
    /* data section starts at the 32-aligned end of the header; v at +160 */
    ck_assert_uint_eq((size_t)((const unsigned char *)v->data - img) % 32, 0);
    ck_assert_uint_eq(((const unsigned char *)v->data)[0], (unsigned char)(160 * 7));
    ck_assert_int_eq(sea_gguf_get_str(g, "missing", &s, &e), SEA_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(e.msg, "'missing' is missing"));
    uint64_t u;
    ck_assert_int_eq(sea_gguf_get_u64(g, "general.architecture", &u, &e), SEA_ERR_FORMAT);
    sea_gguf_close(g);
    /* version 2 reads the same */
    k.version = 2;
    free(img);
    img = build(&k, &len);
    ck_assert_int_eq(sea_gguf_open_memory(&g, img, len, "x.gguf", &e), SEA_OK);
    ck_assert_uint_eq(sea_gguf_version(g), 2);
    sea_gguf_close(g);
    free(img);
}
END_TEST

/* Every prefix of a valid image is refused with a message (and never read past its end:
 * the sanitizer build checks that). */
START_TEST(test_truncated_everywhere)
{
    knobs k = base_knobs();
    size_t len;
    unsigned char *img = build(&k, &len);
    for (size_t cut = 0; cut < len; cut++) {
        unsigned char *copy = malloc(cut ? cut : 1);
        memcpy(copy, img, cut);
        sea_gguf *g = NULL;
        sea_err e;
        ck_assert_msg(sea_gguf_open_memory(&g, copy, cut, "x.gguf", &e) != SEA_OK, "prefix %zu accepted", cut);
        ck_assert_ptr_null(g);
        ck_assert(strncmp(e.msg, "x.gguf: ", 8) == 0 && !strchr(e.msg, '\n'));
        free(copy);
    }
    free(img);
}
END_TEST

static void expect_fail(knobs k, const char *needle)
{
    sea_gguf *g = NULL;
    sea_err e;
    sea_status st = open_knobs(&k, &g, &e);
    ck_assert_msg(st == SEA_ERR_FORMAT, "accepted (wanted '%s')", needle);
    ck_assert_msg(strstr(e.msg, needle) != NULL, "message '%s' lacks '%s'", e.msg, needle);
    ck_assert(strncmp(e.msg, "x.gguf: ", 8) == 0 && !strchr(e.msg, '\n'));
}

START_TEST(test_hostile)
{
    knobs k;
    k = base_knobs(), k.magic = 0x46554746u, expect_fail(k, "no 'GGUF' magic");
    k = base_knobs(), k.version = 1, expect_fail(k, "version 1 is not supported");
    k = base_knobs(), k.version = 4, expect_fail(k, "version 4 is not supported");
    k = base_knobs(), k.n_kv = (uint64_t)1 << 60, expect_fail(k, "metadata entries, more than");
    k = base_knobs(), k.n_t = (uint64_t)1 << 62, expect_fail(k, "tensors, more than");
    k = base_knobs(), k.str_len = (uint64_t)1 << 40, expect_fail(k, "past the end of the file");
    k = base_knobs(), k.arr_n = (uint64_t)1 << 61, expect_fail(k, "strings, more than");
    k = base_knobs(), k.align = 24, expect_fail(k, "not a power of two");
    k = base_knobs(), k.align = 0, expect_fail(k, "not a power of two");
    k = base_knobs(), k.align = 64, expect_fail(k, "not a multiple of the alignment 64");
    k = base_knobs(), k.t0_type = 19, expect_fail(k, "unknown type 19");
    k = base_knobs(), k.t0_type = 999, expect_fail(k, "unknown type 999");
    k = base_knobs(), k.t0_ne0 = 48, expect_fail(k, "not a multiple of its block of 32");
    k = base_knobs(), k.t0_type = SEA_GGML_Q4_K, expect_fail(k, "not a multiple of its block of 256");
    k = base_knobs(), k.t1_off = 128, expect_fail(k, "overlap");
    k = base_knobs(), k.t1_off = 192, expect_fail(k, "past the end of the file");
    k = base_knobs(), k.t1_off = (uint64_t)-32, expect_fail(k, "past the end of the file");
    k = base_knobs(), k.t0_ne0 = 64ull << 20, expect_fail(k, "past the end of the file");
    k = base_knobs(), k.dup_key = 1, expect_fail(k, "'general.architecture' appears twice");
    k = base_knobs(), k.dup_tensor = 1, expect_fail(k, "tensor 'w' appears twice");
    k = base_knobs(), k.nested = 1, expect_fail(k, "array of arrays");
    k = base_knobs(), k.kv_type = 13, expect_fail(k, "unknown value type 13");
    k = base_knobs(), k.bool_val = 2, expect_fail(k, "bool holding 2");
    k = base_knobs(), k.rank = 5, expect_fail(k, "5 dimensions");
    k = base_knobs(), k.t0_ne0 = 0, expect_fail(k, "dimension 0 is 0");
    k = base_knobs(), k.t0_ne0 = (uint64_t)1 << 47, k.t0_type = SEA_GGML_F32, expect_fail(k, "more than 2^48 elements");
}
END_TEST

/* Writer -> reader: metadata of each written type and tensors of each type, bytes intact. */
START_TEST(test_write_read)
{
    char path[] = "/tmp/sea_check_gguf_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    sea_gguf_writer *w;
    sea_err e;
    ck_assert_int_eq(sea_gguf_writer_new(&w, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_put_str(w, "general.architecture", "llama", 5, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_put_u32(w, "llama.block_count", 6, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_put_f32(w, "llama.rope.freq_base", 10000.0f, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_put_i32(w, "neg", -5, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_put_bool(w, "b", 1, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_put_u32(w, "llama.block_count", 7, &e), SEA_ERR_ARG); /* twice */
    float sc[3] = {-1.5f, 0.0f, 2.25f};
    int32_t ty[3] = {1, 2, 6};
    const char *toks[3] = {"<s>", "", "\xe2\x96\x81the"};
    size_t lens[3] = {3, 0, 6};
    ck_assert_int_eq(sea_gguf_put_arr(w, "scores", SEA_GGUF_F32, sc, 3, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_put_arr(w, "types", SEA_GGUF_I32, ty, 3, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_put_arr_str(w, "tokens", toks, lens, 3, &e), SEA_OK);
    const sea_dtype dts[] = {SEA_DTYPE_F32, SEA_DTYPE_BF16, SEA_DTYPE_F16, SEA_DTYPE_Q8_0, SEA_DTYPE_Q4_0, SEA_DTYPE_Q4_K, SEA_DTYPE_Q6_K};
    const int rows = 3, cols = 512;
    unsigned char *blobs[7];
    size_t sizes[7];
    for (int i = 0; i < 7; i++) {
        int bs = sea_dtype_block(dts[i]);
        sizes[i] = bs ? (size_t)rows * (cols / bs) * sea_dtype_block_bytes(dts[i]) : (size_t)rows * cols * sea_dtype_size(dts[i]);
        blobs[i] = malloc(sizes[i]);
        for (size_t j = 0; j < sizes[i]; j++) blobs[i][j] = (unsigned char)(j * 31 + (size_t)i);
        char name[32];
        snprintf(name, sizeof name, "t%d.weight", i);
        ck_assert_int_eq(sea_gguf_add_tensor(w, name, dts[i], rows, cols, blobs[i], sizes[i], &e), SEA_OK);
    }
    ck_assert_int_eq(sea_gguf_add_tensor(w, "bad", SEA_DTYPE_Q4_K, 1, 100, blobs[0], 10, &e), SEA_ERR_ARG);
    ck_assert_int_eq(sea_gguf_add_vector(w, "norm", SEA_DTYPE_F32, 5, blobs[0], 20, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_write(w, path, &e), SEA_OK);
    sea_gguf_writer_free(w);

    sea_gguf *g;
    ck_assert_msg(sea_gguf_open(&g, path, &e) == SEA_OK, "%s", e.msg);
    uint64_t u;
    double f;
    ck_assert_int_eq(sea_gguf_get_u64(g, "llama.block_count", &u, &e), SEA_OK);
    ck_assert_uint_eq(u, 6);
    ck_assert_int_eq(sea_gguf_get_f64(g, "llama.rope.freq_base", &f, &e), SEA_OK);
    ck_assert(f == 10000.0);
    ck_assert_int_eq(sea_gguf_get_u64(g, "neg", &u, &e), SEA_ERR_FORMAT);
    ck_assert_int_eq(sea_gguf_find_kv(g, "b")->v.u, 1);
    const sea_gguf_kv *kv = sea_gguf_find_kv(g, "scores");
    ck_assert(kv && kv->n == 3 && sea_gguf_arr_f64(kv, 2) == 2.25 && sea_gguf_arr_f64(kv, 0) == -1.5);
    kv = sea_gguf_find_kv(g, "types");
    ck_assert(kv && sea_gguf_arr_i64(kv, 2) == 6);
    kv = sea_gguf_find_kv(g, "tokens");
    ck_assert(kv && kv->n == 3 && kv->strs[1].len == 0 && kv->strs[2].len == 6 && memcmp(kv->strs[2].s, toks[2], 6) == 0);
    for (int i = 0; i < 7; i++) {
        char name[32];
        snprintf(name, sizeof name, "t%d.weight", i);
        const sea_gguf_tensor *t = sea_gguf_find_tensor(g, name);
        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(t->dtype, dts[i]);
        ck_assert_uint_eq(t->ne[0], cols);
        ck_assert_uint_eq(t->ne[1], rows);
        ck_assert_uint_eq(t->nbytes, sizes[i]);
        ck_assert_mem_eq(t->data, blobs[i], sizes[i]);
        free(blobs[i]);
    }
    ck_assert_int_eq(sea_gguf_find_tensor(g, "norm")->rank, 1);
    sea_gguf_close(g);
    unlink(path);
}
END_TEST

/* A write that cannot complete leaves nothing behind. */
START_TEST(test_write_atomic)
{
    sea_gguf_writer *w;
    sea_err e;
    ck_assert_int_eq(sea_gguf_writer_new(&w, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_put_u32(w, "x", 1, &e), SEA_OK);
    ck_assert_int_ne(sea_gguf_write(w, "/nonexistent-dir/x.gguf", &e), SEA_OK);
    ck_assert_ptr_nonnull(strstr(e.msg, "/nonexistent-dir/x.gguf"));
    sea_gguf_writer_free(w);
}
END_TEST

/* Findings of the fuzzer (undefined behaviour under UBSan, no crash): an array of zero strings
 * as the only string array, and float elements outside the int64 range read as integers. */
START_TEST(test_fuzz_findings)
{
    char path[] = "/tmp/sea_check_gguf_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    sea_gguf_writer *w;
    sea_gguf *g;
    sea_err e;
    float big[2] = {7.2e31f, -3.5f};
    ck_assert_int_eq(sea_gguf_writer_new(&w, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_put_arr_str(w, "empty", NULL, NULL, 0, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_put_arr(w, "big", SEA_GGUF_F32, big, 2, &e), SEA_OK);
    ck_assert_int_eq(sea_gguf_write(w, path, &e), SEA_OK);
    sea_gguf_writer_free(w);
    ck_assert_msg(sea_gguf_open(&g, path, &e) == SEA_OK, "%s", e.msg);
    const sea_gguf_kv *kv = sea_gguf_find_kv(g, "empty");
    ck_assert(kv && kv->n == 0 && kv->elem == SEA_GGUF_STRING);
    kv = sea_gguf_find_kv(g, "big");
    ck_assert_int_eq(sea_gguf_arr_i64(kv, 0), 0);
    ck_assert_int_eq(sea_gguf_arr_i64(kv, 1), -3);
    ck_assert(sea_gguf_arr_f64(kv, 0) == (double)7.2e31f);
    sea_gguf_close(g);
    unlink(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gguf");
    TCase *tc = tcase_create("gguf");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_valid_image);
    tcase_add_test(tc, test_truncated_everywhere);
    tcase_add_test(tc, test_hostile);
    tcase_add_test(tc, test_write_read);
    tcase_add_test(tc, test_write_atomic);
    tcase_add_test(tc, test_fuzz_findings);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
