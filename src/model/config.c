/* src/model/config.c: config.json of a model of one of the families of family.c, in both key
 * layouts, with every value range-checked before anything is sized from it. */
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "core/internal.h"
#include "sea/json.h"
#include "sea/model.h"

#define CFG_MAX_BYTES (16u << 20)

/* A JSON string equal to `lit` over its whole length ("llama\u0000x" is not "llama"). */
static int str_is(const sea_json *v, const char *lit)
{
    return v->type == SEA_JSON_STRING && v->v.str.len == strlen(lit) && memcmp(v->v.str.s, lit, v->v.str.len) == 0;
}

/* Failure messages quote strings from the file: keep the report on one line. */
static sea_status one_line(sea_err *err, sea_status st)
{
    if (err && st != SEA_OK)
        for (char *c = err->msg; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
    return st;
}

/* sea__read_file would block on a FIFO planted under a config file's name. */
static sea_status read_regular(char **text, size_t *len, const char *path, sea_err *err)
{
    struct stat sb;
    *text = NULL;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return sea__err(err, SEA_ERR_IO, "%s: not a regular file", path);
    return sea__read_file(text, len, path, CFG_MAX_BYTES, err);
}

static sea_status get_int(int *out, const sea_json *root, const char *key, int required, int dflt,
                          long lo, long hi, const char *name, sea_err *err)
{
    const sea_json *v = sea_json_get(root, key);
    int64_t x;
    if (!v || v->type == SEA_JSON_NULL) {
        if (required) return sea__err(err, SEA_ERR_FORMAT, "%s: required key '%s' is missing", name, key);
        *out = dflt;
        return SEA_OK;
    }
    if (sea_json_as_i64(&x, v, key, err) != SEA_OK) {
        sea__err_prefix(err, "%s", name);
        return SEA_ERR_FORMAT;
    }
    if (x < lo || x > hi)
        return sea__err(err, SEA_ERR_FORMAT, "%s: '%s' = %lld is outside [%ld, %ld]", name, key,
                        (long long)x, lo, hi);
    *out = (int)x;
    return SEA_OK;
}

static sea_status get_num(double *out, const sea_json *obj, const char *key, int required,
                          double dflt, const char *name, sea_err *err)
{
    const sea_json *v = sea_json_get(obj, key);
    if (!v || v->type == SEA_JSON_NULL) {
        if (required) return sea__err(err, SEA_ERR_FORMAT, "%s: required key '%s' is missing", name, key);
        *out = dflt;
        return SEA_OK;
    }
    if (v->type != SEA_JSON_NUMBER)
        return sea__err(err, SEA_ERR_FORMAT, "%s: '%s' must be a number, got %s", name, key,
                        sea_json_type_name(v->type));
    if (!isfinite(v->v.num.d))
        return sea__err(err, SEA_ERR_FORMAT, "%s: '%s' is not a finite number", name, key);
    *out = v->v.num.d;
    return SEA_OK;
}

/* "bos_token_id"/"eos_token_id": a number, a list of numbers, or null */
static sea_status get_ids(int *ids, int *n, int cap, const sea_json *root, const char *key,
                          const char *name, sea_err *err)
{
    const sea_json *v = sea_json_get(root, key);
    if (!v || v->type == SEA_JSON_NULL) return SEA_OK;
    if (v->type == SEA_JSON_ARRAY) {
        for (size_t i = 0; i < v->v.arr.n; i++) {
            int64_t x;
            if (sea_json_as_i64(&x, &v->v.arr.items[i], key, err) != SEA_OK || x < 0 || x >= SEA_MAX_VOCAB)
                return sea__err(err, SEA_ERR_FORMAT, "%s: '%s' must hold token ids in [0, %d)", name, key,
                                SEA_MAX_VOCAB);
            if (*n >= cap)
                return sea__err(err, SEA_ERR_LIMIT, "%s: '%s' lists more than %d token ids", name, key, cap);
            ids[(*n)++] = (int)x;
        }
        return SEA_OK;
    }
    {
        int64_t x;
        if (sea_json_as_i64(&x, v, key, err) != SEA_OK || x < 0 || x >= SEA_MAX_VOCAB)
            return sea__err(err, SEA_ERR_FORMAT, "%s: '%s' must be a token id in [0, %d) or a list of them",
                            name, key, SEA_MAX_VOCAB);
        if (*n < cap) ids[(*n)++] = (int)x;
    }
    return SEA_OK;
}

static sea_status parse_rope(sea_llama_config *c, const sea_json *rs, const char *where,
                             const char *name, sea_err *err)
{
    const sea_json *t;
    const char *type;
    sea_status st;
    if (!rs || rs->type == SEA_JSON_NULL) return SEA_OK;
    if (rs->type != SEA_JSON_OBJECT)
        return sea__err(err, SEA_ERR_FORMAT, "%s: '%s' must be an object or null", name, where);
    for (size_t i = 0; i < rs->v.obj.n; i++)
        if (rs->v.obj.members[i].value.type == SEA_JSON_OBJECT) /* per-layer-type parameters */
            return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: '%s.%.40s': nested RoPE parameters are not supported",
                            name, where, rs->v.obj.members[i].key);
    t = sea_json_get(rs, "rope_type");
    if (!t) t = sea_json_get(rs, "type");
    if (!t) {
        type = "default";
    } else if (t->type != SEA_JSON_STRING) {
        return sea__err(err, SEA_ERR_FORMAT, "%s: '%s.rope_type' must be a string", name, where);
    } else if (strlen(t->v.str.s) != t->v.str.len) {
        return sea__err(err, SEA_ERR_FORMAT, "%s: '%s.rope_type' contains a NUL character", name, where);
    } else {
        type = t->v.str.s;
    }
    if ((st = get_num(&c->rope_theta, rs, "rope_theta", 0, c->rope_theta, name, err)) != SEA_OK) return st;
    if (strcmp(type, "default") == 0) {
        c->rope_type = SEA_ROPE_DEFAULT;
    } else if (strcmp(type, "linear") == 0) {
        c->rope_type = SEA_ROPE_LINEAR;
        if ((st = get_num(&c->rope_factor, rs, "factor", 1, 1, name, err)) != SEA_OK) return st;
    } else if (strcmp(type, "llama3") == 0) {
        double omp;
        c->rope_type = SEA_ROPE_LLAMA3;
        if ((st = get_num(&c->rope_factor, rs, "factor", 1, 1, name, err)) != SEA_OK ||
            (st = get_num(&c->rope_low_freq_factor, rs, "low_freq_factor", 1, 1, name, err)) != SEA_OK ||
            (st = get_num(&c->rope_high_freq_factor, rs, "high_freq_factor", 1, 1, name, err)) != SEA_OK ||
            (st = get_num(&omp, rs, "original_max_position_embeddings", 1, 0, name, err)) != SEA_OK)
            return st;
        if (!(omp >= 1 && omp <= (1 << 24)) || omp != floor(omp))
            return sea__err(err, SEA_ERR_FORMAT, "%s: '%s.original_max_position_embeddings' must be a positive integer",
                            name, where);
        c->rope_orig_max_pos = (int)omp;
        if (!(c->rope_high_freq_factor > c->rope_low_freq_factor) || !(c->rope_low_freq_factor > 0))
            return sea__err(err, SEA_ERR_FORMAT, "%s: llama3 RoPE needs 0 < low_freq_factor < high_freq_factor",
                            name);
    } else {
        return sea__err(err, SEA_ERR_UNSUPPORTED,
                        "%s: RoPE scaling type '%.40s' is not supported (default, linear and llama3 are)", name, type);
    }
    if (c->rope_type != SEA_ROPE_DEFAULT && !(c->rope_factor > 0 && c->rope_factor <= 1e6))
        return sea__err(err, SEA_ERR_FORMAT, "%s: RoPE scaling factor must be positive", name);
    return SEA_OK;
}

