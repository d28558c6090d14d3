/* src/tokenizer/load.c: opening a tokenizer: tokenizer.json's BPE model (vocab, merges,
 * options) and added tokens, tokenizer_config.json's BOS/EOS and add_bos/eos flags, and the
 * lookup tables built from them. Pipeline steps (normalizer, pre-tokenizer, post-processor,
 * decoder) are read by load_steps.c.
 *
 * Everything in the file is checked before use: types, id ranges (0 <= id < 2^24), piece
 * lengths (<= TOK_MAX_PIECE bytes), counts, two strings with one id, merges naming unknown
 * pieces, malformed "<0x..>" byte pieces. Errors are one line: "FILE: line L: problem". */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sea/json.h"
#include "tokenizer/tok_internal.h"

/* Printable, shortened copy of a piece for error messages. */
static const char *quote(char *dst, size_t cap, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= 40) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(dst + o, cap - o, "\\x%02X", c);
        else
            dst[o++] = (char)c;
    }
    dst[o] = '\0';
    return dst;
}

int sea__tok_arena_add(sea_tokenizer *tok, const char *s, size_t len, uint32_t *off)
{
    size_t need;
    if (sea__add_size(&need, tok->arena_len, len + 1) || need > UINT32_MAX) return -1;
    if (need > tok->arena_cap) {
        size_t cap = tok->arena_cap ? tok->arena_cap : 4096;
        char *a;
        while (cap < need) cap *= 2;
        if (cap > UINT32_MAX) cap = UINT32_MAX;
        a = sea__realloc(tok->arena, cap);
        if (!a) return -1;
        tok->arena = a;
        tok->arena_cap = cap;
    }
    *off = (uint32_t)tok->arena_len;
    if (len) memcpy(tok->arena + tok->arena_len, s, len);
    tok->arena[tok->arena_len + len] = '\0';
    tok->arena_len = need;
    return 0;
}

int32_t sea__tok_token_to_id(const sea_tokenizer *tok, const char *s, size_t len)
{
    for (size_t i = 0; i < tok->n_added; i++)
        if (tok->added[i].len == len && memcmp(tok_str(tok, tok->added[i].off), s, len) == 0)
            return tok->added[i].id;
    return sea__tok_strmap_get(&tok->vocab, tok->arena, s, len);
}

static sea_status read_id(int32_t *out, const sea_json *v, const char *what, sea_err *err)
{
    int64_t x;
    if (sea_json_as_i64(&x, v, what, err) != SEA_OK) {
        sea__err_prefix(err, "line %u", v->line);
        return SEA_ERR_FORMAT;
    }
    if (x < 0 || x >= TOK_MAX_IDS)
        return sea__err(err, SEA_ERR_LIMIT, "line %u: %s is %lld, expected 0 <= id < %d", v->line,
                        what, (long long)x, TOK_MAX_IDS);
    *out = (int32_t)x;
    return SEA_OK;
}

static sea_status opt_bool(int *out, const sea_json *obj, const char *key, int dflt, sea_err *err)
{
    const sea_json *v = sea_json_get(obj, key);
    *out = dflt;
    if (!v || v->type == SEA_JSON_NULL) return SEA_OK;
    return sea_json_as_bool(out, v, key, err);
}

/* ---- model.vocab ---- */
static sea_status load_vocab(sea_tokenizer *tok, const sea_json *vocab, int32_t *max_id, sea_err *err)
{
    size_t total = 0;
    char q[128];
    if (!vocab || vocab->type != SEA_JSON_OBJECT)
        return sea__err(err, SEA_ERR_FORMAT, "model.vocab must be an object, got %s",
                        vocab ? sea_json_type_name(vocab->type) : "nothing");
    if (vocab->v.obj.n > TOK_MAX_IDS)
        return sea__err(err, SEA_ERR_LIMIT, "model.vocab has %zu entries, more than %d", vocab->v.obj.n, TOK_MAX_IDS);
    for (size_t i = 0; i < vocab->v.obj.n; i++) {
        const sea_json_member *m = &vocab->v.obj.members[i];
        if (m->key_len > TOK_MAX_PIECE)
            return sea__err(err, SEA_ERR_LIMIT, "line %u: vocab piece '%s' is %zu bytes, longer than %d",
                            m->value.line, quote(q, sizeof q, m->key, m->key_len), m->key_len, TOK_MAX_PIECE);
        total += m->key_len + 1;
    }
    if (sea__tok_strmap_init(&tok->vocab, vocab->v.obj.n, tok->seed) != SEA_OK) return sea__err_nomem(err, "vocab");
    if (total > 0) { /* one allocation for every piece */
        char *a = sea__realloc(tok->arena, tok->arena_len + total + 4096);
        if (!a) return sea__err_nomem(err, "vocab pieces");
        tok->arena = a;
        tok->arena_cap = tok->arena_len + total + 4096;
    }
    for (size_t i = 0; i < vocab->v.obj.n; i++) {
        const sea_json_member *m = &vocab->v.obj.members[i];
        int32_t id;
        uint32_t off;
        char what[200];
        snprintf(what, sizeof what, "id of vocab piece '%s'", quote(q, sizeof q, m->key, m->key_len));
        sea_status st = read_id(&id, &m->value, what, err);
        if (st != SEA_OK) return st;
        if (sea__tok_arena_add(tok, m->key, m->key_len, &off) != 0) return sea__err_nomem(err, "vocab pieces");
        /* keys are unique (the JSON reader refuses duplicates), so put never finds one */
        sea__tok_strmap_put(&tok->vocab, tok->arena, off, (uint32_t)m->key_len, id);
        if (id > *max_id) *max_id = id;
    }
    return SEA_OK;
}

