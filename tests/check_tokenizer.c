/* tests/check_tokenizer.c: the tokenizer against Hugging Face `tokenizers` 0.23 on the golden
 * encodings of kjv-demo and Llama-2 (~7000 texts each: TruthfulQA and edge cases): ids,
 * ids with special tokens, and decoded text must be identical. Also: the heap merge loop
 * against the quadratic reference, streaming decode against whole decode, edge inputs on the
 * real tokenizers, templates, and the accessors. */
#include "check_tokenizer_util.h"

static sea_tokenizer *open_dir(const char *dir)
{
    sea_tokenizer *tok = NULL;
    sea_err err;
    ck_assert_msg(sea_tokenizer_open(&tok, dir, &err) == SEA_OK, "%s", err.msg);
    return tok;
}

static sea_tokenizer *kjv(void) { return open_dir(model_dir("kjv-demo")); }
static sea_tokenizer *llama2(void) { return open_dir(fixture("tokenizer/llama2")); }

START_TEST(test_golden_kjv)
{
    golden g;
    sea_tokenizer *tok = kjv();
    golden_load(&g, fixture("tokenizer/kjv-demo.jsonl"));
    ck_assert_uint_eq(g.n, 6991);
    ck_assert_uint_eq(golden_check(tok, &g), 0);
    golden_free(&g);
    sea_tokenizer_close(tok);
}
END_TEST

START_TEST(test_golden_llama2)
{
    golden g;
    sea_tokenizer *tok = llama2();
    golden_load(&g, fixture("tokenizer/llama2.jsonl"));
    ck_assert_uint_eq(g.n, 6991);
    ck_assert_uint_eq(golden_check(tok, &g), 0);
    golden_free(&g);
    sea_tokenizer_close(tok);
}
END_TEST

/* The O(n log n) heap loop and the textbook rescanning loop give the same ids. */
START_TEST(test_heap_equals_naive)
{
    const char *dirs[2];
    golden g;
    dirs[0] = model_dir("kjv-demo");
    dirs[1] = fixture("tokenizer/llama2");
    golden_load(&g, fixture("tokenizer/llama2.jsonl"));
    for (int d = 0; d < 2; d++) {
        sea_tokenizer *tok = open_dir(dirs[d]);
        for (size_t i = 0; i < g.n; i += 3) {
            int32_t *a, *b;
            size_t na, nb;
            sea_err err;
            ck_assert(sea__tok_encode(tok, g.lines[i].text, g.lines[i].text_len, 1, 0, &a, &na, &err) == SEA_OK);
            ck_assert(sea__tok_encode(tok, g.lines[i].text, g.lines[i].text_len, 1, 1, &b, &nb, &err) == SEA_OK);
            ck_assert_uint_eq(na, nb);
            ck_assert(memcmp(a, b, na * sizeof *a) == 0);
            sea_free(a);
            sea_free(b);
        }
        sea_tokenizer_close(tok);
    }
    golden_free(&g);
}
END_TEST

START_TEST(test_stream_goldens)
{
    golden g;
    sea_tokenizer *tok = llama2();
    size_t bad = 0;
    golden_load(&g, fixture("tokenizer/llama2.jsonl"));
    for (size_t i = 0; i < g.n; i++) {
        bad += (size_t)stream_matches(tok, g.lines[i].ids_special, g.lines[i].n_special, 0);
        bad += (size_t)stream_matches(tok, g.lines[i].ids_special, g.lines[i].n_special, 1);
    }
    ck_assert_uint_eq(bad, 0);
    golden_free(&g);
    sea_tokenizer_close(tok);
}
END_TEST

/* Edge inputs on the real tokenizers: values follow from HF's rules (Prepend only on non-empty
 * text, byte fallback for characters outside the vocab, special tokens in the raw text). */
