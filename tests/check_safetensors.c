/* tests/check_safetensors.c: the safetensors reader against hostile files, one test per case
 * 1-35 of the checklist in ../shared/docs/research/anchors-reliability.md §6 (named after the
 * case number), the positive edge cases the format allows, and the data conversions.
 * Every rejection is checked for its exact status and for a one-line message that begins with
 * the file name and names the tensor or key at fault. Writer round trips and data
 * conversions are in check_st_writer.c, the sharded index in check_st_index.c. */
#include "hostile.h"

#include <fcntl.h>

#define NAME "case.safetensors"

/* "NAME":{"dtype":DT,"shape":SH,"data_offsets":[B,E]} as one string literal */
#define E(name, dt, sh, b, e) \
    "\"" name "\":{\"dtype\":\"" dt "\",\"shape\":" sh ",\"data_offsets\":[" b "," e "]}"

/* Open an image from memory and expect `want` with a message holding n1 and n2. */
static void expect_mem(const unsigned char *p, size_t len, sea_status want, const char *n1, const char *n2,
                       const char *what)
{
    sea_st_file *f = (sea_st_file *)1;
    sea_err err;
    sea_status st;
    sea_err_clear(&err);
    st = sea_st_open_memory(&f, p, len, NAME, &err);
    ck_assert_msg(st == want, "%s: status %d (%s), expected %d; message: %s", what, (int)st, sea_status_str(st),
                  (int)want, err.msg);
    ck_assert_msg(f == NULL, "%s: handle not cleared on failure", what);
    ck_assert_int_eq(err.status, want);
    ht_check_msg(&err, NAME, n1, n2, what);
}

/* Header text + data_len bytes of data. */
static void expect_hdr(const char *hdr, size_t data_len, sea_status want, const char *n1, const char *n2)
{
    size_t len;
    unsigned char *p = ht_image(&len, hdr, data_len);
    expect_mem(p, len, want, n1, n2, hdr);
    free(p);
}

/* Header of explicit length (may hold NUL or invalid UTF-8). */
static void expect_hdr_n(const char *hdr, size_t hlen, size_t data_len, sea_status want, const char *n1,
                         const char *n2)
{
    size_t len;
    unsigned char *p = ht_image_n(&len, hlen, hdr, hlen, data_len);
    expect_mem(p, len, want, n1, n2, hdr);
    free(p);
}

static sea_st_file *open_ok(const unsigned char *p, size_t len, const char *what)
{
    sea_st_file *f = NULL;
    sea_err err;
    sea_err_clear(&err);
    ck_assert_msg(sea_st_open_memory(&f, p, len, NAME, &err) == SEA_OK, "%s: rejected: %s", what, err.msg);
    ck_assert_ptr_nonnull(f);
    return f;
}

/* Same as a file on disk, through sea_st_open (mmap); the message must begin with the path. */
static void expect_disk(const unsigned char *p, size_t len, sea_status want, const char *n1, const char *what)
{
    char dir[4096], path[4200];
    sea_st_file *f = NULL;
    sea_err err;
    sea_status st;
    ht_tmpdir(dir, sizeof dir);
    ht_write(dir, "x.safetensors", p, len);
    ht_path(path, sizeof path, dir, "x.safetensors");
    sea_err_clear(&err);
    st = sea_st_open(&f, path, &err);
    ck_assert_msg(st == want, "%s (disk): status %d, expected %d: %s", what, (int)st, (int)want, err.msg);
    ck_assert_ptr_null(f);
    ht_check_msg(&err, path, n1, NULL, what);
    ht_rm_tree(dir);
}

/* ---------------------------------------------------------------- framing (1-12) */

START_TEST(test_case01_too_small)
{
    unsigned char b[8] = {2, 0, 0, 0, 0, 0, 0, 0};
    for (size_t n = 0; n < 8; n++) expect_mem(b, n, SEA_ERR_FORMAT, "too small", NULL, "short file");
    expect_disk(b, 0, SEA_ERR_FORMAT, "0 bytes, too small", "empty file");
    expect_disk(b, 7, SEA_ERR_FORMAT, "7 bytes, too small", "7-byte file");
}
END_TEST

START_TEST(test_case02_header_beyond_file)
{
    unsigned char b[8] = {2, 0, 0, 0, 0, 0, 0, 0};
    size_t len;
    unsigned char *p = ht_image_n(&len, 100, "{}", 2, 0);
    /* prefix only: N = 2 with nothing after it */
    expect_mem(b, 8, SEA_ERR_FORMAT, "header length 2 exceeds the file size (8 bytes)", NULL, "prefix only");
    expect_mem(p, len, SEA_ERR_FORMAT, "header length 100 exceeds the file size", NULL, "N = 100");
    free(p);
    /* a good file cut inside its header */
    p = ht_image(&len, "{" E("a", "F32", "[1]", "0", "4") "}", 4);
    expect_mem(p, 8 + 10, SEA_ERR_FORMAT, "exceeds the file size (18 bytes)", NULL, "truncated header");
    expect_disk(p, 8 + 10, SEA_ERR_FORMAT, "exceeds the file size", "truncated header");
    free(p);
}
END_TEST

START_TEST(test_case03_header_too_large)
{
    /* prefix 3c 00 00 00 00 ff ff ff from the reference's test, followed by a tiny header */
    unsigned char b[16] = {0x3c, 0, 0, 0, 0, 0xff, 0xff, 0xff, '{', '}'};
    size_t len;
    unsigned char *p;
    ht_track_allocations();
    expect_mem(b, 10, SEA_ERR_LIMIT, "exceeds the limit of 100000000 bytes", NULL, "3c..ff prefix");
    /* nothing was sized from N: the largest request is the handle or the file name */
    ck_assert_msg(ht_largest < 4096, "largest allocation %zu bytes", ht_largest);
    sea_set_allocator(NULL);
    p = ht_image_n(&len, 100000001u, "{}", 2, 0);
    expect_mem(p, len, SEA_ERR_LIMIT, "header length 100000001 exceeds the limit", NULL, "cap + 1");
    free(p);
    /* the cap itself is allowed: that file fails on its size instead */
    p = ht_image_n(&len, 100000000u, "{}", 2, 0);
    expect_mem(p, len, SEA_ERR_FORMAT, "exceeds the file size", NULL, "cap");
    free(p);
}
END_TEST

