/* fuzz/fuzz_json.c: the strict JSON reader (sea_json_parse), which every file format of sea
 * goes through. Byte 0 chooses the parameters (bit 0: allow duplicate keys, bit 1: refuse
 * trailing whitespace, bits 2-7: nesting limit, 0 = the default 128); the rest is the text.
 * On success the whole tree is walked: every string is NUL-terminated at its length, every
 * member is found again by key (the first one, when duplicates are allowed), the typed
 * accessors agree with the node types, and no container is deeper than the limit. */
#include "fuzz.h"

static unsigned g_max_depth;

static void walk(const sea_json *v, const sea_json *parent, const char *key, unsigned depth)
{
    sea_err err;
    int64_t i;
    uint64_t u;
    double d;
    int b;
    const char *s;
    size_t len;
    if (depth > g_max_depth + 1) fz_fail("json", "tree deeper than the nesting limit");
    if (parent && key && sea_json_get(parent, key) == NULL) fz_fail("json", "member not found by its key");
    switch (v->type) {
    case SEA_JSON_STRING:
        if (v->v.str.s[v->v.str.len] != '\0') fz_fail("json", "string not NUL-terminated at its length");
        if (sea_json_as_string(&s, &len, v, "x", &err) != SEA_OK || s != v->v.str.s || len != v->v.str.len)
            fz_fail("json", "as_string disagrees with a string node");
        break;
    case SEA_JSON_NUMBER:
        if (sea_json_as_double(&d, v, "x", &err) != SEA_OK) fz_fail("json", "as_double refused a number");
        if (sea_json_as_i64(&i, v, "x", &err) == SEA_OK && !(v->v.num.flags & SEA_JSON_NUM_I64))
            fz_fail("json", "as_i64 accepted a number without the I64 flag");
        if (sea_json_as_u64(&u, v, "x", &err) == SEA_OK && !(v->v.num.flags & SEA_JSON_NUM_U64))
            fz_fail("json", "as_u64 accepted a number without the U64 flag");
        if ((v->v.num.flags & SEA_JSON_NUM_I64) && v->v.num.i >= 0 && !(v->v.num.flags & SEA_JSON_NUM_U64))
            fz_fail("json", "non-negative I64 integer without the U64 flag");
        if ((v->v.num.flags & (SEA_JSON_NUM_I64 | SEA_JSON_NUM_U64)) && !(v->v.num.flags & SEA_JSON_NUM_INTEGER))
            fz_fail("json", "exact integer flags on a non-integer");
        break;
    case SEA_JSON_TRUE:
    case SEA_JSON_FALSE:
        if (sea_json_as_bool(&b, v, "x", &err) != SEA_OK || b != (v->type == SEA_JSON_TRUE))
            fz_fail("json", "as_bool disagrees with a boolean node");
        break;
    case SEA_JSON_ARRAY:
        for (size_t k = 0; k < v->v.arr.n; k++) walk(&v->v.arr.items[k], NULL, NULL, depth + 1);
        break;
    case SEA_JSON_OBJECT:
        for (size_t k = 0; k < v->v.obj.n; k++) {
            const sea_json_member *m = &v->v.obj.members[k];
            if (m->key[m->key_len] != '\0') fz_fail("json", "key not NUL-terminated at its length");
            /* sea_json_get compares NUL-terminated keys: only keys without NUL can be looked up */
            walk(&m->value, v, strlen(m->key) == m->key_len ? m->key : NULL, depth + 1);
        }
        break;
    case SEA_JSON_NULL:
        break;
    default:
        fz_fail("json", "unknown node type");
    }
    if (v->type != SEA_JSON_STRING && sea_json_as_string(&s, &len, v, "x", &err) == SEA_OK)
        fz_fail("json", "as_string accepted a non-string");
    if (v->type != SEA_JSON_NUMBER && sea_json_as_double(&d, v, "x", &err) == SEA_OK)
        fz_fail("json", "as_double accepted a non-number");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sea_json_params p = sea_json_default_params();
    sea_json_doc *doc = NULL;
    sea_err err;
    sea_status st;
    fz_quiet();
    if (size < 1) return 0;
    p.allow_duplicate_keys = data[0] & 1;
    p.allow_trailing_ws = !(data[0] & 2);
    if (data[0] >> 2) p.max_depth = data[0] >> 2;
    g_max_depth = p.max_depth;
    sea_err_clear(&err);
    st = sea_json_parse(&doc, (const char *)data + 1, size - 1, &p, &err);
    fz_check_main(st, &err, "sea_json_parse");
    if (st == SEA_OK) {
        walk(sea_json_root(doc), NULL, NULL, 1);
        sea_json_free(doc);
    } else if (doc) {
        fz_fail("sea_json_parse", "failure left a document");
    }
    return 0;
}
