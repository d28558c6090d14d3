/* tests/check_config.c: config.json of a Llama-family model against the config cases 40-44 of
 * the checklist in ../shared/docs/research/anchors-reliability.md §6 (missing and ill-typed
 * keys, zero/negative/absurd values, divisibility, odd head_dim, invalid eps/theta, unknown
 * RoPE types) and the equivalence of the classic and rope_parameters layouts. The
 * config-against-tensors cases (45) are in check_model_load.c. */
#include "hostile.h"

#include <fcntl.h>

#define CFG "config.json"

/* The base configuration as (key, JSON value) pairs; tests change one pair at a time. */
static const char *const base[][2] = {
    {"model_type", "\"llama\""},
    {"vocab_size", "16"},
    {"hidden_size", "8"},
    {"intermediate_size", "12"},
    {"num_hidden_layers", "2"},
    {"num_attention_heads", "2"},
    {"num_key_value_heads", "1"},
    {"max_position_embeddings", "64"},
    {"rms_norm_eps", "1e-05"},
    {"rope_theta", "10000.0"},
    {"tie_word_embeddings", "false"},
    {"bos_token_id", "1"},
    {"eos_token_id", "2"},
};

/* base with up to two keys replaced (value NULL: removed; a key not in base: added). */
static const char *cfg_text2(const char *k1, const char *v1, const char *k2, const char *v2)
{
    static char buf[4096];
    size_t o = 0;
    int first = 1, seen1 = 0, seen2 = 0;
    o += (size_t)snprintf(buf + o, sizeof buf - o, "{");
    for (size_t i = 0; i < HT_LEN(base); i++) {
        const char *v = base[i][1];
        if (k1 && strcmp(base[i][0], k1) == 0) v = v1, seen1 = 1;
        if (k2 && strcmp(base[i][0], k2) == 0) v = v2, seen2 = 1;
        if (!v) continue;
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s\"%s\": %s", first ? "" : ", ", base[i][0], v);
        first = 0;
    }
    if (k1 && !seen1 && v1) o += (size_t)snprintf(buf + o, sizeof buf - o, ", \"%s\": %s", k1, v1);
    if (k2 && !seen2 && v2) o += (size_t)snprintf(buf + o, sizeof buf - o, ", \"%s\": %s", k2, v2);
    snprintf(buf + o, sizeof buf - o, "}");
    ck_assert_uint_lt(o, sizeof buf - 2);
    return buf;
}

static const char *cfg_text(const char *k, const char *v)
{
    return cfg_text2(k, v, NULL, NULL);
}

static sea_llama_config parse_ok(const char *text)
{
    sea_llama_config c;
    sea_err err;
    sea_err_clear(&err);
    ck_assert_msg(sea_config_parse(&c, text, strlen(text), CFG, &err) == SEA_OK, "%s: %s", text, err.msg);
    return c;
}

static void expect_cfg(const char *text, sea_status want, const char *n1, const char *n2)
{
    sea_llama_config c;
    sea_err err;
    sea_status st;
    sea_err_clear(&err);
    st = sea_config_parse(&c, text, strlen(text), CFG, &err);
    ck_assert_msg(st == want, "%s: status %d, expected %d: %s", text, (int)st, (int)want, err.msg);
    ht_check_msg(&err, CFG, n1, n2, text);
}

START_TEST(test_base)
{
    sea_llama_config c = parse_ok(cfg_text(NULL, NULL));
    ck_assert_int_eq(c.n_vocab, 16);
    ck_assert_int_eq(c.d, 8);
    ck_assert_int_eq(c.d_ff, 12);
    ck_assert_int_eq(c.n_layer, 2);
    ck_assert_int_eq(c.n_head, 2);
    ck_assert_int_eq(c.n_kv_head, 1);
    ck_assert_int_eq(c.head_dim, 4);
    ck_assert(c.rms_eps == 1e-5f);
    ck_assert(c.rope_theta == 10000.0);
    ck_assert_int_eq(c.rope_type, SEA_ROPE_DEFAULT);
    ck_assert_int_eq(c.tie_embeddings, 0);
    ck_assert_int_eq(c.bos_id, 1);
    ck_assert_int_eq(c.n_eos, 1);
    ck_assert_int_eq(c.eos_ids[0], 2);
    ck_assert_int_eq(c.max_pos, 64);
    ck_assert_int_eq(c.sliding_window, 0);
    /* defaults: kv heads = heads, eps 1e-6, theta 10000, 2048 positions, no bos/eos */
    c = parse_ok("{\"model_type\":\"mistral\",\"vocab_size\":4,\"hidden_size\":8,\"intermediate_size\":4,"
                 "\"num_hidden_layers\":1,\"num_attention_heads\":2}");
    ck_assert_int_eq(c.n_kv_head, 2);
    ck_assert(c.rms_eps == 1e-6f);
    ck_assert(c.rope_theta == 10000.0);
    ck_assert_int_eq(c.max_pos, 2048);
    ck_assert_int_eq(c.bos_id, -1);
    ck_assert_int_eq(c.n_eos, 0);
    /* eos as a list, bos as a one-element list, explicit nulls */
    c = parse_ok(cfg_text2("eos_token_id", "[2, 3, 15]", "bos_token_id", "[0]"));
    ck_assert_int_eq(c.n_eos, 3);
    ck_assert_int_eq(c.eos_ids[2], 15);
    ck_assert_int_eq(c.bos_id, 0);
    c = parse_ok(cfg_text2("eos_token_id", "null", "rope_scaling", "null"));
    ck_assert_int_eq(c.n_eos, 0);
    c = parse_ok(cfg_text2("tie_word_embeddings", "true", "sliding_window", "null"));
    ck_assert_int_eq(c.tie_embeddings, 1);
    c = parse_ok(cfg_text2("sliding_window", "32", "hidden_act", "\"silu\""));
    ck_assert_int_eq(c.sliding_window, 32);
}
END_TEST

