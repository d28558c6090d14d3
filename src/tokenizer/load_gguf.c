/* src/tokenizer/load_gguf.c: the tokenizer of a GGUF model file (sea_tokenizer_open on a
 * file instead of a directory). A file written by `sea quantize` carries the original
 * tokenizer.json (tokenizer.huggingface.json) and tokenizer_config.json, which are used as
 * they are. Otherwise the tokenizer is rebuilt from tokenizer.ggml.*: for the SentencePiece-
 * style "llama" vocabulary, a byte-fallback BPE with the "▁" normalizer, its merges taken from
 * tokenizer.ggml.merges when present, else derived from the scores (every split of a token
 * into two vocabulary pieces, higher-scored results first, as the Hugging Face converter
 * does); control and user-defined tokens become added tokens. Other vocabularies ("gpt2"
 * byte-level BPE) are refused for now with a clear message. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/internal.h"
#include "sea/gguf.h"
#include "sea/tokenizer.h"
#include "tokenizer/tok_internal.h"

int sea__tok_path_is_file(const char *path)
{
    struct stat s;
    return path && stat(path, &s) == 0 && S_ISREG(s.st_mode);
}

typedef struct cand {
    float score;
    int32_t left, right, tok;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->left != y->left) return x->left < y->left ? -1 : 1;
    return x->right < y->right ? -1 : x->right > y->right;
}

/* id of a piece, by linear probing in a small open-addressing table over the vocabulary */
typedef struct vtab {
    int32_t *slot;
    size_t cap;
    const sea_gguf_str *s;
} vtab;

static uint64_t hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static int32_t vt_get(const vtab *t, const char *p, size_t n)
{
    for (size_t i = hash(p, n) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        int32_t id = t->slot[i];
        if (id < 0) return -1;
        if (t->s[id].len == n && memcmp(t->s[id].s, p, n) == 0) return id;
    }
}

static int utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

