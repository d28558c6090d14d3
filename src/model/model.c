/* src/model/model.c: opening a model directory: config, checkpoint, and every weight checked
 * for presence, dtype and shape against the config before anything runs. Weights stay in the
 * mapping; only norm vectors are converted to f32, and tensors whose data is not aligned to
 * their element size (files written before 2023) are copied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"
#include "sea/gguf.h"

/* The checkpoint file a missing tensor should have been in, for messages: model.safetensors,
 * or the index of a sharded checkpoint (the same choice sea_st_dir_open makes). */
static void checkpoint_name(char *buf, size_t cap, const char *dir)
{
    size_t n = strlen(dir);
    const char *sep = n && dir[n - 1] == '/' ? "" : "/";
    snprintf(buf, cap, "%s%smodel.safetensors", dir, sep);
    if (!sea__file_exists(buf)) snprintf(buf, cap, "%s%smodel.safetensors.index.json", dir, sep);
}

static sea_status need(const sea_st_tensor **out, sea_model *m, const char *name, int rank,
                       uint64_t d0, uint64_t d1, sea_err *err)
{
    const sea_st_tensor *t = sea_st_dir_find(m->st, name);
    const char *cfgname = "config.json";
    if (!t) {
        char file[4096];
        checkpoint_name(file, sizeof file, m->dir);
        return sea__err(err, SEA_ERR_FORMAT, "%s: checkpoint has no tensor '%s'", file, name);
    }
    if (t->rank != rank || t->shape[0] != d0 || (rank == 2 && t->shape[1] != d1)) {
        char got[96];
        if (t->rank == 2)
            snprintf(got, sizeof got, "[%llu, %llu]", (unsigned long long)t->shape[0], (unsigned long long)t->shape[1]);
        else if (t->rank == 1)
            snprintf(got, sizeof got, "[%llu]", (unsigned long long)t->shape[0]);
        else
            snprintf(got, sizeof got, "rank %d", t->rank);
        if (rank == 2)
            return sea__err(err, SEA_ERR_FORMAT, "%s: tensor '%s' has shape %s, but %s implies [%llu, %llu]",
                            sea_st_dir_file_of(m->st, t), name, got, cfgname, (unsigned long long)d0,
                            (unsigned long long)d1);
        return sea__err(err, SEA_ERR_FORMAT, "%s: tensor '%s' has shape %s, but %s implies [%llu]",
                        sea_st_dir_file_of(m->st, t), name, got, cfgname, (unsigned long long)d0);
    }
    if (t->dtype != SEA_DTYPE_F32 && t->dtype != SEA_DTYPE_F16 && t->dtype != SEA_DTYPE_BF16)
        return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: tensor '%s' has dtype %s (F32, F16 and BF16 are supported)",
                        sea_st_dir_file_of(m->st, t), name, t->dtype_name ? t->dtype_name : "?");
    *out = t;
    m->n_params += t->n_elements;
    m->weight_bytes += t->nbytes;
    return SEA_OK;
}

/* Weight matrix view of a tensor; copies the data into an owned buffer when it is misaligned
 * or the model is loaded in copy mode. */
static sea_status as_mat(sea_mat *w, sea_model *m, const sea_st_tensor *t, sea_err *err)
{
    size_t es = sea_dtype_size(t->dtype);
    w->dtype = t->dtype;
    w->rows = (int)t->shape[0];
    w->cols = (int)t->shape[1];
    w->data = t->data;
    if ((uintptr_t)t->data % es != 0 || m->load == SEA_LOAD_COPY) {
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
        w->data = copy;
    }
    return SEA_OK;
}

static sea_status mat(sea_mat *w, sea_model *m, const char *name, uint64_t rows, uint64_t cols,
                      sea_err *err)
{
    const sea_st_tensor *t;
    sea_status st = need(&t, m, name, 2, rows, cols, err);
    return st != SEA_OK ? st : as_mat(w, m, t, err);
}

/* A norm vector of n elements: checked now, read by read_norms once every tensor is known. */
static sea_status vec(sea_model *m, const char *name, uint64_t n, sea_err *err)
{
    const sea_st_tensor *t;
    return need(&t, m, name, 1, n, 0, err);
}

/* The checkpoint names of a layer's norm vectors, in the order of the norms table rows:
 * input, pre-MLP, then (post_norms) post-attention and post-MLP. */
