/* src/model/gguf_convert.c: a Hugging Face Llama directory to one GGUF file (`sea quantize`).
 *
 * Tensors get the format's llama names (blk.N.attn_q.weight, ...); the rows of the Q and K
 * projections are permuted within each head from the rotate-half layout to interleaved pairs
 * (row 2i+j of a head is row j*head_dim/2 + i of the original), the RoPE layout GGUF readers
 * expect for llama; sea undoes nothing at load time: it rotates interleaved pairs instead.
 * Which tensor gets which type is in doc/FORMATS.md. Metadata: general.*, llama.* hyper-
 * parameters, the tokenizer as tokenizer.ggml.* (tokens, scores, types, merges, special ids)
 * plus the original tokenizer.json and tokenizer_config.json verbatim (sea loads those for
 * exact token ids), and the chat template. The file is written atomically. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "sea/gguf.h"
#include "sea/json.h"
#include "sea/model.h"
#include "sea/safetensors.h"

typedef enum ftype { FT_F32, FT_BF16, FT_Q8_0, FT_Q4_0, FT_Q4_K_M } ftype;

/* the format's file-type numbers (general.file_type) */
static uint32_t ftype_code(ftype f)
{
    switch (f) {
    case FT_F32: return 0;
    case FT_BF16: return 32;
    case FT_Q8_0: return 7;
    case FT_Q4_0: return 2;
    default: return 15; /* Q4_K_M */
    }
}

/* The layers that get more bits in a Q4_K_M file: the first and last eighth and every third
 * layer in between (the rule of the format's own quantizer). */
static int more_bits(int l, int n)
{
    return l < n / 8 || l >= 7 * n / 8 || (l - n / 8) % 3 == 2;
}

/* Type of a matrix with `cols` columns: the file type's choice, with a fallback when the row
 * is not whole blocks (K types to Q8_0, Q8_0/Q4_0 to F32). */
static sea_dtype pick(ftype f, const char *role, int layer, int n_layer, uint64_t cols)
{
    sea_dtype t;
    switch (f) {
    case FT_F32: return SEA_DTYPE_F32;
    case FT_BF16: return SEA_DTYPE_BF16;
    case FT_Q8_0: t = SEA_DTYPE_Q8_0; break;
    case FT_Q4_0: t = strcmp(role, "output") == 0 ? SEA_DTYPE_Q6_K : SEA_DTYPE_Q4_0; break;
    default:
        if (strcmp(role, "output") == 0) t = SEA_DTYPE_Q6_K;
        else if ((strcmp(role, "attn_v") == 0 || strcmp(role, "ffn_down") == 0) && more_bits(layer, n_layer)) t = SEA_DTYPE_Q6_K;
        else t = SEA_DTYPE_Q4_K;
        break;
    }
    if (cols % (uint64_t)sea_dtype_block(t)) t = sea_dtype_block(t) == 256 && cols % 32 == 0 ? SEA_DTYPE_Q8_0 : SEA_DTYPE_F32;
    if (cols % (uint64_t)sea_dtype_block(t) && sea_dtype_block(t)) t = SEA_DTYPE_F32;
    return t;
}

/* rows of a head: rotate-half order to interleaved pairs */
static void permute_heads(float *dst, const float *src, int n_head, int head_dim, size_t cols)
{
    int half = head_dim / 2;
    for (int h = 0; h < n_head; h++)
        for (int i = 0; i < half; i++)
            for (int j = 0; j < 2; j++)
                memcpy(dst + ((size_t)h * head_dim + 2 * i + j) * cols, src + ((size_t)h * head_dim + j * half + i) * cols,
                       cols * sizeof(float));
}

