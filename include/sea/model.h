/* sea/model.h: a Llama-family model from a Hugging Face directory, its forward pass with
 * hooks at every layer, and text generation.
 *
 * Numbers follow Hugging Face transformers in float32 (SEA-SPEC §8): weights F32/F16/BF16 are
 * read from the mapped checkpoint and converted in registers; activations, KV cache and
 * accumulators are F32; long reductions (RMSNorm, softmax sums, log-softmax) in double.
 * Results do not depend on the thread count.
 *
 * Shapes: T tokens of one forward call, d = hidden size, d_ff = intermediate size,
 * n_head / n_kv_head heads of head_dim, n_vocab, n_layer. Row-major throughout. */
#ifndef SEA_MODEL_H
#define SEA_MODEL_H

#include "sea/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- config.json ---- */
typedef enum sea_rope_type { SEA_ROPE_DEFAULT, SEA_ROPE_LINEAR, SEA_ROPE_LLAMA3 } sea_rope_type;

#define SEA_MAX_EOS 8
#define SEA_MAX_LAYERS 512
#define SEA_MAX_VOCAB (1 << 24)
#define SEA_MAX_WIDTH (1 << 20) /* hidden and intermediate sizes */

/* ---- model families (doc/ARCHITECTURE.md, "Model families") ----
 * One row per config.json model_type: what the architecture does, independent of its size.
 * sea_config_parse copies the row into the config's resolved fields below and overrides them
 * with config.json's values where the family reads one (activation, soft-caps, windows). A
 * loader of another format (GGUF) fills sea_llama_config directly: call
 * sea_config_set_family() first, then set sizes and the per-model values. */
typedef enum sea_family {
    SEA_FAMILY_LLAMA = 0,
    SEA_FAMILY_MISTRAL = 1,
    SEA_FAMILY_GEMMA = 2,
    SEA_FAMILY_GEMMA2 = 3,
    SEA_FAMILY_QWEN2 = 4,
    SEA_FAMILY_COUNT
} sea_family;

/* MLP activation: down(act(gate(x)) * up(x)). */
typedef enum sea_act {
    SEA_ACT_SILU = 0,      /* x * sigmoid(x) */
    SEA_ACT_GELU_TANH = 1, /* 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): gelu_pytorch_tanh */
    SEA_ACT_GELU = 2       /* 0.5 x (1 + erf(x / sqrt 2)): exact "gelu" */
} sea_act;

/* Which layers use a sliding attention window when the config does not list layer_types. */
typedef enum sea_window_rule {
    SEA_WINDOW_NONE = 0,      /* never (Llama, Gemma) */
    SEA_WINDOW_ALL = 1,       /* every layer when sliding_window is set (Mistral) */
    SEA_WINDOW_EVEN = 2,      /* layers 0, 2, 4, ... (Gemma 2) */
    SEA_WINDOW_FROM_LAYER = 3 /* layers >= max_window_layers when use_sliding_window (Qwen2) */
} sea_window_rule;

typedef struct sea_family_info {
    sea_family id;
    const char *model_type;   /* config.json "model_type" */
    const char *name;         /* for people: "Llama", "Gemma 2", ... */
    const char *architecture; /* Hugging Face class, for messages and make-model */
    sea_act act;              /* default activation */
    int norm_one_plus;        /* RMSNorm scales by (1 + w) instead of w */
    int embed_scale;          /* embeddings times sqrt(hidden_size), the factor a float32 */
    int qkv_bias;             /* q/k/v projections carry biases */
    int post_norms;           /* four norms per layer: block outputs normed before the residual add */
    int softcaps;             /* reads attn/final logit soft-caps and query_pre_attn_scalar */
    int tied_only;            /* the head is always the embedding: lm_head.weight is refused */
    sea_window_rule window;   /* sliding-window layers */
    int default_head_dim;     /* when config.json has none; 0 = hidden_size / heads */
} sea_family_info;

