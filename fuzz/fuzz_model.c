/* fuzz/fuzz_model.c: a whole model directory through sea_model_open (config.json against the
 * checkpoint: every tensor's presence, dtype and shape), then, for a model that opens, a
 * context and one forward pass of two tokens with every row of logits. The input is
 * config.json followed by the other files (model.safetensors, or an index and shards,
 * generation_config.json) in the multi-file format of fuzz.h.
 *
 * The forward pass may compute NaN from hostile weights (values are not checked, doc/FORMATS.md
 * case 52); what is checked is that it reads only what the checkpoint holds (ASan) and
 * returns SEA_OK. */
#include "fuzz.h"

/* contexts above this size are not built (a fuzz input cannot make the weights big, but the
 * config's max_position_embeddings can make the cache big) */
#define CTX_MAX_BYTES ((uint64_t)64 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_part parts[FZ_MAX_PARTS];
    int n = fz_split(parts, data, size);
    sea_model *m = NULL;
    sea_err err;
    sea_status st;
    fz_quiet();
    fz_write_parts(parts, n, "config.json");
    sea_err_clear(&err);
    st = sea_model_open(&m, fz_tmpdir(), &err);
    fz_check_main(st, &err, "sea_model_open");
    if (st == SEA_OK) {
        const sea_llama_config *c = sea_model_config(m);
        sea_ctx_params p = sea_ctx_default_params();
        sea_ctx *ctx = NULL;
        p.n_ctx = c->max_pos < 4 ? c->max_pos : 4;
        p.n_threads = 1;
        if (sea_model_n_params(m) == 0) fz_fail("model", "a model without parameters");
        if (sea_ctx_bytes(m, &p) <= CTX_MAX_BYTES) {
            st = sea_ctx_new(&ctx, m, &p, &err);
            fz_check_status(st, &err, "sea_ctx_new");
            if (st == SEA_OK) {
                int32_t toks[2] = {0, c->n_vocab - 1};
                int T = p.n_ctx >= 2 ? 2 : 1;
                const float *logits = NULL;
                st = sea_forward(ctx, toks, T, SEA_LOGITS_ALL, &logits, &err);
                if (st != SEA_OK) fz_fail("sea_forward", err.msg);
                if (!logits) fz_fail("sea_forward", "no logits");
                /* a token id out of range is refused, not read */
                toks[0] = c->n_vocab;
                sea_ctx_truncate(ctx, 0);
                st = sea_forward(ctx, toks, 1, SEA_LOGITS_LAST, &logits, &err);
                if (st == SEA_OK) fz_fail("sea_forward", "accepted a token id >= vocab_size");
                fz_check_status(st, &err, "sea_forward");
                sea_ctx_free(ctx);
            }
        }
        sea_model_close(m);
    } else if (m) {
        fz_fail("sea_model_open", "failure left a handle");
    }
    fz_cleanup();
    return 0;
}
