/* src/tokenizer/load_steps.c: reading tokenizer.json's pipeline steps: "normalizer",
 * "pre_tokenizer", "post_processor" and "decoder", with HF's defaults for missing fields.
 * Sequences are flattened into the tokenizer's step arrays. A step type sea does not implement
 * is refused with a message naming it (never silently skipped: that would change the ids). */
#include <string.h>

#include "sea/json.h"
#include "tokenizer/tok_internal.h"
#include "tokenizer/unicode.h"

/* The pre-tokenizer regular expressions sea implements (src/tokenizer/regex.c), as written
 * in tokenizer.json after JSON decoding. */
static const char RX_LLAMA3_TEXT[] =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
/* Qwen2: the Llama-3 pattern with single digits (\p{N} instead of \p{N}{1,3}) */
static const char RX_QWEN2_TEXT[] =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
static const char RX_GPT2_TEXT[] = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

static const char *type_of(const sea_json *obj)
{
    const sea_json *t = sea_json_get(obj, "type");
    return t && t->type == SEA_JSON_STRING ? t->v.str.s : NULL;
}

static sea_status need_type(const char **type, const sea_json *obj, const char *what, sea_err *err)
{
    if (!obj || obj->type != SEA_JSON_OBJECT)
        return sea__err(err, SEA_ERR_FORMAT, "line %u: %s must be an object or null", obj ? obj->line : 0, what);
    *type = type_of(obj);
    if (!*type) return sea__err(err, SEA_ERR_FORMAT, "line %u: %s has no string 'type'", obj->line, what);
    return SEA_OK;
}

static sea_status get_string(const char **s, size_t *len, const sea_json *obj, const char *key, const char *what,
                             sea_err *err)
{
    const sea_json *v = sea_json_get(obj, key);
    if (!v || v->type != SEA_JSON_STRING)
        return sea__err(err, SEA_ERR_FORMAT, "line %u: %s needs a string '%s'", obj->line, what, key);
    if (v->v.str.len > TOK_MAX_PIECE)
        return sea__err(err, SEA_ERR_LIMIT, "line %u: %s '%s' is longer than %d bytes", obj->line, what, key, TOK_MAX_PIECE);
    *s = v->v.str.s;
    *len = v->v.str.len;
    return SEA_OK;
}

static sea_status get_bool(int *out, const sea_json *obj, const char *key, int dflt, sea_err *err)
{
    const sea_json *v = sea_json_get(obj, key);
    *out = dflt;
    if (!v || v->type == SEA_JSON_NULL) return SEA_OK;
    return sea_json_as_bool(out, v, key, err);
}

/* One Unicode character (HF deserializes these fields as a Rust char). */
static sea_status get_char(const char **s, size_t *len, const sea_json *obj, const char *key, const char *what,
                           sea_err *err)
{
    if (get_string(s, len, obj, key, what, err) != SEA_OK) return SEA_ERR_FORMAT;
    if (*len == 0 || sea__utf8_len((unsigned char)(*s)[0]) != *len)
        return sea__err(err, SEA_ERR_FORMAT, "line %u: %s '%s' must be exactly one character", obj->line, what, key);
    return SEA_OK;
}

static sea_status store(sea_tokenizer *tok, const char *s, size_t len, uint32_t *off, sea_err *err)
{
    return sea__tok_arena_add(tok, s, len, off) == 0 ? SEA_OK : sea__err_nomem(err, "tokenizer strings");
}

/* {"String": s} only (regex patterns are not implemented for normalizers and decoders). */
static sea_status string_pattern(const char **s, size_t *len, const sea_json *obj, const char *what, sea_err *err)
{
    const sea_json *p = sea_json_get(obj, "pattern"), *v;
    if (!p || p->type != SEA_JSON_OBJECT)
        return sea__err(err, SEA_ERR_FORMAT, "line %u: %s needs a 'pattern' object", obj->line, what);
    if ((v = sea_json_get(p, "Regex")) != NULL)
        return sea__err(err, SEA_ERR_UNSUPPORTED, "line %u: %s with a Regex pattern is not supported", obj->line, what);
    if (get_string(s, len, p, "String", what, err) != SEA_OK) return SEA_ERR_FORMAT;
    if (*len == 0) return sea__err(err, SEA_ERR_FORMAT, "line %u: %s pattern is empty", obj->line, what);
    return SEA_OK;
}