static sea_status add_tensor(sea_gguf_writer *w, const sea_st_dir *st, const char *hf, const char *name, sea_dtype t,
                             int permute_heads_n, int head_dim, int is_vec, sea_err *err)
{
    const sea_st_tensor *src = sea_st_dir_find(st, hf);
    sea_status s;
    if (!src) return sea__err(err, SEA_ERR_FORMAT, "checkpoint has no tensor '%s'", hf);
    uint64_t rows = is_vec ? 1 : src->shape[0], cols = is_vec ? src->shape[0] : src->shape[1];
    size_t n = (size_t)src->n_elements, bytes;
    float *f = sea__malloc_big(n, sizeof(float)), *g = NULL;
    if (!f) return sea__err_nomem(err, "a tensor being converted");
    if ((s = sea_st_read_f32(f, src, err)) != SEA_OK) goto out;
    if (permute_heads_n) {
        if (!(g = sea__malloc_big(n, sizeof(float)))) {
            s = sea__err_nomem(err, "a tensor being converted");
            goto out;
        }
        permute_heads(g, f, permute_heads_n, head_dim, (size_t)cols);
        sea__free(f);
        f = g, g = NULL;
    }
    if (t == SEA_DTYPE_F32) {
        bytes = n * 4;
        g = f, f = NULL;
    } else if (t == SEA_DTYPE_BF16) {
        uint16_t *h = sea__malloc_big(n, 2);
        if (!h) {
            s = sea__err_nomem(err, "a tensor being converted");
            goto out;
        }
        for (size_t i = 0; i < n; i++) h[i] = sea_f32_to_bf16(f[i]);
        bytes = n * 2;
        g = (float *)(void *)h;
    } else {
        bytes = n / (size_t)sea_dtype_block(t) * sea_dtype_block_bytes(t);
        if (!(g = sea__malloc_big(bytes, 1))) {
            s = sea__err_nomem(err, "a tensor being converted");
            goto out;
        }
        if ((s = sea_quantize(t, g, f, n, err)) != SEA_OK) goto out;
    }
    s = is_vec ? sea_gguf_add_vector(w, name, t, cols, g, bytes, err) : sea_gguf_add_tensor(w, name, t, rows, cols, g, bytes, err);
out:
    sea__free(f);
    sea__free(g);
    return s;
}

/* ---- tokenizer ---- */

typedef struct tokv {
    const char **s;
    size_t *len;
    int32_t *type;
    float *score;
    int32_t n;
} tokv;

static int starts_byte_token(const char *s, size_t n)
{
    return n == 6 && s[0] == '<' && s[1] == '0' && s[2] == 'x' && s[5] == '>';
}

/* Does the normalizer or pre-tokenizer (recursively) hold a node of this type? */
static int has_type(const sea_json *v, const char *type)
{
    if (!v) return 0;
    if (v->type == SEA_JSON_OBJECT) {
        const sea_json *t = sea_json_get(v, "type");
        if (t && t->type == SEA_JSON_STRING && strcmp(t->v.str.s, type) == 0) return 1;
        for (size_t i = 0; i < v->v.obj.n; i++)
            if (has_type(&v->v.obj.members[i].value, type)) return 1;
    } else if (v->type == SEA_JSON_ARRAY) {
        for (size_t i = 0; i < v->v.arr.n; i++)
            if (has_type(&v->v.arr.items[i], type)) return 1;
    }
    return 0;
}

