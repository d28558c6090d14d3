/* src/spectral/provenance.c: where activations and projections come from. A model's identity
 * is its architecture and shapes, the SHA-256 of its config.json and the SHA-256 of a sample of
 * its weights (every tensor's name, dtype, shape and first and last 64 bytes: a different
 * checkpoint of the same shape differs there, and reading it costs one page per tensor). The
 * trace records it with the template, system prompt, site and demonstrations; the fit carries
 * it into the projection file; the editor compares it with the model it edits. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "sea/json.h"
#include "sea/model.h"
#include "sea/safetensors.h"
#include "spectral/spectral_internal.h"

static void put_str_or_null(sea_buf *b, const char *s)
{
    if (s)
        sea__buf_json_string(b, s, strlen(s));
    else
        sea__buf_puts(b, "null");
}

/* SHA-256 hex of a sample of the checkpoint's tensors, or "" when the directory cannot be read
 * as safetensors. */
static void weights_sample(char out[65], const char *dir)
{
    sea_st_dir *sd = NULL;
    sea_buf b;
    out[0] = 0;
    if (!dir || sea_st_dir_open(&sd, dir, NULL) != SEA_OK) return;
    sea__buf_init(&b);
    for (size_t i = 0; i < sea_st_dir_count(sd); i++) {
        const sea_st_tensor *t = sea_st_dir_at(sd, i);
        size_t n = (size_t)SEA_MIN(t->nbytes, (uint64_t)64);
        sea__buf_printf(&b, "%s|%s|%d", t->name, t->dtype_name, t->rank);
        for (int r = 0; r < t->rank; r++) sea__buf_printf(&b, ",%llu", (unsigned long long)t->shape[r]);
        sea__buf_putc(&b, '|');
        sea__buf_append(&b, t->data, n);
        if (t->nbytes > 64) sea__buf_append(&b, (const unsigned char *)t->data + t->nbytes - n, n);
    }
    if (!b.failed) sea__sha256_hex(out, b.data ? b.data : "", b.len);
    sea__buf_free(&b);
    sea_st_dir_close(sd);
}

int sea__model_identity(sea_buf *b, const sea_model *m)
{
    const sea_llama_config *c = sea_model_config(m);
    const char *dir = sea_model_dir(m);
    char *path = dir ? sea__path_join(dir, "config.json") : NULL, *text = NULL, cfg_sha[65] = "", w_sha[65];
    char arch[64] = "unknown";
    size_t len;
    if (path && sea__read_file(&text, &len, path, (size_t)1 << 20, NULL) == SEA_OK) {
        sea_json_doc *doc = NULL;
        sea__sha256_hex(cfg_sha, text, len);
        if (sea_json_parse(&doc, text, len, NULL, NULL) == SEA_OK) {
            const sea_json *v = sea_json_get(sea_json_root(doc), "model_type");
            if (v && v->type == SEA_JSON_STRING) snprintf(arch, sizeof arch, "%s", v->v.str.s);
            sea_json_free(doc);
        }
    }
    sea__free(text);
    sea__free(path);
    weights_sample(w_sha, dir);
    sea__buf_puts(b, "{\"name\":");
    put_str_or_null(b, dir ? sea__basename(dir) : NULL);
    sea__buf_puts(b, ",\"architecture\":");
    sea__buf_json_string(b, arch, strlen(arch));
    sea__buf_printf(b, ",\"d\":%d,\"n_layer\":%d,\"n_head\":%d,\"n_kv_head\":%d,\"head_dim\":%d,\"d_ff\":%d,\"n_vocab\":%d",
                    c->d, c->n_layer, c->n_head, c->n_kv_head, c->head_dim, c->d_ff, c->n_vocab);
    sea__buf_puts(b, ",\"config_sha256\":");
    put_str_or_null(b, cfg_sha[0] ? cfg_sha : NULL);
    sea__buf_puts(b, ",\"weights_sample_sha256\":");
    put_str_or_null(b, w_sha[0] ? w_sha : NULL);
    sea__buf_putc(b, '}');
    return b->failed ? -1 : 0;
}

int sea__trace_provenance(sea_buf *b, const sea_model *m, const char *template_name, const char *system,
                          const char *site, const char *demos_sha256, size_t n_demos, long max_new_tokens)
{
    char sys_sha[65];
    sea__buf_printf(b, "{\"tool\":\"sea %s\",\"model\":", sea_version());
    sea__model_identity(b, m);
    sea__buf_puts(b, ",\"template\":");
    put_str_or_null(b, template_name);
    sea__buf_puts(b, ",\"system\":");
    put_str_or_null(b, system);
    if (system) {
        sea__sha256_hex(sys_sha, system, strlen(system));
        sea__buf_printf(b, ",\"system_sha256\":\"%s\"", sys_sha);
    }
    sea__buf_puts(b, ",\"site\":");
    put_str_or_null(b, site);
    sea__buf_puts(b, ",\"demos_sha256\":");
    put_str_or_null(b, demos_sha256);
    sea__buf_printf(b, ",\"n_demos\":%zu,\"max_new_tokens\":%ld}", n_demos, max_new_tokens);
    return b->failed ? -1 : 0;
}

