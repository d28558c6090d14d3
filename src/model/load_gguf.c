/* src/model/load_gguf.c: a model from one GGUF file (`-m FILE.gguf`): the configuration from
 * the file's metadata ({arch}.block_count, {arch}.rope.freq_base, ...), every weight checked
 * for presence, type and shape, matrices used in place in the mapping (block-quantized ones
 * stay quantized; copied only when misaligned or in copy mode), norms converted to f32.
 * GGUF stores the Q and K rows of llama-family models permuted for interleaved RoPE; the
 * model rotates interleaved pairs instead of undoing the permutation (no copy). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kernels/quant.h"
#include "model/model_internal.h"
#include "sea/gguf.h"

int sea__model_path_is_file(const char *path)
{
    struct stat s;
    return path && stat(path, &s) == 0 && S_ISREG(s.st_mode);
}

static sea_status get_int(const sea_gguf *g, const char *arch, const char *key, int *out, int def, long lo, long hi,
                          sea_err *err)
{
    char k[160];
    uint64_t v;
    snprintf(k, sizeof k, "%s.%s", arch, key);
    if (!sea_gguf_find_kv(g, k)) {
        if (def < 0) return sea__err(err, SEA_ERR_FORMAT, "%s: metadata '%s' is missing", sea_gguf_path(g), k);
        *out = def;
        return SEA_OK;
    }
    sea_status st = sea_gguf_get_u64(g, k, &v, err);
    if (st != SEA_OK) return st;
    if (v < (uint64_t)lo || v > (uint64_t)hi)
        return sea__err(err, SEA_ERR_FORMAT, "%s: metadata '%s' is %llu (allowed %ld to %ld)", sea_gguf_path(g), k,
                        (unsigned long long)v, lo, hi);
    *out = (int)v;
    return SEA_OK;
}

static sea_status get_f(const sea_gguf *g, const char *arch, const char *key, double *out, double def, sea_err *err)
{
    char k[160];
    snprintf(k, sizeof k, "%s.%s", arch, key);
    if (!sea_gguf_find_kv(g, k)) {
        *out = def;
        return SEA_OK;
    }
    return sea_gguf_get_f64(g, k, out, err);
}

static sea_status config_from(sea_llama_config *c, const sea_gguf *g, sea_err *err)
{
    sea_gguf_str a;
    char arch[32];
    double eps, theta;
    sea_status st;
    const char *path = sea_gguf_path(g);
    memset(c, 0, sizeof *c);
    if ((st = sea_gguf_get_str(g, "general.architecture", &a, err)) != SEA_OK) return st;
    if (!((a.len == 5 && memcmp(a.s, "llama", 5) == 0) || (a.len == 7 && memcmp(a.s, "mistral", 7) == 0)))
        return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: architecture '%.*s' is not supported (llama, mistral)", path,
                        (int)(a.len > 40 ? 40 : a.len), a.s);
    memcpy(arch, a.s, (size_t)a.len);
    arch[a.len] = 0;
    const sea_gguf_kv *toks = sea_gguf_find_kv(g, "tokenizer.ggml.tokens");
    int vocab_def = toks && toks->type == SEA_GGUF_ARRAY && toks->n <= SEA_MAX_VOCAB ? (int)toks->n : -1;
    if ((st = get_int(g, arch, "embedding_length", &c->d, -1, 2, SEA_MAX_WIDTH, err)) ||
        (st = get_int(g, arch, "feed_forward_length", &c->d_ff, -1, 1, SEA_MAX_WIDTH, err)) ||
        (st = get_int(g, arch, "block_count", &c->n_layer, -1, 1, SEA_MAX_LAYERS, err)) ||
        (st = get_int(g, arch, "attention.head_count", &c->n_head, -1, 1, 65536, err)) ||
        (st = get_int(g, arch, "attention.head_count_kv", &c->n_kv_head, c->n_head, 1, 65536, err)) ||
        (st = get_int(g, arch, "vocab_size", &c->n_vocab, vocab_def, 1, SEA_MAX_VOCAB, err)) ||
        (st = get_int(g, arch, "context_length", &c->max_pos, 2048, 1, 1 << 24, err)))
        return st;
    if (c->d % c->n_head) return sea__err(err, SEA_ERR_FORMAT, "%s: embedding_length %d is not a multiple of head_count %d", path, c->d, c->n_head);
    if ((st = get_int(g, arch, "attention.key_length", &c->head_dim, c->d / c->n_head, 2, 65536, err))) return st;
    int vd;
    if ((st = get_int(g, arch, "attention.value_length", &vd, c->head_dim, 2, 65536, err))) return st;
    if (vd != c->head_dim) return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: key and value lengths differ (%d, %d)", path, c->head_dim, vd);
    if (c->head_dim % 2) return sea__err(err, SEA_ERR_FORMAT, "%s: head dimension %d must be even (RoPE rotates pairs)", path, c->head_dim);
    if ((uint64_t)c->n_head * (uint64_t)c->head_dim > SEA_MAX_WIDTH)
        return sea__err(err, SEA_ERR_FORMAT, "%s: head_count x key_length is too large", path);
    if (c->n_kv_head > c->n_head || c->n_head % c->n_kv_head)
        return sea__err(err, SEA_ERR_FORMAT, "%s: head_count %d is not a multiple of head_count_kv %d", path, c->n_head, c->n_kv_head);
    int rd;
    if ((st = get_int(g, arch, "rope.dimension_count", &rd, c->head_dim, 1, 65536, err))) return st;
    if (rd != c->head_dim) return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: partial RoPE (%d of %d dimensions) is not supported", path, rd, c->head_dim);
    /* the family row (norm flavour, activation, attention scale ...) once the head size is known */
    if ((st = sea_config_set_family(c, strcmp(arch, "mistral") == 0 ? SEA_FAMILY_MISTRAL : SEA_FAMILY_LLAMA, err)) != SEA_OK)
        return st;
    if ((st = get_f(g, arch, "attention.layer_norm_rms_epsilon", &eps, 1e-5, err)) ||
        (st = get_f(g, arch, "rope.freq_base", &theta, 10000.0, err)))
        return st;
    if (!(eps > 0 && eps < 1)) return sea__err(err, SEA_ERR_FORMAT, "%s: RMS norm epsilon %g is out of range", path, eps);
    if (!(theta > 1 && theta < 1e12)) return sea__err(err, SEA_ERR_FORMAT, "%s: rope.freq_base %g is out of range", path, theta);
    c->rms_eps = (float)eps;
    c->rope_theta = theta;
    c->rope_type = SEA_ROPE_DEFAULT;
    {
        char k[160];
        sea_gguf_str rt;
        snprintf(k, sizeof k, "%s.rope.scaling.type", arch);
        if (sea_gguf_find_kv(g, k)) {
            if ((st = sea_gguf_get_str(g, k, &rt, err))) return st;
            if (rt.len == 6 && memcmp(rt.s, "linear", 6) == 0) {
                c->rope_type = SEA_ROPE_LINEAR;
                if ((st = get_f(g, arch, "rope.scaling.factor", &c->rope_factor, 1.0, err))) return st;
                if (!(c->rope_factor >= 1 && c->rope_factor < 1e6))
                    return sea__err(err, SEA_ERR_FORMAT, "%s: rope.scaling.factor %g is out of range", path, c->rope_factor);
            } else if (!(rt.len == 4 && memcmp(rt.s, "none", 4) == 0)) {
                return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: RoPE scaling '%.*s' is not supported", path, (int)(rt.len > 20 ? 20 : rt.len), rt.s);
            }
        }
    }
    if (sea_gguf_find_tensor(g, "rope_freqs.weight"))
        return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: per-frequency RoPE factors (rope_freqs.weight) are not supported", path);
    uint64_t id;
    c->bos_id = -1;
    if (sea_gguf_find_kv(g, "tokenizer.ggml.bos_token_id")) {
        if ((st = sea_gguf_get_u64(g, "tokenizer.ggml.bos_token_id", &id, err))) return st;
        if (id < (uint64_t)c->n_vocab) c->bos_id = (int)id;
    }
    if (sea_gguf_find_kv(g, "tokenizer.ggml.eos_token_id")) {
        if ((st = sea_gguf_get_u64(g, "tokenizer.ggml.eos_token_id", &id, err))) return st;
        if (id < (uint64_t)c->n_vocab) c->eos_ids[c->n_eos++] = (int)id;
    }
    c->tie_embeddings = sea_gguf_find_tensor(g, "output.weight") == NULL;
    return SEA_OK;
}