START_TEST(test_case40_missing_and_ill_typed)
{
    static const char *const required[] = {"vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                                           "num_attention_heads"};
    for (size_t i = 0; i < HT_LEN(required); i++) {
        char want[128];
        snprintf(want, sizeof want, "required key '%s' is missing", required[i]);
        expect_cfg(cfg_text(required[i], NULL), SEA_ERR_FORMAT, want, NULL);
        expect_cfg(cfg_text(required[i], "null"), SEA_ERR_FORMAT, want, NULL);
        snprintf(want, sizeof want, "'%s' must be an integer", required[i]);
        expect_cfg(cfg_text(required[i], "\"32\""), SEA_ERR_FORMAT, want, "got string");
        expect_cfg(cfg_text(required[i], "32.5"), SEA_ERR_FORMAT, want, "got 32.5");
        expect_cfg(cfg_text(required[i], "true"), SEA_ERR_FORMAT, want, "got boolean");
        expect_cfg(cfg_text(required[i], "[2]"), SEA_ERR_FORMAT, want, "got array");
    }
    expect_cfg(cfg_text("num_key_value_heads", "\"1\""), SEA_ERR_FORMAT, "'num_key_value_heads' must be an integer", NULL);
    expect_cfg(cfg_text("head_dim", "4.0"), SEA_ERR_FORMAT, "'head_dim' must be an integer", NULL);
    expect_cfg(cfg_text("tie_word_embeddings", "\"true\""), SEA_ERR_FORMAT, "'tie_word_embeddings' must be true or false", NULL);
    expect_cfg(cfg_text("tie_word_embeddings", "1"), SEA_ERR_FORMAT, "must be true or false", NULL);
    expect_cfg(cfg_text("rms_norm_eps", "\"1e-5\""), SEA_ERR_FORMAT, "'rms_norm_eps' must be a number, got string", NULL);
    expect_cfg(cfg_text("bos_token_id", "\"<s>\""), SEA_ERR_FORMAT, "'bos_token_id' must be a token id", NULL);
    expect_cfg(cfg_text("eos_token_id", "[2, \"x\"]"), SEA_ERR_FORMAT, "'eos_token_id' must hold token ids", NULL);
    expect_cfg(cfg_text("eos_token_id", "[1,2,3,4,5,6,7,8,9]"), SEA_ERR_LIMIT, "'eos_token_id' lists more than 8 token ids", NULL);
    /* architecture */
    expect_cfg(cfg_text("model_type", NULL), SEA_ERR_FORMAT, "'model_type' must be a string", NULL);
    expect_cfg(cfg_text("model_type", "7"), SEA_ERR_FORMAT, "'model_type' must be a string", NULL);
    expect_cfg(cfg_text("model_type", "\"gpt2\""), SEA_ERR_UNSUPPORTED, "model_type 'gpt2' is not supported", NULL);
    expect_cfg(cfg_text("model_type", "\"Llama\""), SEA_ERR_UNSUPPORTED, "model_type 'Llama' is not supported", NULL);
    expect_cfg(cfg_text("model_type", "\"llama\\u0000x\""), SEA_ERR_UNSUPPORTED, "is not supported", NULL);
    expect_cfg(cfg_text("model_type", "\"a\\nb\""), SEA_ERR_UNSUPPORTED, "model_type 'a?b'", NULL);
    expect_cfg(cfg_text("hidden_act", "\"gelu\""), SEA_ERR_UNSUPPORTED, "hidden_act must be \"silu\"", NULL);
    expect_cfg(cfg_text("attention_bias", "true"), SEA_ERR_UNSUPPORTED, "'attention_bias' must be false", NULL);
    expect_cfg(cfg_text("mlp_bias", "true"), SEA_ERR_UNSUPPORTED, "'mlp_bias' must be false", NULL);
    /* not a config at all */
    expect_cfg("[]", SEA_ERR_FORMAT, "must be a JSON object", NULL);
    expect_cfg("{\"vocab_size\": 16,}", SEA_ERR_FORMAT, "line 1, column 19", "expected a string key");
    expect_cfg("{\"vocab_size\": 16, \"vocab_size\": 32}", SEA_ERR_FORMAT, "duplicate key \"vocab_size\"", NULL);
    expect_cfg("", SEA_ERR_FORMAT, "unexpected end of input", NULL);
}
END_TEST

START_TEST(test_case41_ranges)
{
    static const struct { const char *key, *value, *msg; } bad[] = {
        {"num_hidden_layers", "0", "'num_hidden_layers' = 0 is outside [1, 512]"},
        {"num_hidden_layers", "513", "'num_hidden_layers' = 513 is outside [1, 512]"},
        {"num_hidden_layers", "-1", "= -1 is outside"},
        {"hidden_size", "0", "'hidden_size' = 0 is outside [1, 1048576]"},
        {"hidden_size", "1048577", "'hidden_size' = 1048577 is outside"},
        {"intermediate_size", "0", "'intermediate_size' = 0 is outside"},
        {"intermediate_size", "1048577", "'intermediate_size' = 1048577 is outside"},
        {"vocab_size", "0", "'vocab_size' = 0 is outside [1, 16777216]"},
        {"vocab_size", "16777217", "'vocab_size' = 16777217 is outside"},
        {"num_attention_heads", "0", "'num_attention_heads' = 0 is outside"},
        {"num_attention_heads", "65537", "'num_attention_heads' = 65537 is outside"},
        {"num_key_value_heads", "0", "'num_key_value_heads' = 0 is outside"},
        {"head_dim", "0", "'head_dim' = 0 is outside [2, 65536]"},
        {"max_position_embeddings", "0", "'max_position_embeddings' = 0 is outside"},
        {"max_position_embeddings", "16777217", "'max_position_embeddings' = 16777217 is outside"},
        {"sliding_window", "0", "'sliding_window' = 0 is outside"},
        {"num_hidden_layers", "9223372036854775807", "= 9223372036854775807 is outside"},
        {"num_hidden_layers", "18446744073709551615", "'num_hidden_layers' is out of the 64-bit integer range"},
        {"num_hidden_layers", "-9223372036854775809", "'num_hidden_layers' is out of the 64-bit integer range"},
        {"bos_token_id", "-1", "'bos_token_id' must be a token id in [0, 16777216)"},
        {"eos_token_id", "16", "eos_token_id 16 is outside the vocabulary (16)"},
        {"eos_token_id", "[2, 16]", "eos_token_id 16 is outside the vocabulary"},
        {"bos_token_id", "16", "bos_token_id 16 is outside the vocabulary (16)"},
    };
    for (size_t i = 0; i < HT_LEN(bad); i++) expect_cfg(cfg_text(bad[i].key, bad[i].value), SEA_ERR_FORMAT, bad[i].msg, NULL);
    /* the limits themselves are accepted */
    ck_assert_int_eq(parse_ok(cfg_text("num_hidden_layers", "512")).n_layer, 512);
    ck_assert_int_eq(parse_ok(cfg_text("vocab_size", "16777216")).n_vocab, 16777216);
    ck_assert_int_eq(parse_ok(cfg_text("intermediate_size", "1048576")).d_ff, 1048576);
    ck_assert_int_eq(parse_ok(cfg_text("max_position_embeddings", "16777216")).max_pos, 16777216);
    ck_assert_int_eq(parse_ok(cfg_text("eos_token_id", "15")).eos_ids[0], 15);
}
END_TEST

START_TEST(test_case42_divisibility)
{
    expect_cfg(cfg_text2("hidden_size", "10", "num_attention_heads", "4"), SEA_ERR_FORMAT,
               "hidden_size 10 is not divisible by num_attention_heads 4", NULL);
    expect_cfg(cfg_text2("num_attention_heads", "4", "num_key_value_heads", "3"), SEA_ERR_FORMAT,
               "num_attention_heads 4 is not a multiple of num_key_value_heads 3", NULL);
    expect_cfg(cfg_text("num_key_value_heads", "4"), SEA_ERR_FORMAT, "num_attention_heads 2 is not a multiple of num_key_value_heads 4", NULL);
    /* head_dim odd, given or derived: RoPE rotates pairs */
    expect_cfg(cfg_text("head_dim", "3"), SEA_ERR_FORMAT, "head_dim 3 must be even", NULL);
    expect_cfg(cfg_text2("hidden_size", "6", "head_dim", NULL), SEA_ERR_FORMAT, "head_dim 3 must be even", NULL);
    /* an explicit head_dim need not divide hidden_size (Mistral-NeMo style) */
    {
        sea_llama_config c = parse_ok(cfg_text2("hidden_size", "10", "head_dim", "6"));
        ck_assert_int_eq(c.head_dim, 6);
        ck_assert_int_eq(c.d, 10);
    }
}
END_TEST

/* A config of family `mt` (sizes as base, tied head) with `extra` JSON members appended. */
static const char *fam_text(const char *mt, const char *extra)
{
    static char buf[4096];
    int hd = !(extra && strstr(extra, "\"head_dim\"")), tie = !(extra && strstr(extra, "\"tie_word_embeddings\""));
    snprintf(buf, sizeof buf,
             "{\"model_type\": \"%s\", \"vocab_size\": 16, \"hidden_size\": 8, \"intermediate_size\": 12, "
             "\"num_hidden_layers\": 4, \"num_attention_heads\": 2, \"num_key_value_heads\": 1, %s"
             "\"max_position_embeddings\": 64, \"rms_norm_eps\": 1e-06%s%s%s}",
             mt, hd ? "\"head_dim\": 4, " : "", tie ? ", \"tie_word_embeddings\": true" : "", extra && extra[0] ? ", " : "",
             extra ? extra : "");
    return buf;
}

/* The family table's rows reach the config, with config.json's values where a family reads
 * them (issue 14), and every new field is checked. */
START_TEST(test_families)
{
    sea_llama_config c;
    /* llama and mistral: the Llama row */
    c = parse_ok(cfg_text("model_type", "\"llama\""));
    ck_assert_int_eq(c.family, SEA_FAMILY_LLAMA);
    ck_assert_int_eq(c.act, SEA_ACT_SILU);
    ck_assert(!c.norm_one_plus && !c.embed_scale && !c.qkv_bias && !c.post_norms);
    ck_assert(c.attn_scale == (float)(1.0 / sqrt(4.0)) && c.attn_softcap == 0 && c.final_softcap == 0);
    ck_assert_int_eq(c.n_sliding_layers, 0);
    /* a llama config's sliding_window is kept but used on no layer (Hugging Face ignores it) */
    c = parse_ok(cfg_text("sliding_window", "32"));
    ck_assert_int_eq(c.sliding_window, 32);
    ck_assert_int_eq(c.n_sliding_layers, 0);
    /* Mistral v0.1: every layer slides */
    c = parse_ok(cfg_text2("model_type", "\"mistral\"", "sliding_window", "16"));
    ck_assert_int_eq(c.family, SEA_FAMILY_MISTRAL);
    ck_assert_int_eq(c.n_sliding_layers, 2);
    ck_assert(c.sliding_layers[0] && c.sliding_layers[1] && c.sliding_window == 16);
    c = parse_ok(cfg_text2("model_type", "\"mistral\"", "sliding_window", "null"));
    ck_assert_int_eq(c.n_sliding_layers, 0);
    /* absent: Hugging Face's 4096, which changes nothing within 64 positions */
    c = parse_ok(cfg_text("model_type", "\"mistral\""));
    ck_assert_int_eq(c.n_sliding_layers, 0);
    /* Gemma: tanh GELU whatever the legacy hidden_act says, (1 + w), sqrt(d), head_dim 256 by default */
    c = parse_ok(fam_text("gemma", "\"hidden_act\": \"gelu\""));
    ck_assert_int_eq(c.family, SEA_FAMILY_GEMMA);
    ck_assert_int_eq(c.act, SEA_ACT_GELU_TANH);
    ck_assert(c.norm_one_plus && c.embed_scale && !c.post_norms && !c.qkv_bias && c.tie_embeddings);
    ck_assert_int_eq(c.n_sliding_layers, 0);
    c = parse_ok(fam_text("gemma", "\"hidden_activation\": \"gelu\""));
    ck_assert_int_eq(c.act, SEA_ACT_GELU);
    {
        char t[4096];
        snprintf(t, sizeof t, "%s", fam_text("gemma", NULL));
        memmove(strstr(t, "\"head_dim\": 4, "), strstr(t, "\"head_dim\": 4, ") + 15, strlen(strstr(t, "\"head_dim\": 4, ") + 15) + 1);
        c = parse_ok(t);
        ck_assert_int_eq(c.head_dim, 256);
    }
    c = parse_ok("{\"model_type\": \"gemma\", \"vocab_size\": 16, \"hidden_size\": 8, \"intermediate_size\": 12, "
                 "\"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"head_dim\": 4}");
    ck_assert_int_eq(c.tie_embeddings, 1); /* Gemma's default */
    /* Gemma 2: defaults 256 / 50 / 30 / window 4096 on even layers (cut to none within 64 positions) */
    c = parse_ok(fam_text("gemma2", NULL));
    ck_assert_int_eq(c.family, SEA_FAMILY_GEMMA2);
    ck_assert(c.post_norms && c.attn_softcap == 50.0f && c.final_softcap == 30.0f);
    ck_assert(c.query_pre_attn_scalar == 256 && c.attn_scale == 0.0625f);
    ck_assert_int_eq(c.n_sliding_layers, 0);
    c = parse_ok(fam_text("gemma2", "\"sliding_window\": 8, \"query_pre_attn_scalar\": 16, "
                                    "\"attn_logit_softcapping\": null, \"final_logit_softcapping\": 20.5"));
    ck_assert(c.attn_scale == 0.25f && c.attn_softcap == 0 && c.final_softcap == 20.5f);
    ck_assert_int_eq(c.n_sliding_layers, 2);
    ck_assert(c.sliding_layers[0] && !c.sliding_layers[1] && c.sliding_layers[2] && !c.sliding_layers[3]);
    c = parse_ok(fam_text("gemma2", "\"sliding_window\": 8, \"layer_types\": [\"full_attention\", "
                                    "\"full_attention\", \"full_attention\", \"sliding_attention\"]"));
    ck_assert_int_eq(c.n_sliding_layers, 1);
    ck_assert(c.sliding_layers[3] && !c.sliding_layers[0]);
    /* Qwen2: biases, no window unless use_sliding_window (Qwen2.5 ships false with a window
     * larger than its positions) */
    c = parse_ok(fam_text("qwen2", "\"sliding_window\": 131072, \"use_sliding_window\": false, \"max_window_layers\": 2, "
                                   "\"rope_theta\": 1000000.0"));
    ck_assert_int_eq(c.family, SEA_FAMILY_QWEN2);
    ck_assert(c.qkv_bias && !c.norm_one_plus && !c.embed_scale && c.act == SEA_ACT_SILU && c.rope_theta == 1e6);
    ck_assert_int_eq(c.n_sliding_layers, 0);
    c = parse_ok(fam_text("qwen2", "\"sliding_window\": 16, \"use_sliding_window\": true, \"max_window_layers\": 2"));
    ck_assert_int_eq(c.n_sliding_layers, 2);
    ck_assert(!c.sliding_layers[1] && c.sliding_layers[2] && c.sliding_layers[3]);
    c = parse_ok(cfg_text2("model_type", "\"qwen2\"", "tie_word_embeddings", NULL));
    ck_assert_int_eq(c.tie_embeddings, 0); /* Qwen2's default */
}
END_TEST

START_TEST(test_families_hostile)
{
    static const struct { const char *mt, *extra; sea_status st; const char *msg; } bad[] = {
        {"gemma", "\"head_dim\": -256", SEA_ERR_FORMAT, "'head_dim' = -256 is outside"},
        {"gemma2", "\"head_dim\": 0", SEA_ERR_FORMAT, "'head_dim' = 0 is outside"},
        {"gemma", "\"hidden_activation\": \"relu\"", SEA_ERR_UNSUPPORTED, "'hidden_activation' must be"},
        {"gemma", "\"hidden_activation\": 3", SEA_ERR_UNSUPPORTED, "'hidden_activation' must be"},
        {"gemma", "\"hidden_act\": 7", SEA_ERR_FORMAT, "'hidden_act' must be a string"},
        {"gemma", "\"tie_word_embeddings\": false", SEA_ERR_UNSUPPORTED, "GemmaForCausalLM always ties lm_head to the embedding"},
        {"gemma", "\"tie_word_embeddings\": 1", SEA_ERR_FORMAT, "'tie_word_embeddings' must be true or false"},
        {"gemma2", "\"attn_logit_softcapping\": 0", SEA_ERR_FORMAT, "'attn_logit_softcapping' must be a positive number"},
        {"gemma2", "\"attn_logit_softcapping\": -50", SEA_ERR_FORMAT, "'attn_logit_softcapping' must be a positive"},
        {"gemma2", "\"attn_logit_softcapping\": 1e999", SEA_ERR_FORMAT, "'attn_logit_softcapping' is not a finite number"},
        {"gemma2", "\"attn_logit_softcapping\": \"50\"", SEA_ERR_FORMAT, "'attn_logit_softcapping' must be a number"},
        {"gemma2", "\"final_logit_softcapping\": 0.0", SEA_ERR_FORMAT, "'final_logit_softcapping' must be a positive"},
        {"gemma2", "\"final_logit_softcapping\": 1e-300", SEA_ERR_FORMAT, "'final_logit_softcapping' must be a positive"},
        {"gemma2", "\"final_logit_softcapping\": -1e999", SEA_ERR_FORMAT, "not a finite number"},
        {"gemma2", "\"query_pre_attn_scalar\": 0", SEA_ERR_FORMAT, "'query_pre_attn_scalar' must be a positive"},
        {"gemma2", "\"query_pre_attn_scalar\": -16", SEA_ERR_FORMAT, "'query_pre_attn_scalar' must be a positive"},
        {"gemma2", "\"query_pre_attn_scalar\": null", SEA_ERR_FORMAT, "'query_pre_attn_scalar' must be a positive"},
        {"gemma2", "\"sliding_window\": 0", SEA_ERR_FORMAT, "'sliding_window' = 0 is outside"},
        {"gemma2", "\"sliding_window\": -8", SEA_ERR_FORMAT, "'sliding_window' = -8 is outside"},
        {"gemma2", "\"sliding_window\": 65", SEA_ERR_FORMAT, "sliding_window 65 is larger than max_position_embeddings 64"},
        {"gemma2", "\"sliding_window\": 99999999999", SEA_ERR_FORMAT, "'sliding_window' = 99999999999 is outside"},
        {"gemma2", "\"sliding_window\": 8, \"layer_types\": [\"sliding_attention\"]", SEA_ERR_FORMAT,
         "'layer_types' must be a list of 4 strings"},
        {"gemma2", "\"sliding_window\": 8, \"layer_types\": \"sliding_attention\"", SEA_ERR_FORMAT, "'layer_types' must be a list"},
        {"gemma2", "\"sliding_window\": 8, \"layer_types\": [\"sliding_attention\", \"chunked\", \"a\", \"b\"]",
         SEA_ERR_FORMAT, "'layer_types' entry 1 must be"},
        {"qwen2", "\"use_sliding_window\": \"yes\"", SEA_ERR_FORMAT, "'use_sliding_window' must be true or false"},
        {"qwen2", "\"use_sliding_window\": true, \"sliding_window\": 1000, \"max_window_layers\": 0", SEA_ERR_FORMAT,
         "sliding_window 1000 is larger than max_position_embeddings 64"},
        {"qwen2", "\"max_window_layers\": -1", SEA_ERR_FORMAT, "'max_window_layers' = -1 is outside"},
        {"qwen2", "\"hidden_act\": \"gelu\"", SEA_ERR_UNSUPPORTED, "hidden_act must be \"silu\""},
        {"qwen2", "\"attention_bias\": true", SEA_ERR_UNSUPPORTED, "'attention_bias' must be false"},
        {"mistral", "\"sliding_window\": 4096", SEA_ERR_FORMAT, "sliding_window 4096 is larger than max_position_embeddings 64"},
        {"Gemma", NULL, SEA_ERR_UNSUPPORTED, "model_type 'Gemma' is not supported (llama, mistral, gemma, gemma2 and qwen2 are)"},
        {"gemma3", NULL, SEA_ERR_UNSUPPORTED, "model_type 'gemma3' is not supported"},
    };
    for (size_t i = 0; i < HT_LEN(bad); i++) expect_cfg(fam_text(bad[i].mt, bad[i].extra), bad[i].st, bad[i].msg, NULL);
    /* Gemma always ties its head */
    expect_cfg("{\"model_type\": \"gemma2\", \"vocab_size\": 16, \"hidden_size\": 8, \"intermediate_size\": 12, "
               "\"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"head_dim\": 4, \"tie_word_embeddings\": false}",
               SEA_ERR_UNSUPPORTED, "tie_word_embeddings is false, but Gemma2ForCausalLM always ties lm_head", NULL);
}
END_TEST

START_TEST(test_case43_derived_sizes)
{
    /* every size the loader and the context derive is a product of capped values, so none
     * overflows 64 bits: vocab x hidden <= 2^44 elements, layers x positions x kv width x 2
     * <= 2^9 x 2^24 x 2^20 x 2 floats. The one product the config itself forms, heads x
     * head_dim, is capped at 2^20 */
    sea_llama_config c;
    expect_cfg(cfg_text2("num_attention_heads", "65536", "head_dim", "32"), SEA_ERR_FORMAT,
               "num_attention_heads x head_dim is too large", NULL);
    expect_cfg(cfg_text2("num_attention_heads", "32", "head_dim", "65536"), SEA_ERR_FORMAT, "too large", NULL);
    c = parse_ok("{\"model_type\":\"llama\",\"vocab_size\":16777216,\"hidden_size\":1048576,\"intermediate_size\":1048576,"
                 "\"num_hidden_layers\":512,\"num_attention_heads\":16384,\"num_key_value_heads\":16384,"
                 "\"max_position_embeddings\":16777216}");
    ck_assert_int_eq(c.head_dim, 64);
    {
        uint64_t kv = 2ull * (uint64_t)c.n_layer * (uint64_t)c.max_pos * (uint64_t)c.n_kv_head * (uint64_t)c.head_dim;
        ck_assert(kv / 2 / (uint64_t)c.n_layer / (uint64_t)c.max_pos == (uint64_t)c.n_kv_head * (uint64_t)c.head_dim);
        ck_assert(kv <= UINT64_MAX / sizeof(float));
    }
}
END_TEST

START_TEST(test_case44_eps_theta_rope)
{
    static const struct { const char *key, *value; sea_status st; const char *msg; } bad[] = {
        {"rms_norm_eps", "0", SEA_ERR_FORMAT, "rms_norm_eps must be in (0, 1)"},
        {"rms_norm_eps", "-1e-5", SEA_ERR_FORMAT, "rms_norm_eps must be in (0, 1)"},
        {"rms_norm_eps", "1", SEA_ERR_FORMAT, "rms_norm_eps must be in (0, 1)"},
        {"rms_norm_eps", "1e400", SEA_ERR_FORMAT, "'rms_norm_eps' is not a finite number"},
        {"rope_theta", "0", SEA_ERR_FORMAT, "rope_theta must be positive"},
        {"rope_theta", "-10000", SEA_ERR_FORMAT, "rope_theta must be positive"},
        {"rope_theta", "1e999", SEA_ERR_FORMAT, "'rope_theta' is not a finite number"},
        {"rope_theta", "\"1e4\"", SEA_ERR_FORMAT, "'rope_theta' must be a number"},
        {"rope_scaling", "\"linear\"", SEA_ERR_FORMAT, "'rope_scaling' must be an object or null"},
        {"rope_scaling", "{\"rope_type\":\"dynamic\",\"factor\":2.0}", SEA_ERR_UNSUPPORTED,
         "RoPE scaling type 'dynamic' is not supported (default, linear and llama3 are)"},
        {"rope_scaling", "{\"type\":\"yarn\",\"factor\":4.0}", SEA_ERR_UNSUPPORTED, "RoPE scaling type 'yarn'"},
        {"rope_scaling", "{\"rope_type\":\"longrope\"}", SEA_ERR_UNSUPPORTED, "'longrope'"},
        {"rope_scaling", "{\"rope_type\":\"llama3\\u0000\"}", SEA_ERR_FORMAT, "'rope_scaling.rope_type' contains a NUL"},
        {"rope_scaling", "{\"rope_type\":3}", SEA_ERR_FORMAT, "'rope_scaling.rope_type' must be a string"},
        {"rope_scaling", "{\"rope_type\":\"linear\"}", SEA_ERR_FORMAT, "required key 'factor' is missing"},
        {"rope_scaling", "{\"rope_type\":\"linear\",\"factor\":0}", SEA_ERR_FORMAT, "RoPE scaling factor must be positive"},
        {"rope_scaling", "{\"rope_type\":\"linear\",\"factor\":-2}", SEA_ERR_FORMAT, "factor must be positive"},
        {"rope_scaling", "{\"rope_type\":\"linear\",\"factor\":\"2\"}", SEA_ERR_FORMAT, "'factor' must be a number"},
        {"rope_scaling", "{\"rope_type\":\"llama3\",\"factor\":8,\"high_freq_factor\":4,\"original_max_position_embeddings\":64}",
         SEA_ERR_FORMAT, "required key 'low_freq_factor' is missing"},
        {"rope_scaling", "{\"rope_type\":\"llama3\",\"factor\":8,\"low_freq_factor\":4,\"high_freq_factor\":4,"
                         "\"original_max_position_embeddings\":64}", SEA_ERR_FORMAT, "0 < low_freq_factor < high_freq_factor"},
        {"rope_scaling", "{\"rope_type\":\"llama3\",\"factor\":8,\"low_freq_factor\":0,\"high_freq_factor\":4,"
                         "\"original_max_position_embeddings\":64}", SEA_ERR_FORMAT, "0 < low_freq_factor"},
        {"rope_scaling", "{\"rope_type\":\"llama3\",\"factor\":8,\"low_freq_factor\":1,\"high_freq_factor\":4,"
                         "\"original_max_position_embeddings\":0}", SEA_ERR_FORMAT, "original_max_position_embeddings' must be a positive integer"},
        {"rope_scaling", "{\"rope_type\":\"llama3\",\"factor\":8,\"low_freq_factor\":1,\"high_freq_factor\":4,"
                         "\"original_max_position_embeddings\":64.5}", SEA_ERR_FORMAT, "must be a positive integer"},
        {"rope_scaling", "{\"rope_type\":\"llama3\",\"factor\":1e7,\"low_freq_factor\":1,\"high_freq_factor\":4,"
                         "\"original_max_position_embeddings\":64}", SEA_ERR_FORMAT, "factor must be positive"},
        {"rope_parameters", "{\"rope_type\":\"default\",\"rope_theta\":0}", SEA_ERR_FORMAT, "rope_theta must be positive"},
        {"rope_parameters", "{\"rope_type\":\"su\",\"rope_theta\":10000}", SEA_ERR_UNSUPPORTED, "RoPE scaling type 'su'"},
        {"rope_parameters", "[]", SEA_ERR_FORMAT, "'rope_parameters' must be an object or null"},
        {"rope_parameters", "{\"full_attention\":{\"rope_type\":\"llama3\"}}", SEA_ERR_UNSUPPORTED,
         "'rope_parameters.full_attention': nested RoPE parameters are not supported"},
    };
    for (size_t i = 0; i < HT_LEN(bad); i++) expect_cfg(cfg_text(bad[i].key, bad[i].value), bad[i].st, bad[i].msg, NULL);
}
END_TEST

static void expect_same(const sea_llama_config *a, const sea_llama_config *b, const char *what)
{
    ck_assert_msg(a->n_vocab == b->n_vocab && a->d == b->d && a->d_ff == b->d_ff && a->n_layer == b->n_layer &&
                      a->n_head == b->n_head && a->n_kv_head == b->n_kv_head && a->head_dim == b->head_dim,
                  "%s: sizes differ", what);
    ck_assert_msg(a->rms_eps == b->rms_eps && a->rope_theta == b->rope_theta && a->rope_type == b->rope_type &&
                      a->rope_factor == b->rope_factor && a->rope_low_freq_factor == b->rope_low_freq_factor &&
                      a->rope_high_freq_factor == b->rope_high_freq_factor && a->rope_orig_max_pos == b->rope_orig_max_pos,
                  "%s: RoPE or eps differ", what);
    ck_assert_msg(a->tie_embeddings == b->tie_embeddings && a->bos_id == b->bos_id && a->n_eos == b->n_eos &&
                      a->max_pos == b->max_pos && a->sliding_window == b->sliding_window,
                  "%s: other fields differ", what);
    for (int i = 0; i < a->n_eos; i++) ck_assert_int_eq(a->eos_ids[i], b->eos_ids[i]);
    ck_assert(memcmp(a, b, sizeof *a) == 0); /* both zero-filled first: no stray field */
}

START_TEST(test_layouts_agree)
{
    /* the same llama3-scaled model written by transformers 4 (rope_theta + rope_scaling) and
     * transformers 5 (rope_parameters holding both) */
    sea_llama_config a = parse_ok(cfg_text2(
        "rope_theta", "500000.0", "rope_scaling",
        "{\"rope_type\":\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,"
        "\"original_max_position_embeddings\":64}"));
    sea_llama_config b = parse_ok(cfg_text2(
        "rope_theta", NULL, "rope_parameters",
        "{\"rope_type\":\"llama3\",\"rope_theta\":500000.0,\"factor\":8.0,\"low_freq_factor\":1.0,"
        "\"high_freq_factor\":4.0,\"original_max_position_embeddings\":64}"));
    ck_assert_int_eq(a.rope_type, SEA_ROPE_LLAMA3);
    ck_assert(a.rope_theta == 500000.0 && a.rope_factor == 8.0 && a.rope_orig_max_pos == 64);
    expect_same(&a, &b, "llama3 layouts");
    /* linear, with the older "type" key */
    a = parse_ok(cfg_text("rope_scaling", "{\"type\":\"linear\",\"factor\":2.0}"));
    b = parse_ok(cfg_text2("rope_theta", NULL, "rope_parameters", "{\"rope_type\":\"linear\",\"factor\":2.0,\"rope_theta\":10000.0}"));
    ck_assert_int_eq(a.rope_type, SEA_ROPE_LINEAR);
    expect_same(&a, &b, "linear layouts");
    /* default */
    a = parse_ok(cfg_text(NULL, NULL));
    b = parse_ok(cfg_text2("rope_theta", NULL, "rope_parameters", "{\"rope_type\":\"default\",\"rope_theta\":10000.0}"));
    expect_same(&a, &b, "default layouts");
}
END_TEST

START_TEST(test_layouts_agree_golden)
{
    /* the reference models: config.json from transformers 4, config.hf-native.json as
     * transformers 5 saves the same model */
    static const char *const dirs[] = {"tiny-f32", "tiny-f16-sharded", "tiny-gqa-bf16-tied-llama3rope", "tiny-headdim"};
    for (size_t i = 0; i < HT_LEN(dirs); i++) {
        char rel[256], *t1, *t2;
        size_t n1, n2;
        sea_llama_config a, b;
        sea_err err;
        snprintf(rel, sizeof rel, "golden/hf/%s/config.json", dirs[i]);
        t1 = (char *)ht_read(shared_path(rel), &n1);
        snprintf(rel, sizeof rel, "golden/hf/%s/config.hf-native.json", dirs[i]);
        t2 = (char *)ht_read(shared_path(rel), &n2);
        sea_err_clear(&err);
        ck_assert_msg(sea_config_parse(&a, t1, n1, "config.json", &err) == SEA_OK, "%s: %s", dirs[i], err.msg);
        ck_assert_msg(sea_config_parse(&b, t2, n2, "config.hf-native.json", &err) == SEA_OK, "%s: %s", dirs[i], err.msg);
        expect_same(&a, &b, dirs[i]);
        free(t1);
        free(t2);
    }
}
END_TEST

START_TEST(test_load_from_directory)
{
    char dir[4096], path[4200], gpath[4200];
    sea_llama_config c;
    sea_err err;
    int fd;
    ht_tmpdir(dir, sizeof dir);
    ht_path(gpath, sizeof gpath, dir, "generation_config.json");
    ht_path(path, sizeof path, dir, CFG);
    /* no config.json */
    sea_err_clear(&err);
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_ERR_IO);
    ht_check_msg(&err, path, "cannot open", NULL, "missing");
    /* generation_config.json adds eos ids (without duplicates) */
    ht_write_str(dir, CFG, cfg_text("eos_token_id", "[2, 3]"));
    ht_write_str(dir, "generation_config.json", "{\"eos_token_id\": [3, 4], \"bos_token_id\": 1}");
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_OK);
    ck_assert_int_eq(c.n_eos, 3);
    ck_assert_int_eq(c.eos_ids[2], 4);
    /* up to SEA_MAX_EOS (8) distinct ids in all; one more is an error, not a dropped stop token */
    ht_write_str(dir, "generation_config.json", "{\"eos_token_id\": [3, 4, 5, 6, 7, 8, 9]}");
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_OK);
    ck_assert_int_eq(c.n_eos, 8);
    ck_assert_int_eq(c.eos_ids[7], 9);
    ht_write_str(dir, "generation_config.json", "{\"eos_token_id\": [3, 4, 5, 6, 7, 8, 9, 10]}");
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_ERR_FORMAT);
    ht_check_msg(&err, gpath, "more than 8 distinct ids", NULL, "gen eos count");
    ht_write_str(dir, "generation_config.json", "{\"eos_token_id\": 16}");
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_ERR_FORMAT);
    ht_check_msg(&err, gpath, "eos_token_id 16 is outside the vocabulary", NULL, "gen eos");
    ht_write_str(dir, "generation_config.json", "{\"eos_token_id\": 1,");
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_ERR_FORMAT);
    ht_check_msg(&err, gpath, "line 1", NULL, "gen json");
    ht_write_str(dir, "generation_config.json", "[1]");
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_ERR_FORMAT);
    ht_check_msg(&err, gpath, "must be a JSON object", NULL, "gen array");
    ht_path(path, sizeof path, dir, "generation_config.json");
    unlink(path);
    ck_assert_int_eq(mkfifo(path, 0600), 0); /* must not block */
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_ERR_IO);
    ht_check_msg(&err, path, "not a regular file", NULL, "gen fifo");
    unlink(path);
    /* config.json as a FIFO, a directory, over the 16 MiB cap (sparse) */
    ht_path(path, sizeof path, dir, CFG);
    unlink(path);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_ERR_IO);
    ht_check_msg(&err, path, "not a regular file", NULL, "fifo");
    unlink(path);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_ERR_IO);
    ht_check_msg(&err, path, "not a regular file", NULL, "directory");
    rmdir(path);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)(16 << 20) + 1), 0);
    close(fd);
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_ERR_LIMIT);
    ht_check_msg(&err, path, "larger than the limit", NULL, "huge");
    /* a bad config names its path */
    ht_write_str(dir, CFG, cfg_text("num_hidden_layers", "0"));
    ck_assert_int_eq(sea_config_load(&c, dir, &err), SEA_ERR_FORMAT);
    ht_check_msg(&err, path, "'num_hidden_layers' = 0 is outside", NULL, "bad value");
    ht_rm_tree(dir);
}
END_TEST