/* The MLP activation. Llama, Mistral, Qwen2: hidden_act, "silu" only. Gemma and Gemma 2:
 * hidden_activation (default gelu_pytorch_tanh); a Gemma 1 config's legacy hidden_act is ignored,
 * as transformers 4.38+ does (google/gemma-2b's says "gelu" for a model trained with tanh GELU). */
static sea_status parse_act(sea_act *act, const sea_json *root, const sea_family_info *fam, const char *name,
                            sea_err *err)
{
    const char *key = "hidden_activation";
    const sea_json *v = sea_json_get(root, "hidden_act");
    *act = fam->act;
    if (fam->act != SEA_ACT_GELU_TANH) {
        if (v && !str_is(v, "silu"))
            return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: hidden_act must be \"silu\"", name);
        return SEA_OK;
    }
    if (v && v->type != SEA_JSON_STRING && v->type != SEA_JSON_NULL)
        return sea__err(err, SEA_ERR_FORMAT, "%s: 'hidden_act' must be a string", name);
    v = sea_json_get(root, key);
    if (!v || v->type == SEA_JSON_NULL) return SEA_OK;
    if (str_is(v, "gelu_pytorch_tanh") || str_is(v, "gelu_new") || str_is(v, "gelu_fast"))
        *act = SEA_ACT_GELU_TANH;
    else if (str_is(v, "gelu"))
        *act = SEA_ACT_GELU;
    else if (str_is(v, "silu"))
        *act = SEA_ACT_SILU;
    else
        return sea__err(err, SEA_ERR_UNSUPPORTED,
                        "%s: '%s' must be \"gelu_pytorch_tanh\", \"gelu_new\", \"gelu\" or \"silu\"", name, key);
    return SEA_OK;
}

