/* src/model/model_internal.h: the model's weights and the inference context's state, shared by
 * the loader, the forward pass and the generation loop (not installed). */
#ifndef SEA_MODEL_INTERNAL_H
#define SEA_MODEL_INTERNAL_H

#include "core/internal.h"
#include "kernels/matmul.h"
#include "sea/model.h"
#include "sea/safetensors.h"

typedef struct sea_layer_weights {
    sea_mat wq;     /* [n_head * head_dim, d] */
    sea_mat wk;     /* [n_kv_head * head_dim, d] */
    sea_mat wv;     /* [n_kv_head * head_dim, d] */
    sea_mat wo;     /* [d, n_head * head_dim] */
    sea_mat w_gate; /* [d_ff, d] */
    sea_mat w_up;   /* [d_ff, d] */
    sea_mat w_down; /* [d, d_ff] */
    /* norm vectors in f32, already 1 + w for the families that scale by (1 + w) */
    float *attn_norm;      /* [d] input_layernorm */
    float *ffn_norm;       /* [d] before the MLP: post_attention_layernorm, Gemma 2 pre_feedforward_layernorm */
    float *attn_post_norm; /* [d] Gemma 2 post_attention_layernorm (on the attention output); else NULL */
    float *ffn_post_norm;  /* [d] Gemma 2 post_feedforward_layernorm; else NULL */
    float *bq, *bk, *bv;   /* Qwen2 q/k/v biases [n_head * head_dim], [kvdim], [kvdim] (f32); else NULL */
} sea_layer_weights;

struct sea_model {
    char *dir;
    sea_llama_config cfg;
    sea_st_dir *st;
    sea_mat embed;            /* [n_vocab, d] */
    sea_mat lm_head;          /* [n_vocab, d] (the embedding when tied) */
    float *final_norm;        /* [d] */
    sea_layer_weights *layers;/* [n_layer] */
    float *rope_inv_freq;     /* [head_dim / 2] */
    float *norms;             /* one block holding every norm vector */
    float *biases;            /* one block holding every bias vector (NULL without biases) */
    void **owned;             /* aligned copies of misaligned tensors */
    size_t n_owned;
    uint64_t n_params, weight_bytes;
    sea_dtype dtype;
    sea_load load;
    struct sea_gguf *gguf;    /* set when opened from a GGUF file (load_gguf.c); st is NULL then */
    int rope_interleaved;     /* RoPE on pairs (2i, 2i+1), GGUF's llama layout of Q and K rows */
};

/* load_gguf.c: true for an existing regular file (a GGUF model, not a directory) */
int sea__model_path_is_file(const char *path);
/* Fill m (load mode set) from the GGUF file at path. m is closed by the caller on failure. */
sea_status sea__model_load_gguf(sea_model *m, const char *path, sea_err *err);

typedef struct ctx_hook {
    sea_hook_fn fn;
    void *user;
    unsigned mask;
} ctx_hook;

struct sea_ctx {
    const sea_model *m;
    int n_ctx, n_batch, n_threads, n_past;
    float *k_cache, *v_cache; /* [n_layer, n_ctx, n_kv_head * head_dim] */
    /* scratch for one call of up to n_batch rows */
    float *x;     /* [n_batch, d] residual stream */
    float *xb;    /* [n_batch, d] normed input / block output */
    float *q;     /* [n_batch, n_head * head_dim] */
    float *kv;    /* [n_batch, 2 * n_kv_head * head_dim] new K and V rows */
    float *att;   /* [n_batch, n_head * head_dim] attention output before o_proj */
    float *h1;    /* [n_batch, d_ff] gate */
    float *h2;    /* [n_batch, d_ff] up */
    float *scores;/* [n_threads, n_ctx] attention probabilities */
    float *logits;/* [logits_rows, n_vocab], grown on demand */
    int logits_rows;
    float *cos_t, *sin_t; /* [n_ctx, head_dim / 2] RoPE tables */
    /* recompute support: residual stream at the input of keep_layer for every position */
    int keep_layer;        /* -1 if none */
    float *kept;           /* [n_ctx, d] */
    ctx_hook hooks[SEA_MAX_HOOKS];
    int n_hooks;
    char hook_msg[SEA_ERR_MSG_MAX]; /* why a hook failed (sea_ctx_hook_error), or "" */
};

#endif /* SEA_MODEL_INTERNAL_H */