static sea_status synth_llama(sea_buf *b, const sea_gguf *g, const sea_gguf_kv *toks, sea_err *err)
{
    const char *path = sea_gguf_path(g);
    const sea_gguf_kv *scores = sea_gguf_find_kv(g, "tokenizer.ggml.scores"), *types = sea_gguf_find_kv(g, "tokenizer.ggml.token_type");
    const sea_gguf_kv *merges = sea_gguf_find_kv(g, "tokenizer.ggml.merges");
    uint64_t n = toks->n, unk = 0;
    vtab vt = {0};
    cand *cs = NULL;
    size_t nc = 0, capc = 0;
    sea_status st = SEA_OK;
    if ((scores && (scores->type != SEA_GGUF_ARRAY || scores->n != n)) || (types && (types->type != SEA_GGUF_ARRAY || types->n != n)))
        return sea__err(err, SEA_ERR_FORMAT, "%s: tokenizer.ggml.scores or token_type does not match the %llu tokens", path, (unsigned long long)n);
    if (merges && (merges->type != SEA_GGUF_ARRAY || merges->elem != SEA_GGUF_STRING))
        return sea__err(err, SEA_ERR_FORMAT, "%s: tokenizer.ggml.merges is not an array of strings", path);
    if (sea_gguf_find_kv(g, "tokenizer.ggml.unknown_token_id") && sea_gguf_get_u64(g, "tokenizer.ggml.unknown_token_id", &unk, err) != SEA_OK)
        return SEA_ERR_FORMAT;
    if (unk >= n) unk = 0;
    sea__buf_puts(b, "{\"version\":\"1.0\",\"added_tokens\":[");
    int first = 1;
    for (uint64_t i = 0; i < n; i++) {
        int64_t ty = types ? sea_gguf_arr_i64(types, i) : 1;
        if (ty != 2 && ty != 3 && ty != 4) continue;
        sea__buf_printf(b, "%s{\"id\":%llu,\"content\":", first ? "" : ",", (unsigned long long)i);
        sea__buf_json_string(b, toks->strs[i].s, (size_t)toks->strs[i].len);
        sea__buf_printf(b, ",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":%s}",
                        ty == 4 ? "false" : "true");
        first = 0;
    }
    sea__buf_puts(b, "],\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\",\"prepend\":\"\xe2\x96\x81\"},"
                     "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\xe2\x96\x81\"}]},\"pre_tokenizer\":null,"
                     "\"post_processor\":null,\"decoder\":{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":"
                     "{\"String\":\"\xe2\x96\x81\"},\"content\":\" \"},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"},"
                     "{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}]},\"model\":{\"type\":\"BPE\",\"dropout\":null,"
                     "\"unk_token\":");
    sea__buf_json_string(b, toks->strs[unk].s, (size_t)toks->strs[unk].len);
    sea__buf_puts(b, ",\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,\"fuse_unk\":true,\"byte_fallback\":true,\"vocab\":{");
    for (uint64_t i = 0; i < n; i++) {
        if (i) sea__buf_putc(b, ',');
        sea__buf_json_string(b, toks->strs[i].s, (size_t)toks->strs[i].len);
        sea__buf_printf(b, ":%llu", (unsigned long long)i);
    }
    sea__buf_puts(b, "},\"merges\":[");
    if (merges) {
        for (uint64_t i = 0; i < merges->n; i++) {
            if (i) sea__buf_putc(b, ',');
            sea__buf_json_string(b, merges->strs[i].s, (size_t)merges->strs[i].len);
        }
    } else {
        /* derive the merges from the scores */
        vt.cap = 16;
        while (vt.cap < 2 * n) vt.cap *= 2;
        vt.slot = sea__malloc_array(vt.cap, sizeof *vt.slot);
        if (!vt.slot) return sea__err_nomem(err, "a vocabulary table");
        vt.s = toks->strs;
        memset(vt.slot, 0xff, vt.cap * sizeof *vt.slot);
        for (uint64_t i = 0; i < n; i++) {
            size_t k = hash(toks->strs[i].s, (size_t)toks->strs[i].len) & (vt.cap - 1);
            if (vt_get(&vt, toks->strs[i].s, (size_t)toks->strs[i].len) >= 0) continue; /* first id wins */
            while (vt.slot[k] >= 0) k = (k + 1) & (vt.cap - 1);
            vt.slot[k] = (int32_t)i;
        }
        for (uint64_t i = 0; i < n && st == SEA_OK; i++) {
            int64_t ty = types ? sea_gguf_arr_i64(types, i) : 1;
            const sea_gguf_str *s = &toks->strs[i];
            if (ty != 1 || s->len < 2) continue;
            for (size_t cut = (size_t)utf8_len((unsigned char)s->s[0]); cut < s->len; cut += (size_t)utf8_len((unsigned char)s->s[cut])) {
                int32_t l = vt_get(&vt, s->s, cut), r = vt_get(&vt, s->s + cut, (size_t)s->len - cut);
                if (l < 0 || r < 0) continue;
                if (nc == capc) {
                    size_t nc2 = capc ? 2 * capc : 1024;
                    cand *c2 = sea__realloc(cs, nc2 * sizeof *c2);
                    if (!c2) {
                        st = sea__err_nomem(err, "merges");
                        break;
                    }
                    cs = c2, capc = nc2;
                }
                cs[nc].score = scores ? (float)sea_gguf_arr_f64(scores, i) : 0.0f;
                cs[nc].left = l, cs[nc].right = r, cs[nc].tok = (int32_t)i;
                nc++;
            }
        }
        if (st == SEA_OK) {
            qsort(cs, nc, sizeof *cs, cmp_cand);
            for (size_t i = 0; i < nc; i++) {
                const sea_gguf_str *l = &toks->strs[cs[i].left], *r = &toks->strs[cs[i].right];
                sea__buf_puts(b, i ? ",[" : "[");
                sea__buf_json_string(b, l->s, (size_t)l->len);
                sea__buf_putc(b, ',');
                sea__buf_json_string(b, r->s, (size_t)r->len);
                sea__buf_putc(b, ']');
            }
        }
        sea__free(vt.slot);
        sea__free(cs);
    }
    sea__buf_puts(b, "]}}");
    return st;
}