static sea_status put_tokenizer(sea_gguf_writer *w, const char *dir, const sea_llama_config *cfg, sea_err *err)
{
    char *path = sea__path_join(dir, "tokenizer.json"), *cpath = sea__path_join(dir, "tokenizer_config.json");
    char *text = NULL, *ctext = NULL;
    size_t len = 0, clen = 0;
    sea_json_doc *doc = NULL, *cdoc = NULL;
    sea_status s;
    tokv tv = {0};
    const char **ms = NULL;
    size_t *ml = NULL;
    char *mbuf = NULL;
    if (!path || !cpath) {
        s = sea__err_nomem(err, "a path");
        goto out;
    }
    if ((s = sea__read_file(&text, &len, path, (size_t)1 << 30, err)) != SEA_OK) goto out;
    if ((s = sea_json_parse(&doc, text, len, NULL, err)) != SEA_OK) {
        sea__err_prefix(err, "%s", path);
        goto out;
    }
    if (sea__file_exists(cpath)) {
        if ((s = sea__read_file(&ctext, &clen, cpath, (size_t)1 << 24, err)) != SEA_OK) goto out;
        if ((s = sea_json_parse(&cdoc, ctext, clen, NULL, err)) != SEA_OK) {
            sea__err_prefix(err, "%s", cpath);
            goto out;
        }
    }
    const sea_json *root = sea_json_root(doc), *model = sea_json_get(root, "model");
    const sea_json *vocab = sea_json_get(model, "vocab"), *merges = sea_json_get(model, "merges");
    const sea_json *mtype = sea_json_get(model, "type");
    if (!vocab || vocab->type != SEA_JSON_OBJECT || !mtype || mtype->type != SEA_JSON_STRING || strcmp(mtype->v.str.s, "BPE") != 0) {
        s = sea__err(err, SEA_ERR_UNSUPPORTED, "%s: only BPE tokenizers (with a vocab object) can be converted", path);
        goto out;
    }
    int spm = has_type(sea_json_get(root, "normalizer"), "Prepend") || has_type(sea_json_get(root, "pre_tokenizer"), "Metaspace");
    int32_t n = cfg->n_vocab;
    tv.s = sea__calloc((size_t)n, sizeof *tv.s);
    tv.len = sea__calloc((size_t)n, sizeof *tv.len);
    tv.type = sea__calloc((size_t)n, sizeof *tv.type);
    tv.score = sea__calloc((size_t)n, sizeof *tv.score);
    if (!tv.s || !tv.len || !tv.type || !tv.score) {
        s = sea__err_nomem(err, "a vocabulary");
        goto out;
    }
    for (size_t i = 0; i < vocab->v.obj.n; i++) {
        const sea_json_member *m = &vocab->v.obj.members[i];
        int64_t id;
        if ((s = sea_json_as_i64(&id, &m->value, "a vocab id", err)) != SEA_OK) goto out;
        if (id < 0 || id >= n) {
            s = sea__err(err, SEA_ERR_FORMAT, "%s: token id %lld is outside the model's vocabulary of %d", path, (long long)id, n);
            goto out;
        }
        tv.s[id] = m->key, tv.len[id] = m->key_len, tv.type[id] = 1;
        tv.score[id] = m->key_len <= 4 ? 0.0f : -1e6f; /* refined below from the merges */
        if (spm && starts_byte_token(m->key, m->key_len)) tv.type[id] = 6;
    }
    const sea_json *added = sea_json_get(root, "added_tokens");
    for (size_t i = 0; added && added->type == SEA_JSON_ARRAY && i < added->v.arr.n; i++) {
        const sea_json *a = &added->v.arr.items[i], *id = sea_json_get(a, "id"), *c = sea_json_get(a, "content"), *sp = sea_json_get(a, "special");
        if (!id || id->type != SEA_JSON_NUMBER || !c || c->type != SEA_JSON_STRING || id->v.num.d < 0 || id->v.num.d >= n) continue;
        int32_t k = (int32_t)id->v.num.d;
        tv.s[k] = c->v.str.s, tv.len[k] = c->v.str.len;
        tv.type[k] = sp && sp->type == SEA_JSON_TRUE ? 3 : 4;
        tv.score[k] = 0;
    }
    const sea_json *unk = sea_json_get(model, "unk_token");
    static const char *const unused = "[PAD]";
    for (int32_t i = 0; i < n; i++)
        if (!tv.s[i]) tv.s[i] = unused, tv.len[i] = 5, tv.type[i] = 5;
    /* merges: "a b" strings; a merged token's score is minus its merge rank */
    size_t nm = merges && merges->type == SEA_JSON_ARRAY ? merges->v.arr.n : 0, total = 0;
    ms = sea__calloc(nm + 1, sizeof *ms);
    ml = sea__calloc(nm + 1, sizeof *ml);
    if (!ms || !ml) {
        s = sea__err_nomem(err, "merges");
        goto out;
    }
    for (size_t i = 0; i < nm; i++) {
        const sea_json *m = &merges->v.arr.items[i];
        if (m->type == SEA_JSON_STRING) total += m->v.str.len + 1;
        else if (m->type == SEA_JSON_ARRAY && m->v.arr.n == 2 && m->v.arr.items[0].type == SEA_JSON_STRING && m->v.arr.items[1].type == SEA_JSON_STRING)
            total += m->v.arr.items[0].v.str.len + m->v.arr.items[1].v.str.len + 2;
        else {
            s = sea__err(err, SEA_ERR_FORMAT, "%s: merge %zu is neither \"a b\" nor [\"a\", \"b\"]", path, i);
            goto out;
        }
    }
    mbuf = sea__malloc(total + 1);
    if (!mbuf) {
        s = sea__err_nomem(err, "merges");
        goto out;
    }
    {
        char *p = mbuf;
        for (size_t i = 0; i < nm; i++) {
            const sea_json *m = &merges->v.arr.items[i];
            ms[i] = p;
            if (m->type == SEA_JSON_STRING) {
                memcpy(p, m->v.str.s, m->v.str.len);
                p += m->v.str.len;
            } else {
                const sea_json *a = &m->v.arr.items[0], *b = &m->v.arr.items[1];
                memcpy(p, a->v.str.s, a->v.str.len);
                p += a->v.str.len;
                *p++ = ' ';
                memcpy(p, b->v.str.s, b->v.str.len);
                p += b->v.str.len;
            }
            ml[i] = (size_t)(p - ms[i]);
            *p++ = 0;
        }
        /* score of the token each merge makes (the first merge that makes it) */
        const sea_json *vv = vocab;
        for (size_t i = 0; i < nm; i++) {
            char tmp[1024];
            size_t k = 0;
            for (size_t j = 0; j < ml[i] && k < sizeof tmp - 1; j++)
                if (ms[i][j] != ' ' || j == 0) tmp[k++] = ms[i][j];
            tmp[k] = 0;
            /* merges hold exactly one separating space (the pieces never contain one) */
            const sea_json *idv = sea_json_get(vv, tmp);
            if (idv && idv->type == SEA_JSON_NUMBER && idv->v.num.d >= 0 && idv->v.num.d < n) {
                int32_t id = (int32_t)idv->v.num.d;
                if (tv.score[id] <= -1e6f || tv.score[id] == 0.0f) tv.score[id] = -(float)(i + 1);
            }
        }
    }
    if ((s = sea_gguf_put_str(w, "tokenizer.ggml.model", spm ? "llama" : "gpt2", spm ? 5 : 4, err)) != SEA_OK) goto out;
    if (!spm && (s = sea_gguf_put_str(w, "tokenizer.ggml.pre", "default", 7, err)) != SEA_OK) goto out;
    if ((s = sea_gguf_put_arr_str(w, "tokenizer.ggml.tokens", tv.s, tv.len, (uint64_t)n, err)) != SEA_OK) goto out;
    if ((s = sea_gguf_put_arr(w, "tokenizer.ggml.scores", SEA_GGUF_F32, tv.score, (uint64_t)n, err)) != SEA_OK) goto out;
    if ((s = sea_gguf_put_arr(w, "tokenizer.ggml.token_type", SEA_GGUF_I32, tv.type, (uint64_t)n, err)) != SEA_OK) goto out;
    if (nm && (s = sea_gguf_put_arr_str(w, "tokenizer.ggml.merges", ms, ml, (uint64_t)nm, err)) != SEA_OK) goto out;
    if (cfg->bos_id >= 0 && (s = sea_gguf_put_u32(w, "tokenizer.ggml.bos_token_id", (uint32_t)cfg->bos_id, err)) != SEA_OK) goto out;
    if (cfg->n_eos > 0 && (s = sea_gguf_put_u32(w, "tokenizer.ggml.eos_token_id", (uint32_t)cfg->eos_ids[0], err)) != SEA_OK) goto out;
    if (unk && unk->type == SEA_JSON_STRING) {
        const sea_json *uid = sea_json_get(vocab, unk->v.str.s);
        if (uid && uid->type == SEA_JSON_NUMBER && (s = sea_gguf_put_u32(w, "tokenizer.ggml.unknown_token_id", (uint32_t)uid->v.num.d, err)) != SEA_OK)
            goto out;
    }
    {
        int add_bos = spm, add_eos = 0;
        const sea_json *b = cdoc ? sea_json_get(sea_json_root(cdoc), "add_bos_token") : NULL;
        const sea_json *e = cdoc ? sea_json_get(sea_json_root(cdoc), "add_eos_token") : NULL;
        const sea_json *ct = cdoc ? sea_json_get(sea_json_root(cdoc), "chat_template") : NULL;
        if (b && (b->type == SEA_JSON_TRUE || b->type == SEA_JSON_FALSE)) add_bos = b->type == SEA_JSON_TRUE;
        if (e && (e->type == SEA_JSON_TRUE || e->type == SEA_JSON_FALSE)) add_eos = e->type == SEA_JSON_TRUE;
        if ((s = sea_gguf_put_bool(w, "tokenizer.ggml.add_bos_token", add_bos, err)) != SEA_OK) goto out;
        if ((s = sea_gguf_put_bool(w, "tokenizer.ggml.add_eos_token", add_eos, err)) != SEA_OK) goto out;
        if (ct && ct->type == SEA_JSON_STRING && (s = sea_gguf_put_str(w, "tokenizer.chat_template", ct->v.str.s, ct->v.str.len, err)) != SEA_OK)
            goto out;
    }
    if ((s = sea_gguf_put_str(w, "tokenizer.huggingface.json", text, len, err)) != SEA_OK) goto out;
    if (ctext && (s = sea_gguf_put_str(w, "sea.tokenizer_config.json", ctext, clen, err)) != SEA_OK) goto out;
out:
    sea__free(tv.s);
    sea__free(tv.len);
    sea__free(tv.type);
    sea__free(tv.score);
    sea__free(ms);
    sea__free(ml);
    sea__free(mbuf);
    sea_json_free(doc);
    sea_json_free(cdoc);
    sea__free(text);
    sea__free(ctext);
    sea__free(path);
    sea__free(cpath);
    return s;
}