/* aligned view or owned copy of a tensor's bytes */
static sea_status bytes_of(const void **out, sea_model *m, const sea_gguf_tensor *t, size_t align, sea_err *err)
{
    *out = t->data;
    if ((uintptr_t)t->data % align == 0 && m->load != SEA_LOAD_COPY) return SEA_OK;
    void *copy = sea__malloc_big((size_t)t->nbytes, 1), **owned;
    if (!copy) return sea__err_nomem(err, "an aligned copy of a weight");
    memcpy(copy, t->data, (size_t)t->nbytes);
    owned = sea__realloc(m->owned, (m->n_owned + 1) * sizeof *owned);
    if (!owned) {
        sea__free(copy);
        return sea__err_nomem(err, "an aligned copy of a weight");
    }
    m->owned = owned;
    m->owned[m->n_owned++] = copy;
    *out = copy;
    return SEA_OK;
}

static sea_status find(const sea_gguf_tensor **out, sea_model *m, const char *name, int rank, uint64_t ne0, uint64_t ne1,
                       sea_err *err)
{
    const sea_gguf_tensor *t = sea_gguf_find_tensor(m->gguf, name);
    const char *path = sea_gguf_path(m->gguf);
    if (!t) return sea__err(err, SEA_ERR_FORMAT, "%s: no tensor '%s'", path, name);
    if (t->rank > rank || t->ne[0] != ne0 || t->ne[1] != (rank == 2 ? ne1 : 1) || t->ne[2] != 1 || t->ne[3] != 1)
        return sea__err(err, SEA_ERR_FORMAT, "%s: tensor '%s' has shape [%llu, %llu], but the metadata implies [%llu, %llu]", path, name,
                        (unsigned long long)t->ne[0], (unsigned long long)t->ne[1], (unsigned long long)ne0,
                        (unsigned long long)(rank == 2 ? ne1 : 1));
    if (t->dtype == SEA_DTYPE_COUNT)
        return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: tensor '%s' has type %u (sea reads F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)",
                        path, name, t->ggml_type);
    m->n_params += t->ne[0] * t->ne[1];
    m->weight_bytes += t->nbytes;
    *out = t;
    return SEA_OK;
}