sea_status sea__tokenizer_open_gguf(sea_tokenizer **out, const char *path, sea_err *err)
{
    sea_gguf *g;
    sea_status st;
    sea_buf b, cb;
    *out = NULL;
    if ((st = sea_gguf_open(&g, path, err)) != SEA_OK) return st;
    sea__buf_init(&b);
    sea__buf_init(&cb);
    const sea_gguf_kv *hf = sea_gguf_find_kv(g, "tokenizer.huggingface.json");
    const sea_gguf_kv *hc = sea_gguf_find_kv(g, "sea.tokenizer_config.json");
    if (hf && hf->type == SEA_GGUF_STRING) {
        st = sea_tokenizer_open_mem(out, hf->str.s, (size_t)hf->str.len, hc && hc->type == SEA_GGUF_STRING ? hc->str.s : NULL,
                                    hc && hc->type == SEA_GGUF_STRING ? (size_t)hc->str.len : 0, path, err);
        goto done;
    }
    const sea_gguf_kv *toks = sea_gguf_find_kv(g, "tokenizer.ggml.tokens");
    sea_gguf_str model;
    if (!toks || toks->type != SEA_GGUF_ARRAY || toks->elem != SEA_GGUF_STRING || toks->n == 0) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: no tokenizer.ggml.tokens array", path);
        goto done;
    }
    if ((st = sea_gguf_get_str(g, "tokenizer.ggml.model", &model, err)) != SEA_OK) goto done;
    if (!(model.len == 5 && memcmp(model.s, "llama", 5) == 0)) {
        st = sea__err(err, SEA_ERR_UNSUPPORTED, "%s: tokenizer model '%.*s' is not supported yet (\"llama\" is)", path,
                      (int)(model.len > 20 ? 20 : model.len), model.s);
        goto done;
    }
    if ((st = synth_llama(&b, g, toks, err)) != SEA_OK) goto done;
    {
        /* tokenizer_config.json: add_bos/add_eos and the special tokens by content */
        uint64_t id;
        const sea_gguf_kv *ab = sea_gguf_find_kv(g, "tokenizer.ggml.add_bos_token"), *ae = sea_gguf_find_kv(g, "tokenizer.ggml.add_eos_token");
        sea__buf_printf(&cb, "{\"tokenizer_class\":\"LlamaTokenizerFast\",\"add_bos_token\":%s,\"add_eos_token\":%s", ab && ab->type == SEA_GGUF_BOOL && !ab->v.u ? "false" : "true",
                        ae && ae->type == SEA_GGUF_BOOL && ae->v.u ? "true" : "false");
        if (sea_gguf_find_kv(g, "tokenizer.ggml.bos_token_id") && sea_gguf_get_u64(g, "tokenizer.ggml.bos_token_id", &id, err) == SEA_OK &&
            id < toks->n) {
            sea__buf_puts(&cb, ",\"bos_token\":");
            sea__buf_json_string(&cb, toks->strs[id].s, (size_t)toks->strs[id].len);
        }
        if (sea_gguf_find_kv(g, "tokenizer.ggml.eos_token_id") && sea_gguf_get_u64(g, "tokenizer.ggml.eos_token_id", &id, err) == SEA_OK &&
            id < toks->n) {
            sea__buf_puts(&cb, ",\"eos_token\":");
            sea__buf_json_string(&cb, toks->strs[id].s, (size_t)toks->strs[id].len);
        }
        sea__buf_putc(&cb, '}');
    }
    if (b.failed || cb.failed) {
        st = sea__err_nomem(err, "a tokenizer");
        goto done;
    }
    st = sea_tokenizer_open_mem(out, b.data, b.len, cb.data, cb.len, path, err);
done:
    sea__buf_free(&b);
    sea__buf_free(&cb);
    sea_gguf_close(g);
    return st;
}