/* The table row of a family (NULL if out of range); by config.json model_type (NULL if none). */
SEA_API const sea_family_info *sea_family_get(sea_family f);
SEA_API const sea_family_info *sea_family_find(const char *model_type);

typedef struct sea_llama_config {
    int n_vocab, d, d_ff, n_layer, n_head, n_kv_head, head_dim;
    float rms_eps;
    double rope_theta;
    sea_rope_type rope_type;
    double rope_factor;           /* linear, llama3 */
    double rope_low_freq_factor;  /* llama3 */
    double rope_high_freq_factor; /* llama3 */
    int rope_orig_max_pos;        /* llama3 original_max_position_embeddings */
    int tie_embeddings;
    int bos_id;                   /* -1 if none */
    int eos_ids[SEA_MAX_EOS];     /* config.json and generation_config.json together */
    int n_eos;
    int max_pos;                  /* max_position_embeddings */
    int sliding_window;           /* config.json's value; 0 if none. Used only on sliding layers */
    /* architecture, resolved from the family row and config.json (see sea_family_info) */
    sea_family family;
    sea_act act;
    int norm_one_plus, embed_scale, qkv_bias, post_norms;
    float attn_scale;             /* score multiplier: head_dim^-0.5 or query_pre_attn_scalar^-0.5 */
    float attn_softcap;           /* scores -> cap * tanh(scores / cap) before the mask; 0 = none */
    float final_softcap;          /* the same on the logits; 0 = none */
    double query_pre_attn_scalar; /* Gemma 2; 0 when the scale comes from head_dim */
    /* layer l attends to keys j with pos - window < j <= pos when sliding_layers[l] != 0
     * (then sliding_window > 0); other layers see every cached position */
    int n_sliding_layers;
    unsigned char sliding_layers[SEA_MAX_LAYERS];
} sea_llama_config;

/* Reset the architecture fields of cfg to the family's row: activation, norm flavour, embedding
 * scale, biases, post-norms, no soft-caps, attention scale head_dim^-0.5 (head_dim must be
 * set), no sliding layers. */
SEA_API sea_status sea_config_set_family(sea_llama_config *cfg, sea_family f, sea_err *err);

/* Parse config.json text (both the classic rope_theta/rope_scaling layout and the newer
 * rope_parameters layout). `name` is used in messages. Every value is range-checked; unknown
 * rope types and non-Llama architectures are refused. */
SEA_API sea_status sea_config_parse(sea_llama_config *cfg, const char *text, size_t len,
                                    const char *name, sea_err *err);
/* Read DIR/config.json (+ eos ids from DIR/generation_config.json when present). */
SEA_API sea_status sea_config_load(sea_llama_config *cfg, const char *dir, sea_err *err);
/* RoPE inverse frequencies after scaling, [head_dim / 2], as Hugging Face computes them. */
SEA_API void sea_config_rope_inv_freq(const sea_llama_config *cfg, float *inv_freq);

/* ---- model ---- */
typedef struct sea_model sea_model;

/* How weights are held. MMAP (the default): read straight from the memory-mapped checkpoint,
 * nothing copied. COPY: copied once into anonymous memory at open (as stored: bf16 stays bf16),
 * which streams faster on some machines (doc/PERFORMANCE.md) at the cost of the copy's memory. */
typedef enum sea_load { SEA_LOAD_MMAP = 0, SEA_LOAD_COPY = 1 } sea_load;

typedef struct sea_model_params {
    sea_load load; /* default SEA_LOAD_MMAP (the sea tool: SEA_LOAD=copy in the environment) */
} sea_model_params;

SEA_API sea_model_params sea_model_default_params(void);

/* Open a model directory: config.json + model.safetensors or sharded checkpoint. Every
 * tensor's presence, dtype and shape are checked against the config. Weights stay mapped
 * (sea_model_open uses the default parameters). */
SEA_API sea_status sea_model_open(sea_model **out, const char *dir, sea_err *err);
SEA_API sea_status sea_model_open_ex(sea_model **out, const char *dir, const sea_model_params *p,
                                     sea_err *err);