/* Second pass once the id tables exist: pieces by id, with collisions refused. */
static sea_status index_vocab(sea_tokenizer *tok, sea_err *err)
{
    char q1[128], q2[128];
    for (size_t s = 0; s <= tok->vocab.mask; s++) {
        const struct tok_strmap_slot *sl = &tok->vocab.slots[s];
        if (sl->value < 0) continue;
        if (tok->id_flags[sl->value] & TOK_IN_VOCAB) {
            uint32_t o = tok->piece_off[sl->value];
            /* report the pair in a stable order */
            const char *a = tok_str(tok, o), *b = tok_str(tok, sl->off);
            size_t al = tok->piece_len[sl->value], bl = sl->len;
            if (o > sl->off) {
                const char *t = a;
                size_t tl = al;
                a = b, al = bl, b = t, bl = tl;
            }
            return sea__err(err, SEA_ERR_FORMAT, "vocab pieces '%s' and '%s' both have id %d",
                            quote(q1, sizeof q1, a, al), quote(q2, sizeof q2, b, bl), sl->value);
        }
        tok->id_flags[sl->value] |= TOK_IN_VOCAB;
        tok->piece_off[sl->value] = sl->off;
        tok->piece_len[sl->value] = sl->len;
    }
    return SEA_OK;
}

