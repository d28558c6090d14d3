/* fuzz/fuzz_config.c: config.json (sea_config_parse) and, when the input has more parts in the
 * multi-file format of fuzz.h, the directory reader (sea_config_load: config.json plus
 * generation_config.json). A config that parses must satisfy every range and divisibility rule
 * of doc/FORMATS.md, so that the sizes derived from it cannot overflow; its RoPE frequencies
 * are computed. */
#include "fuzz.h"

#include <math.h>

static float g_inv_freq[32768];

static void check_config(const sea_llama_config *c)
{
    if (c->n_vocab < 1 || c->n_vocab > SEA_MAX_VOCAB) fz_fail("config", "vocab_size out of range");
    if (c->d < 1 || c->d > SEA_MAX_WIDTH || c->d_ff < 1 || c->d_ff > SEA_MAX_WIDTH) fz_fail("config", "width out of range");
    if (c->n_layer < 1 || c->n_layer > SEA_MAX_LAYERS) fz_fail("config", "num_hidden_layers out of range");
    if (c->n_head < 1 || c->n_head > 65536 || c->n_kv_head < 1 || c->n_head % c->n_kv_head != 0)
        fz_fail("config", "heads out of range or not divisible");
    if (c->head_dim < 2 || c->head_dim % 2 || c->head_dim > 65536 || (int64_t)c->n_head * c->head_dim > SEA_MAX_WIDTH)
        fz_fail("config", "head_dim out of range");
    if (!(c->rms_eps > 0 && c->rms_eps < 1)) fz_fail("config", "rms_norm_eps out of range");
    if (!(c->rope_theta > 0) || !isfinite(c->rope_theta)) fz_fail("config", "rope_theta out of range");
    if (c->max_pos < 1 || c->max_pos > (1 << 24)) fz_fail("config", "max_position_embeddings out of range");
    if (c->sliding_window < 0 || c->sliding_window > (1 << 24)) fz_fail("config", "sliding_window out of range");
    if (c->bos_id < -1 || c->bos_id >= c->n_vocab) fz_fail("config", "bos id out of range");
    if (c->n_eos < 0 || c->n_eos > SEA_MAX_EOS) fz_fail("config", "too many eos ids");
    for (int i = 0; i < c->n_eos; i++)
        if (c->eos_ids[i] < 0 || c->eos_ids[i] >= c->n_vocab) fz_fail("config", "eos id out of range");
    sea_config_rope_inv_freq(c, g_inv_freq);
    for (int i = 0; i < c->head_dim / 2; i++)
        if (isnan(g_inv_freq[i])) fz_fail("config", "RoPE frequency is NaN");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_part parts[FZ_MAX_PARTS];
    int n = fz_split(parts, data, size);
    sea_llama_config c;
    sea_err err;
    sea_status st;
    fz_quiet();
    sea_err_clear(&err);
    if (n == 1) {
        st = sea_config_parse(&c, (const char *)data, size, "config.json", &err);
        fz_check_main(st, &err, "sea_config_parse");
    } else {
        fz_write_parts(parts, n, "config.json");
        st = sea_config_load(&c, fz_tmpdir(), &err);
        fz_check_main(st, &err, "sea_config_load");
        fz_cleanup();
    }
    if (st == SEA_OK) check_config(&c);
    return 0;
}