START_TEST(test_case04_header_length_wraps)
{
    size_t len;
    unsigned char *p = ht_image_n(&len, UINT64_MAX, "{}", 2, 0);
    expect_mem(p, len, SEA_ERR_LIMIT, "18446744073709551615 exceeds the limit", NULL, "N = 2^64 - 1");
    free(p);
    p = ht_image_n(&len, UINT64_MAX - 7, "{}", 2, 0); /* N + 8 wraps to 0 */
    expect_mem(p, len, SEA_ERR_LIMIT, "exceeds the limit", NULL, "N + 8 wraps");
    free(p);
    p = ht_image_n(&len, (uint64_t)1 << 32, "{}", 2, 0); /* would truncate to 0 in a 32-bit size_t */
    expect_mem(p, len, SEA_ERR_LIMIT, "4294967296 exceeds the limit", NULL, "N = 2^32");
    free(p);
}
END_TEST

START_TEST(test_case05_empty_header)
{
    expect_hdr("", 0, SEA_ERR_FORMAT, NAME ": header: line 1, column 1: unexpected end of input", NULL);
    expect_hdr("        ", 0, SEA_ERR_FORMAT, "header", "unexpected end of input");
}
END_TEST

START_TEST(test_case06_not_utf8)
{
    static const char *const bad[] = {"\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"};
    for (size_t i = 0; i < HT_LEN(bad); i++) {
        char h[128];
        /* in a metadata value, in a tensor name, and outside any string */
        snprintf(h, sizeof h, "{\"__metadata__\":{\"k\":\"%s\"}}", bad[i]);
        expect_hdr(h, 0, SEA_ERR_FORMAT, "header", "invalid UTF-8 in string");
        snprintf(h, sizeof h, "{\"a%s\":{}}", bad[i]);
        expect_hdr(h, 0, SEA_ERR_FORMAT, "header", "invalid UTF-8 in string");
        snprintf(h, sizeof h, "{}%s", bad[i]);
        expect_hdr(h, 0, SEA_ERR_FORMAT, "header", "unexpected data after the JSON value");
    }
    /* control: valid UTF-8 of every length is kept byte for byte */
    {
        size_t len;
        unsigned char *p = ht_image(&len, "{\"__metadata__\":{\"k\":\"a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}}", 0);
        sea_st_file *f = open_ok(p, len, "UTF-8 metadata");
        ck_assert_str_eq(sea_st_metadata(f, "k"), "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
        sea_st_close(f);
        free(p);
    }
}
END_TEST

START_TEST(test_case07_not_json)
{
    expect_hdr("{", 0, SEA_ERR_FORMAT, "header: line 1, column 2", "unexpected end of input in object");
    expect_hdr("not json", 0, SEA_ERR_FORMAT, "header", "invalid value");
    expect_hdr("{\"a\":", 0, SEA_ERR_FORMAT, "header", "unexpected end of input");
    expect_hdr("{\"a\":{\"dtype\":\"F32\",}}", 0, SEA_ERR_FORMAT, "header", "expected a string key");
    expect_hdr("{'a':1}", 0, SEA_ERR_FORMAT, "header", "expected a string key");
}
END_TEST

START_TEST(test_case08_not_an_object)
{
    expect_hdr("[]", 0, SEA_ERR_FORMAT, "header must be a JSON object, got array", NULL);
    expect_hdr("\"x\"", 0, SEA_ERR_FORMAT, "got string", NULL);
    expect_hdr("1", 0, SEA_ERR_FORMAT, "got number", NULL);
    expect_hdr("null", 0, SEA_ERR_FORMAT, "got null", NULL);
    expect_hdr("true", 0, SEA_ERR_FORMAT, "got boolean", NULL);
}
END_TEST

START_TEST(test_case09_trailing_bytes)
{
    expect_hdr_n("{}\0\0", 4, 0, SEA_ERR_FORMAT, "header", "unexpected data after the JSON value");
    expect_hdr("{}x", 0, SEA_ERR_FORMAT, "header", "unexpected data after the JSON value");
    expect_hdr("{}{}", 0, SEA_ERR_FORMAT, "header: line 1, column 3", "unexpected data after");
    expect_hdr("{}  \n}", 0, SEA_ERR_FORMAT, "header: line 2, column 1", "unexpected data after");
}
END_TEST

START_TEST(test_case10_data_truncated)
{
    expect_hdr("{" E("a", "F32", "[2]", "0", "8") "}", 6, SEA_ERR_FORMAT,
               "file is truncated: tensors need 2 more bytes of data", NULL);
    expect_hdr("{" E("a", "F32", "[2]", "0", "8") "," E("b", "U8", "[3]", "8", "11") "}", 0, SEA_ERR_FORMAT,
               "tensors need 11 more bytes", NULL);
    {
        size_t len;
        unsigned char *p = ht_image(&len, "{" E("a", "F32", "[2]", "0", "8") "}", 6);
        expect_disk(p, len, SEA_ERR_FORMAT, "truncated", "truncated data");
        free(p);
    }
}
END_TEST

START_TEST(test_case11_extra_bytes)
{
    expect_hdr("{" E("a", "F32", "[2]", "0", "8") "}", 10, SEA_ERR_FORMAT,
               "2 bytes of data follow the last tensor", "not fully covered");
    /* a polyglot: an empty header followed by another format's bytes */
    expect_hdr("{}", 40, SEA_ERR_FORMAT, "40 bytes of data follow the last tensor", NULL);
}
END_TEST

START_TEST(test_case12_byte_swapped_prefix)
{
    const char *h = "{" E("a", "F32", "[2]", "0", "8") "}";
    size_t len;
    unsigned char *p = ht_image(&len, h, 8), t;
    sea_st_file *f = open_ok(p, len, "little-endian prefix");
    sea_st_close(f);
    for (int i = 0; i < 4; i++) t = p[i], p[i] = p[7 - i], p[7 - i] = t;
    expect_mem(p, len, SEA_ERR_LIMIT, "exceeds the limit", NULL, "big-endian prefix");
    free(p);
}
END_TEST

/* ---------------------------------------------------------------- JSON (13-19) */

START_TEST(test_case13_nesting)
{
    /* root object and __metadata__ are two levels: 62 arrays reach the cap of 64 (then the
     * value fails as a non-string), 63 exceed it */
    char h[512];
    size_t n = 0;
    n += (size_t)snprintf(h, sizeof h, "{\"__metadata__\":{\"k\":");
    for (int i = 0; i < 62; i++) h[n++] = '[';
    for (int i = 0; i < 62; i++) h[n++] = ']';
    n += (size_t)snprintf(h + n, sizeof h - n, "}}");
    expect_hdr(h, 0, SEA_ERR_FORMAT, "__metadata__ value of 'k' must be a string, got array", NULL);
    n = (size_t)snprintf(h, sizeof h, "{\"__metadata__\":{\"k\":");
    for (int i = 0; i < 63; i++) h[n++] = '[';
    for (int i = 0; i < 63; i++) h[n++] = ']';
    n += (size_t)snprintf(h + n, sizeof h - n, "}}");
    expect_hdr(h, 0, SEA_ERR_LIMIT, "header", "nesting deeper than 64 levels");
    /* JSONTestSuite n_structure_100000_opening_arrays: no deep recursion, no stack overflow */
    {
        char *big = malloc(100001);
        ck_assert_ptr_nonnull(big);
        memset(big, '[', 100000);
        big[100000] = '\0';
        expect_hdr(big, 0, SEA_ERR_LIMIT, "header: line 1, column 65", "nesting deeper than 64");
        memset(big, '{', 1);
        expect_hdr(big, 0, SEA_ERR_FORMAT, "header", "expected a string key");
        free(big);
    }
}
END_TEST

/* 10^6 zero-size tensors, optionally followed by a duplicate of the first. */
static char *million_entries(size_t *hlen, int duplicate)
{
    const size_t n = 1000000;
    const char *fmt = "\"t%07zu\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}";
    size_t cap = n * 64 + 128, o = 0;
    char *h = malloc(cap);
    ck_assert_ptr_nonnull(h);
    h[o++] = '{';
    for (size_t i = 0; i < n; i++) {
        if (i) h[o++] = ',';
        o += (size_t)snprintf(h + o, cap - o, fmt, i);
    }
    if (duplicate) o += (size_t)snprintf(h + o, cap - o, ",\"t0000000\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}");
    h[o++] = '}';
    h[o] = '\0';
    *hlen = o;
    return h;
}

START_TEST(test_case14_million_entries)
{
    size_t hlen, len;
    char *h = million_entries(&hlen, 0);
    unsigned char *p = ht_image_n(&len, hlen, h, hlen, 0);
    sea_st_file *f;
    sea_err err;
    ck_assert_uint_lt(hlen, SEA_ST_MAX_HEADER);
    ht_track_allocations();
    sea_err_clear(&err);
    ck_assert_msg(sea_st_open_memory(&f, p, len, NAME, &err) == SEA_OK, "%s", err.msg);
    ck_assert_uint_eq(sea_st_count(f), 1000000);
    ck_assert_ptr_nonnull(sea_st_find(f, "t0999999"));
    ck_assert_uint_eq(sea_st_find(f, "t0123456")->nbytes, 0);
    ck_assert_ptr_null(sea_st_find(f, "t1000000"));
    /* memory is linear in the header: a fixed multiple of its size, measured at 11x (the JSON tree) */
    ck_assert_msg(ht_peak < 16 * hlen, "peak %zu bytes for a %zu-byte header", ht_peak, hlen);
    sea_st_close(f);
    ck_assert_uint_eq(ht_live, 0);
    free(p);
    free(h);
    /* a duplicate at the very end is found (by hashing: quadratic search would time out) */
    h = million_entries(&hlen, 1);
    p = ht_image_n(&len, hlen, h, hlen, 0);
    expect_mem(p, len, SEA_ERR_FORMAT, "header", "duplicate key \"t0000000\"", "duplicate after 10^6");
    ck_assert_uint_eq(ht_live, 0);
    sea_set_allocator(NULL);
    free(p);
    free(h);
}
END_TEST

START_TEST(test_case15_duplicate_tensor)
{
    expect_hdr("{" E("a", "F32", "[1]", "0", "4") "," E("a", "F32", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT,
               "header", "duplicate key \"a\" in object");
    expect_hdr("{" E("a", "F32", "[1]", "0", "4") "," E("a", "F32", "[1]", "4", "8") "}", 8, SEA_ERR_FORMAT,
               "header", "duplicate key \"a\"");
}
END_TEST

START_TEST(test_case16_duplicate_field)
{
    expect_hdr("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, SEA_ERR_FORMAT,
               "header", "duplicate key \"dtype\"");
    expect_hdr("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, SEA_ERR_FORMAT, "header", "duplicate key \"k\"");
    expect_hdr("{\"__metadata__\":{},\"__metadata__\":{}}", 0, SEA_ERR_FORMAT, "duplicate key \"__metadata__\"", NULL);
}
END_TEST

START_TEST(test_case17_escapes)
{
    expect_hdr("{\"\\uD800\":{}}", 0, SEA_ERR_FORMAT, "header", "high surrogate not followed by a low surrogate");
    expect_hdr("{\"\\uDC00\":{}}", 0, SEA_ERR_FORMAT, "header", "lone low surrogate");
    expect_hdr("{\"\\uD800\\u0041\":{}}", 0, SEA_ERR_FORMAT, "header", "high surrogate");
    expect_hdr("{\"a\\x41\":{}}", 0, SEA_ERR_FORMAT, "header", "invalid escape");
    expect_hdr("{\"a\\u12\":{}}", 0, SEA_ERR_FORMAT, "header", "invalid \\u escape");
    /* \u0000 is valid JSON but never a tensor name: refused, never truncated to "a" */
    expect_hdr("{" E("a\\u0000b", "F32", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT, "tensor name has control characters",
               NULL);
    expect_hdr("{\"__metadata__\":{\"k\":\"a\\u0000b\"}}", 0, SEA_ERR_FORMAT, "__metadata__ contains a NUL character",
               NULL);
    /* control: a surrogate pair is one code point */
    {
        size_t len;
        unsigned char *p = ht_image(&len, "{" E("\\uD83D\\uDE00", "F32", "[1]", "0", "4") "}", 4);
        sea_st_file *f = open_ok(p, len, "surrogate pair");
        ck_assert_ptr_nonnull(sea_st_find(f, "\xf0\x9f\x98\x80"));
        sea_st_close(f);
        free(p);
    }
}
END_TEST

START_TEST(test_case18_integers)
{
    const char *msg = "tensor 'a': data_offsets must be non-negative integers";
    expect_hdr("{" E("a", "F32", "[1]", "-1", "4") "}", 4, SEA_ERR_FORMAT, msg, NULL);
    expect_hdr("{" E("a", "F32", "[1]", "0", "4.0") "}", 4, SEA_ERR_FORMAT, msg, NULL);
    expect_hdr("{" E("a", "F32", "[1]", "0", "4e0") "}", 4, SEA_ERR_FORMAT, msg, NULL);
    expect_hdr("{" E("a", "F32", "[1]", "0", "18446744073709551616") "}", 4, SEA_ERR_FORMAT, msg, NULL);
    expect_hdr("{" E("a", "F32", "[2.0]", "0", "8") "}", 8, SEA_ERR_FORMAT, "tensor 'a': shape[0] must be a non-negative integer",
               NULL);
    expect_hdr("{" E("a", "F32", "[1e3]", "0", "4000") "}", 4000, SEA_ERR_FORMAT, "shape[0] must be a non-negative", NULL);
    expect_hdr("{" E("a", "F32", "[-1]", "0", "4") "}", 4, SEA_ERR_FORMAT, "shape[0] must be a non-negative", NULL);
    expect_hdr("{" E("a", "F32", "[1]", "00", "4") "}", 4, SEA_ERR_FORMAT, "header", "leading zero");
    expect_hdr("{" E("a", "F32", "[1]", "+0", "4") "}", 4, SEA_ERR_FORMAT, "header", "invalid value");
    /* the schema bound 2^48 - 1 on every dimension, exactly */
    expect_hdr("{" E("a", "U8", "[281474976710656]", "0", "1") "}", 1, SEA_ERR_LIMIT,
               "tensor 'a': shape[0] = 281474976710656 exceeds 2^48 - 1", NULL);
    expect_hdr("{" E("a", "U8", "[281474976710655]", "0", "1") "}", 1, SEA_ERR_FORMAT,
               "span 1 bytes, but shape and dtype U8 need 281474976710655", NULL);
    /* beyond 2^53 integers stay exact: (2^27 + 1)(2^26 + 1) is odd, so no double holds it */
    expect_hdr("{" E("a", "U8", "[134217729,67108865]", "0", "9007199456067585") "}", 0, SEA_ERR_FORMAT,
               "tensors need 9007199456067585 more bytes", NULL);
}
END_TEST

START_TEST(test_case19_huge_tokens)
{
    const size_t big = (size_t)4 << 20;
    char *h = malloc(big + 256), *s;
    size_t o;
    ck_assert_ptr_nonnull(h);
    /* a 4 MiB digit run */
    o = (size_t)snprintf(h, 256, "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,");
    memset(h + o, '7', big);
    o += big;
    strcpy(h + o, "]}}");
    expect_hdr(h, 1, SEA_ERR_LIMIT, "header", "number literal longer than 1024 characters");
    /* a 4 MiB tensor name */
    h[0] = '{';
    h[1] = '"';
    memset(h + 2, 'n', big);
    o = 2 + big;
    strcpy(h + o, "\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}");
    expect_hdr(h, 1, SEA_ERR_FORMAT, "tensor name is too long", NULL);
    /* a 4 MiB metadata value is valid and kept whole */
    o = (size_t)snprintf(h, 256, "{\"__metadata__\":{\"k\":\"");
    memset(h + o, 'v', big);
    strcpy(h + o + big, "\"}}");
    {
        size_t len;
        unsigned char *p = ht_image(&len, h, 0);
        sea_st_file *f = open_ok(p, len, "4 MiB metadata");
        s = (char *)sea_st_metadata(f, "k");
        ck_assert_ptr_nonnull(s);
        ck_assert_uint_eq(strlen(s), big);
        sea_st_close(f);
        free(p);
    }
    free(h);
}
END_TEST

/* ---------------------------------------------------------------- entries (20-30) */

START_TEST(test_case20_missing_fields)
{
    expect_hdr("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, SEA_ERR_FORMAT, "tensor 'a': missing field 'dtype'", NULL);
    expect_hdr("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, SEA_ERR_FORMAT, "tensor 'a': missing field 'shape'", NULL);
    expect_hdr("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, SEA_ERR_FORMAT, "tensor 'a': missing field 'data_offsets'", NULL);
    expect_hdr("{" E("a", "F32", "\"2\"", "0", "8") "}", 8, SEA_ERR_FORMAT, "tensor 'a': shape must be an array", NULL);
    expect_hdr("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, SEA_ERR_FORMAT,
               "tensor 'a': dtype must be a string", NULL);
    expect_hdr("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0,4\"}}", 4, SEA_ERR_FORMAT,
               "tensor 'a': data_offsets must be [begin, end]", NULL);
    expect_hdr("{\"a\":[1]}", 0, SEA_ERR_FORMAT, "tensor 'a': entry must be an object, got array", NULL);
    expect_hdr("{\"a\":null}", 0, SEA_ERR_FORMAT, "tensor 'a': entry must be an object, got null", NULL);
    /* unknown fields are refused (the reference ignores them; its schema forbids them) */
    expect_hdr("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"strides\":[1]}}", 4, SEA_ERR_FORMAT,
               "tensor 'a': unknown field 'strides'", NULL);
}
END_TEST

START_TEST(test_case21_unknown_dtype)
{
    expect_hdr("{" E("w", "f32", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT, "tensor 'w': unknown dtype 'f32'", NULL);
    expect_hdr("{" E("w", "Q4_0", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT, "tensor 'w': unknown dtype 'Q4_0'", NULL);
    expect_hdr("{" E("w", "F128", "[1]", "0", "16") "}", 16, SEA_ERR_FORMAT, "unknown dtype 'F128'", NULL);
    expect_hdr("{" E("w", "", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT, "unknown dtype ''", NULL);
    expect_hdr("{" E("w", "F32 ", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT, "unknown dtype 'F32 '", NULL);
}
END_TEST

START_TEST(test_case22_exotic_dtypes)
{
    /* valid safetensors that sea does not compute with: the file opens, the tensor says so,
     * and using it as a number fails with SEA_ERR_UNSUPPORTED */
    static const struct { const char *name; const char *shape; unsigned nbytes; } ex[] = {
        {"F4", "[2]", 1},      {"F6_E2M3", "[4]", 3},     {"F6_E3M2", "[4]", 3},
        {"F8_E5M2", "[4]", 4}, {"F8_E4M3", "[4]", 4},     {"F8_E8M0", "[4]", 4},
        {"F8_E4M3FNUZ", "[4]", 4}, {"F8_E5M2FNUZ", "[4]", 4}, {"C64", "[2]", 16},
    };
    for (size_t i = 0; i < HT_LEN(ex); i++) {
        char h[256], nb[16];
        size_t len;
        unsigned char *p;
        sea_st_file *f;
        const sea_st_tensor *t;
        float dst[4];
        int64_t idst[4];
        uint64_t shape[1] = {4};
        sea_err err;
        snprintf(nb, sizeof nb, "%u", ex[i].nbytes);
        snprintf(h, sizeof h, "{\"w\":{\"dtype\":\"%s\",\"shape\":%s,\"data_offsets\":[0,%s]}}", ex[i].name, ex[i].shape, nb);
        p = ht_image(&len, h, ex[i].nbytes);
        f = open_ok(p, len, ex[i].name);
        t = sea_st_find(f, "w");
        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(t->dtype, SEA_DTYPE_COUNT);
        ck_assert_str_eq(t->dtype_name, ex[i].name);
        ck_assert_uint_eq(t->nbytes, ex[i].nbytes);
        sea_err_clear(&err);
        ck_assert_int_eq(sea_st_read_f32(dst, t, &err), SEA_ERR_UNSUPPORTED);
        ck_assert_msg(strstr(err.msg, "tensor 'w'") && strstr(err.msg, ex[i].name), "%s", err.msg);
        ck_assert_int_eq(sea_st_read_i64(idst, t, &err), SEA_ERR_UNSUPPORTED);
        ck_assert_int_eq(sea_st_expect(f, t, SEA_DTYPE_F32, 1, shape, &err), SEA_ERR_FORMAT);
        ck_assert_msg(strstr(err.msg, NAME ": tensor 'w' has") != NULL, "%s", err.msg);
        sea_st_close(f);
        free(p);
    }
}
END_TEST

START_TEST(test_case23_offsets_length)
{
    const char *msg = "tensor 'a': data_offsets must be [begin, end]";
    expect_hdr("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", 4, SEA_ERR_FORMAT, msg, NULL);
    expect_hdr("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4, SEA_ERR_FORMAT, msg, NULL);
    expect_hdr("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[]}}", 4, SEA_ERR_FORMAT, msg, NULL);
}
END_TEST

START_TEST(test_case24_begin_after_end)
{
    expect_hdr("{" E("a", "F32", "[1]", "8", "4") "}", 8, SEA_ERR_FORMAT, "tensor 'a': data_offsets [8, 4] end before they begin",
               NULL);
}
END_TEST

START_TEST(test_case25_shape_overflow)
{
    expect_hdr("{" E("a", "F32", "[2,18446744073709551614]", "0", "8") "}", 8, SEA_ERR_LIMIT,
               "tensor 'a': shape[1] = 18446744073709551614 exceeds 2^48 - 1", NULL);
    expect_hdr("{" E("a", "F32", "[2,9223372036854775807]", "0", "8") "}", 8, SEA_ERR_LIMIT, "exceeds 2^48 - 1", NULL);
    /* every dimension in range, the product is not */
    expect_hdr("{" E("a", "F32", "[4194305,4194305,211106198978564]", "0", "8") "}", 8, SEA_ERR_FORMAT,
               "tensor 'a': element count overflows 64 bits", NULL);
    expect_hdr("{" E("a", "F32", "[140737488355328,131072]", "0", "8") "}", 8, SEA_ERR_FORMAT,
               "element count overflows 64 bits", NULL);
    /* the element count fits, elements x bits does not: 2^60 x 64 */
    expect_hdr("{" E("a", "F64", "[1099511627776,1048576]", "0", "8") "}", 8, SEA_ERR_FORMAT,
               "tensor 'a': byte size overflows 64 bits", NULL);
}
END_TEST

START_TEST(test_case26_span_mismatch)
{
    expect_hdr("{" E("a", "I32", "[2,2]", "0", "4") "}", 4, SEA_ERR_FORMAT,
               "tensor 'a': data_offsets [0, 4] span 4 bytes, but shape and dtype I32 need 16", NULL);
    expect_hdr("{" E("a", "BF16", "[3]", "0", "8") "}", 8, SEA_ERR_FORMAT, "span 8 bytes", "BF16 need 6");
    expect_hdr("{" E("a", "F32", "[0]", "0", "4") "}", 4, SEA_ERR_FORMAT, "need 0", NULL);
}
END_TEST

START_TEST(test_case27_sub_byte)
{
    size_t len;
    unsigned char *p;
    sea_st_file *f;
    expect_hdr("{" E("a", "F4", "[3]", "0", "2") "}", 2, SEA_ERR_FORMAT, "tensor 'a': 3 elements of 4 bits are not whole bytes",
               NULL);
    expect_hdr("{" E("a", "F6_E2M3", "[5]", "0", "4") "}", 4, SEA_ERR_FORMAT, "5 elements of 6 bits", NULL);
    p = ht_image(&len, "{" E("a", "F4", "[2,3]", "0", "3") "," E("b", "F6_E3M2", "[4]", "3", "6") "}", 6);
    f = open_ok(p, len, "whole-byte sub-byte tensors");
    ck_assert_uint_eq(sea_st_find(f, "a")->nbytes, 3);
    ck_assert_uint_eq(sea_st_find(f, "b")->nbytes, 3);
    sea_st_close(f);
    free(p);
}
END_TEST

START_TEST(test_case28_rank)
{
    size_t len;
    unsigned char *p;
    sea_st_file *f;
    char *h;
    expect_hdr("{" E("a", "F32", "[1,1,1,1,1,1,1,1,1]", "0", "4") "}", 4, SEA_ERR_LIMIT,
               "tensor 'a': rank 9 exceeds the limit of 8", NULL);
    p = ht_image(&len, "{" E("a", "F32", "[1,1,1,1,1,1,1,1]", "0", "4") "}", 4);
    f = open_ok(p, len, "rank 8");
    ck_assert_int_eq(sea_st_find(f, "a")->rank, 8);
    sea_st_close(f);
    free(p);
    /* a 10^5-element shape array */
    h = malloc(300000);
    ck_assert_ptr_nonnull(h);
    {
        size_t o = (size_t)sprintf(h, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1");
        for (int i = 1; i < 100000; i++) h[o++] = ',', h[o++] = '1';
        strcpy(h + o, "],\"data_offsets\":[0,4]}}");
    }
    expect_hdr(h, 4, SEA_ERR_LIMIT, "rank 100000 exceeds the limit of 8", NULL);
    free(h);
}
END_TEST

START_TEST(test_case29_metadata)
{
    expect_hdr("{\"__metadata__\":{\"k\":1}}", 0, SEA_ERR_FORMAT, "__metadata__ value of 'k' must be a string, got number", NULL);
    expect_hdr("{\"__metadata__\":{\"k\":null}}", 0, SEA_ERR_FORMAT, "must be a string, got null", NULL);
    expect_hdr("{\"__metadata__\":{\"k\":{}}}", 0, SEA_ERR_FORMAT, "must be a string, got object", NULL);
    expect_hdr("{\"__metadata__\":\"x\"}", 0, SEA_ERR_FORMAT, "__metadata__ must be an object of strings", NULL);
    /* a tensor literally named __metadata__ is read as metadata, and fails as such */
    expect_hdr("{" E("__metadata__", "F32", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT,
               "__metadata__ value of 'shape' must be a string", NULL);
    /* "__metadata__\u0000" is a different key: a name with a control character */
    expect_hdr("{" E("__metadata__\\u0000", "F32", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT, "control characters", NULL);
}
END_TEST

START_TEST(test_case30_names)
{
    char *h = malloc(8192);
    size_t len;
    unsigned char *p;
    sea_st_file *f;
    ck_assert_ptr_nonnull(h);
    expect_hdr("{" E("", "F32", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT, "tensor name is empty", NULL);
    expect_hdr("{" E("a\\u0001", "F32", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT, "tensor name has control characters", NULL);
    expect_hdr("{" E("a\\nb", "F32", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT, "control characters", NULL);
    expect_hdr("{" E("a\\u007f", "F32", "[1]", "0", "4") "}", 4, SEA_ERR_FORMAT, "control characters", NULL);
    /* 4096 bytes is the limit */
    for (int n = 4096; n <= 4097; n++) {
        memset(h, 0, 8192);
        h[0] = '{';
        h[1] = '"';
        memset(h + 2, 'x', (size_t)n);
        strcpy(h + 2 + n, "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        if (n == 4097) {
            expect_hdr(h, 4, SEA_ERR_FORMAT, "tensor name is too long", "1..4096");
        } else {
            p = ht_image(&len, h, 4);
            f = open_ok(p, len, "4096-byte name");
            ck_assert_uint_eq(strlen(sea_st_at(f, 0)->name), 4096);
            sea_st_close(f);
            free(p);
        }
    }
    /* names are bytes, not normalized: NFC and NFD spellings of "café" are two tensors */
    p = ht_image(&len, "{" E("caf\\u00e9", "F32", "[1]", "0", "4") "," E("cafe\\u0301", "F32", "[1]", "4", "8") "}", 8);
    f = open_ok(p, len, "NFC and NFD");
    ck_assert_uint_eq(sea_st_count(f), 2);
    ck_assert_ptr_nonnull(sea_st_find(f, "caf\xc3\xa9"));
    ck_assert_ptr_nonnull(sea_st_find(f, "cafe\xcc\x81"));
    ck_assert_ptr_ne(sea_st_find(f, "caf\xc3\xa9")->data, sea_st_find(f, "cafe\xcc\x81")->data);
    sea_st_close(f);
    free(p);
    free(h);
}
END_TEST

/* ---------------------------------------------------------------- layout (31-35) */

START_TEST(test_case31_gaps)
{
    expect_hdr("{" E("a", "F32", "[1]", "4", "8") "}", 8, SEA_ERR_FORMAT,
               "tensor 'a': data_offsets [4, 8] leave a gap before them (expected to begin at 0)", NULL);
    expect_hdr("{" E("a", "F32", "[1]", "0", "4") "," E("b", "F32", "[1]", "8", "12") "}", 12, SEA_ERR_FORMAT,
               "tensor 'b': data_offsets [8, 12] leave a gap", "expected to begin at 4");
    /* header order does not matter, only offsets */
    expect_hdr("{" E("b", "F32", "[1]", "8", "12") "," E("a", "F32", "[1]", "0", "4") "}", 12, SEA_ERR_FORMAT,
               "tensor 'b'", "gap");
}
END_TEST

START_TEST(test_case32_overlap)
{
    char h[2048];
    size_t o;
    expect_hdr("{" E("a", "F32", "[2]", "0", "8") "," E("b", "F32", "[2]", "4", "12") "}", 12, SEA_ERR_FORMAT,
               "tensor 'b': data_offsets [4, 12] overlap another tensor", NULL);
    /* tied weights: two names on the same bytes */
    expect_hdr("{" E("a", "F32", "[2]", "0", "8") "," E("b", "F32", "[2]", "0", "8") "}", 8, SEA_ERR_FORMAT,
               "data_offsets [0, 8] overlap another tensor", NULL);
    /* the reference's test_json_attack: ten tensors over one range */
    o = (size_t)snprintf(h, sizeof h, "{");
    for (int i = 0; i < 10; i++)
        o += (size_t)snprintf(h + o, sizeof h - o, "%s\"t%d\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}",
                              i ? "," : "", i);
    snprintf(h + o, sizeof h - o, "}");
    expect_hdr(h, 8, SEA_ERR_FORMAT, "overlap another tensor", NULL);
}
END_TEST

START_TEST(test_case33_end_near_2_64)
{
    /* fifteen 2^60-byte tensors and one of 2^60 - 1 bytes end at 2^64 - 1, so 8 + N + END
     * would wrap; the check compares END with the data size and never forms a pointer.
     * (A single tensor cannot get there: its size in bits must fit 64 bits, as in the
     * reference.) */
    char h[4096];
    size_t o = 0;
    uint64_t at = 0, step = (uint64_t)1 << 60;
    h[o++] = '{';
    for (int i = 0; i < 16; i++) {
        uint64_t end = i < 15 ? at + step : UINT64_MAX;
        o += (size_t)snprintf(h + o, sizeof h - o, "%s\"t%02d\":{\"dtype\":\"%s\",\"shape\":%s,\"data_offsets\":[%llu,%llu]}",
                              i ? "," : "", i, i < 15 ? "F64" : "U8",
                              i < 15 ? "[35184372088832,4096]" : "[1073741823,1073741825]",
                              (unsigned long long)at, (unsigned long long)end);
        at = end;
    }
    snprintf(h + o, sizeof h - o, "}");
    expect_hdr(h, 16, SEA_ERR_FORMAT, "file is truncated: tensors need 18446744073709551599 more bytes", NULL);
    /* one tensor one byte larger than the bit count allows */
    expect_hdr("{" E("a", "U8", "[2147483648,1073741824]", "0", "2305843009213693952") "}", 0, SEA_ERR_FORMAT,
               "tensor 'a': byte size overflows 64 bits", NULL);
}
END_TEST

START_TEST(test_case34_unaligned)
{
    /* a header of 73 bytes puts the data at file offset 81: every tensor is misaligned */
    const char *h = "{" E("f", "F32", "[3]", "0", "12") "," E("d", "F64", "[1]", "12", "20") ","
                    E("i", "I64", "[1]", "20", "28") "}";
    char hdr[256];
    unsigned char *p;
    size_t len, hl;
    float fv[3] = {1.5f, -2.25f, 1e-30f}, fo[3];
    double dv = -3.125e200;
    int64_t iv = -1234567890123ll, io;
    sea_st_file *f;
    const sea_st_tensor *t;
    snprintf(hdr, sizeof hdr, "%s", h);
    hl = strlen(hdr);
    while ((8 + hl) % 8 != 1) hdr[hl++] = ' ';
    hdr[hl] = '\0';
    p = ht_image(&len, hdr, 28);
    memcpy(p + 8 + hl, fv, 12);
    memcpy(p + 8 + hl + 12, &dv, 8);
    memcpy(p + 8 + hl + 20, &iv, 8);
    f = open_ok(p, len, "unaligned");
    t = sea_st_find(f, "f");
    ck_assert((uintptr_t)t->data % 4 != 0);
    ck_assert_int_eq(sea_st_read_f32(fo, t, NULL), SEA_OK);
    ck_assert(memcmp(fo, fv, 12) == 0);
    t = sea_st_find(f, "d");
    ck_assert_int_eq(sea_st_read_f32(fo, t, NULL), SEA_OK);
    ck_assert(fo[0] == -INFINITY); /* beyond float range: rounds to -inf, no undefined conversion */
    t = sea_st_find(f, "i");
    ck_assert_int_eq(sea_st_read_i64(&io, t, NULL), SEA_OK);
    ck_assert(io == iv);
    sea_st_close(f);
    free(p);
}
END_TEST

START_TEST(test_case35_empty_and_scalar)
{
    /* a scalar, then a [2, 0] tensor whose data pointer is one past the end of the image */
    size_t len;
    unsigned char *p = ht_image(&len, "{" E("s", "F64", "[]", "0", "8") "," E("z", "F32", "[2,0]", "8", "8") "," E("y", "I64", "[0]", "8", "8") "}", 8);
    sea_st_file *f;
    const sea_st_tensor *s, *z;
    double dv = 2.5;
    float out = 0;
    memcpy(p + len - 8, &dv, 8);
    f = open_ok(p, len, "scalar + empty at END");
    s = sea_st_find(f, "s");
    z = sea_st_find(f, "z");
    ck_assert_int_eq(s->rank, 0);
    ck_assert_uint_eq(s->n_elements, 1);
    ck_assert_int_eq(sea_st_read_f32(&out, s, NULL), SEA_OK);
    ck_assert(out == 2.5f);
    ck_assert_uint_eq(z->n_elements, 0);
    ck_assert_uint_eq(z->nbytes, 0);
    ck_assert_ptr_eq(z->data, p + len);
    ck_assert_int_eq(sea_st_read_f32(&out, z, NULL), SEA_OK);
    sea_st_close(f);
    free(p);
    /* the reference's [2, 0] at [0, 0] as the whole file */
    p = ht_image(&len, "{" E("z", "F32", "[2,0]", "0", "0") "}", 0);
    f = open_ok(p, len, "only an empty tensor");
    sea_st_close(f);
    free(p);
}
END_TEST

/* ---------------------------------------------------------------- positive edges */

START_TEST(test_whitespace_padding)
{
    /* JSON whitespace before '{' (accepted by the reference since 2026, #686) and after '}'
     * (the writer's padding) */
    static const char *const pads[][2] = {{"", "       "}, {" \t\r\n", ""}, {"  ", "\n\t "}};
    for (size_t i = 0; i < HT_LEN(pads); i++) {
        char h[256];
        size_t len;
        unsigned char *p;
        sea_st_file *f;
        snprintf(h, sizeof h, "%s{%s}%s", pads[i][0], E("a", "F32", "[2]", "0", "8"), pads[i][1]);
        p = ht_image(&len, h, 8);
        f = open_ok(p, len, "padding");
        ck_assert_uint_eq(sea_st_count(f), 1);
        ck_assert_ptr_eq(sea_st_find(f, "a")->data, p + 8 + strlen(h));
        sea_st_close(f);
        free(p);
    }
}
END_TEST

START_TEST(test_lookup_and_metadata)
{
    size_t len;
    unsigned char *p = ht_image(&len, "{\"__metadata__\":{\"format\":\"pt\",\"x\":\"\"},"
                                      E("z", "U8", "[1]", "2", "3") "," E("a", "U8", "[2]", "0", "2") "}", 3);
    sea_st_file *f = open_ok(p, len, "lookup");
    const char *k, *v;
    ck_assert_uint_eq(sea_st_count(f), 2);
    ck_assert_str_eq(sea_st_at(f, 0)->name, "a"); /* sorted by name */
    ck_assert_str_eq(sea_st_at(f, 1)->name, "z");
    ck_assert_ptr_null(sea_st_at(f, 2));
    ck_assert_ptr_null(sea_st_find(f, "b"));
    ck_assert_ptr_eq(sea_st_find(f, "z")->data, p + len - 1);
    ck_assert_uint_eq(sea_st_metadata_count(f), 2);
    ck_assert_str_eq(sea_st_metadata(f, "format"), "pt");
    ck_assert_str_eq(sea_st_metadata(f, "x"), "");
    ck_assert_ptr_null(sea_st_metadata(f, "y"));
    sea_st_metadata_at(f, 5, &k, &v);
    ck_assert_ptr_null(k);
    ck_assert_str_eq(sea_st_file_path(f), NAME);
    sea_st_close(f);
    free(p);
}
END_TEST

/* ---------------------------------------------------------------- files on disk, values */

START_TEST(test_not_regular_files)
{
    char dir[4096], path[4200];
    sea_st_file *f = NULL;
    sea_err err;
    ht_tmpdir(dir, sizeof dir);
    sea_err_clear(&err);
    ck_assert_int_eq(sea_st_open(&f, dir, &err), SEA_ERR_IO);
    ht_check_msg(&err, dir, "not a regular file", NULL, "directory");
    ht_path(path, sizeof path, dir, "missing.safetensors");
    ck_assert_int_eq(sea_st_open(&f, path, &err), SEA_ERR_IO);
    ht_check_msg(&err, path, "cannot open", NULL, "missing");
    /* a FIFO must not block the open (no writer will ever come) */
    ht_path(path, sizeof path, dir, "fifo.safetensors");
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(sea_st_open(&f, path, &err), SEA_ERR_IO);
    ht_check_msg(&err, path, "not a regular file", NULL, "fifo");
    ck_assert_ptr_null(f);
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_case52_non_finite_values)
{
    /* NaN and infinities are not checked at open (as the reference): the bytes are kept as
     * they are and read back bit for bit */
    uint32_t v[4] = {0x7F800000u, 0xFF800000u, 0x7FC00001u, 0x3F800000u};
    char dir[4096], path[4200];
    size_t len;
    unsigned char *p = ht_image(&len, "{" E("w", "F32", "[4]", "0", "16") "}", 16);
    sea_st_file *f = NULL;
    float o[4];
    memcpy(p + len - 16, v, 16);
    ht_tmpdir(dir, sizeof dir);
    ht_write(dir, "nan.safetensors", p, len);
    ht_path(path, sizeof path, dir, "nan.safetensors");
    ck_assert_int_eq(sea_st_open(&f, path, NULL), SEA_OK);
    ck_assert_int_eq(sea_st_read_f32(o, sea_st_find(f, "w"), NULL), SEA_OK);
    ck_assert(memcmp(o, v, 16) == 0);
    sea_st_close(f);
    ht_rm_tree(dir);
    free(p);
}
END_TEST

START_TEST(test_case53_allocation_failures)
{
    /* fail allocation k = 1, 2, ... of an open until it succeeds: every failure is a clean
     * SEA_ERR_NOMEM naming the file, and nothing leaks */
    size_t len;
    unsigned char *p = ht_image(&len, "{\"__metadata__\":{\"format\":\"pt\"}," E("a", "F32", "[2]", "0", "8") ","
                                      E("b", "U8", "[3]", "8", "11") "}", 11);
    int done = 0;
    for (long k = 1; k < 100 && !done; k++) {
        sea_st_file *f = NULL;
        sea_err err;
        sea_status st;
        ht_track_allocations();
        ht_fail_at = k;
        sea_err_clear(&err);
        st = sea_st_open_memory(&f, p, len, NAME, &err);
        ht_fail_at = 0;
        if (st == SEA_OK) {
            done = 1;
            sea_st_close(f);
        } else {
            ck_assert_msg(st == SEA_ERR_NOMEM, "k = %ld: status %d: %s", k, (int)st, err.msg);
            ck_assert_msg(strstr(err.msg, "out of memory") != NULL, "k = %ld: %s", k, err.msg);
        }
        ck_assert_msg(ht_live == 0, "k = %ld: %zu bytes leaked", k, ht_live);
        sea_set_allocator(NULL);
    }
    ck_assert(done);
    free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("safetensors");
    TCase *tc = tcase_create("hostile");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_case01_too_small);
    tcase_add_test(tc, test_case02_header_beyond_file);
    tcase_add_test(tc, test_case03_header_too_large);
    tcase_add_test(tc, test_case04_header_length_wraps);
    tcase_add_test(tc, test_case05_empty_header);
    tcase_add_test(tc, test_case06_not_utf8);
    tcase_add_test(tc, test_case07_not_json);
    tcase_add_test(tc, test_case08_not_an_object);
    tcase_add_test(tc, test_case09_trailing_bytes);
    tcase_add_test(tc, test_case10_data_truncated);
    tcase_add_test(tc, test_case11_extra_bytes);
    tcase_add_test(tc, test_case12_byte_swapped_prefix);
    tcase_add_test(tc, test_case13_nesting);
    tcase_add_test(tc, test_case14_million_entries);
    tcase_add_test(tc, test_case15_duplicate_tensor);
    tcase_add_test(tc, test_case16_duplicate_field);
    tcase_add_test(tc, test_case17_escapes);
    tcase_add_test(tc, test_case18_integers);
    tcase_add_test(tc, test_case19_huge_tokens);
    tcase_add_test(tc, test_case20_missing_fields);
    tcase_add_test(tc, test_case21_unknown_dtype);
    tcase_add_test(tc, test_case22_exotic_dtypes);
    tcase_add_test(tc, test_case23_offsets_length);
    tcase_add_test(tc, test_case24_begin_after_end);
    tcase_add_test(tc, test_case25_shape_overflow);
    tcase_add_test(tc, test_case26_span_mismatch);
    tcase_add_test(tc, test_case27_sub_byte);
    tcase_add_test(tc, test_case28_rank);
    tcase_add_test(tc, test_case29_metadata);
    tcase_add_test(tc, test_case30_names);
    tcase_add_test(tc, test_case31_gaps);
    tcase_add_test(tc, test_case32_overlap);
    tcase_add_test(tc, test_case33_end_near_2_64);
    tcase_add_test(tc, test_case34_unaligned);
    tcase_add_test(tc, test_case35_empty_and_scalar);
    tcase_add_test(tc, test_case52_non_finite_values);
    tcase_add_test(tc, test_case53_allocation_failures);
    suite_add_tcase(s, tc);
    tc = tcase_create("valid");
    tcase_add_test(tc, test_whitespace_padding);
    tcase_add_test(tc, test_lookup_and_metadata);
    tcase_add_test(tc, test_not_regular_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