/* A positive finite number or null (0: off); `dflt` when the key is absent. */
static sea_status get_cap(double *out, const sea_json *root, const char *key, double dflt, double hi,
                          const char *name, sea_err *err)
{
    const sea_json *v = sea_json_get(root, key);
    sea_status st;
    if (v && v->type == SEA_JSON_NULL) {
        *out = 0;
        return SEA_OK;
    }
    if ((st = get_num(out, root, key, 0, dflt, name, err)) != SEA_OK) return st;
    /* checked as the float32 the forward pass uses */
    if (!(*out > 0 && *out <= hi && (float)*out > 0))
        return sea__err(err, SEA_ERR_FORMAT, "%s: '%s' must be a positive number up to %g or null (got %g)", name, key,
                        hi, *out);
    return SEA_OK;
}

/* Gemma 2: query_pre_attn_scalar (attention scale its ^-0.5), attention and final logit
 * soft-caps (Hugging Face's defaults 256, 50 and 30 when absent; null turns a cap off). */
static sea_status parse_softcaps(sea_llama_config *c, const sea_json *root, const sea_family_info *fam,
                                 const char *name, sea_err *err)
{
    double q, a, f;
    const sea_json *v;
    sea_status st;
    if (!fam->softcaps) return SEA_OK;
    v = sea_json_get(root, "query_pre_attn_scalar");
    if (v && v->type == SEA_JSON_NULL)
        return sea__err(err, SEA_ERR_FORMAT, "%s: 'query_pre_attn_scalar' must be a positive number", name);
    if ((st = get_cap(&q, root, "query_pre_attn_scalar", 256, 1 << 24, name, err)) != SEA_OK ||
        (st = get_cap(&a, root, "attn_logit_softcapping", 50, 1e6, name, err)) != SEA_OK ||
        (st = get_cap(&f, root, "final_logit_softcapping", 30, 1e6, name, err)) != SEA_OK)
        return st;
    c->query_pre_attn_scalar = q;
    c->attn_scale = (float)pow(q, -0.5); /* Python's query_pre_attn_scalar ** -0.5 */
    c->attn_softcap = (float)a;
    c->final_softcap = (float)f;
    return SEA_OK;
}

/* Which layers slide, as Hugging Face decides it: Mistral every layer when sliding_window is
 * set; Gemma 2 the layers layer_types calls "sliding_attention", by default the even ones,
 * with sliding_window default 4096; Qwen2 only with use_sliding_window true, then layer_types
 * or the layers from max_window_layers on. Llama and Gemma never. */