#define CHECK_ROOM(n, what)                                                                              \
    do {                                                                                                 \
        if ((n) >= TOK_MAX_STEPS)                                                                        \
            return sea__err(err, SEA_ERR_LIMIT, "line %u: more than %d %s", obj->line, TOK_MAX_STEPS, what); \
    } while (0)

/* ---- normalizer ---- */
static sea_status add_normalizer(sea_tokenizer *tok, const sea_json *obj, sea_err *err)
{
    const char *type, *a, *b;
    size_t al, bl;
    tok_norm *st;
    if (need_type(&type, obj, "normalizer", err)) return SEA_ERR_FORMAT;
    if (strcmp(type, "Sequence") == 0) {
        const sea_json *list = sea_json_get(obj, "normalizers");
        if (!list || list->type != SEA_JSON_ARRAY)
            return sea__err(err, SEA_ERR_FORMAT, "line %u: Sequence normalizer needs a 'normalizers' array", obj->line);
        for (size_t i = 0; i < list->v.arr.n; i++) {
            sea_status s = add_normalizer(tok, &list->v.arr.items[i], err);
            if (s != SEA_OK) return s;
        }
        return SEA_OK;
    }
    CHECK_ROOM(tok->n_norm, "normalizers");
    st = &tok->norm[tok->n_norm];
    memset(st, 0, sizeof *st);
    if (strcmp(type, "Prepend") == 0) {
        st->kind = NORM_PREPEND;
        if (get_string(&a, &al, obj, "prepend", "Prepend normalizer", err) || store(tok, a, al, &st->a_off, err))
            return SEA_ERR_FORMAT;
        st->a_len = (uint32_t)al;
    } else if (strcmp(type, "Replace") == 0) {
        sea_status s;
        st->kind = NORM_REPLACE;
        if ((s = string_pattern(&a, &al, obj, "Replace normalizer", err)) != SEA_OK) return s;
        if (get_string(&b, &bl, obj, "content", "Replace normalizer", err) || store(tok, a, al, &st->a_off, err) ||
            store(tok, b, bl, &st->b_off, err))
            return SEA_ERR_FORMAT;
        st->a_len = (uint32_t)al;
        st->b_len = (uint32_t)bl;
    } else if (strcmp(type, "Strip") == 0) {
        int l, r;
        st->kind = NORM_STRIP;
        if (get_bool(&l, obj, "strip_left", 1, err) || get_bool(&r, obj, "strip_right", 1, err)) return SEA_ERR_FORMAT;
        st->left = (uint8_t)l;
        st->right = (uint8_t)r;
    } else if (strcmp(type, "NFC") == 0) {
        st->kind = NORM_NFC; /* Qwen2; see sea__tok_normalize for what is implemented */
    } else {
        return sea__err(err, SEA_ERR_UNSUPPORTED, "line %u: normalizer '%s' is not supported", obj->line, type);
    }
    tok->n_norm++;
    return SEA_OK;
}

/* prepend_scheme / add_prefix_space of Metaspace (pre-tokenizer and decoder), as HF reads them. */
static sea_status metaspace_scheme(tok_prepend *out, const sea_json *obj, sea_err *err)
{
    const sea_json *ps = sea_json_get(obj, "prepend_scheme"), *aps = sea_json_get(obj, "add_prefix_space");
    int has_ps = ps && ps->type != SEA_JSON_NULL;
    *out = PREPEND_ALWAYS;
    if (has_ps) {
        if (ps->type != SEA_JSON_STRING) return sea__err(err, SEA_ERR_FORMAT, "line %u: prepend_scheme must be a string", ps->line);
        if (strcmp(ps->v.str.s, "first") == 0) *out = PREPEND_FIRST;
        else if (strcmp(ps->v.str.s, "always") == 0) *out = PREPEND_ALWAYS;
        else if (strcmp(ps->v.str.s, "never") == 0) *out = PREPEND_NEVER;
        else return sea__err(err, SEA_ERR_FORMAT, "line %u: prepend_scheme '%s' is not first, always or never", ps->line, ps->v.str.s);
    }
    if (aps && aps->type != SEA_JSON_NULL) {
        int v;
        if (sea_json_as_bool(&v, aps, "add_prefix_space", err) != SEA_OK) return SEA_ERR_FORMAT;
        if (!v) {
            if (has_ps && *out != PREPEND_NEVER)
                return sea__err(err, SEA_ERR_FORMAT, "line %u: add_prefix_space does not match prepend_scheme", obj->line);
            *out = PREPEND_NEVER;
        }
    }
    return SEA_OK;
}