static int norm_names(const sea_llama_config *c, const char *names[4])
{
    names[0] = "input_layernorm.weight";
    if (!c->post_norms) {
        names[1] = "post_attention_layernorm.weight";
        return 2;
    }
    names[1] = "pre_feedforward_layernorm.weight";
    names[2] = "post_attention_layernorm.weight";
    names[3] = "post_feedforward_layernorm.weight";
    return 4;
}

static const char *const bias_names[3] = {"self_attn.q_proj.bias", "self_attn.k_proj.bias", "self_attn.v_proj.bias"};

/* Copy every norm vector (already checked by vec) into one float table [npl·n_layer + 1, d],
 * and every bias vector into another. They are allocated only here, after the checks, so that
 * a config cannot make the loader ask for more memory than the checkpoint backs (up to 4 GB
 * for 512 layers of width 2^20). Families with (1 + w) norms store 1 + w, in float32 as
 * Hugging Face's `1.0 + weight.float()`. */
static sea_status read_norms(sea_model *m, sea_err *err)
{
    const sea_llama_config *c = &m->cfg;
    const char *names[4];
    int npl = norm_names(c, names);
    size_t n_norm = (size_t)(npl * c->n_layer + 1) * (size_t)c->d; /* bounded: 2049 x 2^20 floats */
    char name[128];
    sea_status st = SEA_OK;
    m->norms = sea__malloc_array(n_norm, sizeof(float));
    if (!m->norms) return sea__err_nomem(err, "the model tables");
    m->final_norm = m->norms + (size_t)npl * (size_t)c->n_layer * (size_t)c->d;
    st = sea_st_read_f32(m->final_norm, sea_st_dir_find(m->st, "model.norm.weight"), err);
    for (int l = 0; st == SEA_OK && l < c->n_layer; l++) {
        sea_layer_weights *L = &m->layers[l];
        float **dst[4] = {&L->attn_norm, &L->ffn_norm, &L->attn_post_norm, &L->ffn_post_norm};
        for (int k = 0; st == SEA_OK && k < npl; k++) {
            *dst[k] = m->norms + (size_t)(npl * l + k) * (size_t)c->d;
            snprintf(name, sizeof name, "model.layers.%d.%s", l, names[k]);
            st = sea_st_read_f32(*dst[k], sea_st_dir_find(m->st, name), err);
        }
    }
    if (st == SEA_OK && c->norm_one_plus)
        for (size_t i = 0; i < n_norm; i++) m->norms[i] = 1.0f + m->norms[i];
    if (st == SEA_OK && c->qkv_bias) {
        size_t q = (size_t)c->n_head * (size_t)c->head_dim, kv = (size_t)c->n_kv_head * (size_t)c->head_dim;
        size_t per = q + 2 * kv; /* bounded: 3 x 2^20 */
        m->biases = sea__malloc_array(per * (size_t)c->n_layer, sizeof(float));
        if (!m->biases) return sea__err_nomem(err, "the model's bias vectors");
        for (int l = 0; st == SEA_OK && l < c->n_layer; l++) {
            sea_layer_weights *L = &m->layers[l];
            float **dst[3] = {&L->bq, &L->bk, &L->bv};
            size_t off[3] = {0, q, q + kv};
            for (int k = 0; st == SEA_OK && k < 3; k++) {
                *dst[k] = m->biases + per * (size_t)l + off[k];
                snprintf(name, sizeof name, "model.layers.%d.%s", l, bias_names[k]);
                st = sea_st_read_f32(*dst[k], sea_st_dir_find(m->st, name), err);
            }
        }
    }
    return st;
}

