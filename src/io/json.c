/* src/io/json.c: strict RFC 8259 reader into an arena-allocated tree.
 *
 * Recursive descent with an explicit depth limit. Children of an array or object are
 * collected on a scratch stack and copied into the arena when the container closes, so each
 * container is one contiguous array. Duplicate keys are found with a hash set for large
 * objects (a tokenizer vocabulary has ~10^5 keys), pairwise for small ones. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "sea/json.h"

#define ARENA_BLOCK (64 * 1024)
#define MAX_NUMBER_LEN 1024 /* longer digit runs are refused, not handed to strtod */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    /* data follows, aligned for any object */
} arena_block;

struct sea_json_doc {
    arena_block *blocks;
    sea_json root;
};

typedef struct parser {
    const unsigned char *s;
    size_t len, pos;
    uint32_t line;
    size_t line_start;
    unsigned depth;
    sea_json_params params;
    sea_json_doc *doc;
    sea_err *err;
    /* scratch stacks for children under construction */
    sea_json *vals;
    size_t n_vals, cap_vals;
    sea_json_member *mems;
    size_t n_mems, cap_mems;
} parser;

static const size_t ALIGN = sizeof(union { long double ld; void *p; long long ll; double d; });

static void *arena_alloc(sea_json_doc *doc, size_t n)
{
    arena_block *b = doc->blocks;
    size_t hdr = (sizeof(arena_block) + ALIGN - 1) / ALIGN * ALIGN;
    n = (n + ALIGN - 1) / ALIGN * ALIGN;
    if (n == 0) n = ALIGN;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK, total;
        if (sea__add_size(&total, hdr, cap)) return NULL;
        b = sea__malloc(total);
        if (!b) return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = doc->blocks;
        doc->blocks = b;
    }
    {
        void *p = (unsigned char *)b + hdr + b->used;
        b->used += n;
        return p;
    }
}

sea_json_params sea_json_default_params(void)
{
    sea_json_params p;
    p.max_depth = 128;
    p.allow_trailing_ws = 1;
    p.allow_duplicate_keys = 0;
    return p;
}

const char *sea_json_type_name(sea_json_type t)
{
    switch (t) {
    case SEA_JSON_NULL: return "null";
    case SEA_JSON_FALSE:
    case SEA_JSON_TRUE: return "boolean";
    case SEA_JSON_NUMBER: return "number";
    case SEA_JSON_STRING: return "string";
    case SEA_JSON_ARRAY: return "array";
    case SEA_JSON_OBJECT: return "object";
    }
    return "?";
}

/* ---- errors ---- */
static sea_status perr_at(parser *p, size_t pos, sea_status st, const char *msg)
{
    /* column in characters would need UTF-8 counting; report bytes from line start + 1 */
    size_t ls = p->line_start;
    uint32_t line = p->line;
    if (pos < ls) { /* position on an earlier line (rare): recompute from the start */
        line = 1;
        ls = 0;
        for (size_t i = 0; i < pos; i++)
            if (p->s[i] == '\n') line++, ls = i + 1;
    }
    return sea__err(p->err, st, "line %u, column %zu: %s", (unsigned)line, pos - ls + 1, msg);
}

static sea_status perr(parser *p, const char *msg)
{
    return perr_at(p, p->pos, SEA_ERR_FORMAT, msg);
}

static sea_status pnomem(parser *p)
{
    return perr_at(p, p->pos, SEA_ERR_NOMEM, "out of memory");
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c == ' ' || c == '\t' || c == '\r') p->pos++;
        else if (c == '\n') {
            p->pos++;
            p->line++;
            p->line_start = p->pos;
        } else break;
    }
}

/* ---- UTF-8 ---- */
/* Length of a valid UTF-8 sequence at s[0..n), or 0 if invalid (overlong, surrogate,
 * > U+10FFFF, truncated). */