/* ---- pre-tokenizer ---- */
static sea_status add_pretok(sea_tokenizer *tok, const sea_json *obj, sea_err *err)
{
    const char *type, *s;
    size_t sl;
    tok_pretok *st;
    int f;
    if (need_type(&type, obj, "pre_tokenizer", err)) return SEA_ERR_FORMAT;
    if (strcmp(type, "Sequence") == 0) {
        const sea_json *list = sea_json_get(obj, "pretokenizers");
        if (!list || list->type != SEA_JSON_ARRAY)
            return sea__err(err, SEA_ERR_FORMAT, "line %u: Sequence pre-tokenizer needs a 'pretokenizers' array", obj->line);
        for (size_t i = 0; i < list->v.arr.n; i++) {
            sea_status r = add_pretok(tok, &list->v.arr.items[i], err);
            if (r != SEA_OK) return r;
        }
        return SEA_OK;
    }
    CHECK_ROOM(tok->n_pretok, "pre-tokenizers");
    st = &tok->pretok[tok->n_pretok];
    memset(st, 0, sizeof *st);
    if (strcmp(type, "Metaspace") == 0) {
        st->kind = PT_METASPACE;
        if (get_char(&s, &sl, obj, "replacement", "Metaspace", err) || store(tok, s, sl, &st->s_off, err) ||
            metaspace_scheme(&st->prepend, obj, err) || get_bool(&f, obj, "split", 1, err))
            return SEA_ERR_FORMAT;
        st->s_len = (uint32_t)sl;
        st->split = (uint8_t)f;
    } else if (strcmp(type, "Split") == 0) {
        const sea_json *p = sea_json_get(obj, "pattern"), *beh = sea_json_get(obj, "behavior"), *rx;
        static const char *const names[] = {"Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"};
        size_t k;
        st->kind = PT_SPLIT;
        if (!p || p->type != SEA_JSON_OBJECT)
            return sea__err(err, SEA_ERR_FORMAT, "line %u: Split pre-tokenizer needs a 'pattern' object", obj->line);
        if ((rx = sea_json_get(p, "Regex")) != NULL) {
            if (rx->type != SEA_JSON_STRING)
                return sea__err(err, SEA_ERR_FORMAT, "line %u: Split pattern 'Regex' must be a string", rx->line);
            if (strcmp(rx->v.str.s, RX_LLAMA3_TEXT) == 0 && rx->v.str.len == sizeof RX_LLAMA3_TEXT - 1)
                st->regex = RX_LLAMA3;
            else if (strcmp(rx->v.str.s, RX_GPT2_TEXT) == 0 && rx->v.str.len == sizeof RX_GPT2_TEXT - 1)
                st->regex = RX_GPT2;
            else if (strcmp(rx->v.str.s, RX_QWEN2_TEXT) == 0 && rx->v.str.len == sizeof RX_QWEN2_TEXT - 1)
                st->regex = RX_QWEN2;
            else
                return sea__err(err, SEA_ERR_UNSUPPORTED,
                                "line %u: Split regex '%.60s%s' is not supported (only the Llama-3, Qwen2 and GPT-2 patterns)",
                                rx->line, rx->v.str.s, rx->v.str.len > 60 ? "..." : "");
        } else {
            if (get_string(&s, &sl, p, "String", "Split pattern", err)) return SEA_ERR_FORMAT;
            if (sl == 0) return sea__err(err, SEA_ERR_FORMAT, "line %u: Split pattern is empty", p->line);
            if (store(tok, s, sl, &st->s_off, err)) return SEA_ERR_NOMEM;
            st->s_len = (uint32_t)sl;
            st->regex = RX_NONE;
        }
        if (!beh || beh->type != SEA_JSON_STRING)
            return sea__err(err, SEA_ERR_FORMAT, "line %u: Split pre-tokenizer needs a string 'behavior'", obj->line);
        for (k = 0; k < SEA_ARRAY_LEN(names); k++)
            if (strcmp(beh->v.str.s, names[k]) == 0) break;
        if (k == SEA_ARRAY_LEN(names))
            return sea__err(err, SEA_ERR_FORMAT, "line %u: Split behavior '%s' is unknown", beh->line, beh->v.str.s);
        st->behavior = (tok_split_behavior)k;
        if (get_bool(&f, obj, "invert", 0, err)) return SEA_ERR_FORMAT;
        st->invert = (uint8_t)f;
    } else if (strcmp(type, "ByteLevel") == 0) {
        st->kind = PT_BYTELEVEL;
        if (get_bool(&f, obj, "add_prefix_space", 1, err)) return SEA_ERR_FORMAT;
        st->add_prefix_space = (uint8_t)f;
        if (get_bool(&f, obj, "use_regex", 1, err)) return SEA_ERR_FORMAT;
        st->use_regex = (uint8_t)f;
    } else if (strcmp(type, "Digits") == 0) {
        st->kind = PT_DIGITS;
        if (get_bool(&f, obj, "individual_digits", 0, err)) return SEA_ERR_FORMAT;
        st->individual = (uint8_t)f;
    } else {
        return sea__err(err, SEA_ERR_UNSUPPORTED, "line %u: pre-tokenizer '%s' is not supported", obj->line, type);
    }
    tok->n_pretok++;
    return SEA_OK;
}