/* matrix [rows, cols]: GGUF dims are (cols, rows) */
static sea_status gmat(sea_mat *w, sea_model *m, const char *name, uint64_t rows, uint64_t cols, sea_err *err)
{
    const sea_gguf_tensor *t;
    sea_status st = find(&t, m, name, 2, cols, rows, err);
    if (st != SEA_OK) return st;
    w->dtype = t->dtype;
    w->rows = (int)rows;
    w->cols = (int)cols;
    return bytes_of(&w->data, m, t, t->dtype == SEA_DTYPE_F32 ? 4 : 2, err);
}

static sea_status gnorm(float *dst, sea_model *m, const char *name, uint64_t n, sea_err *err)
{
    const sea_gguf_tensor *t;
    sea_status st = find(&t, m, name, 1, n, 1, err);
    if (st != SEA_OK) return st;
    if (sea_dtype_block(t->dtype)) {
        sea__dequantize(t->dtype, dst, t->data, (size_t)n);
    } else {
        float buf[64];
        size_t es = sea_dtype_size(t->dtype);
        for (size_t i = 0; i < n; i += 64) { /* unaligned-safe */
            size_t k = SEA_MIN((size_t)64, (size_t)n - i);
            unsigned char raw[64 * 4];
            memcpy(raw, (const unsigned char *)t->data + i * es, k * es);
            sea__to_f32(buf, raw, t->dtype, k);
            memcpy(dst + i, buf, k * sizeof(float));
        }
    }
    return SEA_OK;
}

static sea_status check_extras(const sea_model *m, sea_err *err)
{
    static const char *const names[] = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down", "attn_norm", "ffn_norm"};
    for (size_t i = 0; i < sea_gguf_tensor_count(m->gguf); i++) {
        const char *n = sea_gguf_tensor_at(m->gguf, i)->name;
        int ok = strcmp(n, "token_embd.weight") == 0 || strcmp(n, "output_norm.weight") == 0 || strcmp(n, "output.weight") == 0;
        long l = -1;
        char rest[64];
        if (!ok && sscanf(n, "blk.%ld.%60[a-z_].weight", &l, rest) == 2 && l >= 0) {
            char back[96];
            snprintf(back, sizeof back, "blk.%ld.%s.weight", l, rest);
            if (strcmp(back, n) == 0 && l < m->cfg.n_layer)
                for (size_t k = 0; k < SEA_ARRAY_LEN(names); k++) ok |= strcmp(rest, names[k]) == 0;
        }
        if (!ok) return sea__err(err, SEA_ERR_FORMAT, "%s: unexpected tensor '%s' for a llama model", sea_gguf_path(m->gguf), n);
    }
    return SEA_OK;
}