static size_t utf8_valid_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) { *cp = c; return 1; }
    if (c < 0xC2) return 0;
    if (c < 0xE0) {
        if (n < 2 || (s[1] & 0xC0) != 0x80) return 0;
        *cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (c < 0xF0) {
        uint32_t v;
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        v = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) return 0;
        *cp = v;
        return 3;
    }
    if (c < 0xF5) {
        uint32_t v;
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
        v = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
            ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        if (v < 0x10000 || v > 0x10FFFF) return 0;
        *cp = v;
        return 4;
    }
    return 0;
}

static size_t utf8_put(unsigned char *o, uint32_t cp)
{
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

static int hex4(const unsigned char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

/* Parse a string starting at the opening quote; result in the arena. */
static sea_status parse_string(parser *p, const char **out, size_t *out_len)
{
    size_t start = ++p->pos, i = start, raw_len;
    unsigned char *buf, *o;
    /* pass 1: find the closing quote, validate bytes and escapes */
    for (;;) {
        unsigned char c;
        uint32_t cp;
        if (i >= p->len) return perr_at(p, i, SEA_ERR_FORMAT, "unterminated string");
        c = p->s[i];
        if (c == '"') break;
        if (c < 0x20) return perr_at(p, i, SEA_ERR_FORMAT, "control character in string (must be escaped)");
        if (c == '\\') {
            unsigned char e;
            if (i + 1 >= p->len) return perr_at(p, i, SEA_ERR_FORMAT, "unterminated string");
            e = p->s[i + 1];
            if (e == 'u') {
                uint32_t u, lo;
                if (i + 6 > p->len || !hex4(p->s + i + 2, &u))
                    return perr_at(p, i, SEA_ERR_FORMAT, "invalid \\u escape (need four hex digits)");
                if (u >= 0xDC00 && u <= 0xDFFF)
                    return perr_at(p, i, SEA_ERR_FORMAT, "lone low surrogate in \\u escape");
                if (u >= 0xD800 && u <= 0xDBFF) {
                    if (i + 12 > p->len || p->s[i + 6] != '\\' || p->s[i + 7] != 'u' ||
                        !hex4(p->s + i + 8, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                        return perr_at(p, i, SEA_ERR_FORMAT, "high surrogate not followed by a low surrogate");
                    i += 12;
                } else {
                    i += 6;
                }
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == 0)
                return perr_at(p, i, SEA_ERR_FORMAT, "invalid escape in string");
            i += 2;
            continue;
        }
        {
            size_t n = utf8_valid_len(p->s + i, p->len - i, &cp);
            if (!n) return perr_at(p, i, SEA_ERR_FORMAT, "invalid UTF-8 in string");
            i += n;
        }
    }
    raw_len = i - start;
    buf = arena_alloc(p->doc, raw_len + 1);
    if (!buf) return pnomem(p);
    o = buf;
    /* pass 2: decode (input already validated) */
    for (size_t j = start; j < i;) {
        unsigned char c = p->s[j];
        if (c != '\\') {
            *o++ = c;
            j++;
            continue;
        }
        c = p->s[j + 1];
        switch (c) {
        case '"': *o++ = '"'; j += 2; break;
        case '\\': *o++ = '\\'; j += 2; break;
        case '/': *o++ = '/'; j += 2; break;
        case 'b': *o++ = '\b'; j += 2; break;
        case 'f': *o++ = '\f'; j += 2; break;
        case 'n': *o++ = '\n'; j += 2; break;
        case 'r': *o++ = '\r'; j += 2; break;
        case 't': *o++ = '\t'; j += 2; break;
        default: { /* 'u' */
            uint32_t u, lo;
            hex4(p->s + j + 2, &u);
            if (u >= 0xD800 && u <= 0xDBFF) {
                hex4(p->s + j + 8, &lo);
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                j += 12;
            } else {
                j += 6;
            }
            o += utf8_put(o, u);
        }
        }
    }
    *o = '\0';
    *out = (const char *)buf;
    *out_len = (size_t)(o - buf);
    p->pos = i + 1;
    return SEA_OK;
}

static sea_status parse_number(parser *p, sea_json *v)
{
    size_t start = p->pos, i = p->pos;
    int neg = 0, integer = 1, overflow = 0;
    uint64_t mag = 0;
    char small[64], *tmp;
    if (i < p->len && p->s[i] == '-') neg = 1, i++;
    if (i >= p->len || !(p->s[i] >= '0' && p->s[i] <= '9'))
        return perr_at(p, start, SEA_ERR_FORMAT, "invalid number");
    if (p->s[i] == '0') {
        i++;
        if (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
            return perr_at(p, start, SEA_ERR_FORMAT, "invalid number (leading zero)");
    } else {
        while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9') {
            unsigned d = (unsigned)(p->s[i] - '0');
            if (mag > (UINT64_MAX - d) / 10) overflow = 1;
            else mag = mag * 10 + d;
            i++;
        }
    }
    if (i < p->len && p->s[i] == '.') {
        integer = 0;
        i++;
        if (i >= p->len || !(p->s[i] >= '0' && p->s[i] <= '9'))
            return perr_at(p, start, SEA_ERR_FORMAT, "invalid number (digit expected after '.')");
        while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9') i++;
    }
    if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        integer = 0;
        i++;
        if (i < p->len && (p->s[i] == '+' || p->s[i] == '-')) i++;
        if (i >= p->len || !(p->s[i] >= '0' && p->s[i] <= '9'))
            return perr_at(p, start, SEA_ERR_FORMAT, "invalid number (digit expected in exponent)");
        while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9') i++;
    }
    if (i - start > MAX_NUMBER_LEN)
        return perr_at(p, start, SEA_ERR_LIMIT, "number literal longer than 1024 characters");
    v->type = SEA_JSON_NUMBER;
    v->v.num.flags = 0;
    v->v.num.i = 0;
    v->v.num.u = 0;
    if (integer) {
        v->v.num.flags |= SEA_JSON_NUM_INTEGER;
        if (!overflow) {
            if (!neg) {
                v->v.num.u = mag;
                v->v.num.flags |= SEA_JSON_NUM_U64;
                if (mag <= (uint64_t)INT64_MAX) {
                    v->v.num.i = (int64_t)mag;
                    v->v.num.flags |= SEA_JSON_NUM_I64;
                }
            } else if (mag <= (uint64_t)INT64_MAX + 1) {
                v->v.num.i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
                v->v.num.flags |= SEA_JSON_NUM_I64;
                if (mag == 0) {
                    v->v.num.u = 0;
                    v->v.num.flags |= SEA_JSON_NUM_U64;
                }
            }
        }
    }
    /* strtod needs a NUL-terminated copy in the C locale's decimal point */
    tmp = (i - start < sizeof small) ? small : sea__malloc(i - start + 1);
    if (!tmp) return pnomem(p);
    memcpy(tmp, p->s + start, i - start);
    tmp[i - start] = '\0';
    {
        const char *dp = localeconv()->decimal_point;
        if (dp && dp[0] && dp[0] != '.' && dp[1] == '\0') {
            char *dot = strchr(tmp, '.');
            if (dot) *dot = dp[0];
        }
    }
    v->v.num.d = strtod(tmp, NULL);
    if (tmp != small) sea__free(tmp);
    p->pos = i;
    return SEA_OK;
}

static int match_lit(parser *p, const char *lit)
{
    size_t n = strlen(lit);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, lit, n) != 0) return 0;
    p->pos += n;
    return 1;
}

static sea_status push_val(parser *p, const sea_json *v)
{
    if (p->n_vals == p->cap_vals) {
        size_t cap = p->cap_vals ? p->cap_vals * 2 : 64;
        sea_json *n = sea__realloc(p->vals, cap * sizeof *n);
        if (!n) return pnomem(p);
        p->vals = n;
        p->cap_vals = cap;
    }
    p->vals[p->n_vals++] = *v;
    return SEA_OK;
}

static sea_status push_mem(parser *p, const sea_json_member *m)
{
    if (p->n_mems == p->cap_mems) {
        size_t cap = p->cap_mems ? p->cap_mems * 2 : 64;
        sea_json_member *n = sea__realloc(p->mems, cap * sizeof *n);
        if (!n) return pnomem(p);
        p->mems = n;
        p->cap_mems = cap;
    }
    p->mems[p->n_mems++] = *m;
    return SEA_OK;
}

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* Returns index of a duplicate key among m[0..n), or n if none; (size_t)-1 on OOM. */
static size_t find_duplicate(const sea_json_member *m, size_t n)
{
    if (n <= 16) {
        for (size_t a = 1; a < n; a++)
            for (size_t b = 0; b < a; b++)
                if (m[a].key_len == m[b].key_len && memcmp(m[a].key, m[b].key, m[a].key_len) == 0)
                    return a;
        return n;
    }
    {
        size_t cap = 32, mask;
        uint32_t *slots;
        while (cap < n * 2) cap *= 2;
        mask = cap - 1;
        slots = sea__calloc(cap, sizeof *slots); /* stores index+1 */
        if (!slots) return (size_t)-1;
        for (size_t a = 0; a < n; a++) {
            size_t h = (size_t)fnv1a(m[a].key, m[a].key_len) & mask;
            while (slots[h]) {
                const sea_json_member *b = &m[slots[h] - 1];
                if (b->key_len == m[a].key_len && memcmp(b->key, m[a].key, b->key_len) == 0) {
                    sea__free(slots);
                    return a;
                }
                h = (h + 1) & mask;
            }
            slots[h] = (uint32_t)(a + 1);
        }
        sea__free(slots);
        return n;
    }
}

static sea_status parse_value(parser *p, sea_json *v);

static sea_status parse_array(parser *p, sea_json *v)
{
    size_t base = p->n_vals, n;
    sea_status st;
    p->pos++; /* '[' */
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ']') {
        p->pos++;
        v->type = SEA_JSON_ARRAY;
        v->v.arr.items = NULL;
        v->v.arr.n = 0;
        return SEA_OK;
    }
    for (;;) {
        sea_json child;
        skip_ws(p);
        if ((st = parse_value(p, &child)) != SEA_OK) return st;
        if ((st = push_val(p, &child)) != SEA_OK) return st;
        skip_ws(p);
        if (p->pos >= p->len) return perr(p, "unexpected end of input in array");
        if (p->s[p->pos] == ',') { p->pos++; continue; }
        if (p->s[p->pos] == ']') { p->pos++; break; }
        return perr(p, "expected ',' or ']' in array");
    }
    n = p->n_vals - base;
    {
        size_t bytes;
        if (sea__mul_size(&bytes, n, sizeof(sea_json))) return pnomem(p);
        v->v.arr.items = arena_alloc(p->doc, bytes);
        if (!v->v.arr.items) return pnomem(p);
        memcpy(v->v.arr.items, p->vals + base, bytes);
    }
    v->type = SEA_JSON_ARRAY;
    v->v.arr.n = n;
    p->n_vals = base;
    return SEA_OK;
}