/* ---- decoder ---- */
static sea_status add_decoder(sea_tokenizer *tok, const sea_json *obj, sea_err *err)
{
    const char *type, *a, *b;
    size_t al, bl;
    tok_dec *st;
    if (need_type(&type, obj, "decoder", err)) return SEA_ERR_FORMAT;
    if (strcmp(type, "Sequence") == 0) {
        const sea_json *list = sea_json_get(obj, "decoders");
        if (!list || list->type != SEA_JSON_ARRAY)
            return sea__err(err, SEA_ERR_FORMAT, "line %u: Sequence decoder needs a 'decoders' array", obj->line);
        for (size_t i = 0; i < list->v.arr.n; i++) {
            sea_status r = add_decoder(tok, &list->v.arr.items[i], err);
            if (r != SEA_OK) return r;
        }
        return SEA_OK;
    }
    CHECK_ROOM(tok->n_dec, "decoders");
    st = &tok->dec[tok->n_dec];
    memset(st, 0, sizeof *st);
    if (strcmp(type, "Replace") == 0) {
        sea_status s;
        st->kind = DEC_REPLACE;
        if ((s = string_pattern(&a, &al, obj, "Replace decoder", err)) != SEA_OK) return s;
        if (get_string(&b, &bl, obj, "content", "Replace decoder", err) || store(tok, a, al, &st->a_off, err) ||
            store(tok, b, bl, &st->b_off, err))
            return SEA_ERR_FORMAT;
        st->a_len = (uint32_t)al;
        st->b_len = (uint32_t)bl;
    } else if (strcmp(type, "ByteFallback") == 0) {
        st->kind = DEC_BYTEFALLBACK;
    } else if (strcmp(type, "Fuse") == 0) {
        st->kind = DEC_FUSE;
    } else if (strcmp(type, "ByteLevel") == 0) {
        st->kind = DEC_BYTELEVEL;
    } else if (strcmp(type, "Strip") == 0) {
        uint64_t start = 0, stop = 0;
        const sea_json *v;
        st->kind = DEC_STRIP;
        if (get_char(&a, &al, obj, "content", "Strip decoder", err) || store(tok, a, al, &st->a_off, err))
            return SEA_ERR_FORMAT;
        st->a_len = (uint32_t)al;
        if ((v = sea_json_get(obj, "start")) != NULL && sea_json_as_u64(&start, v, "Strip start", err)) return SEA_ERR_FORMAT;
        if ((v = sea_json_get(obj, "stop")) != NULL && sea_json_as_u64(&stop, v, "Strip stop", err)) return SEA_ERR_FORMAT;
        if (start > TOK_MAX_PIECE || stop > TOK_MAX_PIECE)
            return sea__err(err, SEA_ERR_LIMIT, "line %u: Strip decoder start/stop over %d", obj->line, TOK_MAX_PIECE);
        st->start = (uint32_t)start;
        st->stop = (uint32_t)stop;
    } else if (strcmp(type, "Metaspace") == 0) {
        tok_prepend p;
        st->kind = DEC_METASPACE;
        if (get_char(&a, &al, obj, "replacement", "Metaspace decoder", err) || store(tok, a, al, &st->a_off, err) ||
            metaspace_scheme(&p, obj, err))
            return SEA_ERR_FORMAT;
        st->a_len = (uint32_t)al;
        st->prepend = p != PREPEND_NEVER;
    } else {
        return sea__err(err, SEA_ERR_UNSUPPORTED, "line %u: decoder '%s' is not supported", obj->line, type);
    }
    tok->n_dec++;
    return SEA_OK;
}

