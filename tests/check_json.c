/* tests/check_json.c: the strict JSON reader: RFC 8259 acceptance and rejection, exact
 * integers, UTF-8 and surrogates, duplicate keys, depth limit, error positions. */
#include "testutil.h"
#include "core/internal.h"

static sea_status parse(const char *s, sea_json_doc **doc, sea_err *err)
{
    return sea_json_parse(doc, s, strlen(s), NULL, err);
}

static void expect_reject(const char *s, const char *needle)
{
    sea_json_doc *doc = NULL;
    sea_err err;
    sea_err_clear(&err);
    ck_assert_msg(parse(s, &doc, &err) != SEA_OK, "accepted invalid JSON: %s", s);
    ck_assert_ptr_null(doc);
    if (needle) ck_assert_msg(strstr(err.msg, needle), "message '%s' lacks '%s' for %s", err.msg, needle, s);
}

static void expect_accept(const char *s)
{
    sea_json_doc *doc = NULL;
    sea_err err;
    sea_err_clear(&err);
    ck_assert_msg(parse(s, &doc, &err) == SEA_OK, "rejected valid JSON %s: %s", s, err.msg);
    sea_json_free(doc);
}

START_TEST(test_structure)
{
    sea_json_doc *doc;
    sea_err err;
    const sea_json *r, *a;
    ck_assert_int_eq(parse(" {\"a\": [1, -2.5e3, \"x\", true, false, null], \"b\": {}} ", &doc, &err), SEA_OK);
    r = sea_json_root(doc);
    ck_assert_int_eq(r->type, SEA_JSON_OBJECT);
    ck_assert_uint_eq(r->v.obj.n, 2);
    a = sea_json_get(r, "a");
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(a->type, SEA_JSON_ARRAY);
    ck_assert_uint_eq(a->v.arr.n, 6);
    ck_assert_int_eq(a->v.arr.items[0].v.num.i, 1);
    ck_assert(a->v.arr.items[1].v.num.d == -2500.0);
    ck_assert(!(a->v.arr.items[1].v.num.flags & SEA_JSON_NUM_INTEGER));
    ck_assert_str_eq(a->v.arr.items[2].v.str.s, "x");
    ck_assert_int_eq(a->v.arr.items[3].type, SEA_JSON_TRUE);
    ck_assert_int_eq(a->v.arr.items[5].type, SEA_JSON_NULL);
    ck_assert_int_eq(sea_json_get(r, "b")->v.obj.n, 0);
    ck_assert_ptr_null(sea_json_get(r, "c"));
    sea_json_free(doc);
}
END_TEST

START_TEST(test_exact_integers)
{
    sea_json_doc *doc;
    sea_err err;
    const sea_json *a;
    ck_assert_int_eq(parse("[9007199254740993, 18446744073709551615, -9223372036854775808, 18446744073709551616, -0]", &doc, &err), SEA_OK);
    a = sea_json_root(doc);
    ck_assert(a->v.arr.items[0].v.num.u == 9007199254740993ull); /* 2^53+1, lost by double */
    ck_assert(a->v.arr.items[1].v.num.u == UINT64_MAX);
    ck_assert(!(a->v.arr.items[1].v.num.flags & SEA_JSON_NUM_I64));
    ck_assert(a->v.arr.items[2].v.num.i == INT64_MIN);
    ck_assert(!(a->v.arr.items[3].v.num.flags & (SEA_JSON_NUM_U64 | SEA_JSON_NUM_I64)));
    ck_assert(a->v.arr.items[4].v.num.i == 0);
    {
        uint64_t u;
        ck_assert_int_eq(sea_json_as_u64(&u, &a->v.arr.items[2], "x", &err), SEA_ERR_FORMAT);
        ck_assert(strstr(err.msg, "negative"));
        ck_assert_int_eq(sea_json_as_u64(&u, &a->v.arr.items[3], "x", &err), SEA_ERR_FORMAT);
        ck_assert(strstr(err.msg, "range"));
    }
    sea_json_free(doc);
}
END_TEST

START_TEST(test_strings)
{
    sea_json_doc *doc;
    sea_err err;
    const sea_json *a;
    ck_assert_int_eq(parse("[\"\\u00e9\\ud83d\\ude00\\n\\\"\\/\", \"\xe2\x96\x81x\", \"a\\u0000b\"]", &doc, &err), SEA_OK);
    a = sea_json_root(doc);
    ck_assert_str_eq(a->v.arr.items[0].v.str.s, "\xc3\xa9\xf0\x9f\x98\x80\n\"/");
    ck_assert_str_eq(a->v.arr.items[1].v.str.s, "\xe2\x96\x81x");
    ck_assert_uint_eq(a->v.arr.items[2].v.str.len, 3); /* embedded NUL kept, length exact */
    ck_assert_int_eq(a->v.arr.items[2].v.str.s[1], 0);
    sea_json_free(doc);
}
END_TEST