SEA_API sea_load sea_model_load_mode(const sea_model *m);
SEA_API void sea_model_close(sea_model *m);
SEA_API const sea_llama_config *sea_model_config(const sea_model *m);
SEA_API const char *sea_model_dir(const sea_model *m);
/* Number of parameters and bytes of weight data (as stored). */
SEA_API uint64_t sea_model_n_params(const sea_model *m);
SEA_API uint64_t sea_model_weight_bytes(const sea_model *m);
/* Storage type of the large matrices (the most common one). */
SEA_API sea_dtype sea_model_dtype(const sea_model *m);

/* ---- inference context: KV cache, scratch, hooks ---- */
typedef struct sea_ctx sea_ctx;

typedef struct sea_ctx_params {
    int n_ctx;     /* positions in the KV cache; 0 = min(max_position_embeddings, 4096) */
    int n_batch;   /* most tokens per forward call; 0 = n_ctx (one call never splits) */
    int n_threads; /* 0 = all online processors */
} sea_ctx_params;

SEA_API sea_ctx_params sea_ctx_default_params(void);
/* Bytes a context with these parameters allocates (KV cache, scratch, one row of logits;
 * calls asking for every row's logits add T x n_vocab floats). */
SEA_API uint64_t sea_ctx_bytes(const sea_model *m, const sea_ctx_params *p);
SEA_API sea_status sea_ctx_new(sea_ctx **out, const sea_model *m, const sea_ctx_params *p,
                               sea_err *err);
SEA_API void sea_ctx_free(sea_ctx *c);
SEA_API int sea_ctx_n_ctx(const sea_ctx *c);
/* Positions already in the cache. */
SEA_API int sea_ctx_n_past(const sea_ctx *c);
/* Forget cached positions from n_past on (0 clears the cache). */
SEA_API void sea_ctx_truncate(sea_ctx *c, int n_past);
SEA_API void sea_ctx_set_threads(sea_ctx *c, int n_threads);
/* Threads the context's forward pass uses (what sea_ctx_set_threads or the params set, >= 1). */
SEA_API int sea_ctx_n_threads(const sea_ctx *c);
SEA_API const sea_model *sea_ctx_model(const sea_ctx *c);

/* Sites where hooks see (and may rewrite) per-layer tensors [T, d]. */
typedef enum sea_site {
    SEA_SITE_EMBED = 0,      /* token embeddings (layer = -1) */
    SEA_SITE_ATTN = 1,       /* attention block output, after o_proj */
    SEA_SITE_MLP = 2,        /* MLP output (after down_proj), before the residual add */
    SEA_SITE_RESIDUAL = 3,   /* decoder layer output (residual stream after layer l) */
    SEA_SITE_FINAL_NORM = 4  /* after the final RMSNorm (layer = n_layer) */
} sea_site;
#define SEA_SITE_MASK(s) (1u << (s))
SEA_API const char *sea_site_name(sea_site s); /* "embed", "attn", "mlp", "residual", "final_norm" */
SEA_API sea_status sea_site_parse(sea_site *out, const char *name, sea_err *err);

/* A hook sees x [T, d] for positions pos0 .. pos0+T-1 of the current forward call at `site`
 * of `layer`, and may modify it in place (the change flows into the rest of the pass).
 * Returning anything but SEA_OK aborts the forward call with that status. */
typedef sea_status (*sea_hook_fn)(void *user, sea_site site, int layer, float *x, int T, int pos0,
                                  int d);

#define SEA_MAX_HOOKS 8
/* Add a hook for the sites in `site_mask`; hooks run in the order added. */
SEA_API sea_status sea_ctx_add_hook(sea_ctx *c, sea_hook_fn fn, void *user, unsigned site_mask,
                                    sea_err *err);
