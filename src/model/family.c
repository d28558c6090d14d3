/* src/model/family.c: the family table. One row per supported config.json model_type says
 * what its architecture does; config.c copies the row into the config and forward.c /
 * model.c read only the config's resolved flags, so a new family is a row here (plus what
 * config.c reads for it, and its tests), not a copy of the forward pass. */
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "sea/model.h"

static const sea_family_info table[SEA_FAMILY_COUNT] = {
    /* id, model_type, name, architecture, act, 1+w, sqrt(d), qkv bias, post-norms, soft-caps, tied only,
     * window rule, default head_dim */
    {SEA_FAMILY_LLAMA, "llama", "Llama", "LlamaForCausalLM", SEA_ACT_SILU, 0, 0, 0, 0, 0, 0, SEA_WINDOW_NONE, 0},
    {SEA_FAMILY_MISTRAL, "mistral", "Mistral", "MistralForCausalLM", SEA_ACT_SILU, 0, 0, 0, 0, 0, 0, SEA_WINDOW_ALL, 0},
    {SEA_FAMILY_GEMMA, "gemma", "Gemma", "GemmaForCausalLM", SEA_ACT_GELU_TANH, 1, 1, 0, 0, 0, 1, SEA_WINDOW_NONE, 256},
    {SEA_FAMILY_GEMMA2, "gemma2", "Gemma 2", "Gemma2ForCausalLM", SEA_ACT_GELU_TANH, 1, 1, 0, 1, 1, 1, SEA_WINDOW_EVEN, 256},
    {SEA_FAMILY_QWEN2, "qwen2", "Qwen2", "Qwen2ForCausalLM", SEA_ACT_SILU, 0, 0, 1, 0, 0, 0, SEA_WINDOW_FROM_LAYER, 0},
};

const sea_family_info *sea_family_get(sea_family f)
{
    return (unsigned)f < SEA_FAMILY_COUNT ? &table[f] : NULL;
}

const sea_family_info *sea_family_find(const char *model_type)
{
    if (!model_type) return NULL;
    for (size_t i = 0; i < SEA_ARRAY_LEN(table); i++)
        if (strcmp(table[i].model_type, model_type) == 0) return &table[i];
    return NULL;
}

sea_status sea_config_set_family(sea_llama_config *c, sea_family f, sea_err *err)
{
    const sea_family_info *fi = sea_family_get(f);
    if (!fi) return sea__err(err, SEA_ERR_ARG, "unknown model family %d", (int)f);
    if (c->head_dim < 2) return sea__err(err, SEA_ERR_ARG, "sea_config_set_family: head_dim %d is not set", c->head_dim);
    c->family = f;
    c->act = fi->act;
    c->norm_one_plus = fi->norm_one_plus;
    c->embed_scale = fi->embed_scale;
    c->qkv_bias = fi->qkv_bias;
    c->post_norms = fi->post_norms;
    /* Hugging Face: head_dim ** -0.5 (computed as 1 / sqrt in double, rounded once to float) */
    c->attn_scale = (float)(1.0 / sqrt((double)c->head_dim));
    c->attn_softcap = 0;
    c->final_softcap = 0;
    c->query_pre_attn_scalar = 0;
    c->n_sliding_layers = 0;
    memset(c->sliding_layers, 0, sizeof c->sliding_layers);
    return SEA_OK;
}