static sea_status parse_object(parser *p, sea_json *v, size_t obj_pos)
{
    size_t base = p->n_mems, n;
    sea_status st;
    p->pos++; /* '{' */
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == '}') {
        p->pos++;
        v->type = SEA_JSON_OBJECT;
        v->v.obj.members = NULL;
        v->v.obj.n = 0;
        return SEA_OK;
    }
    for (;;) {
        sea_json_member m;
        skip_ws(p);
        if (p->pos >= p->len) return perr(p, "unexpected end of input in object");
        if (p->s[p->pos] != '"') return perr(p, "expected a string key in object");
        if ((st = parse_string(p, &m.key, &m.key_len)) != SEA_OK) return st;
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != ':') return perr(p, "expected ':' after object key");
        p->pos++;
        skip_ws(p);
        if ((st = parse_value(p, &m.value)) != SEA_OK) return st;
        if ((st = push_mem(p, &m)) != SEA_OK) return st;
        skip_ws(p);
        if (p->pos >= p->len) return perr(p, "unexpected end of input in object");
        if (p->s[p->pos] == ',') { p->pos++; continue; }
        if (p->s[p->pos] == '}') { p->pos++; break; }
        return perr(p, "expected ',' or '}' in object");
    }
    n = p->n_mems - base;
    if (!p->params.allow_duplicate_keys) {
        size_t d = find_duplicate(p->mems + base, n);
        if (d == (size_t)-1) return pnomem(p);
        if (d < n) {
            char msg[200];
            const sea_json_member *m = &p->mems[base + d];
            snprintf(msg, sizeof msg, "duplicate key \"%.*s\" in object", (int)SEA_MIN(m->key_len, 80), m->key);
            return perr_at(p, obj_pos, SEA_ERR_FORMAT, msg);
        }
    }
    {
        size_t bytes;
        if (sea__mul_size(&bytes, n, sizeof(sea_json_member))) return pnomem(p);
        v->v.obj.members = arena_alloc(p->doc, bytes);
        if (!v->v.obj.members) return pnomem(p);
        memcpy(v->v.obj.members, p->mems + base, bytes);
    }
    v->type = SEA_JSON_OBJECT;
    v->v.obj.n = n;
    p->n_mems = base;
    return SEA_OK;
}