/* ---- post-processor: what add_special puts before (tmpl_pre) and after (tmpl_post) ---- */
static sea_status template_ids(sea_tokenizer *tok, const sea_json *special, const sea_json *item, int32_t *ids,
                               size_t *n, sea_err *err)
{
    const sea_json *name = sea_json_get(item, "id"), *entry, *list;
    if (!name || name->type != SEA_JSON_STRING)
        return sea__err(err, SEA_ERR_FORMAT, "line %u: template SpecialToken needs a string 'id'", item->line);
    entry = special && special->type == SEA_JSON_OBJECT ? sea_json_get(special, name->v.str.s) : NULL;
    if (!entry || entry->type != SEA_JSON_OBJECT)
        return sea__err(err, SEA_ERR_FORMAT, "line %u: template special token '%s' is missing from special_tokens",
                        item->line, name->v.str.s);
    list = sea_json_get(entry, "ids");
    if (!list || list->type != SEA_JSON_ARRAY)
        return sea__err(err, SEA_ERR_FORMAT, "line %u: special token '%s' needs an 'ids' array", entry->line, name->v.str.s);
    for (size_t i = 0; i < list->v.arr.n; i++) {
        int64_t x;
        if (sea_json_as_i64(&x, &list->v.arr.items[i], "special token id", err)) return SEA_ERR_FORMAT;
        if (x < 0 || x >= TOK_MAX_IDS)
            return sea__err(err, SEA_ERR_LIMIT, "line %u: special token '%s' id %lld is out of range", entry->line,
                            name->v.str.s, (long long)x);
        if (*n >= TOK_MAX_STEPS)
            return sea__err(err, SEA_ERR_LIMIT, "line %u: template adds more than %d tokens", item->line, TOK_MAX_STEPS);
        ids[(*n)++] = (int32_t)x;
    }
    (void)tok;
    return SEA_OK;
}

