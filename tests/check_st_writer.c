/* tests/check_st_writer.c: the safetensors writer: round trips of every kind of tensor the
 * project writes (F32, I64, F64, BF16, empty, scalar) with __metadata__, the copy and
 * fill-callback variants, byte-exact re-reading, and atomicity: a failed save leaves neither
 * the file nor a temporary behind. Also the reader's data access: sea_st_expect and the
 * conversions of sea_st_read_f32 / sea_st_read_i64. */
#include "hostile.h"

#include <float.h>

#define NAME "case.safetensors"

/* "NAME":{"dtype":DT,"shape":SH,"data_offsets":[B,E]} as one string literal */
#define E(name, dt, sh, b, e) \
    "\"" name "\":{\"dtype\":\"" dt "\",\"shape\":" sh ",\"data_offsets\":[" b "," e "]}"

static sea_st_file *open_ok(const unsigned char *p, size_t len, const char *what)
{
    sea_st_file *f = NULL;
    sea_err err;
    sea_err_clear(&err);
    ck_assert_msg(sea_st_open_memory(&f, p, len, NAME, &err) == SEA_OK, "%s: rejected: %s", what, err.msg);
    ck_assert_ptr_nonnull(f);
    return f;
}

static sea_st_writer *writer(void)
{
    sea_st_writer *w = NULL;
    ck_assert_int_eq(sea_st_writer_new(&w, NULL), SEA_OK);
    return w;
}

static void save_ok(sea_st_writer *w, const char *path)
{
    sea_err err;
    sea_err_clear(&err);
    ck_assert_msg(sea_st_writer_save(w, path, &err) == SEA_OK, "%s", err.msg);
}

static sea_st_file *reopen(const char *path)
{
    sea_st_file *f = NULL;
    sea_err err;
    sea_err_clear(&err);
    ck_assert_msg(sea_st_open(&f, path, &err) == SEA_OK, "%s", err.msg);
    return f;
}

static void check_tensor(const sea_st_file *f, const char *name, sea_dtype dt, int rank, const uint64_t *shape,
                         const void *data, size_t nbytes)
{
    const sea_st_tensor *t = sea_st_find(f, name);
    ck_assert_msg(t != NULL, "tensor '%s' missing", name);
    ck_assert_int_eq(t->dtype, dt);
    ck_assert_str_eq(t->dtype_name, sea_dtype_name(dt));
    ck_assert_int_eq(t->rank, rank);
    for (int i = 0; i < rank; i++) ck_assert_uint_eq(t->shape[i], shape[i]);
    ck_assert_uint_eq(t->nbytes, nbytes);
    ck_assert_msg(nbytes == 0 || memcmp(t->data, data, nbytes) == 0, "tensor '%s': bytes differ", name);
}