START_TEST(test_edge_inputs_llama2)
{
    sea_tokenizer *tok = llama2();
    int32_t *ids;
    size_t n;
    sea_err err;
    char *s;
    /* empty text: nothing, or BOS alone */
    ck_assert(sea_tokenize(tok, "", 0, 0, &ids, &n, &err) == SEA_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_nonnull(ids);
    sea_free(ids);
    ck_assert(sea_tokenize(tok, NULL, 0, 1, &ids, &n, &err) == SEA_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(ids[0], 1);
    sea_free(ids);
    /* only spaces: Prepend + Replace give "▁▁▁▁", however BPE splits it */
    s = pieces_of(tok, "   ", 0);
    {
        size_t w = 0;
        for (size_t r = 0; s[r]; r++)
            if (s[r] != '|') s[w++] = s[r];
        s[w] = '\0';
    }
    ck_assert_str_eq(s, "▁▁▁▁");
    sea_free(s);
    /* special-token strings split the text; each segment gets its own "▁" */
    s = pieces_of(tok, "a</s>b<s>", 1);
    ck_assert_str_eq(s, "<s>|▁a|</s>|▁b|<s>");
    sea_free(s);
    /* byte fallback for a character outside the vocab: U+1F1EC -> F0 9F 87 AC */
    s = pieces_of(tok, "\xF0\x9F\x87\xAC", 0);
    ck_assert_str_eq(s, "▁|<0xF0>|<0x9F>|<0x87>|<0xAC>");
    sea_free(s);
    /* invalid UTF-8 is refused, naming the offset */
    ck_assert_int_eq(sea_tokenize(tok, "ab\xC3(", 4, 0, &ids, &n, &err), SEA_ERR_FORMAT);
    ck_assert_msg(strstr(err.msg, "not valid UTF-8 at byte 2"), "%s", err.msg);
    ck_assert_int_eq(sea_tokenize(tok, "\xED\xA0\x80", 3, 0, &ids, &n, &err), SEA_ERR_FORMAT); /* surrogate */
    ck_assert_int_eq(sea_tokenize(tok, "\xC0\xAF", 2, 0, &ids, &n, &err), SEA_ERR_FORMAT);     /* overlong */
    /* a NUL byte inside the text is a character like any other */
    ck_assert(sea_tokenize(tok, "a\0b", 3, 0, &ids, &n, &err) == SEA_OK);
    ck_assert_uint_ge(n, 3);
    sea_free(ids);
    sea_tokenizer_close(tok);
}
END_TEST

/* A 1 MB word without spaces (and a long run of one character) round-trips through decode, and
 * the heap loop agrees with the reference loop on a 20 kB prefix. */
START_TEST(test_long_words)
{
    sea_tokenizer *tok = kjv();
    size_t n_text = 1 << 20;
    char *text = malloc(n_text + 1), *back;
    int32_t *ids, *ref;
    size_t n, nr, bl;
    sea_err err;
    uint32_t x = 12345;
    for (size_t i = 0; i < n_text; i++) {
        x = x * 1103515245u + 12345u;
        text[i] = (char)('a' + (x >> 16) % 26);
    }
    ck_assert(sea_tokenize(tok, text, n_text, 0, &ids, &n, &err) == SEA_OK);
    ck_assert_uint_gt(n, n_text / 8);
    ck_assert(sea_detokenize(tok, ids, n, 0, &back, &bl, &err) == SEA_OK);
    ck_assert_uint_eq(bl, n_text);
    ck_assert(memcmp(back, text, n_text) == 0);
    sea_free(back);
    sea_free(ids);
    ck_assert(sea__tok_encode(tok, text, 20000, 0, 0, &ids, &n, &err) == SEA_OK);
    ck_assert(sea__tok_encode(tok, text, 20000, 0, 1, &ref, &nr, &err) == SEA_OK);
    ck_assert_uint_eq(n, nr);
    ck_assert(memcmp(ids, ref, n * sizeof *ids) == 0);
    sea_free(ids);
    sea_free(ref);
    memset(text, 'e', n_text);
    ck_assert(sea_tokenize(tok, text, n_text, 0, &ids, &n, &err) == SEA_OK);
    ck_assert(sea_detokenize(tok, ids, n, 0, &back, &bl, &err) == SEA_OK);
    ck_assert_uint_eq(bl, n_text);
    ck_assert(memcmp(back, text, n_text) == 0);
    sea_free(back);
    sea_free(ids);
    free(text);
    sea_tokenizer_close(tok);
}
END_TEST

START_TEST(test_accessors)
{
    sea_tokenizer *tok = llama2();
    size_t l;
    const char *p;
    ck_assert_int_eq(sea_tokenizer_n_vocab(tok), 32000);
    ck_assert_int_eq(sea_tokenizer_bos(tok), 1);
    ck_assert_int_eq(sea_tokenizer_eos(tok), 2);
    ck_assert_int_eq(sea_tokenizer_add_bos(tok), 1);
    p = sea_tokenizer_piece(tok, 28705, &l);
    ck_assert_uint_eq(l, 3);
    ck_assert(memcmp(p, "▁", 3) == 0);
    ck_assert_ptr_null(sea_tokenizer_piece(tok, 32000, &l));
    ck_assert_ptr_null(sea_tokenizer_piece(tok, -1, &l));
    ck_assert_int_eq(sea_tokenizer_token_id(tok, "</s>", 4), 2);
    ck_assert_int_eq(sea_tokenizer_token_id(tok, "no such piece", 13), -1);
    ck_assert(sea_tokenizer_is_special(tok, 1));
    ck_assert(!sea_tokenizer_is_special(tok, 28705));
    sea_tokenizer_close(tok);
    tok = kjv();
    ck_assert_int_eq(sea_tokenizer_n_vocab(tok), 4096);
    ck_assert_int_eq(sea_tokenizer_bos(tok), 1);
    ck_assert_int_eq(sea_tokenizer_eos(tok), 2);
    sea_tokenizer_close(tok);
}
END_TEST

START_TEST(test_detokenize)
{
    sea_tokenizer *tok = llama2();
    int32_t ids[] = {1, 22557, 1526, 2};
    int32_t bad[] = {5, 32000};
    int32_t bytes[] = {28705, 243, 162, 138, 175}; /* "▁" + 4 bytes of an emoji cut short */
    char *t;
    size_t l;
    sea_err err;
    ck_assert(sea_detokenize(tok, ids, 4, 0, &t, &l, &err) == SEA_OK);
    ck_assert_str_eq(t, "<s> Hello world</s>");
    sea_free(t);
    ck_assert(sea_detokenize(tok, ids, 4, 1, &t, &l, &err) == SEA_OK);
    ck_assert_str_eq(t, "Hello world");
    sea_free(t);
    ck_assert(sea_detokenize(tok, ids, 0, 0, &t, &l, &err) == SEA_OK);
    ck_assert_str_eq(t, "");
    sea_free(t);
    ck_assert_int_eq(sea_detokenize(tok, bad, 2, 0, &t, &l, &err), SEA_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "token id 32000 at position 1 is outside [0, 32000)"), "%s", err.msg);
    /* a byte run that is not UTF-8 becomes one U+FFFD per byte (HF ByteFallback) */
    ck_assert(sea_detokenize(tok, bytes, 4, 0, &t, &l, &err) == SEA_OK);
    ck_assert_str_eq(t, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    sea_free(t);
    ck_assert(sea_detokenize(tok, bytes, 5, 0, &t, &l, &err) == SEA_OK);
    ck_assert_str_eq(t, "\xF0\x9F\x87\xAC"); /* byte ids are 3 + the byte: F0 9F 87 AC */
    sea_free(t);
    sea_tokenizer_close(tok);
}
END_TEST

START_TEST(test_templates)
{
    char *s;
    sea_template t;
    sea_err err;
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_NONE, NULL, "Q: x\nA:", &err) == SEA_OK);
    ck_assert_str_eq(s, "Q: x\nA:");
    sea_free(s);
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_LLAMA2_CHAT, NULL, "hi", &err) == SEA_OK);
    ck_assert_str_eq(s, "[INST] hi [/INST]");
    sea_free(s);
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_LLAMA2_CHAT, "be nice", "hi", &err) == SEA_OK);
    ck_assert_str_eq(s, "[INST] <<SYS>>\nbe nice\n<</SYS>>\n\nhi [/INST]");
    sea_free(s);
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_MISTRAL, NULL, "hi", &err) == SEA_OK);
    ck_assert_str_eq(s, "[INST] hi [/INST]");
    sea_free(s);
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_MISTRAL, "be nice", "hi", &err) == SEA_OK);
    ck_assert_str_eq(s, "[INST] be nice\n\nhi [/INST]");
    sea_free(s);
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_LLAMA3_CHAT, "sys", "hi", &err) == SEA_OK);
    ck_assert_str_eq(s, "<|start_header_id|>system<|end_header_id|>\n\nsys<|eot_id|><|start_header_id|>user<|end_header_id|>"
                        "\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    sea_free(s);
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_LLAMA3_CHAT, NULL, "hi", &err) == SEA_OK);
    ck_assert_str_eq(s, "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    sea_free(s);
    ck_assert_int_eq(sea_template_apply(&s, SEA_TEMPLATE_NONE, "sys", "hi", &err), SEA_ERR_ARG);
    ck_assert_int_eq(sea_template_apply(&s, (sea_template)9, NULL, "hi", &err), SEA_ERR_ARG);
    /* Gemma: no system role, the system prompt opens the user turn */
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_GEMMA, NULL, "hi", &err) == SEA_OK);
    ck_assert_str_eq(s, "<start_of_turn>user\nhi<end_of_turn>\n<start_of_turn>model\n");
    sea_free(s);
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_GEMMA, "sys", "hi", &err) == SEA_OK);
    ck_assert_str_eq(s, "<start_of_turn>user\nsys\n\nhi<end_of_turn>\n<start_of_turn>model\n");
    sea_free(s);
    /* Qwen2 ChatML, with Qwen2-Instruct's default system prompt */
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_QWEN2, NULL, "hi", &err) == SEA_OK);
    ck_assert_str_eq(s, "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n"
                        "<|im_start|>assistant\n");
    sea_free(s);
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_QWEN2, "sys", "50% off", &err) == SEA_OK);
    ck_assert_str_eq(s, "<|im_start|>system\nsys<|im_end|>\n<|im_start|>user\n50% off<|im_end|>\n<|im_start|>assistant\n");
    sea_free(s);
    ck_assert_str_eq(sea_template_name(SEA_TEMPLATE_GEMMA), "gemma");
    ck_assert_str_eq(sea_template_name(SEA_TEMPLATE_QWEN2), "qwen2");
    for (int i = 0; i < 6; i++) {
        ck_assert(sea_template_parse(&t, sea_template_name((sea_template)i), &err) == SEA_OK);
        ck_assert_int_eq(t, i);
    }
    ck_assert_int_eq(sea_template_parse(&t, "llama2", &err), SEA_ERR_ARG);
    ck_assert_msg(strstr(err.msg, "unknown template 'llama2'"), "%s", err.msg);
    ck_assert_str_eq(sea_template_name((sea_template)7), "?");
    /* the paper's system prompt, with its double space after "safe." */
    ck_assert(strstr(SEA_LLAMA2_SYSTEM_PROMPT, "while being safe.  Your answers"));
    ck_assert(strstr(SEA_LLAMA2_SYSTEM_PROMPT, "positive in nature.\n\nIf a question"));
    ck_assert_uint_eq(strlen(SEA_LLAMA2_SYSTEM_PROMPT), 508);
}
END_TEST