/* Every tensor of the checkpoint must be one the architecture uses (or a known leftover). */
static sea_status check_extras(const sea_model *m, sea_err *err)
{
    const sea_llama_config *c = &m->cfg;
    const sea_family_info *fam = sea_family_get(c->family);
    static const char *const layer_names[] = {
        "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
        "self_attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight",
        "mlp.down_proj.weight", "input_layernorm.weight", "post_attention_layernorm.weight",
        "self_attn.rotary_emb.inv_freq" /* written by old transformers versions; unused */};
    static const char *const post_names[] = {"pre_feedforward_layernorm.weight", "post_feedforward_layernorm.weight"};
    for (size_t i = 0; i < sea_st_dir_count(m->st); i++) {
        const sea_st_tensor *t = sea_st_dir_at(m->st, i);
        const char *n = t->name;
        int ok = 0;
        if (strcmp(n, "model.embed_tokens.weight") == 0 || strcmp(n, "model.norm.weight") == 0)
            ok = 1;
        else if (strcmp(n, "lm_head.weight") == 0) {
            if (fam->tied_only)
                return sea__err(err, SEA_ERR_FORMAT, "%s: tensor 'lm_head.weight' is not expected: %s ties lm_head to the embedding",
                                sea_st_dir_file_of(m->st, t), fam->architecture);
            ok = 1;
        } else if (strncmp(n, "model.layers.", 13) == 0) {
            const char *p = n + 13;
            long l = 0;
            int digits = 0;
            while (*p >= '0' && *p <= '9' && digits < 6) l = l * 10 + (*p++ - '0'), digits++;
            if (digits && *p == '.' && !(digits > 1 && n[13] == '0')) {
                if (l >= c->n_layer)
                    return sea__err(err, SEA_ERR_FORMAT, "%s: tensor '%s' is for layer %ld, but config.json has %d layers",
                                    sea_st_dir_file_of(m->st, t), n, l, c->n_layer);
                for (size_t k = 0; k < SEA_ARRAY_LEN(layer_names); k++)
                    if (strcmp(p + 1, layer_names[k]) == 0) ok = 1;
                for (size_t k = 0; c->post_norms && k < SEA_ARRAY_LEN(post_names); k++)
                    if (strcmp(p + 1, post_names[k]) == 0) ok = 1;
                for (size_t k = 0; c->qkv_bias && k < SEA_ARRAY_LEN(bias_names); k++)
                    if (strcmp(p + 1, bias_names[k]) == 0) ok = 1;
            }
        }
        if (!ok)
            return sea__err(err, SEA_ERR_FORMAT, "%s: unexpected tensor '%s' for a %s model",
                            sea_st_dir_file_of(m->st, t), n, fam->name);
    }
    return SEA_OK;
}

void sea_model_close(sea_model *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n_owned; i++) sea__free(m->owned[i]);
    sea__free(m->owned);
    sea__free(m->layers);
    sea__free(m->norms);
    sea__free(m->biases);
    sea__free(m->rope_inv_freq);
    sea_st_dir_close(m->st);
    sea_gguf_close(m->gguf);
    sea__free(m->dir);
    sea__free(m);
}

sea_model_params sea_model_default_params(void)
{
    sea_model_params p;
    p.load = SEA_LOAD_MMAP;
    return p;
}

sea_status sea_model_open(sea_model **out, const char *dir, sea_err *err)
{
    sea_model_params p = sea_model_default_params();
    return sea_model_open_ex(out, dir, &p, err);
}