START_TEST(test_round_trip)
{
    char dir[4096], path[4200];
    float f32[6] = {1.0f, -2.5f, 3.25e-20f, 0.0f, -0.0f, 65504.0f};
    int64_t i64[4] = {INT64_MIN, -1, 0, INT64_MAX};
    double f64 = -1.0 / 3.0;
    uint16_t bf16[3] = {0x3F80, 0xC020, 0x7FC0};
    uint64_t s23[2] = {2, 3}, s4[1] = {4}, s3[1] = {3}, s0[2] = {5, 0};
    const char *order[5] = {"z.f32", "a.i64", "m.f64", "b.bf16", "e.empty"};
    sea_st_writer *w = writer();
    sea_st_file *f;
    unsigned char *bytes;
    size_t len;
    uint64_t hlen;
    float back[6];
    ht_tmpdir(dir, sizeof dir);
    ht_path(path, sizeof path, dir, "out.safetensors");
    ck_assert_int_eq(sea_st_writer_add(w, "z.f32", SEA_DTYPE_F32, 2, s23, f32, NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_add(w, "a.i64", SEA_DTYPE_I64, 1, s4, i64, NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_add(w, "m.f64", SEA_DTYPE_F64, 0, NULL, &f64, NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_add(w, "b.bf16", SEA_DTYPE_BF16, 1, s3, bf16, NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_add(w, "e.empty", SEA_DTYPE_F32, 2, s0, NULL, NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_set_metadata(w, "format", "pt", NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_set_metadata(w, "note", "draft", NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_set_metadata(w, "note", "q\"b\\s\n\t\xe2\x98\x83", NULL), SEA_OK); /* replaces */
    save_ok(w, path);
    sea_st_writer_free(w);

    /* header: padded with spaces so the data starts 8-byte aligned */
    bytes = ht_read(path, &len);
    hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = (hlen << 8) | bytes[i];
    ck_assert_uint_eq((8 + hlen) % 8, 0);
    ck_assert_uint_eq(len, 8 + hlen + 24 + 32 + 8 + 6);
    ck_assert_int_eq(bytes[8], '{');
    {
        size_t k = 8 + (size_t)hlen;
        while (bytes[k - 1] == ' ') k--;
        ck_assert_int_eq(bytes[k - 1], '}');
        ck_assert_uint_lt(8 + hlen - k, 8);
    }

    f = reopen(path);
    ck_assert_uint_eq(sea_st_count(f), 5);
    check_tensor(f, "z.f32", SEA_DTYPE_F32, 2, s23, f32, 24);
    check_tensor(f, "a.i64", SEA_DTYPE_I64, 1, s4, i64, 32);
    check_tensor(f, "m.f64", SEA_DTYPE_F64, 0, NULL, &f64, 8);
    check_tensor(f, "b.bf16", SEA_DTYPE_BF16, 1, s3, bf16, 6);
    check_tensor(f, "e.empty", SEA_DTYPE_F32, 2, s0, NULL, 0);
    /* data in the order added, each tensor aligned to its element size */
    for (int i = 0; i + 1 < 5; i++)
        ck_assert((const char *)sea_st_find(f, order[i])->data <= (const char *)sea_st_find(f, order[i + 1])->data);
    for (int i = 0; i < 4; i++) {
        const sea_st_tensor *t = sea_st_find(f, order[i]);
        ck_assert_uint_eq((uintptr_t)t->data % sea_dtype_size(t->dtype), 0);
    }
    ck_assert_int_eq(sea_st_read_f32(back, sea_st_find(f, "z.f32"), NULL), SEA_OK);
    ck_assert(memcmp(back, f32, sizeof f32) == 0);
    ck_assert_uint_eq(sea_st_metadata_count(f), 2);
    ck_assert_str_eq(sea_st_metadata(f, "format"), "pt");
    ck_assert_str_eq(sea_st_metadata(f, "note"), "q\"b\\s\n\t\xe2\x98\x83");
    sea_st_close(f);
    /* nothing but the file in the directory */
    ck_assert_int_eq(ht_count_entries(dir), 1);
    free(bytes);
    ht_rm_tree(dir);
}
END_TEST

/* F64 values beyond the float range read as float become infinities of their sign (the plain
 * C conversion would be undefined behaviour); those inside it round to nearest. */
START_TEST(test_f64_to_f32_out_of_range)
{
    const double v[6] = {1e300, -1e300, 3.5e38, -3.5e38, 1.5, 3.4e38};
    uint64_t s6[1] = {6};
    float got[6];
    char dir[4096], path[4200];
    sea_err err;
    sea_st_writer *w = writer();
    sea_st_file *f;
    ck_assert_int_eq(sea_st_writer_add(w, "d", SEA_DTYPE_F64, 1, s6, v, NULL), SEA_OK);
    ht_tmpdir(dir, sizeof dir);
    ht_path(path, sizeof path, dir, "f64.safetensors");
    save_ok(w, path);
    sea_st_writer_free(w);
    f = reopen(path);
    sea_err_clear(&err);
    ck_assert_int_eq(sea_st_read_f32(got, sea_st_find(f, "d"), &err), SEA_OK);
    ck_assert(isinf(got[0]) && got[0] > 0);
    ck_assert(isinf(got[1]) && got[1] < 0);
    ck_assert(isinf(got[2]) && got[2] > 0);
    ck_assert(isinf(got[3]) && got[3] < 0);
    ck_assert(got[4] == 1.5f);
    ck_assert(got[5] == (float)3.4e38 && isfinite(got[5]));
    sea_st_close(f);
    unlink(path);
}
END_TEST

START_TEST(test_deterministic_and_overwrite)
{
    char dir[4096], path[4200];
    float a[3] = {1, 2, 3}, b[3] = {4, 5, 6};
    uint64_t s[1] = {3};
    unsigned char *x, *y;
    size_t nx, ny;
    sea_st_writer *w;
    sea_st_file *f;
    ht_tmpdir(dir, sizeof dir);
    ht_path(path, sizeof path, dir, "o.safetensors");
    for (int pass = 0; pass < 2; pass++) {
        w = writer();
        ck_assert_int_eq(sea_st_writer_add(w, "t", SEA_DTYPE_F32, 1, s, a, NULL), SEA_OK);
        save_ok(w, path);
        sea_st_writer_free(w);
        if (pass == 0) x = ht_read(path, &nx);
    }
    y = ht_read(path, &ny);
    ck_assert_uint_eq(nx, ny);
    ck_assert(memcmp(x, y, nx) == 0);
    free(x);
    free(y);
    /* saving over an existing file replaces it */
    w = writer();
    ck_assert_int_eq(sea_st_writer_add(w, "t", SEA_DTYPE_F32, 1, s, b, NULL), SEA_OK);
    save_ok(w, path);
    sea_st_writer_free(w);
    f = reopen(path);
    check_tensor(f, "t", SEA_DTYPE_F32, 1, s, b, 12);
    sea_st_close(f);
    ck_assert_int_eq(ht_count_entries(dir), 1);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_add_copy)
{
    char dir[4096], path[4200];
    int64_t v[3] = {7, 8, 9}, orig[3] = {7, 8, 9};
    uint64_t s[1] = {3};
    sea_st_writer *w = writer();
    sea_st_file *f;
    ht_tmpdir(dir, sizeof dir);
    ht_path(path, sizeof path, dir, "c.safetensors");
    ck_assert_int_eq(sea_st_writer_add_copy(w, "v", SEA_DTYPE_I64, 1, s, v, NULL), SEA_OK);
    v[0] = v[1] = v[2] = -1; /* the writer kept its own copy */
    save_ok(w, path);
    sea_st_writer_free(w);
    f = reopen(path);
    check_tensor(f, "v", SEA_DTYPE_I64, 1, s, orig, 24);
    sea_st_close(f);
    ht_rm_tree(dir);
}
END_TEST

typedef struct fill_log {
    int calls;
    uint64_t next; /* expected offset of the next call */
    int fail_at;   /* call number that fails (0: never) */
} fill_log;

static sea_status fill_failure(sea_err *err)
{
    if (err) {
        err->status = SEA_ERR_IO;
        snprintf(err->msg, sizeof err->msg, "fill: device on fire");
    }
    return SEA_ERR_IO;
}

static sea_status fill_pattern(void *user, void *dst, uint64_t offset, size_t nbytes, sea_err *err)
{
    fill_log *l = user;
    unsigned char *d = dst;
    l->calls++;
    ck_assert_uint_eq(offset, l->next);
    ck_assert_uint_gt(nbytes, 0);
    if (l->calls == l->fail_at) return fill_failure(err);
    for (size_t i = 0; i < nbytes; i++) d[i] = (unsigned char)((offset + i) * 31 + 5);
    l->next = offset + nbytes;
    return SEA_OK;
}

START_TEST(test_add_fn)
{
    /* a tensor larger than the writer's 16 MiB buffer is produced in several calls, in order */
    char dir[4096], path[4200];
    const uint64_t n = (16u << 20) + 5;
    uint64_t s[2] = {n, 1}, s0[1] = {0};
    fill_log log = {0, 0, 0}, log0 = {0, 0, 0};
    sea_st_writer *w = writer();
    sea_st_file *f;
    const sea_st_tensor *t;
    const unsigned char *d;
    ht_tmpdir(dir, sizeof dir);
    ht_path(path, sizeof path, dir, "fn.safetensors");
    ck_assert_int_eq(sea_st_writer_add_fn(w, "big", SEA_DTYPE_U8, 2, s, fill_pattern, &log, NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_add_fn(w, "none", SEA_DTYPE_F32, 1, s0, fill_pattern, &log0, NULL), SEA_OK);
    save_ok(w, path);
    sea_st_writer_free(w);
    ck_assert_int_eq(log.calls, 2);
    ck_assert_uint_eq(log.next, n);
    ck_assert_int_eq(log0.calls, 0);
    f = reopen(path);
    t = sea_st_find(f, "big");
    ck_assert_uint_eq(t->nbytes, n);
    d = t->data;
    for (uint64_t i = 0; i < n; i++)
        if (d[i] != (unsigned char)(i * 31 + 5)) ck_abort_msg("byte %llu differs", (unsigned long long)i);
    sea_st_close(f);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_failed_save_leaves_nothing)
{
    char dir[4096], path[4200], missing[4300];
    float a[2] = {1, 2};
    uint64_t s[1] = {2}, sb[1] = {(16u << 20) + 1};
    fill_log log = {0, 0, 2};
    sea_st_writer *w = writer();
    sea_err err;
    ht_tmpdir(dir, sizeof dir);
    ht_path(path, sizeof path, dir, "fail.safetensors");
    /* the producer fails on its second chunk, after bytes were written */
    ck_assert_int_eq(sea_st_writer_add(w, "a", SEA_DTYPE_F32, 1, s, a, NULL), SEA_OK);
    ck_assert_int_eq(sea_st_writer_add_fn(w, "b", SEA_DTYPE_U8, 1, sb, fill_pattern, &log, NULL), SEA_OK);
    sea_err_clear(&err);
    ck_assert_int_eq(sea_st_writer_save(w, path, &err), SEA_ERR_IO);
    ck_assert_str_eq(err.msg, "fill: device on fire");
    ck_assert_int_eq(ht_count_entries(dir), 0);
    /* a directory that does not exist */
    ht_path(missing, sizeof missing, dir, "no/such.safetensors");
    sea_err_clear(&err);
    ck_assert_int_eq(sea_st_writer_save(w, missing, &err), SEA_ERR_IO);
    ht_check_msg(&err, missing, "cannot create", NULL, "missing directory");
    ck_assert_int_eq(ht_count_entries(dir), 0);
    sea_st_writer_free(w);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_bad_arguments)
{
    float a[2] = {1, 2};
    uint64_t s[1] = {2}, huge[2] = {(uint64_t)1 << 63, 4}, zero[1] = {0};
    char longname[4098];
    sea_st_writer *w = writer();
    sea_err err;
    memset(longname, 'x', 4097);
    longname[4097] = '\0';
    ck_assert_int_eq(sea_st_writer_add(w, "a", SEA_DTYPE_F32, 1, s, a, NULL), SEA_OK);
    sea_err_clear(&err);
    ck_assert_int_eq(sea_st_writer_add(w, "a", SEA_DTYPE_F32, 1, s, a, &err), SEA_ERR_ARG);
    ck_assert_str_eq(err.msg, "safetensors writer: duplicate tensor name 'a'");
    ck_assert_int_eq(sea_st_writer_add(w, "", SEA_DTYPE_F32, 1, s, a, &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_st_writer_add(w, "__metadata__", SEA_DTYPE_F32, 1, s, a, &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_st_writer_add(w, "a\nb", SEA_DTYPE_F32, 1, s, a, &err), SEA_ERR_ARG);
    ck_assert(strchr(err.msg, '\n') == NULL);
    ck_assert_int_eq(sea_st_writer_add(w, longname, SEA_DTYPE_F32, 1, s, a, &err), SEA_ERR_ARG);
    longname[4096] = '\0'; /* 4096 bytes is allowed */
    ck_assert_int_eq(sea_st_writer_add(w, longname, SEA_DTYPE_F32, 1, s, a, &err), SEA_OK);
    ck_assert_int_eq(sea_st_writer_add(w, "r9", SEA_DTYPE_F32, 9, s, a, &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_st_writer_add(w, "rneg", SEA_DTYPE_F32, -1, s, a, &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_st_writer_add(w, "dt", SEA_DTYPE_COUNT, 1, s, a, &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_st_writer_add(w, "huge", SEA_DTYPE_F32, 2, huge, a, &err), SEA_ERR_ARG);
    ck_assert_str_eq(err.msg, "safetensors writer: tensor 'huge' is too large");
    ck_assert_int_eq(sea_st_writer_add(w, "nodata", SEA_DTYPE_F32, 1, s, NULL, &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_st_writer_add_fn(w, "nofn", SEA_DTYPE_F32, 1, s, NULL, NULL, &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_st_writer_add_copy(w, "empty", SEA_DTYPE_F32, 1, zero, NULL, &err), SEA_OK);
    sea_st_writer_free(w);
}
END_TEST

START_TEST(test_case53_writer_allocation_failures)
{
    /* every allocation of building and saving a file fails once in turn: a clean error,
     * no file, no temporary, no leak */
    char dir[4096], path[4200];
    float a[4] = {1, 2, 3, 4};
    uint64_t s[2] = {2, 2};
    int done = 0;
    ht_tmpdir(dir, sizeof dir);
    ht_path(path, sizeof path, dir, "oom.safetensors");
    for (long k = 1; k < 200 && !done; k++) {
        sea_st_writer *w = NULL;
        sea_status st;
        sea_err err;
        sea_err_clear(&err);
        ht_track_allocations();
        ht_fail_at = k;
        st = sea_st_writer_new(&w, &err);
        if (st == SEA_OK) st = sea_st_writer_add(w, "a", SEA_DTYPE_F32, 2, s, a, &err);
        if (st == SEA_OK) st = sea_st_writer_add_copy(w, "b", SEA_DTYPE_F32, 2, s, a, &err);
        if (st == SEA_OK) st = sea_st_writer_set_metadata(w, "format", "pt", &err);
        if (st == SEA_OK) st = sea_st_writer_save(w, path, &err);
        sea_st_writer_free(w);
        ht_fail_at = 0;
        if (st == SEA_OK) {
            done = 1;
            ck_assert_int_eq(ht_count_entries(dir), 1);
        } else {
            ck_assert_msg(st == SEA_ERR_NOMEM, "k = %ld: status %d: %s", k, (int)st, err.msg);
            ck_assert_msg(strstr(err.msg, "out of memory") != NULL, "k = %ld: %s", k, err.msg);
            ck_assert_msg(ht_count_entries(dir) == 0, "k = %ld: a file was left behind", k);
        }
        ck_assert_msg(ht_live == 0, "k = %ld: %zu bytes leaked", k, ht_live);
        sea_set_allocator(NULL);
    }
    ck_assert(done);
    ht_rm_tree(dir);
}
END_TEST

/* ---------------------------------------------------------------- data access */

START_TEST(test_expect)
{
    size_t len;
    unsigned char *p = ht_image(&len, "{" E("w", "F32", "[2,3]", "0", "24") "}", 24);
    sea_st_file *f = open_ok(p, len, "expect");
    const sea_st_tensor *t = sea_st_find(f, "w");
    uint64_t ok[2] = {2, SEA_ST_ANY}, bad[2] = {3, SEA_ST_ANY}, r3[3] = {2, 3, 1};
    sea_err err;
    ck_assert_int_eq(sea_st_expect(f, t, SEA_DTYPE_F32, 2, ok, NULL), SEA_OK);
    sea_err_clear(&err);
    ck_assert_int_eq(sea_st_expect(f, t, SEA_DTYPE_F32, 2, bad, &err), SEA_ERR_FORMAT);
    ck_assert_str_eq(err.msg, NAME ": tensor 'w' has shape [2, 3], expected [3, *]");
    ck_assert_int_eq(sea_st_expect(f, t, SEA_DTYPE_F32, 3, r3, &err), SEA_ERR_FORMAT);
    ck_assert_str_eq(err.msg, NAME ": tensor 'w' has shape [2, 3], expected [2, 3, 1]");
    ck_assert_int_eq(sea_st_expect(f, t, SEA_DTYPE_BF16, 2, ok, &err), SEA_ERR_FORMAT);
    ck_assert_str_eq(err.msg, NAME ": tensor 'w' has dtype F32, expected BF16");
    sea_st_close(f);
    free(p);
}
END_TEST

START_TEST(test_read_f32)
{
    /* F16: 1, -2.5, 65504 (largest), 2^-24 (smallest subnormal), -0, +inf, NaN;
     * BF16: 1, -2.5, -inf, NaN, 2^-133 (subnormal) */
    static const uint16_t h16[7] = {0x3C00, 0xC100, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x7E00};
    static const uint16_t b16[5] = {0x3F80, 0xC020, 0xFF80, 0x7FC1, 0x0001};
    double d[3] = {0.1, -1e-50, 3.4028234663852886e38};
    char h[1024];
    unsigned char *p;
    size_t len, hl;
    float o[8];
    sea_st_file *f;
    snprintf(h, sizeof h, "{" E("h", "F16", "[7]", "0", "14") "," E("b", "BF16", "[5]", "14", "24") ","
                          E("d", "F64", "[3]", "24", "48") "," E("i", "I32", "[1]", "48", "52") "}");
    hl = strlen(h);
    p = ht_image(&len, h, 52);
    for (int i = 0; i < 7; i++) p[8 + hl + 2 * i] = (unsigned char)h16[i], p[8 + hl + 2 * i + 1] = (unsigned char)(h16[i] >> 8);
    for (int i = 0; i < 5; i++) p[8 + hl + 14 + 2 * i] = (unsigned char)b16[i], p[8 + hl + 15 + 2 * i] = (unsigned char)(b16[i] >> 8);
    memcpy(p + 8 + hl + 24, d, 24);
    f = open_ok(p, len, "conversions");
    ck_assert_int_eq(sea_st_read_f32(o, sea_st_find(f, "h"), NULL), SEA_OK);
    ck_assert(o[0] == 1.0f && o[1] == -2.5f && o[2] == 65504.0f && o[3] == ldexpf(1.0f, -24));
    ck_assert(o[4] == 0.0f && signbit(o[4]) && isinf(o[5]) && o[5] > 0 && isnan(o[6]));
    ck_assert_int_eq(sea_st_read_f32(o, sea_st_find(f, "b"), NULL), SEA_OK);
    ck_assert(o[0] == 1.0f && o[1] == -2.5f && isinf(o[2]) && o[2] < 0 && isnan(o[3]) && o[4] == ldexpf(1.0f, -133));
    ck_assert_int_eq(sea_st_read_f32(o, sea_st_find(f, "d"), NULL), SEA_OK);
    ck_assert(o[0] == 0.1f && o[1] == -0.0f && o[2] == FLT_MAX);
    {
        sea_err err;
        sea_err_clear(&err);
        ck_assert_int_eq(sea_st_read_f32(o, sea_st_find(f, "i"), &err), SEA_ERR_UNSUPPORTED);
        ck_assert_str_eq(err.msg, "tensor 'i': dtype I32 cannot be read as float");
    }
    sea_st_close(f);
    free(p);
}
END_TEST

START_TEST(test_read_i64)
{
    char h[1024];
    unsigned char *p, *q;
    size_t len, hl;
    int64_t o[4];
    sea_st_file *f;
    int32_t i32[2] = {-5, 2147483647};
    uint32_t u32[1] = {4294967295u};
    int16_t i16[2] = {-300, 32767};
    uint16_t u16[1] = {65535};
    int8_t i8[2] = {-128, 127};
    uint8_t u8[2] = {255, 0}, bl[2] = {1, 0};
    int64_t i64[1] = {INT64_MIN};
    snprintf(h, sizeof h, "{" E("i32", "I32", "[2]", "0", "8") "," E("u32", "U32", "[1]", "8", "12") ","
                          E("i16", "I16", "[2]", "12", "16") "," E("u16", "U16", "[1]", "16", "18") ","
                          E("i8", "I8", "[2]", "18", "20") "," E("u8", "U8", "[2]", "20", "22") ","
                          E("bool", "BOOL", "[2]", "22", "24") "," E("i64", "I64", "[1]", "24", "32") ","
                          E("u64", "U64", "[1]", "32", "40") "," E("f32", "F32", "[0]", "40", "40") "}");
    hl = strlen(h);
    p = ht_image(&len, h, 40);
    q = p + 8 + hl;
    memcpy(q, i32, 8), memcpy(q + 8, u32, 4), memcpy(q + 12, i16, 4), memcpy(q + 16, u16, 2);
    memcpy(q + 18, i8, 2), memcpy(q + 20, u8, 2), memcpy(q + 22, bl, 2), memcpy(q + 24, i64, 8);
    f = open_ok(p, len, "integers");
    ck_assert_int_eq(sea_st_read_i64(o, sea_st_find(f, "i32"), NULL), SEA_OK);
    ck_assert(o[0] == -5 && o[1] == 2147483647);
    ck_assert_int_eq(sea_st_read_i64(o, sea_st_find(f, "u32"), NULL), SEA_OK);
    ck_assert(o[0] == 4294967295ll);
    ck_assert_int_eq(sea_st_read_i64(o, sea_st_find(f, "i16"), NULL), SEA_OK);
    ck_assert(o[0] == -300 && o[1] == 32767);
    ck_assert_int_eq(sea_st_read_i64(o, sea_st_find(f, "u16"), NULL), SEA_OK);
    ck_assert(o[0] == 65535);
    ck_assert_int_eq(sea_st_read_i64(o, sea_st_find(f, "i8"), NULL), SEA_OK);
    ck_assert(o[0] == -128 && o[1] == 127);
    ck_assert_int_eq(sea_st_read_i64(o, sea_st_find(f, "u8"), NULL), SEA_OK);
    ck_assert(o[0] == 255 && o[1] == 0);
    ck_assert_int_eq(sea_st_read_i64(o, sea_st_find(f, "bool"), NULL), SEA_OK);
    ck_assert(o[0] == 1 && o[1] == 0);
    ck_assert_int_eq(sea_st_read_i64(o, sea_st_find(f, "i64"), NULL), SEA_OK);
    ck_assert(o[0] == INT64_MIN);
    {
        /* U64 does not fit int64; a float tensor is refused even when it is empty */
        sea_err err;
        sea_err_clear(&err);
        ck_assert_int_eq(sea_st_read_i64(o, sea_st_find(f, "u64"), &err), SEA_ERR_UNSUPPORTED);
        ck_assert_str_eq(err.msg, "tensor 'u64': dtype U64 cannot be read as integers");
        ck_assert_int_eq(sea_st_read_i64(o, sea_st_find(f, "f32"), &err), SEA_ERR_UNSUPPORTED);
    }
    sea_st_close(f);
    free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("safetensors writer");
    TCase *tc = tcase_create("writer");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_f64_to_f32_out_of_range);
    tcase_add_test(tc, test_deterministic_and_overwrite);
    tcase_add_test(tc, test_add_copy);
    tcase_add_test(tc, test_add_fn);
    tcase_add_test(tc, test_failed_save_leaves_nothing);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_case53_writer_allocation_failures);
    suite_add_tcase(s, tc);
    tc = tcase_create("data access");
    tcase_add_test(tc, test_expect);
    tcase_add_test(tc, test_read_f32);
    tcase_add_test(tc, test_read_i64);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
