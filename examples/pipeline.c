/* examples/pipeline.c: the whole SEA pipeline through the library API, in one function each:
 * trace demonstrations, fit projections, generate with and without the edit, and score
 * held-out pairs. Build: cc pipeline.c $(pkg-config --cflags --libs sea)
 *
 *   pipeline MODEL_DIR [DEMOS.jsonl [HELDOUT.jsonl]]
 *
 * MODEL_DIR may be the kjv-demo model installed with sea (PREFIX/share/sea/models/kjv-demo);
 * without DEMOS and HELDOUT it uses the sea-demos.jsonl and sea-heldout.jsonl beside the model.
 * Without MODEL_DIR it uses $SEA_MODEL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sea.h"

#define CHECK(call)                                                                     \
    do {                                                                                \
        if ((call) != SEA_OK) {                                                         \
            fprintf(stderr, "pipeline: %s\n", err.msg);                                 \
            return 1;                                                                   \
        }                                                                               \
    } while (0)

/* Greedy continuation of `prompt`, printed after a label. */
static int show(sea_ctx *c, const sea_tokenizer *tok, const char *label, const char *prompt)
{
    sea_err err;
    int32_t *ids, *out;
    size_t n, n_out, len;
    char *text;
    sea_generate_params gp = sea_generate_default_params();
    gp.n_predict = 16;
    sea_ctx_truncate(c, 0);
    CHECK(sea_tokenize(tok, prompt, strlen(prompt), 1, &ids, &n, &err));
    CHECK(sea_generate(c, ids, n, &gp, NULL, NULL, &out, &n_out, &err));
    CHECK(sea_detokenize(tok, out, n_out, 1, &text, &len, &err));
    printf("  %-9s %s ... %s\n", label, prompt, text);
    sea_free(text);
    sea_free(out);
    sea_free(ids);
    return 0;
}

int main(int argc, char **argv)
{
    char dir[4096], demos_path[4200], held_path[4200];
    sea_err err;
    sea_model *m;
    sea_tokenizer *tok;
    sea_demos *demos, *held;
    sea_acts *acts;
    sea_proj *proj;
    sea_editor *ed;
    sea_ctx *plain, *edited;
    sea_trace_params tp = sea_trace_default_params();
    sea_fit_params fp = sea_fit_default_params();
    sea_edit_params ep = sea_edit_default_params();
    sea_eval_params ev = sea_eval_default_params();
    sea_pairs_result before, after;

    if (argc < 2 && !getenv("SEA_MODEL")) {
        fprintf(stderr, "usage: pipeline MODEL_DIR [DEMOS.jsonl [HELDOUT.jsonl]]\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : getenv("SEA_MODEL"));
    snprintf(demos_path, sizeof demos_path, "%s", argc > 2 ? argv[2] : "");
    snprintf(held_path, sizeof held_path, "%s", argc > 3 ? argv[3] : "");
    if (!demos_path[0]) snprintf(demos_path, sizeof demos_path, "%s/sea-demos.jsonl", dir);
    if (!held_path[0]) snprintf(held_path, sizeof held_path, "%s/sea-heldout.jsonl", dir);

    /* the model stays memory-mapped; the tokenizer is immutable and thread-safe */
    CHECK(sea_model_open(&m, dir, &err));
    CHECK(sea_tokenizer_open(&tok, dir, &err));
    CHECK(sea_demos_load(&demos, demos_path, &err));
    CHECK(sea_demos_load(&held, held_path, &err));

    /* 1. trace: last-token MLP outputs of positive, negative and neutral texts, every layer */
    tp.max_new_tokens = 16;
    CHECK(sea_trace(&acts, m, tok, demos, &tp, &err));
    printf("traced %zu demonstrations: [%zu, %zu, %zu] per kind\n", sea_acts_n(acts), sea_acts_n(acts),
           sea_acts_n_layer(acts), sea_acts_d(acts));

    /* 2. fit: per layer, U+ (kept) and U- (removed) from the cross-covariance spectra */
    fp.k_ratio_pos = fp.k_ratio_neg = 0.99;
    CHECK(sea_fit(&proj, acts, &fp, &err));
    for (size_t l = 0; l < sea_proj_n_layer(proj); l++) {
        size_t kp, kn;
        sea_proj_u_pos(proj, l, &kp);
        sea_proj_u_neg(proj, l, &kn);
        printf("  layer %zu: keep %zu directions, remove %zu\n", l, kp, kn);
    }

    /* 3. edit: a hook at the MLP output of the selected layers of one context */
    ep.layers = "last:1";
    ep.merge = SEA_MERGE_SEQ_NORM;
    CHECK(sea_editor_new(&ed, proj, m, &ep, &err));
    CHECK(sea_ctx_new(&plain, m, NULL, &err));
    CHECK(sea_ctx_new(&edited, m, NULL, &err));
    CHECK(sea_editor_attach(ed, edited, &err));
    for (size_t i = 0; i < 2 && i < sea_demos_count(held); i++) {
        const char *prompt = sea_demos_at(held, i)->prompt;
        if (show(plain, tok, "unedited", prompt) || show(edited, tok, "edited", prompt)) return 1;
    }

    /* 4. evaluate: held-out pairs, before and after (the evaluator builds its own edited contexts) */
    CHECK(sea_eval_pairs(&before, m, tok, held, &ev, &err));
    ev.proj = proj;
    ev.edit = ep;
    CHECK(sea_eval_pairs(&after, m, tok, held, &ev, &err));
    printf("held-out pairs: positive preferred %.1f%% -> %.1f%%, mean margin %+.3f -> %+.3f nats\n",
           100 * before.prefer_positive, 100 * after.prefer_positive, before.mean_margin, after.mean_margin);

    sea_pairs_result_free(&before);
    sea_pairs_result_free(&after);
    sea_ctx_free(plain);
    sea_ctx_free(edited);
    sea_editor_free(ed);
    sea_proj_free(proj);
    sea_acts_free(acts);
    sea_demos_free(demos);
    sea_demos_free(held);
    sea_tokenizer_close(tok);
    sea_model_close(m);
    return 0;
}
