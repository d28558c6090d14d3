/* src/model/config.c: config.json of a Llama-family model, in both key layouts, with every
 * value range-checked before anything is sized from it. */
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

sea_status sea_config_parse(sea_llama_config *c, const char *text, size_t len, const char *name,
                            sea_err *err)
{
    sea_json_doc *doc = NULL;
    const sea_json *root, *v;
    sea_status st;
    double eps;
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
        st = sea__err(err, SEA_ERR_FORMAT, "%s: 'model_type' must be a string (\"llama\" or \"mistral\")", name);
        goto done;
    }
    if (!str_is(v, "llama") && !str_is(v, "mistral")) {
        st = sea__err(err, SEA_ERR_UNSUPPORTED, "%s: model_type '%.40s' is not supported (llama and mistral are)",
                      name, v->v.str.s);
        goto done;
    }
    v = sea_json_get(root, "hidden_act");
    if (v && !str_is(v, "silu")) {
        st = sea__err(err, SEA_ERR_UNSUPPORTED, "%s: hidden_act must be \"silu\"", name);
        goto done;
    }
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
        (st = get_int(&c->head_dim, root, "head_dim", 0, 0, 2, 65536, name, err)) != SEA_OK ||
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
    v = sea_json_get(root, "tie_word_embeddings");
    if (v && v->type != SEA_JSON_NULL && (st = sea_json_as_bool(&c->tie_embeddings, v, "tie_word_embeddings", err)) != SEA_OK) {
        sea__err_prefix(err, "%s", name);
        goto done;
    }
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