SEA_API void sea_ctx_clear_hooks(sea_ctx *c);
/* Called by a hook that is about to fail: the forward call's error then reads "layer L: MSG"
 * (instead of "a hook stopped the forward pass at layer L"). Kept until that call reports it. */
SEA_API void sea_ctx_hook_error(sea_ctx *c, const char *msg);

/* Logits wanted from a forward call. */
typedef enum sea_logits_mode {
    SEA_LOGITS_NONE = 0, /* only update the KV cache */
    SEA_LOGITS_LAST = 1, /* [n_vocab] for the last token */
    SEA_LOGITS_ALL = 2   /* [T, n_vocab] */
} sea_logits_mode;

/* Run tokens[0..T) at positions n_past .. n_past+T-1, appending to the KV cache. Returns a
 * pointer to the logits in *logits (borrowed, valid until the next call on this context).
 * Token ids are checked against n_vocab; T must fit the cache. */
SEA_API sea_status sea_forward(sea_ctx *c, const int32_t *tokens, int T, sea_logits_mode mode,
                               const float **logits, sea_err *err);

/* Log-probability of each next token under the logits of a forward call:
 * out[t] = log softmax(logits[t])[targets[t]], computed in double over the full vocabulary. */
SEA_API void sea_log_softmax_at(double *out, const float *logits, const int32_t *targets, int T,
                                int n_vocab);

/* Recompute mode for prefix reuse under edits whose result depends on the whole call
 * (SEA seq-norm): from layer `layer` on, the layers process positions `pos_begin`..end of the
 * call again, with the residual stream at the input of `layer` for the cached positions taken
 * from a snapshot the context keeps. sea_ctx_keep_layer_input() must be called before those
 * positions are first computed. See doc/EVAL.md. */
SEA_API sea_status sea_ctx_keep_layer_input(sea_ctx *c, int layer, sea_err *err);
SEA_API sea_status sea_forward_recompute(sea_ctx *c, const int32_t *tokens, int T, int layer,
                                         int pos_begin, sea_logits_mode mode,
                                         const float **logits, sea_err *err);

/* ---- sampling and generation ---- */
typedef struct sea_sampler_params {
    int greedy;          /* 1: argmax (the default); other fields ignored */
    float temperature;   /* > 0 */
    int top_k;           /* 0 = off */
    float top_p;         /* 1 = off */
    float min_p;         /* 0 = off */
    float repeat_penalty;/* 1 = off; Hugging Face RepetitionPenaltyLogitsProcessor */
    uint64_t seed;
} sea_sampler_params;

SEA_API sea_sampler_params sea_sampler_default_params(void);

typedef struct sea_sampler sea_sampler;
SEA_API sea_status sea_sampler_new(sea_sampler **out, const sea_sampler_params *p, int n_vocab,
                                   sea_err *err);
SEA_API void sea_sampler_free(sea_sampler *s);
/* Choose the next token from logits [n_vocab]; `history` holds the ids seen so far (prompt +
 * generated) for the repetition penalty. Deterministic for a given seed. */
SEA_API int32_t sea_sampler_next(sea_sampler *s, const float *logits, const int32_t *history,
                                 size_t n_history);

/* Called with each generated id; return nonzero to stop. */
typedef int (*sea_token_fn)(void *user, int32_t id);

typedef struct sea_generate_params {
    int n_predict;     /* most new tokens */
    int ignore_eos;    /* keep going after an EOS id */
    sea_sampler_params sampler;
} sea_generate_params;

SEA_API sea_generate_params sea_generate_default_params(void);
/* Generate after `prompt` (fed from the current cache position). *out gets the new ids
 * (caller frees with sea_free), without the EOS that stopped generation. */
SEA_API sea_status sea_generate(sea_ctx *c, const int32_t *prompt, size_t n_prompt,
                                const sea_generate_params *p, sea_token_fn on_token, void *user,
                                int32_t **out, size_t *n_out, sea_err *err);

#ifdef __cplusplus
}
#endif
#endif /* SEA_MODEL_H */