/* ---- model.merges: ["a b", ...] or [["a", "b"], ...] ---- */
static sea_status load_merges(sea_tokenizer *tok, const sea_json *merges, sea_err *err)
{
    char q[128], cat[2 * TOK_MAX_PIECE];
    uint32_t rank = 0;
    if (!merges || merges->type == SEA_JSON_NULL) return SEA_OK;
    if (merges->type != SEA_JSON_ARRAY)
        return sea__err(err, SEA_ERR_FORMAT, "line %u: model.merges must be an array, got %s",
                        merges->line, sea_json_type_name(merges->type));
    if (merges->v.arr.n > TOK_MAX_MERGES)
        return sea__err(err, SEA_ERR_LIMIT, "model.merges has %zu entries, more than %d", merges->v.arr.n, TOK_MAX_MERGES);
    if (sea__tok_pairmap_init(&tok->merges, merges->v.arr.n, tok->seed) != SEA_OK) return sea__err_nomem(err, "merges");
    for (size_t i = 0; i < merges->v.arr.n; i++) {
        const sea_json *m = &merges->v.arr.items[i];
        const char *a, *b;
        size_t al, bl;
        int32_t ia, ib, inew;
        if (m->type == SEA_JSON_STRING) {
            const char *sp;
            if (m->v.str.len >= 8 && memcmp(m->v.str.s, "#version", 8) == 0) continue; /* as HF */
            sp = memchr(m->v.str.s, ' ', m->v.str.len);
            if (!sp || memchr(sp + 1, ' ', m->v.str.len - (size_t)(sp + 1 - m->v.str.s)))
                return sea__err(err, SEA_ERR_FORMAT, "line %u: merge %zu '%s' is not two pieces separated by one space",
                                m->line, i, quote(q, sizeof q, m->v.str.s, m->v.str.len));
            a = m->v.str.s;
            al = (size_t)(sp - a);
            b = sp + 1;
            bl = m->v.str.len - al - 1;
        } else if (m->type == SEA_JSON_ARRAY && m->v.arr.n == 2 && m->v.arr.items[0].type == SEA_JSON_STRING &&
                   m->v.arr.items[1].type == SEA_JSON_STRING) {
            a = m->v.arr.items[0].v.str.s;
            al = m->v.arr.items[0].v.str.len;
            b = m->v.arr.items[1].v.str.s;
            bl = m->v.arr.items[1].v.str.len;
        } else {
            return sea__err(err, SEA_ERR_FORMAT, "line %u: merge %zu must be a string \"a b\" or an array of two strings, got %s",
                            m->line, i, sea_json_type_name(m->type));
        }
        if (al > TOK_MAX_PIECE || bl > TOK_MAX_PIECE)
            return sea__err(err, SEA_ERR_LIMIT, "line %u: merge %zu has a part longer than %d bytes", m->line, i, TOK_MAX_PIECE);
        ia = sea__tok_strmap_get(&tok->vocab, tok->arena, a, al);
        ib = sea__tok_strmap_get(&tok->vocab, tok->arena, b, bl);
        if (ia < 0 || ib < 0)
            return sea__err(err, SEA_ERR_FORMAT, "line %u: merge %zu: '%s' is not in the vocab", m->line, i,
                            ia < 0 ? quote(q, sizeof q, a, al) : quote(q, sizeof q, b, bl));
        memcpy(cat, a, al);
        memcpy(cat + al, b, bl);
        inew = sea__tok_strmap_get(&tok->vocab, tok->arena, cat, al + bl);
        if (inew < 0)
            return sea__err(err, SEA_ERR_FORMAT, "line %u: merge %zu: the merged piece '%s' is not in the vocab",
                            m->line, i, quote(q, sizeof q, cat, al + bl));
        /* a repeated pair takes the later rank, as HF's HashMap collect does */
        sea__tok_pairmap_set(&tok->merges, (uint32_t)ia, (uint32_t)ib, rank, (uint32_t)inew);
        rank++;
    }
    tok->n_merges = rank;
    return SEA_OK;
}

/* ---- added_tokens ---- */
static sea_status load_added(sea_tokenizer *tok, const sea_json *arr, int32_t *max_id, sea_err *err)
{
    char q[128];
    size_t n_special = 0, k;
    if (!arr || arr->type == SEA_JSON_NULL) return SEA_OK;
    if (arr->type != SEA_JSON_ARRAY)
        return sea__err(err, SEA_ERR_FORMAT, "line %u: added_tokens must be an array, got %s", arr->line,
                        sea_json_type_name(arr->type));
    if (arr->v.arr.n > TOK_MAX_ADDED)
        return sea__err(err, SEA_ERR_LIMIT, "added_tokens has %zu entries, more than %d", arr->v.arr.n, TOK_MAX_ADDED);
    tok->added = sea__calloc(arr->v.arr.n ? arr->v.arr.n : 1, sizeof *tok->added);
    if (!tok->added) return sea__err_nomem(err, "added tokens");
    /* priority order of HF's trie: special tokens first, then the others, each in file order */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < arr->v.arr.n; i++) {
            const sea_json *t = &arr->v.arr.items[i];
            const sea_json *content, *special;
            tok_added a;
            int f, is_special;
            if (t->type != SEA_JSON_OBJECT)
                return sea__err(err, SEA_ERR_FORMAT, "line %u: added token %zu must be an object, got %s", t->line, i,
                                sea_json_type_name(t->type));
            special = sea_json_get(t, "special");
            if (opt_bool(&is_special, t, "special", 0, err) != SEA_OK) return SEA_ERR_FORMAT;
            (void)special;
            if (is_special != (pass == 0)) continue;
            memset(&a, 0, sizeof a);
            a.special = (uint8_t)is_special;
            content = sea_json_get(t, "content");
            if (!content || content->type != SEA_JSON_STRING)
                return sea__err(err, SEA_ERR_FORMAT, "line %u: added token %zu needs a string 'content'", t->line, i);
            if (content->v.str.len > TOK_MAX_PIECE)
                return sea__err(err, SEA_ERR_LIMIT, "line %u: added token %zu is %zu bytes, longer than %d", t->line, i,
                                content->v.str.len, TOK_MAX_PIECE);
            if (!sea_json_get(t, "id"))
                return sea__err(err, SEA_ERR_FORMAT, "line %u: added token %zu needs an 'id'", t->line, i);
            {
                sea_status st = read_id(&a.id, sea_json_get(t, "id"), "added token id", err);
                if (st != SEA_OK) return st;
            }
            if (opt_bool(&f, t, "single_word", 0, err)) return SEA_ERR_FORMAT;
            a.single_word = (uint8_t)f;
            if (opt_bool(&f, t, "lstrip", 0, err)) return SEA_ERR_FORMAT;
            a.lstrip = (uint8_t)f;
            if (opt_bool(&f, t, "rstrip", 0, err)) return SEA_ERR_FORMAT;
            a.rstrip = (uint8_t)f;
            if (opt_bool(&f, t, "normalized", !is_special, err)) return SEA_ERR_FORMAT;
            a.normalized = (uint8_t)f;
            if (content->v.str.len == 0) continue; /* HF ignores empty added tokens */
            for (k = 0; k < tok->n_added; k++) {
                if (tok->added[k].len == content->v.str.len &&
                    memcmp(tok_str(tok, tok->added[k].off), content->v.str.s, content->v.str.len) == 0)
                    return sea__err(err, SEA_ERR_FORMAT, "line %u: added token '%s' is listed twice", t->line,
                                    quote(q, sizeof q, content->v.str.s, content->v.str.len));
                if (tok->added[k].id == a.id)
                    return sea__err(err, SEA_ERR_FORMAT, "line %u: added tokens '%s' and '%s' both have id %d", t->line,
                                    tok_str(tok, tok->added[k].off), content->v.str.s, a.id);
            }
            if (sea__tok_arena_add(tok, content->v.str.s, content->v.str.len, &a.off) != 0)
                return sea__err_nomem(err, "added tokens");
            a.len = (uint32_t)content->v.str.len;
            tok->added[tok->n_added++] = a;
            if (a.id > *max_id) *max_id = a.id;
            if (is_special) n_special++;
        }
    }
    (void)n_special;
    return SEA_OK;
}