static sea_status parse_window(sea_llama_config *c, const sea_json *root, const sea_family_info *fam,
                               const char *name, sea_err *err)
{
    const sea_json *v, *lt;
    int use = 1, from = 0, dflt = !sea_json_get(root, "sliding_window");
    sea_status st;
    if (fam->window == SEA_WINDOW_NONE) return SEA_OK;
    /* Hugging Face's default window when the key is absent (an explicit null means none) */
    if (dflt && fam->window != SEA_WINDOW_FROM_LAYER) c->sliding_window = 4096;
    if (fam->window == SEA_WINDOW_FROM_LAYER) {
        v = sea_json_get(root, "use_sliding_window");
        use = 0;
        if (v && v->type != SEA_JSON_NULL && (st = sea_json_as_bool(&use, v, "use_sliding_window", err)) != SEA_OK) {
            sea__err_prefix(err, "%s", name);
            return SEA_ERR_FORMAT;
        }
        if ((st = get_int(&from, root, "max_window_layers", 0, 28, 0, SEA_MAX_LAYERS, name, err)) != SEA_OK)
            return st;
    }
    /* a default window no shorter than the positions changes nothing: none */
    if (!use || c->sliding_window == 0 || (dflt && c->sliding_window >= c->max_pos)) {
        if (dflt) c->sliding_window = 0;
        return SEA_OK;
    }
    lt = fam->window == SEA_WINDOW_ALL ? NULL : sea_json_get(root, "layer_types");
    if (lt && lt->type != SEA_JSON_NULL) {
        if (lt->type != SEA_JSON_ARRAY || lt->v.arr.n != (size_t)c->n_layer)
            return sea__err(err, SEA_ERR_FORMAT, "%s: 'layer_types' must be a list of %d strings (one per layer)", name,
                            c->n_layer);
        for (int l = 0; l < c->n_layer; l++) {
            const sea_json *e = &lt->v.arr.items[l];
            if (str_is(e, "sliding_attention"))
                c->sliding_layers[l] = 1;
            else if (!str_is(e, "full_attention"))
                return sea__err(err, SEA_ERR_FORMAT,
                                "%s: 'layer_types' entry %d must be \"sliding_attention\" or \"full_attention\"", name, l);
        }
    } else {
        for (int l = 0; l < c->n_layer; l++)
            c->sliding_layers[l] = fam->window == SEA_WINDOW_ALL ? 1
                                   : fam->window == SEA_WINDOW_EVEN ? (l % 2 == 0)
                                                                     : (l >= from);
    }
    for (int l = 0; l < c->n_layer; l++) c->n_sliding_layers += c->sliding_layers[l];
    if (c->n_sliding_layers && c->sliding_window > c->max_pos)
        return sea__err(err, SEA_ERR_FORMAT, "%s: sliding_window %d is larger than max_position_embeddings %d", name,
                        c->sliding_window, c->max_pos);
    return SEA_OK;
}