/* The Llama-2 chat template through the real tokenizer gives HF's ids for "[INST] Hi [/INST]"
 * (golden edge case), with BOS first. */
START_TEST(test_template_tokens)
{
    static const int32_t want[] = {1, 733, 16289, 28793, 15359, 733, 28748, 16289, 28793};
    sea_tokenizer *tok = llama2();
    char *s;
    int32_t *ids;
    size_t n;
    sea_err err;
    ck_assert(sea_template_apply(&s, SEA_TEMPLATE_LLAMA2_CHAT, NULL, "Hi", &err) == SEA_OK);
    ck_assert(sea_tokenize(tok, s, strlen(s), 1, &ids, &n, &err) == SEA_OK);
    ck_assert_uint_eq(n, SEA_ARRAY_LEN(want));
    ck_assert(memcmp(ids, want, sizeof want) == 0);
    sea_free(ids);
    sea_free(s);
    sea_tokenizer_close(tok);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tokenizer");
    TCase *tc = tcase_create("golden");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_golden_kjv);
    tcase_add_test(tc, test_golden_llama2);
    tcase_add_test(tc, test_heap_equals_naive);
    tcase_add_test(tc, test_stream_goldens);
    suite_add_tcase(s, tc);
    tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_edge_inputs_llama2);
    tcase_add_test(tc, test_long_words);
    tcase_add_test(tc, test_accessors);
    tcase_add_test(tc, test_detokenize);
    tcase_add_test(tc, test_templates);
    tcase_add_test(tc, test_template_tokens);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(suite());
}