/* Checks that need the id tables, and the tables themselves. */
static sea_status index_added(sea_tokenizer *tok, sea_err *err)
{
    char q1[128], q2[128];
    for (size_t i = 0; i < tok->n_added; i++) {
        const tok_added *a = &tok->added[i];
        const char *content = tok_str(tok, a->off);
        int32_t vid = sea__tok_strmap_get(&tok->vocab, tok->arena, content, a->len);
        if (vid >= 0 && vid != a->id)
            return sea__err(err, SEA_ERR_FORMAT, "added token '%s' has id %d but the vocab gives it id %d",
                            quote(q1, sizeof q1, content, a->len), a->id, vid);
        if (vid < 0 && (tok->id_flags[a->id] & TOK_IN_VOCAB))
            return sea__err(err, SEA_ERR_FORMAT, "added token '%s' has id %d, which is the vocab's '%s'",
                            quote(q1, sizeof q1, content, a->len), a->id,
                            quote(q2, sizeof q2, tok_str(tok, tok->piece_off[a->id]), tok->piece_len[a->id]));
        tok->id_flags[a->id] |= TOK_ADDED | (a->special ? TOK_SPECIAL : 0);
        tok->piece_off[a->id] = a->off;
        tok->piece_len[a->id] = a->len;
    }
    return SEA_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Byte pieces "<0xNN>" and single-character ids. */
static sea_status index_bytes(sea_tokenizer *tok, sea_err *err)
{
    char q[128];
    for (int b = 0; b < 256; b++) tok->byte_ids[b] = -1;
    for (int32_t id = 0; id < tok->n_ids; id++) {
        const char *p;
        int hi, lo;
        if (!(tok->id_flags[id] & TOK_IN_VOCAB) || tok->piece_len[id] != 6) continue;
        p = tok_str(tok, tok->piece_off[id]);
        if (memcmp(p, "<0x", 3) != 0 || p[5] != '>') continue;
        hi = hexval(p[3]);
        lo = hexval(p[4]);
        if (hi < 0 || lo < 0) {
            if (!tok->byte_fallback) continue; /* just a strange piece, never decoded as a byte */
            return sea__err(err, SEA_ERR_FORMAT, "vocab piece '%s' (id %d) looks like a byte token but '%.2s' is not two hex digits",
                            quote(q, sizeof q, p, 6), id, p + 3);
        }
        /* HF's encoder looks bytes up as "<0x%02X>": only the upper-case spelling is used */
        if ((p[3] >= 'a' && p[3] <= 'f') || (p[4] >= 'a' && p[4] <= 'f')) continue;
        tok->byte_ids[hi * 16 + lo] = id;
    }
    for (uint32_t cp = 0; cp < TOK_CP_CACHE; cp++) {
        unsigned char enc[4];
        size_t n;
        if (cp < 0x80) {
            enc[0] = (unsigned char)cp;
            n = 1;
        } else {
            enc[0] = (unsigned char)(0xC0 | (cp >> 6));
            enc[1] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 2;
        }
        tok->cp_ids[cp] = sea__tok_strmap_get(&tok->vocab, tok->arena, (const char *)enc, n);
    }
    return SEA_OK;
}

/* ---- the model object ---- */
static sea_status load_model(sea_tokenizer *tok, const sea_json *model, int32_t *max_id, sea_err *err)
{
    const sea_json *type, *v;
    if (!model || model->type != SEA_JSON_OBJECT)
        return sea__err(err, SEA_ERR_FORMAT, "'model' must be an object");
    type = sea_json_get(model, "type");
    if (type && (type->type != SEA_JSON_STRING || strcmp(type->v.str.s, "BPE") != 0))
        return sea__err(err, SEA_ERR_UNSUPPORTED, "line %u: model type %s%s%s is not supported (only BPE)", type->line,
                        type->type == SEA_JSON_STRING ? "'" : "", type->type == SEA_JSON_STRING ? type->v.str.s : "(not a string)",
                        type->type == SEA_JSON_STRING ? "'" : "");
    if (!type && !sea_json_get(model, "merges"))
        return sea__err(err, SEA_ERR_UNSUPPORTED, "model has no 'type' and no 'merges': only BPE is supported");
    v = sea_json_get(model, "dropout");
    if (v && v->type != SEA_JSON_NULL) {
        double d;
        if (sea_json_as_double(&d, v, "dropout", err) != SEA_OK) return SEA_ERR_FORMAT;
        if (d != 0.0)
            return sea__err(err, SEA_ERR_UNSUPPORTED, "line %u: BPE dropout %g is not supported (random encodings)", v->line, d);
    }
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "end_of_word_suffix" : "continuing_subword_prefix";
        v = sea_json_get(model, key);
        if (v && v->type != SEA_JSON_NULL && !(v->type == SEA_JSON_STRING && v->v.str.len == 0))
            return sea__err(err, SEA_ERR_UNSUPPORTED, "line %u: BPE %s is not supported", v->line, key);
    }
    if (opt_bool(&tok->byte_fallback, model, "byte_fallback", 0, err) ||
        opt_bool(&tok->fuse_unk, model, "fuse_unk", 0, err) ||
        opt_bool(&tok->ignore_merges, model, "ignore_merges", 0, err))
        return SEA_ERR_FORMAT;
    tok->unk_id = -1;
    v = sea_json_get(model, "unk_token");
    if (v && v->type != SEA_JSON_NULL) {
        if (v->type != SEA_JSON_STRING)
            return sea__err(err, SEA_ERR_FORMAT, "line %u: unk_token must be a string or null", v->line);
        snprintf(tok->unk_name, sizeof tok->unk_name, "%s", v->v.str.s);
        tok->unk_id = -2; /* resolved after the vocab is read */
    }
    {
        sea_status st = load_vocab(tok, sea_json_get(model, "vocab"), max_id, err);
        if (st != SEA_OK) return st;
    }
    if (tok->unk_id == -2) {
        int32_t id = sea__tok_strmap_get(&tok->vocab, tok->arena, v->v.str.s, v->v.str.len);
        if (id >= 0) tok->unk_id = id;
    }
    return load_merges(tok, sea_json_get(model, "merges"), err);
}