static sea_status parse_value(parser *p, sea_json *v)
{
    sea_status st;
    size_t at = p->pos;
    if (p->pos >= p->len) return perr(p, "unexpected end of input (value expected)");
    v->line = p->line;
    v->col = (uint32_t)SEA_MIN(p->pos - p->line_start + 1, (size_t)UINT32_MAX);
    switch (p->s[p->pos]) {
    case '{':
    case '[':
        if (p->depth >= p->params.max_depth) {
            char msg[80];
            snprintf(msg, sizeof msg, "nesting deeper than %u levels", p->params.max_depth);
            return perr_at(p, at, SEA_ERR_LIMIT, msg);
        }
        p->depth++;
        st = p->s[p->pos] == '{' ? parse_object(p, v, at) : parse_array(p, v);
        p->depth--;
        return st;
    case '"':
        v->type = SEA_JSON_STRING;
        return parse_string(p, &v->v.str.s, &v->v.str.len);
    case 't':
        if (match_lit(p, "true")) { v->type = SEA_JSON_TRUE; return SEA_OK; }
        break;
    case 'f':
        if (match_lit(p, "false")) { v->type = SEA_JSON_FALSE; return SEA_OK; }
        break;
    case 'n':
        if (match_lit(p, "null")) { v->type = SEA_JSON_NULL; return SEA_OK; }
        break;
    default:
        if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
            return parse_number(p, v);
    }
    return perr(p, "invalid value (expected object, array, string, number, true, false or null)");
}