sea_status sea_model_open_ex(sea_model **out, const char *dir, const sea_model_params *pp, sea_err *err)
{
    sea_model *m;
    sea_status st;
    const sea_llama_config *c;
    char name[4096];
    uint64_t q_out, kv_out;
    *out = NULL;
#ifdef SEA_BIG_ENDIAN
    return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: big-endian hosts are not supported (tensor data is little-endian)", dir);
#endif
    m = sea__calloc(1, sizeof *m);
    if (!m || !(m->dir = sea__strdup(dir))) {
        sea__free(m);
        return sea__err_nomem(err, "a model");
    }
    m->load = pp ? pp->load : SEA_LOAD_MMAP;
    if (m->load != SEA_LOAD_MMAP && m->load != SEA_LOAD_COPY) {
        sea_model_close(m);
        return sea__err(err, SEA_ERR_ARG, "unknown load mode %d", (int)pp->load);
    }
    if (sea__model_path_is_file(dir)) { /* a GGUF file (load_gguf.c) */
        if ((st = sea__model_load_gguf(m, dir, err)) != SEA_OK) goto fail;
        *out = m;
        return SEA_OK;
    }
    if ((st = sea_config_load(&m->cfg, dir, err)) != SEA_OK) goto fail;
    if ((st = sea_st_dir_open(&m->st, dir, err)) != SEA_OK) goto fail;
    c = &m->cfg;
    if ((st = check_extras(m, err)) != SEA_OK) goto fail;
    q_out = (uint64_t)c->n_head * (uint64_t)c->head_dim;
    kv_out = (uint64_t)c->n_kv_head * (uint64_t)c->head_dim;
    m->layers = sea__calloc((size_t)c->n_layer, sizeof *m->layers);
    m->rope_inv_freq = sea__malloc_array((size_t)c->head_dim / 2, sizeof(float));
    if (!m->layers || !m->rope_inv_freq) {
        st = sea__err_nomem(err, "the model tables");
        goto fail;
    }
    if ((st = mat(&m->embed, m, "model.embed_tokens.weight", (uint64_t)c->n_vocab, (uint64_t)c->d, err)) != SEA_OK)
        goto fail;
    if (c->tie_embeddings) {
        m->lm_head = m->embed;
        if (sea_st_dir_find(m->st, "lm_head.weight"))
            sea__warn("%s: tie_word_embeddings is true; lm_head.weight is ignored (as Hugging Face does)", dir);
    } else if (!sea_st_dir_find(m->st, "lm_head.weight")) {
        checkpoint_name(name, sizeof name, dir);
        st = sea__err(err, SEA_ERR_FORMAT, "%s: no tensor 'lm_head.weight' and tie_word_embeddings is false", name);
        goto fail;
    } else if ((st = mat(&m->lm_head, m, "lm_head.weight", (uint64_t)c->n_vocab, (uint64_t)c->d, err)) != SEA_OK) {
        goto fail;
    }
    if ((st = vec(m, "model.norm.weight", (uint64_t)c->d, err)) != SEA_OK) goto fail;
    for (int l = 0; l < c->n_layer; l++) {
        sea_layer_weights *L = &m->layers[l];
        struct {
            sea_mat *w;
            const char *suffix;
            uint64_t rows, cols;
        } mats[] = {
            {&L->wq, "self_attn.q_proj.weight", q_out, (uint64_t)c->d},
            {&L->wk, "self_attn.k_proj.weight", kv_out, (uint64_t)c->d},
            {&L->wv, "self_attn.v_proj.weight", kv_out, (uint64_t)c->d},
            {&L->wo, "self_attn.o_proj.weight", (uint64_t)c->d, q_out},
            {&L->w_gate, "mlp.gate_proj.weight", (uint64_t)c->d_ff, (uint64_t)c->d},
            {&L->w_up, "mlp.up_proj.weight", (uint64_t)c->d_ff, (uint64_t)c->d},
            {&L->w_down, "mlp.down_proj.weight", (uint64_t)c->d, (uint64_t)c->d_ff},
        };
        for (size_t k = 0; k < SEA_ARRAY_LEN(mats); k++) {
            snprintf(name, sizeof name, "model.layers.%d.%s", l, mats[k].suffix);
            if ((st = mat(mats[k].w, m, name, mats[k].rows, mats[k].cols, err)) != SEA_OK) goto fail;
        }
        {
            const char *names[4];
            int npl = norm_names(c, names);
            for (int k = 0; k < npl; k++) {
                snprintf(name, sizeof name, "model.layers.%d.%s", l, names[k]);
                if ((st = vec(m, name, (uint64_t)c->d, err)) != SEA_OK) goto fail;
            }
        }
        for (int k = 0; c->qkv_bias && k < 3; k++) {
            snprintf(name, sizeof name, "model.layers.%d.%s", l, bias_names[k]);
            if ((st = vec(m, name, k ? kv_out : q_out, err)) != SEA_OK) goto fail;
        }
    }
    if ((st = read_norms(m, err)) != SEA_OK) goto fail;
    m->dtype = m->layers[0].w_up.dtype;
    sea_config_rope_inv_freq(c, m->rope_inv_freq);
    *out = m;
    return SEA_OK;
fail:
    sea_model_close(m);
    return st;
}

const sea_llama_config *sea_model_config(const sea_model *m) { return &m->cfg; }
const char *sea_model_dir(const sea_model *m) { return m->dir; }
uint64_t sea_model_n_params(const sea_model *m) { return m->n_params; }
uint64_t sea_model_weight_bytes(const sea_model *m) { return m->weight_bytes; }
sea_dtype sea_model_dtype(const sea_model *m) { return m->dtype; }
sea_load sea_model_load_mode(const sea_model *m) { return m->load; }