/* ---- tokenizer_config.json ---- */
typedef struct tok_config {
    int has_add_bos, add_bos, has_add_eos, add_eos;
    int has_bos, has_eos; /* key present (value may be null) */
    const char *bos, *eos;
    size_t bos_len, eos_len;
    int llama_class; /* a transformers class that rebuilds the post-processor from the flags */
} tok_config;

static sea_status config_token(const sea_json *cfg, const char *key, int *has, const char **s, size_t *len, sea_err *err)
{
    const sea_json *v = sea_json_get(cfg, key);
    *has = v != NULL;
    *s = NULL;
    *len = 0;
    if (!v || v->type == SEA_JSON_NULL) return SEA_OK;
    if (v->type == SEA_JSON_OBJECT) v = sea_json_get(v, "content");
    if (!v || v->type != SEA_JSON_STRING)
        return sea__err(err, SEA_ERR_FORMAT, "'%s' must be a string, an object with 'content', or null", key);
    *s = v->v.str.s;
    *len = v->v.str.len;
    return SEA_OK;
}

static sea_status read_config(tok_config *c, const sea_json *cfg, sea_err *err)
{
    const sea_json *v;
    memset(c, 0, sizeof *c);
    if (!cfg) return SEA_OK;
    if (cfg->type != SEA_JSON_OBJECT) return sea__err(err, SEA_ERR_FORMAT, "the top level must be an object");
    c->has_add_bos = (v = sea_json_get(cfg, "add_bos_token")) != NULL && v->type != SEA_JSON_NULL;
    if (opt_bool(&c->add_bos, cfg, "add_bos_token", 1, err)) return SEA_ERR_FORMAT;
    c->has_add_eos = (v = sea_json_get(cfg, "add_eos_token")) != NULL && v->type != SEA_JSON_NULL;
    if (opt_bool(&c->add_eos, cfg, "add_eos_token", 0, err)) return SEA_ERR_FORMAT;
    if (config_token(cfg, "bos_token", &c->has_bos, &c->bos, &c->bos_len, err) ||
        config_token(cfg, "eos_token", &c->has_eos, &c->eos, &c->eos_len, err))
        return SEA_ERR_FORMAT;
    v = sea_json_get(cfg, "tokenizer_class");
    if (v && v->type == SEA_JSON_STRING) {
        static const char *const classes[] = {"LlamaTokenizer", "LlamaTokenizerFast", "CodeLlamaTokenizer",
                                              "CodeLlamaTokenizerFast", "GemmaTokenizer", "GemmaTokenizerFast"};
        for (size_t i = 0; i < SEA_ARRAY_LEN(classes); i++)
            if (strcmp(v->v.str.s, classes[i]) == 0) c->llama_class = 1;
    }
    return SEA_OK;
}