sea_status sea_gguf_convert(const char *dir, const char *type_name, const char *out_path, sea_err *err)
{
    static const struct {
        const char *name;
        ftype f;
    } types[] = {{"f32", FT_F32}, {"bf16", FT_BF16}, {"q8_0", FT_Q8_0}, {"q4_0", FT_Q4_0}, {"q4_k_m", FT_Q4_K_M}};
    ftype f = FT_F32;
    int found = 0;
    sea_llama_config cfg;
    sea_st_dir *st = NULL;
    sea_gguf_writer *w = NULL;
    sea_status s;
    char name[128], hf[160];
    for (size_t i = 0; i < SEA_ARRAY_LEN(types); i++)
        if (type_name && strcmp(type_name, types[i].name) == 0) f = types[i].f, found = 1;
    if (!found) return sea__err(err, SEA_ERR_ARG, "unknown type '%s' (q8_0, q4_0, q4_k_m, bf16 or f32)", type_name ? type_name : "");
    if ((s = sea_config_load(&cfg, dir, err)) != SEA_OK) return s;
    if (cfg.rope_type == SEA_ROPE_LLAMA3)
        return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: llama3 RoPE scaling cannot be written to GGUF yet", dir);
    if (cfg.sliding_window > 0)
        return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: sliding-window attention cannot be written to GGUF yet", dir);
    if ((s = sea_st_dir_open(&st, dir, err)) != SEA_OK) return s;
    if ((s = sea_gguf_writer_new(&w, err)) != SEA_OK) goto out;
    {
        const char *base = sea__basename(dir);
        size_t bl = strlen(base);
        while (bl > 1 && base[bl - 1] == '/') bl--;
        if ((s = sea_gguf_put_str(w, "general.architecture", "llama", 5, err)) != SEA_OK) goto out;
        if ((s = sea_gguf_put_str(w, "general.name", base, bl, err)) != SEA_OK) goto out;
        if ((s = sea_gguf_put_u32(w, "general.file_type", ftype_code(f), err)) != SEA_OK) goto out;
        if (f != FT_F32 && f != FT_BF16 && (s = sea_gguf_put_u32(w, "general.quantization_version", 2, err)) != SEA_OK) goto out;
    }
    struct {
        const char *key;
        uint32_t v;
    } u[] = {{"llama.context_length", (uint32_t)cfg.max_pos},     {"llama.embedding_length", (uint32_t)cfg.d},
             {"llama.block_count", (uint32_t)cfg.n_layer},        {"llama.feed_forward_length", (uint32_t)cfg.d_ff},
             {"llama.attention.head_count", (uint32_t)cfg.n_head}, {"llama.attention.head_count_kv", (uint32_t)cfg.n_kv_head},
             {"llama.attention.key_length", (uint32_t)cfg.head_dim}, {"llama.attention.value_length", (uint32_t)cfg.head_dim},
             {"llama.rope.dimension_count", (uint32_t)cfg.head_dim}, {"llama.vocab_size", (uint32_t)cfg.n_vocab}};
    for (size_t i = 0; i < SEA_ARRAY_LEN(u); i++)
        if ((s = sea_gguf_put_u32(w, u[i].key, u[i].v, err)) != SEA_OK) goto out;
    if ((s = sea_gguf_put_f32(w, "llama.attention.layer_norm_rms_epsilon", cfg.rms_eps, err)) != SEA_OK) goto out;
    if ((s = sea_gguf_put_f32(w, "llama.rope.freq_base", (float)cfg.rope_theta, err)) != SEA_OK) goto out;
    if (cfg.rope_type == SEA_ROPE_LINEAR) {
        if ((s = sea_gguf_put_str(w, "llama.rope.scaling.type", "linear", 6, err)) != SEA_OK) goto out;
        if ((s = sea_gguf_put_f32(w, "llama.rope.scaling.factor", (float)cfg.rope_factor, err)) != SEA_OK) goto out;
    }
    if ((s = put_tokenizer(w, dir, &cfg, err)) != SEA_OK) goto out;
    if ((s = add_tensor(w, st, "model.embed_tokens.weight", "token_embd.weight", pick(f, "token_embd", 0, cfg.n_layer, (uint64_t)cfg.d), 0, 0, 0, err)) != SEA_OK) goto out;
    if ((s = add_tensor(w, st, "model.norm.weight", "output_norm.weight", SEA_DTYPE_F32, 0, 0, 1, err)) != SEA_OK) goto out;
    if (!cfg.tie_embeddings &&
        (s = add_tensor(w, st, "lm_head.weight", "output.weight", pick(f, "output", 0, cfg.n_layer, (uint64_t)cfg.d), 0, 0, 0, err)) != SEA_OK)
        goto out;
    for (int l = 0; l < cfg.n_layer; l++) {
        static const struct {
            const char *hf, *gg;
            int kind; /* 0 matrix, 1 q, 2 k, 3 norm */
        } map[] = {{"self_attn.q_proj.weight", "attn_q", 1},     {"self_attn.k_proj.weight", "attn_k", 2},
                   {"self_attn.v_proj.weight", "attn_v", 0},     {"self_attn.o_proj.weight", "attn_output", 0},
                   {"mlp.gate_proj.weight", "ffn_gate", 0},      {"mlp.up_proj.weight", "ffn_up", 0},
                   {"mlp.down_proj.weight", "ffn_down", 0},      {"input_layernorm.weight", "attn_norm", 3},
                   {"post_attention_layernorm.weight", "ffn_norm", 3}};
        for (size_t k = 0; k < SEA_ARRAY_LEN(map); k++) {
            snprintf(hf, sizeof hf, "model.layers.%d.%s", l, map[k].hf);
            snprintf(name, sizeof name, "blk.%d.%s.weight", l, map[k].gg);
            const sea_st_tensor *t = sea_st_dir_find(st, hf);
            uint64_t cols = t && t->rank == 2 ? t->shape[1] : 0;
            sea_dtype dt = map[k].kind == 3 ? SEA_DTYPE_F32 : pick(f, map[k].gg, l, cfg.n_layer, cols);
            int heads = map[k].kind == 1 ? cfg.n_head : map[k].kind == 2 ? cfg.n_kv_head : 0;
            if ((s = add_tensor(w, st, hf, name, dt, heads, cfg.head_dim, map[k].kind == 3, err)) != SEA_OK) goto out;
        }
    }
    s = sea_gguf_write(w, out_path, err);
out:
    sea_gguf_writer_free(w);
    sea_st_dir_close(st);
    return s;
}