START_TEST(test_rejects)
{
    expect_reject("", "end of input");
    expect_reject("{", "end of input");
    expect_reject("[1,]", "invalid value");
    expect_reject("{\"a\":1,}", "string key");
    expect_reject("[01]", "leading zero");
    expect_reject("[1.]", "after '.'");
    expect_reject("[1e]", "exponent");
    expect_reject("[+1]", "invalid value");
    expect_reject("[NaN]", "invalid value");
    expect_reject("[Infinity]", "invalid value");
    expect_reject("['a']", "invalid value");
    expect_reject("[\"\\x\"]", "invalid escape");
    expect_reject("[\"\\ud800\"]", "surrogate");
    expect_reject("[\"\\udc00\"]", "lone low surrogate");
    expect_reject("[\"a\tb\"]", "control character");
    expect_reject("[\"\xff\"]", "UTF-8");
    expect_reject("[\"\xc0\x80\"]", "UTF-8");         /* overlong */
    expect_reject("[\"\xed\xa0\x80\"]", "UTF-8");     /* CESU surrogate */
    expect_reject("[\"\xf4\x90\x80\x80\"]", "UTF-8"); /* > U+10FFFF */
    expect_reject("[\"\xe2\x96\"]", "UTF-8");         /* truncated */
    expect_reject("{} x", "after the JSON value");
    expect_reject("{}{}", "after the JSON value");
    expect_reject("{\"a\":1,\"a\":2}", "duplicate key \"a\"");
    expect_reject("/* c */ {}", "invalid value");
    expect_reject("\xef\xbb\xbf{}", "invalid value"); /* BOM */
}
END_TEST

START_TEST(test_accepts)
{
    expect_accept("0");
    expect_accept("-0.0e-0");
    expect_accept("\"\"");
    expect_accept("[[[]]]");
    expect_accept("{\"\":{\"\":[]}}");
    expect_accept("1E+2");
    expect_accept(" \t\r\n[]\n");
}
END_TEST

START_TEST(test_error_position)
{
    sea_json_doc *doc;
    sea_err err;
    ck_assert_int_eq(parse("{\n  \"a\": 1,\n  \"b\" 2\n}", &doc, &err), SEA_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "line 3, column 7"), "got '%s'", err.msg);
}
END_TEST

START_TEST(test_depth_limit)
{
    size_t n = 100000;
    char *s = malloc(n + 1);
    sea_json_doc *doc = NULL;
    sea_err err;
    memset(s, '[', n);
    s[n] = 0;
    ck_assert_int_eq(sea_json_parse(&doc, s, n, NULL, &err), SEA_ERR_LIMIT);
    ck_assert(strstr(err.msg, "nesting deeper than 128"));
    free(s);
    /* exactly at the limit is fine */
    {
        sea_json_params p = sea_json_default_params();
        char buf[64];
        p.max_depth = 4;
        strcpy(buf, "[[[[]]]]");
        ck_assert_int_eq(sea_json_parse(&doc, buf, strlen(buf), &p, &err), SEA_OK);
        sea_json_free(doc);
        strcpy(buf, "[[[[[]]]]]");
        ck_assert_int_eq(sea_json_parse(&doc, buf, strlen(buf), &p, &err), SEA_ERR_LIMIT);
    }
}
END_TEST

START_TEST(test_many_keys_duplicate)
{
    /* 200000 distinct keys then one duplicate: found through the hash set, not O(n^2) */
    size_t n = 200000;
    sea_buf b;
    sea_json_doc *doc = NULL;
    sea_err err;
    sea__buf_init(&b);
    sea__buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++) sea__buf_printf(&b, "\"k%zu\":%zu,", i, i);
    sea__buf_puts(&b, "\"k12345\":0}");
    ck_assert_int_eq(sea_json_parse(&doc, b.data, b.len, NULL, &err), SEA_ERR_FORMAT);
    ck_assert(strstr(err.msg, "duplicate key \"k12345\""));
    b.data[b.len - 12] = '}';
    ck_assert_int_eq(sea_json_parse(&doc, b.data, b.len - 11, NULL, &err), SEA_OK);
    ck_assert_uint_eq(sea_json_root(doc)->v.obj.n, n);
    sea_json_free(doc);
    sea__buf_free(&b);
}
END_TEST

START_TEST(test_long_number)
{
    size_t n = 2000000;
    char *s = malloc(n + 1);
    sea_json_doc *doc = NULL;
    sea_err err;
    memset(s, '1', n);
    s[n] = 0;
    ck_assert_int_eq(sea_json_parse(&doc, s, n, NULL, &err), SEA_ERR_LIMIT);
    free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_structure);
    tcase_add_test(tc, test_exact_integers);
    tcase_add_test(tc, test_strings);
    tcase_add_test(tc, test_rejects);
    tcase_add_test(tc, test_accepts);
    tcase_add_test(tc, test_error_position);
    tcase_add_test(tc, test_depth_limit);
    tcase_add_test(tc, test_many_keys_duplicate);
    tcase_add_test(tc, test_long_number);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