static int32_t first_known(const sea_tokenizer *tok, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int32_t id = sea__tok_token_to_id(tok, names[i], strlen(names[i]));
        if (id >= 0) return id;
    }
    return -1;
}

/* BOS, EOS and what add_special adds (doc/TOKENIZER.md, "Special tokens"). */
static sea_status resolve_specials(sea_tokenizer *tok, const tok_config *c, sea_err *err)
{
    static const char *const bos_names[] = {"<s>", "<|begin_of_text|>"};
    static const char *const eos_names[] = {"</s>", "<|end_of_text|>", "<|endoftext|>"};
    char q[128];
    tok->bos = tok->eos = -1;
    if (c->has_bos) {
        if (c->bos && (tok->bos = sea__tok_token_to_id(tok, c->bos, c->bos_len)) < 0)
            return sea__err(err, SEA_ERR_FORMAT, "tokenizer_config.json: bos_token '%s' is not a token",
                            quote(q, sizeof q, c->bos, c->bos_len));
    } else if (tok->n_tmpl_pre > 0) {
        tok->bos = tok->tmpl_pre[0];
    } else {
        tok->bos = first_known(tok, bos_names, SEA_ARRAY_LEN(bos_names));
    }
    if (c->has_eos) {
        if (c->eos && (tok->eos = sea__tok_token_to_id(tok, c->eos, c->eos_len)) < 0)
            return sea__err(err, SEA_ERR_FORMAT, "tokenizer_config.json: eos_token '%s' is not a token",
                            quote(q, sizeof q, c->eos, c->eos_len));
    } else {
        tok->eos = first_known(tok, eos_names, SEA_ARRAY_LEN(eos_names));
    }
    if (c->llama_class && (c->has_add_bos || c->has_add_eos)) {
        /* transformers' LlamaTokenizerFast.update_post_processor: the flags decide */
        tok->n_tmpl_pre = tok->n_tmpl_post = 0;
        if (c->add_bos) {
            if (tok->bos < 0)
                return sea__err(err, SEA_ERR_FORMAT, "tokenizer_config.json: add_bos_token is true but there is no bos_token");
            tok->tmpl_pre[tok->n_tmpl_pre++] = tok->bos;
        }
        if (c->add_eos) {
            if (tok->eos < 0)
                return sea__err(err, SEA_ERR_FORMAT, "tokenizer_config.json: add_eos_token is true but there is no eos_token");
            tok->tmpl_post[tok->n_tmpl_post++] = tok->eos;
        }
    }
    tok->add_bos = tok->n_tmpl_pre > 0 && tok->bos >= 0 && tok->tmpl_pre[0] == tok->bos;
    return SEA_OK;
}