START_TEST(test_case53_allocation_failures)
{
    const char *text = cfg_text2("eos_token_id", "[2, 3]", "rope_scaling", "{\"rope_type\":\"linear\",\"factor\":2.0}");
    int done = 0;
    for (long k = 1; k < 100 && !done; k++) {
        sea_llama_config c;
        sea_err err;
        sea_status st;
        sea_err_clear(&err);
        ht_track_allocations();
        ht_fail_at = k;
        st = sea_config_parse(&c, text, strlen(text), CFG, &err);
        ht_fail_at = 0;
        if (st == SEA_OK) done = 1;
        else ck_assert_msg(st == SEA_ERR_NOMEM && strstr(err.msg, "out of memory"), "k = %ld: %d %s", k, (int)st, err.msg);
        ck_assert_msg(ht_live == 0, "k = %ld: %zu bytes leaked", k, ht_live);
        sea_set_allocator(NULL);
    }
    ck_assert(done);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config.json");
    tcase_add_test(tc, test_base);
    tcase_add_test(tc, test_case40_missing_and_ill_typed);
    tcase_add_test(tc, test_case41_ranges);
    tcase_add_test(tc, test_case42_divisibility);
    tcase_add_test(tc, test_case43_derived_sizes);
    tcase_add_test(tc, test_families);
    tcase_add_test(tc, test_families_hostile);
    tcase_add_test(tc, test_case44_eps_theta_rope);
    tcase_add_test(tc, test_layouts_agree);
    tcase_add_test(tc, test_load_from_directory);
    tcase_add_test(tc, test_case53_allocation_failures);
    /* the golden directories live in the shared conformance data */
    if (getenv("SEA_SHARED") && getenv("SEA_SHARED")[0]) tcase_add_test(tc, test_layouts_agree_golden);
    else fprintf(stderr, "note: SEA_SHARED is not set: layout agreement on the golden configs is skipped\n");
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