sea_status sea_json_parse(sea_json_doc **out, const char *text, size_t len,
                          const sea_json_params *params, sea_err *err)
{
    parser p;
    sea_status st;
    sea_json_doc *doc;
    *out = NULL;
    if (!text && len) return sea__err(err, SEA_ERR_ARG, "sea_json_parse: NULL text");
    doc = sea__calloc(1, sizeof *doc);
    if (!doc) return sea__err_nomem(err, "a JSON document");
    memset(&p, 0, sizeof p);
    p.s = (const unsigned char *)text;
    p.len = len;
    p.line = 1;
    p.params = params ? *params : sea_json_default_params();
    if (p.params.max_depth == 0) p.params.max_depth = 1;
    p.doc = doc;
    p.err = err;
    /* a UTF-8 byte-order mark is not JSON */
    skip_ws(&p);
    st = parse_value(&p, &doc->root);
    if (st == SEA_OK) {
        if (p.params.allow_trailing_ws) skip_ws(&p);
        if (p.pos != p.len) st = perr(&p, "unexpected data after the JSON value");
    }
    sea__free(p.vals);
    sea__free(p.mems);
    if (st != SEA_OK) {
        sea_json_free(doc);
        return st;
    }
    *out = doc;
    return SEA_OK;
}

void sea_json_free(sea_json_doc *doc)
{
    arena_block *b;
    if (!doc) return;
    b = doc->blocks;
    while (b) {
        arena_block *n = b->next;
        sea__free(b);
        b = n;
    }
    sea__free(doc);
}