static sea_status add_post(sea_tokenizer *tok, const sea_json *obj, sea_err *err)
{
    const char *type;
    if (need_type(&type, obj, "post_processor", err)) return SEA_ERR_FORMAT;
    if (strcmp(type, "Sequence") == 0) {
        const sea_json *list = sea_json_get(obj, "processors");
        if (!list || list->type != SEA_JSON_ARRAY)
            return sea__err(err, SEA_ERR_FORMAT, "line %u: Sequence post-processor needs a 'processors' array", obj->line);
        for (size_t i = 0; i < list->v.arr.n; i++) {
            sea_status r = add_post(tok, &list->v.arr.items[i], err);
            if (r != SEA_OK) return r;
        }
        return SEA_OK;
    }
    if (strcmp(type, "ByteLevel") == 0) return SEA_OK; /* offsets only: ids unchanged */
    if (strcmp(type, "TemplateProcessing") == 0) {
        const sea_json *single = sea_json_get(obj, "single"), *special = sea_json_get(obj, "special_tokens");
        int32_t pre[TOK_MAX_STEPS], post[TOK_MAX_STEPS];
        size_t n_pre = 0, n_post = 0, seen_a = 0;
        if (!single || single->type != SEA_JSON_ARRAY)
            return sea__err(err, SEA_ERR_FORMAT, "line %u: TemplateProcessing needs a 'single' array", obj->line);
        for (size_t i = 0; i < single->v.arr.n; i++) {
            const sea_json *it = &single->v.arr.items[i], *st, *seq;
            if (it->type != SEA_JSON_OBJECT)
                return sea__err(err, SEA_ERR_FORMAT, "line %u: template item must be an object", it->line);
            if ((st = sea_json_get(it, "SpecialToken")) != NULL && st->type == SEA_JSON_OBJECT) {
                sea_status r = seen_a ? template_ids(tok, special, st, post, &n_post, err)
                                      : template_ids(tok, special, st, pre, &n_pre, err);
                if (r != SEA_OK) return r;
            } else if ((seq = sea_json_get(it, "Sequence")) != NULL && seq->type == SEA_JSON_OBJECT) {
                const sea_json *id = sea_json_get(seq, "id");
                if (!id || id->type != SEA_JSON_STRING || strcmp(id->v.str.s, "A") != 0 || seen_a)
                    return sea__err(err, SEA_ERR_FORMAT, "line %u: the single template must hold sequence A once", it->line);
                seen_a = 1;
            } else {
                return sea__err(err, SEA_ERR_FORMAT, "line %u: template item is neither SpecialToken nor Sequence", it->line);
            }
        }
        if (!seen_a) return sea__err(err, SEA_ERR_FORMAT, "line %u: the single template has no sequence A", single->line);
        if (tok->n_tmpl_pre + n_pre > TOK_MAX_STEPS || tok->n_tmpl_post + n_post > TOK_MAX_STEPS)
            return sea__err(err, SEA_ERR_LIMIT, "line %u: templates add more than %d tokens", obj->line, TOK_MAX_STEPS);
        /* a later template wraps what the earlier ones produced */
        memmove(tok->tmpl_pre + n_pre, tok->tmpl_pre, tok->n_tmpl_pre * sizeof *pre);
        memcpy(tok->tmpl_pre, pre, n_pre * sizeof *pre);
        tok->n_tmpl_pre += n_pre;
        memcpy(tok->tmpl_post + tok->n_tmpl_post, post, n_post * sizeof *post);
        tok->n_tmpl_post += n_post;
        return SEA_OK;
    }
    return sea__err(err, SEA_ERR_UNSUPPORTED, "line %u: post-processor '%s' is not supported", obj->line, type);
}

sea_status sea__tok_load_steps(sea_tokenizer *tok, const struct sea_json *root, const char *path, sea_err *err)
{
    const sea_json *v;
    sea_status st;
    (void)path;
    if ((v = sea_json_get(root, "normalizer")) != NULL && v->type != SEA_JSON_NULL &&
        (st = add_normalizer(tok, v, err)) != SEA_OK)
        return st;
    if ((v = sea_json_get(root, "pre_tokenizer")) != NULL && v->type != SEA_JSON_NULL &&
        (st = add_pretok(tok, v, err)) != SEA_OK)
        return st;
    if ((v = sea_json_get(root, "post_processor")) != NULL && v->type != SEA_JSON_NULL &&
        (st = add_post(tok, v, err)) != SEA_OK)
        return st;
    tok->has_decoder = 0;
    if ((v = sea_json_get(root, "decoder")) != NULL && v->type != SEA_JSON_NULL) {
        tok->has_decoder = 1;
        if ((st = add_decoder(tok, v, err)) != SEA_OK) return st;
    }
    return SEA_OK;
}