/* ---- checks against the model being edited ---- */
static const char *get_s(const sea_json *o, const char *key)
{
    const sea_json *v = o ? sea_json_get(o, key) : NULL;
    return v && v->type == SEA_JSON_STRING ? v->v.str.s : NULL;
}

static long get_i(const sea_json *o, const char *key)
{
    const sea_json *v = o ? sea_json_get(o, key) : NULL;
    return v && v->type == SEA_JSON_NUMBER ? (long)v->v.num.d : -1;
}

static int differ(const char *a, const char *b) { return a && b && strcmp(a, b) != 0; }

sea_status sea__provenance_check(const char *prov, const sea_model *m, const char *template_name, int force,
                                 sea_err *err)
{
    sea_json_doc *have = NULL, *now = NULL;
    sea_buf b;
    const sea_json *pm, *nm;
    sea_status st = SEA_OK;
    char what[400] = "";
    if (!prov) return SEA_OK;
    sea__buf_init(&b);
    if (sea__model_identity(&b, m) || sea_json_parse(&now, b.data, b.len, NULL, err) != SEA_OK ||
        sea_json_parse(&have, prov, strlen(prov), NULL, err) != SEA_OK) {
        st = b.failed ? sea__err_nomem(err, "provenance") : SEA_ERR_FORMAT;
        goto out;
    }
    pm = sea_json_get(sea_json_root(have), "model");
    nm = sea_json_root(now);
    if (pm && pm->type == SEA_JSON_OBJECT) {
        const char *pn = get_s(pm, "name") ? get_s(pm, "name") : "?", *nn = get_s(nm, "name") ? get_s(nm, "name") : "?";
        if (differ(get_s(pm, "architecture"), get_s(nm, "architecture")) || get_i(pm, "d") != get_i(nm, "d") ||
            get_i(pm, "n_layer") != get_i(nm, "n_layer") || get_i(pm, "n_vocab") != get_i(nm, "n_vocab"))
            snprintf(what, sizeof what, "fitted on model '%s' (%s, d %ld, %ld layers, vocabulary %ld) but the model is '%s' (%s, d %ld, %ld layers, vocabulary %ld)",
                     pn, get_s(pm, "architecture") ? get_s(pm, "architecture") : "?", get_i(pm, "d"), get_i(pm, "n_layer"),
                     get_i(pm, "n_vocab"), nn, get_s(nm, "architecture"), get_i(nm, "d"), get_i(nm, "n_layer"), get_i(nm, "n_vocab"));
        else if (differ(get_s(pm, "config_sha256"), get_s(nm, "config_sha256")))
            snprintf(what, sizeof what, "fitted on model '%s' (config.json sha256 %.12s...) but the model is '%s' (config.json sha256 %.12s...)",
                     pn, get_s(pm, "config_sha256"), nn, get_s(nm, "config_sha256"));
        else if (differ(get_s(pm, "weights_sample_sha256"), get_s(nm, "weights_sample_sha256")))
            snprintf(what, sizeof what, "fitted on model '%s' (weights sample sha256 %.12s...) but the model is '%s' (weights sample sha256 %.12s...): other weights",
                     pn, get_s(pm, "weights_sample_sha256"), nn, get_s(nm, "weights_sample_sha256"));
    }
    if (!what[0] && differ(get_s(sea_json_root(have), "site"), "mlp"))
        snprintf(what, sizeof what, "fitted at site '%s' but the edit is applied at site 'mlp' (the MLP output)",
                 get_s(sea_json_root(have), "site"));
    if (!what[0] && template_name && differ(get_s(sea_json_root(have), "template"), template_name))
        snprintf(what, sizeof what, "fitted with template '%s' but the prompts use template '%s'", get_s(sea_json_root(have), "template"),
                 template_name);
    if (what[0]) {
        if (force)
            sea__warn("projections %s (applied anyway: --force)", what);
        else
            st = sea__err(err, SEA_ERR_MISMATCH, "projections %s (--force to apply anyway)", what);
    }
out:
    sea_json_free(have);
    sea_json_free(now);
    sea__buf_free(&b);
    return st;
}