static uint64_t make_seed(const void *addr)
{
    static unsigned counter;
    uint64_t s = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL;
    s ^= (uint64_t)(uintptr_t)addr;
    s ^= (uint64_t)clock() << 17;
    s ^= (uint64_t)(++counter) * 0xD1B54A32D192ED03ULL;
    return s;
}

static sea_status build(sea_tokenizer *tok, const sea_json *root, const sea_json *cfg_root, const char *cfg_name,
                        sea_err *err)
{
    int32_t max_id = -1;
    sea_status st;
    tok_config cfg;
    const sea_json *v;
    if (root->type != SEA_JSON_OBJECT) return sea__err(err, SEA_ERR_FORMAT, "the top level must be an object");
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "padding" : "truncation";
        v = sea_json_get(root, key);
        if (v && v->type != SEA_JSON_NULL) sea__warn("tokenizer.json: '%s' is ignored (sea never truncates or pads)", key);
    }
    if ((st = load_model(tok, sea_json_get(root, "model"), &max_id, err)) != SEA_OK) return st;
    if ((st = sea__tok_load_steps(tok, root, NULL, err)) != SEA_OK) return st;
    if ((st = load_added(tok, sea_json_get(root, "added_tokens"), &max_id, err)) != SEA_OK) return st;
    for (size_t i = 0; i < tok->n_tmpl_pre; i++) max_id = SEA_MAX(max_id, tok->tmpl_pre[i]);
    for (size_t i = 0; i < tok->n_tmpl_post; i++) max_id = SEA_MAX(max_id, tok->tmpl_post[i]);
    tok->n_ids = max_id + 1;
    if (tok->n_ids == 0) return sea__err(err, SEA_ERR_FORMAT, "the vocab is empty");
    if ((size_t)tok->n_ids > 2 * (tok->vocab.count + tok->n_added) + TOK_ID_SLACK)
        return sea__err(err, SEA_ERR_LIMIT, "token id %d is far beyond the %zu tokens defined (at most %zu)", max_id,
                        tok->vocab.count + tok->n_added, 2 * (tok->vocab.count + tok->n_added) + TOK_ID_SLACK - 1);
    tok->piece_off = sea__calloc((size_t)tok->n_ids, sizeof *tok->piece_off);
    tok->piece_len = sea__calloc((size_t)tok->n_ids, sizeof *tok->piece_len);
    tok->id_flags = sea__calloc((size_t)tok->n_ids, sizeof *tok->id_flags);
    if (!tok->piece_off || !tok->piece_len || !tok->id_flags) return sea__err_nomem(err, "id tables");
    if ((st = index_vocab(tok, err)) != SEA_OK) return st;
    if ((st = index_added(tok, err)) != SEA_OK) return st;
    if ((st = index_bytes(tok, err)) != SEA_OK) return st;
    /* tries of added tokens: raw ones match the input, normalized ones the normalized text */
    if ((st = sea__tok_trie_init(&tok->trie_raw, tok->seed, err)) != SEA_OK) return st;
    if ((st = sea__tok_trie_init(&tok->trie_norm, tok->seed ^ 0x5555, err)) != SEA_OK) return st;
    for (size_t i = 0; i < tok->n_added; i++) {
        const tok_added *a = &tok->added[i];
        if (!a->normalized) {
            st = sea__tok_trie_add(&tok->trie_raw, tok_str(tok, a->off), a->len, (int32_t)i, err);
        } else {
            sea_buf nb;
            size_t pre;
            sea__buf_init(&nb);
            int r = sea__tok_normalize(tok, tok_str(tok, a->off), a->len, &nb, &pre);
            if (r != 0) {
                sea__buf_free(&nb);
                if (r == -2)
                    return sea__err(err, SEA_ERR_UNSUPPORTED,
                                    "added token %zu: NFC normalization beyond U+02FF is not implemented", i);
                return sea__err_nomem(err, "added tokens");
            }
            st = nb.len ? sea__tok_trie_add(&tok->trie_norm, nb.data, nb.len, (int32_t)i, err) : SEA_OK;
            sea__buf_free(&nb);
        }
        if (st != SEA_OK) return st;
    }
    if ((st = read_config(&cfg, cfg_root, err)) != SEA_OK) {
        sea__err_prefix(err, "%s", cfg_name ? cfg_name : "tokenizer_config.json");
        return st;
    }
    return resolve_specials(tok, &cfg, err);
}