sea_status sea_config_parse(sea_llama_config *c, const char *text, size_t len, const char *name,
                            sea_err *err)
{
    sea_json_doc *doc = NULL;
    const sea_json *root, *v;
    sea_status st;
    double eps;
    const sea_family_info *fam = NULL;
    sea_act act = SEA_ACT_SILU;
    memset(c, 0, sizeof *c);
    c->bos_id = -1;
    c->rope_theta = 10000.0;
    c->rope_type = SEA_ROPE_DEFAULT;
    c->rope_factor = 1.0;
    if ((st = sea_json_parse(&doc, text, len, NULL, err)) != SEA_OK) {
        sea__err_prefix(err, "%s", name);
        return st;
    }
    root = sea_json_root(doc);
    if (root->type != SEA_JSON_OBJECT) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: must be a JSON object", name);
        goto done;
    }
    v = sea_json_get(root, "model_type");
    if (!v || v->type != SEA_JSON_STRING) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: 'model_type' must be a string (\"llama\", \"mistral\", \"gemma\", "
                      "\"gemma2\" or \"qwen2\")", name);
        goto done;
    }
    if (strlen(v->v.str.s) != v->v.str.len || !(fam = sea_family_find(v->v.str.s))) {
        st = sea__err(err, SEA_ERR_UNSUPPORTED,
                      "%s: model_type '%.40s' is not supported (llama, mistral, gemma, gemma2 and qwen2 are)", name,
                      v->v.str.s);
        goto done;
    }
    if ((st = parse_act(&act, root, fam, name, err)) != SEA_OK) goto done;
    {
        static const char *const no_bias[] = {"attention_bias", "mlp_bias"};
        for (size_t i = 0; i < 2; i++) {
            v = sea_json_get(root, no_bias[i]);
            if (v && v->type != SEA_JSON_FALSE && v->type != SEA_JSON_NULL) {
                st = sea__err(err, SEA_ERR_UNSUPPORTED, "%s: '%s' must be false (biases are not supported)",
                              name, no_bias[i]);
                goto done;
            }
        }
    }
    if ((st = get_int(&c->n_vocab, root, "vocab_size", 1, 0, 1, SEA_MAX_VOCAB, name, err)) != SEA_OK ||
        (st = get_int(&c->d, root, "hidden_size", 1, 0, 1, SEA_MAX_WIDTH, name, err)) != SEA_OK ||
        (st = get_int(&c->d_ff, root, "intermediate_size", 1, 0, 1, SEA_MAX_WIDTH, name, err)) != SEA_OK ||
        (st = get_int(&c->n_layer, root, "num_hidden_layers", 1, 0, 1, SEA_MAX_LAYERS, name, err)) != SEA_OK ||
        (st = get_int(&c->n_head, root, "num_attention_heads", 1, 0, 1, 65536, name, err)) != SEA_OK ||
        (st = get_int(&c->n_kv_head, root, "num_key_value_heads", 0, c->n_head, 1, 65536, name, err)) != SEA_OK ||
        (st = get_int(&c->head_dim, root, "head_dim", 0, fam->default_head_dim, 2, 65536, name, err)) != SEA_OK ||
        (st = get_int(&c->max_pos, root, "max_position_embeddings", 0, 2048, 1, 1 << 24, name, err)) != SEA_OK ||
        (st = get_int(&c->sliding_window, root, "sliding_window", 0, 0, 1, 1 << 24, name, err)) != SEA_OK)
        goto done;
    if (c->head_dim == 0) {
        if (c->d % c->n_head != 0) {
            st = sea__err(err, SEA_ERR_FORMAT, "%s: hidden_size %d is not divisible by num_attention_heads %d",
                          name, c->d, c->n_head);
            goto done;
        }
        c->head_dim = c->d / c->n_head;
    }
    if (c->head_dim % 2) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: head_dim %d must be even (RoPE rotates pairs)", name, c->head_dim);
        goto done;
    }
    if ((uint64_t)c->n_head * (uint64_t)c->head_dim > SEA_MAX_WIDTH) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: num_attention_heads x head_dim is too large", name);
        goto done;
    }
    if (c->n_kv_head > c->n_head || c->n_head % c->n_kv_head != 0) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: num_attention_heads %d is not a multiple of num_key_value_heads %d",
                      name, c->n_head, c->n_kv_head);
        goto done;
    }
    if ((st = get_num(&eps, root, "rms_norm_eps", 0, 1e-6, name, err)) != SEA_OK) goto done;
    /* checked as the float32 the forward pass uses: 1e-50 is positive but rounds to 0 */
    if (!(eps > 0 && eps < 1 && (float)eps > 0 && (float)eps < 1)) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: rms_norm_eps must be in (0, 1) as a float32 (got %g)", name, eps);
        goto done;
    }
    c->rms_eps = (float)eps;
    if ((st = get_num(&c->rope_theta, root, "rope_theta", 0, 10000.0, name, err)) != SEA_OK) goto done;
    v = sea_json_get(root, "rope_parameters");
    if (v && v->type != SEA_JSON_NULL) {
        if ((st = parse_rope(c, v, "rope_parameters", name, err)) != SEA_OK) goto done;
    } else if ((st = parse_rope(c, sea_json_get(root, "rope_scaling"), "rope_scaling", name, err)) != SEA_OK) {
        goto done;
    }
    if (!(c->rope_theta > 0)) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: rope_theta must be positive", name);
        goto done;
    }
    c->tie_embeddings = fam->tied_only; /* Hugging Face's default: Gemma ties, the others do not */
    v = sea_json_get(root, "tie_word_embeddings");
    if (v && v->type != SEA_JSON_NULL && (st = sea_json_as_bool(&c->tie_embeddings, v, "tie_word_embeddings", err)) != SEA_OK) {
        sea__err_prefix(err, "%s", name);
        goto done;
    }
    if (fam->tied_only && !c->tie_embeddings) {
        st = sea__err(err, SEA_ERR_UNSUPPORTED, "%s: tie_word_embeddings is false, but %s always ties lm_head to the embedding",
                      name, fam->architecture);
        goto done;
    }
    if ((st = sea_config_set_family(c, fam->id, err)) != SEA_OK) goto done;
    c->act = act;
    if ((st = parse_softcaps(c, root, fam, name, err)) != SEA_OK || (st = parse_window(c, root, fam, name, err)) != SEA_OK)
        goto done;
    {
        int n = 0, bos[SEA_MAX_EOS];
        if ((st = get_ids(bos, &n, SEA_MAX_EOS, root, "bos_token_id", name, err)) != SEA_OK) goto done;
        c->bos_id = n ? bos[0] : -1;
        if ((st = get_ids(c->eos_ids, &c->n_eos, SEA_MAX_EOS, root, "eos_token_id", name, err)) != SEA_OK) goto done;
    }
    for (int i = 0; i < c->n_eos; i++)
        if (c->eos_ids[i] >= c->n_vocab) {
            st = sea__err(err, SEA_ERR_FORMAT, "%s: eos_token_id %d is outside the vocabulary (%d)", name,
                          c->eos_ids[i], c->n_vocab);
            goto done;
        }
    if (c->bos_id >= c->n_vocab) {
        st = sea__err(err, SEA_ERR_FORMAT, "%s: bos_token_id %d is outside the vocabulary (%d)", name, c->bos_id,
                      c->n_vocab);
        goto done;
    }
    st = SEA_OK;