sea_status sea__model_load_gguf(sea_model *m, const char *path, sea_err *err)
{
    sea_status st;
    char name[96];
    if ((st = sea_gguf_open(&m->gguf, path, err)) != SEA_OK) return st;
    if ((st = config_from(&m->cfg, m->gguf, err)) != SEA_OK) return st;
    const sea_llama_config *c = &m->cfg;
    if ((st = check_extras(m, err)) != SEA_OK) return st;
    uint64_t q_out = (uint64_t)c->n_head * (uint64_t)c->head_dim, kv_out = (uint64_t)c->n_kv_head * (uint64_t)c->head_dim;
    m->rope_interleaved = 1;
    m->layers = sea__calloc((size_t)c->n_layer, sizeof *m->layers);
    m->rope_inv_freq = sea__malloc_array((size_t)c->head_dim / 2, sizeof(float));
    if (!m->layers || !m->rope_inv_freq) return sea__err_nomem(err, "the model tables");
    if ((st = gmat(&m->embed, m, "token_embd.weight", (uint64_t)c->n_vocab, (uint64_t)c->d, err)) != SEA_OK) return st;
    if (c->tie_embeddings) m->lm_head = m->embed;
    else if ((st = gmat(&m->lm_head, m, "output.weight", (uint64_t)c->n_vocab, (uint64_t)c->d, err)) != SEA_OK) return st;
    for (int l = 0; l < c->n_layer; l++) {
        sea_layer_weights *L = &m->layers[l];
        struct {
            sea_mat *w;
            const char *role;
            uint64_t rows, cols;
        } mats[] = {
            {&L->wq, "attn_q", q_out, (uint64_t)c->d},          {&L->wk, "attn_k", kv_out, (uint64_t)c->d},
            {&L->wv, "attn_v", kv_out, (uint64_t)c->d},         {&L->wo, "attn_output", (uint64_t)c->d, q_out},
            {&L->w_gate, "ffn_gate", (uint64_t)c->d_ff, (uint64_t)c->d}, {&L->w_up, "ffn_up", (uint64_t)c->d_ff, (uint64_t)c->d},
            {&L->w_down, "ffn_down", (uint64_t)c->d, (uint64_t)c->d_ff},
        };
        for (size_t k = 0; k < SEA_ARRAY_LEN(mats); k++) {
            snprintf(name, sizeof name, "blk.%d.%s.weight", l, mats[k].role);
            if ((st = gmat(mats[k].w, m, name, mats[k].rows, mats[k].cols, err)) != SEA_OK) return st;
        }
    }
    /* norms last, once every shape has been checked against the file (bounded allocation) */
    size_t n_norm = (size_t)(2 * c->n_layer + 1) * (size_t)c->d;
    m->norms = sea__malloc_array(n_norm, sizeof(float));
    if (!m->norms) return sea__err_nomem(err, "the model tables");
    m->final_norm = m->norms + (size_t)2 * (size_t)c->n_layer * (size_t)c->d;
    if ((st = gnorm(m->final_norm, m, "output_norm.weight", (uint64_t)c->d, err)) != SEA_OK) return st;
    for (int l = 0; l < c->n_layer; l++) {
        sea_layer_weights *L = &m->layers[l];
        L->attn_norm = m->norms + (size_t)(2 * l) * (size_t)c->d;
        L->ffn_norm = m->norms + (size_t)(2 * l + 1) * (size_t)c->d;
        snprintf(name, sizeof name, "blk.%d.attn_norm.weight", l);
        if ((st = gnorm(L->attn_norm, m, name, (uint64_t)c->d, err)) != SEA_OK) return st;
        snprintf(name, sizeof name, "blk.%d.ffn_norm.weight", l);
        if ((st = gnorm(L->ffn_norm, m, name, (uint64_t)c->d, err)) != SEA_OK) return st;
    }
    m->dtype = m->layers[0].w_up.dtype;
    sea_config_rope_inv_freq(c, m->rope_inv_freq);
    return SEA_OK;
}