void sea_tokenizer_close(sea_tokenizer *tok)
{
    if (!tok) return;
    sea__tok_strmap_free(&tok->vocab);
    if (tok->merges.slots) sea__tok_pairmap_free(&tok->merges);
    if (tok->trie_raw.terminal) sea__tok_trie_free(&tok->trie_raw);
    if (tok->trie_norm.terminal) sea__tok_trie_free(&tok->trie_norm);
    sea__free(tok->arena);
    sea__free(tok->piece_off);
    sea__free(tok->piece_len);
    sea__free(tok->id_flags);
    sea__free(tok->added);
    sea__free(tok);
}

sea_status sea_tokenizer_open_mem(sea_tokenizer **out, const char *json, size_t len, const char *config_json,
                                  size_t config_len, const char *name, sea_err *err)
{
    sea_json_doc *doc = NULL, *cdoc = NULL;
    sea_tokenizer *tok;
    sea_status st;
    const char *cname = "tokenizer_config.json";
    if (!out || !json) return sea__err(err, SEA_ERR_ARG, "sea_tokenizer_open_mem: NULL argument");
    *out = NULL;
    if (!name) name = "tokenizer.json";
    if (len > TOK_MAX_JSON_BYTES)
        return sea__err(err, SEA_ERR_LIMIT, "%s: %zu bytes, larger than the limit of %zu", name, len, TOK_MAX_JSON_BYTES);
    if ((st = sea_json_parse(&doc, json, len, NULL, err)) != SEA_OK) {
        sea__err_prefix(err, "%s", name);
        return st;
    }
    if (config_json && (st = sea_json_parse(&cdoc, config_json, config_len, NULL, err)) != SEA_OK) {
        sea__err_prefix(err, "%s", cname);
        sea_json_free(doc);
        return st;
    }
    tok = sea__calloc(1, sizeof *tok);
    if (!tok) {
        sea_json_free(doc);
        sea_json_free(cdoc);
        sea__err_nomem(err, "tokenizer");
        sea__err_prefix(err, "%s", name);
        return SEA_ERR_NOMEM;
    }
    tok->seed = make_seed(tok);
    st = build(tok, sea_json_root(doc), cdoc ? sea_json_root(cdoc) : NULL, cname, err);
    sea_json_free(doc);
    sea_json_free(cdoc);
    if (st != SEA_OK) {
        if (!err || strncmp(err->msg, cname, strlen(cname)) != 0) sea__err_prefix(err, "%s", name);
        sea_tokenizer_close(tok);
        return st;
    }
    *out = tok;
    return SEA_OK;
}

sea_status sea_tokenizer_open_file(sea_tokenizer **out, const char *path, const char *config_path, sea_err *err)
{
    char *text = NULL, *ctext = NULL;
    size_t len = 0, clen = 0;
    sea_status st;
    if (!out || !path) return sea__err(err, SEA_ERR_ARG, "sea_tokenizer_open_file: NULL argument");
    *out = NULL;
    if ((st = sea__read_file(&text, &len, path, TOK_MAX_JSON_BYTES, err)) != SEA_OK) return st;
    if (config_path && (st = sea__read_file(&ctext, &clen, config_path, TOK_MAX_CONFIG_BYTES, err)) != SEA_OK) {
        sea__free(text);
        return st;
    }
    st = sea_tokenizer_open_mem(out, text, len, ctext, clen, path, err);
    if (st != SEA_OK && config_path && err && strncmp(err->msg, "tokenizer_config.json", 21) == 0) {
        /* name the real path of the config file */
        sea_err e2 = *err;
        sea__err(err, st, "%s%s", config_path, e2.msg + 21);
    }
    sea__free(text);
    sea__free(ctext);
    return st;
}

sea_status sea_tokenizer_open(sea_tokenizer **out, const char *dir, sea_err *err)
{
    char *path, *cpath;
    sea_status st;
    if (!out || !dir) return sea__err(err, SEA_ERR_ARG, "sea_tokenizer_open: NULL argument");
    if (sea__tok_path_is_file(dir)) return sea__tokenizer_open_gguf(out, dir, err); /* a GGUF model file */
    path = sea__path_join(dir, "tokenizer.json");
    cpath = sea__path_join(dir, "tokenizer_config.json");
    if (!path || !cpath) {
        sea__free(path);
        sea__free(cpath);
        return sea__err_nomem(err, "path");
    }
    st = sea_tokenizer_open_file(out, path, sea__file_exists(cpath) ? cpath : NULL, err);
    sea__free(path);
    sea__free(cpath);
    return st;
}