done:
    sea_json_free(doc);
    return one_line(err, st);
}

sea_status sea_config_load(sea_llama_config *cfg, const char *dir, sea_err *err)
{
    char *path = sea__path_join(dir, "config.json"), *text = NULL;
    size_t len;
    sea_status st;
    if (!path) return sea__err_nomem(err, "a path");
    st = read_regular(&text, &len, path, err);
    if (st == SEA_OK) st = sea_config_parse(cfg, text, len, path, err);
    sea__free(text);
    sea__free(path);
    if (st != SEA_OK) return st;
    /* generation_config.json may list more EOS ids (Llama-3 instruct models do) */
    path = sea__path_join(dir, "generation_config.json");
    if (!path) return sea__err_nomem(err, "a path");
    if (sea__file_exists(path)) {
        sea_json_doc *doc = NULL;
        if ((st = read_regular(&text, &len, path, err)) == SEA_OK &&
            (st = sea_json_parse(&doc, text, len, NULL, err)) == SEA_OK) {
            int ids[SEA_MAX_EOS], n = 0;
            if (sea_json_root(doc)->type != SEA_JSON_OBJECT)
                st = sea__err(err, SEA_ERR_FORMAT, "%s: must be a JSON object", path);
            else
                st = get_ids(ids, &n, SEA_MAX_EOS, sea_json_root(doc), "eos_token_id", path, err);
            for (int i = 0; st == SEA_OK && i < n; i++) {
                int dup = 0;
                if (ids[i] >= cfg->n_vocab) {
                    st = sea__err(err, SEA_ERR_FORMAT, "%s: eos_token_id %d is outside the vocabulary (%d)", path,
                                  ids[i], cfg->n_vocab);
                    break;
                }
                for (int j = 0; j < cfg->n_eos; j++) dup |= cfg->eos_ids[j] == ids[i];
                if (dup) continue;
                if (cfg->n_eos == SEA_MAX_EOS) { /* never drop a stop token silently */
                    st = sea__err(err, SEA_ERR_FORMAT,
                                  "%s: eos_token_id: more than %d distinct ids together with config.json", path,
                                  SEA_MAX_EOS);
                    break;
                }
                cfg->eos_ids[cfg->n_eos++] = ids[i];
            }
        } else if (text) { /* the JSON parser's message does not name the file */
            sea__err_prefix(err, "%s", path);
        }
        sea_json_free(doc);
        sea__free(text);
    }
    sea__free(path);
    return one_line(err, st);
}

void sea_config_rope_inv_freq(const sea_llama_config *c, float *inv_freq)
{
    int half = c->head_dim / 2;
    const double pi = 3.14159265358979323846;
    for (int i = 0; i < half; i++) {
        /* Hugging Face: 1 / base ** (arange(0, dim, 2).float() / dim), in float32 */
        float expo = (float)(2 * i) / (float)c->head_dim;
        float f = (float)(1.0 / (double)(float)pow(c->rope_theta, (double)expo));
        if (c->rope_type == SEA_ROPE_LINEAR) {
            f = (float)(f / c->rope_factor);
        } else if (c->rope_type == SEA_ROPE_LLAMA3) {
            float factor = (float)c->rope_factor, lo = (float)c->rope_low_freq_factor,
                  hi = (float)c->rope_high_freq_factor, old = (float)c->rope_orig_max_pos;
            float low_wl = old / lo, high_wl = old / hi;
            float wl = (float)(2 * pi) / f;
            if (wl > low_wl) {
                f = f / factor;
            } else if (!(wl < high_wl)) { /* medium frequencies: interpolate */
                float smooth = (old / wl - lo) / (hi - lo);
                f = (1 - smooth) * f / factor + smooth * f;
            }
        }
        inv_freq[i] = f;
    }
}