const sea_json *sea_json_root(const sea_json_doc *doc)
{
    return &doc->root;
}

const sea_json *sea_json_get(const sea_json *obj, const char *key)
{
    size_t kl;
    if (!obj || obj->type != SEA_JSON_OBJECT) return NULL;
    kl = strlen(key);
    for (size_t i = 0; i < obj->v.obj.n; i++) {
        const sea_json_member *m = &obj->v.obj.members[i];
        if (m->key_len == kl && memcmp(m->key, key, kl) == 0) return &m->value;
    }
    return NULL;
}

/* ---- typed accessors ---- */
static sea_status type_err(const sea_json *v, const char *what, const char *want, sea_err *err)
{
    if (!v) return sea__err(err, SEA_ERR_FORMAT, "'%s' is missing", what);
    return sea__err(err, SEA_ERR_FORMAT, "'%s' must be %s, got %s", what, want,
                    sea_json_type_name(v->type));
}

sea_status sea_json_as_i64(int64_t *out, const sea_json *v, const char *what, sea_err *err)
{
    if (!v || v->type != SEA_JSON_NUMBER) return type_err(v, what, "an integer", err);
    if (!(v->v.num.flags & SEA_JSON_NUM_INTEGER))
        return sea__err(err, SEA_ERR_FORMAT, "'%s' must be an integer, got %.17g (written with a fraction or exponent)",
                        what, v->v.num.d);
    if (!(v->v.num.flags & SEA_JSON_NUM_I64))
        return sea__err(err, SEA_ERR_FORMAT, "'%s' is out of the 64-bit integer range", what);
    *out = v->v.num.i;
    return SEA_OK;
}

sea_status sea_json_as_u64(uint64_t *out, const sea_json *v, const char *what, sea_err *err)
{
    if (!v || v->type != SEA_JSON_NUMBER) return type_err(v, what, "a non-negative integer", err);
    if (!(v->v.num.flags & SEA_JSON_NUM_INTEGER))
        return sea__err(err, SEA_ERR_FORMAT, "'%s' must be an integer, got %.17g (written with a fraction or exponent)",
                        what, v->v.num.d);
    if (!(v->v.num.flags & SEA_JSON_NUM_U64)) {
        if (v->v.num.flags & SEA_JSON_NUM_I64)
            return sea__err(err, SEA_ERR_FORMAT, "'%s' must not be negative, got %lld", what,
                            (long long)v->v.num.i);
        return sea__err(err, SEA_ERR_FORMAT, "'%s' is out of the 64-bit integer range", what);
    }
    *out = v->v.num.u;
    return SEA_OK;
}

sea_status sea_json_as_double(double *out, const sea_json *v, const char *what, sea_err *err)
{
    if (!v || v->type != SEA_JSON_NUMBER) return type_err(v, what, "a number", err);
    *out = v->v.num.d;
    return SEA_OK;
}

sea_status sea_json_as_bool(int *out, const sea_json *v, const char *what, sea_err *err)
{
    if (!v || (v->type != SEA_JSON_TRUE && v->type != SEA_JSON_FALSE))
        return type_err(v, what, "true or false", err);
    *out = v->type == SEA_JSON_TRUE;
    return SEA_OK;
}

sea_status sea_json_as_string(const char **out, size_t *len, const sea_json *v, const char *what,
                              sea_err *err)
{
    if (!v || v->type != SEA_JSON_STRING) return type_err(v, what, "a string", err);
    *out = v->v.str.s;
    if (len) *len = v->v.str.len;
    return SEA_OK;
}
