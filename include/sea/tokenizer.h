/* sea/tokenizer.h: Hugging Face tokenizer.json (BPE: SentencePiece-style with byte fallback, as
 * Llama-2 / Mistral / TinyLlama; byte-level, as Llama-3), giving the same ids as Hugging Face
 * `tokenizers`, plus decoding (whole and streaming) and the chat templates of SEA-SPEC §7.
 *
 * What is supported and every behaviour decision is in doc/TOKENIZER.md. In short:
 *   model       BPE (merges by rank, byte_fallback, fuse_unk, unk_token, ignore_merges)
 *   normalizer  Sequence, Prepend, Replace (string pattern), Strip
 *   pre-tok.    Sequence, Metaspace, Split (string pattern, or the Llama-3 / GPT-2 regex),
 *               ByteLevel, Digits
 *   post-proc.  TemplateProcessing, ByteLevel, Sequence (or tokenizer_config.json's
 *               add_bos_token / add_eos_token for the Llama tokenizer classes)
 *   decoder     Sequence, Replace, ByteFallback, Fuse, Strip, ByteLevel, Metaspace
 * Anything else is refused when the file is opened, with a message naming it.
 *
 * A tokenizer is immutable once opened: encode and decode may run on several threads at once.
 * Text must be valid UTF-8 (invalid bytes are an error naming the offset). */
#ifndef SEA_TOKENIZER_H
#define SEA_TOKENIZER_H

#include "sea/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sea_tokenizer sea_tokenizer;

/* Open `dir`/tokenizer.json and, when present, `dir`/tokenizer_config.json. */
SEA_API sea_status sea_tokenizer_open(sea_tokenizer **out, const char *dir, sea_err *err);
/* Same with explicit paths; config_json_path may be NULL. */
SEA_API sea_status sea_tokenizer_open_file(sea_tokenizer **out, const char *tokenizer_json_path,
                                           const char *config_json_path, sea_err *err);
/* Same from memory (config_json may be NULL); `name` is used in error messages. */
SEA_API sea_status sea_tokenizer_open_mem(sea_tokenizer **out, const char *tokenizer_json,
                                          size_t len, const char *config_json, size_t config_len,
                                          const char *name, sea_err *err);
SEA_API void sea_tokenizer_close(sea_tokenizer *tok);

/* Encode len bytes of UTF-8 text. add_special: what Hugging Face's
 * encode(text, add_special_tokens=True) adds (the post-processor, e.g. BOS).
 * *ids: caller frees with sea_free (non-NULL even when *n_ids == 0). */
SEA_API sea_status sea_tokenize(const sea_tokenizer *tok, const char *text, size_t len,
                                int add_special, int32_t **ids, size_t *n_ids, sea_err *err);

/* Decode ids like Hugging Face decode(ids, skip_special_tokens=skip_special).
 * *text: NUL-terminated, caller frees with sea_free. An id outside [0, n_vocab) is an error;
 * an id inside the range that no token has is skipped (as Hugging Face does). */
SEA_API sea_status sea_detokenize(const sea_tokenizer *tok, const int32_t *ids, size_t n,
                                  int skip_special, char **text, size_t *len, sea_err *err);

SEA_API int32_t sea_tokenizer_n_vocab(const sea_tokenizer *tok); /* max id + 1 */
SEA_API int32_t sea_tokenizer_bos(const sea_tokenizer *tok);     /* -1 if none */
SEA_API int32_t sea_tokenizer_eos(const sea_tokenizer *tok);     /* -1 if none */
SEA_API int sea_tokenizer_add_bos(const sea_tokenizer *tok);     /* add_special adds BOS first */
/* Raw token string of an id (vocab piece or added-token content; not NUL-terminated), or NULL
 * for an id no token has. */
SEA_API const char *sea_tokenizer_piece(const sea_tokenizer *tok, int32_t id, size_t *len);
/* Id of a token string (added tokens first, then the vocab), or -1. */
SEA_API int32_t sea_tokenizer_token_id(const sea_tokenizer *tok, const char *s, size_t len);
/* Whether id is a special added token (skipped by skip_special). */
SEA_API int sea_tokenizer_is_special(const sea_tokenizer *tok, int32_t id);

/* ---- streaming decoder (for generation) ----
 * Feed one id at a time; each push returns the bytes that are now final: never half a UTF-8
 * character, and the concatenation of all outputs and the flush equals sea_detokenize of the
 * whole sequence (Strip/Metaspace rules for the first token included) whenever that decode
 * has no U+FFFD from invalid byte tokens (see doc/TOKENIZER.md). */
typedef struct sea_detok_stream sea_detok_stream;
/* Special tokens are skipped (generation output is for people). */
SEA_API sea_status sea_detok_stream_new(sea_detok_stream **out, const sea_tokenizer *tok,
                                        sea_err *err);
SEA_API sea_status sea_detok_stream_new_ex(sea_detok_stream **out, const sea_tokenizer *tok,
                                           int skip_special, sea_err *err);
/* bytes stay valid until the next call on s. */
SEA_API sea_status sea_detok_stream_push(sea_detok_stream *s, int32_t id, const char **bytes,
                                         size_t *n, sea_err *err);
SEA_API sea_status sea_detok_stream_flush(sea_detok_stream *s, const char **bytes, size_t *n);
SEA_API void sea_detok_stream_free(sea_detok_stream *s);

/* ---- chat templates (SEA-SPEC §7) ---- */
typedef enum sea_template {
    SEA_TEMPLATE_NONE,
    SEA_TEMPLATE_LLAMA2_CHAT,
    SEA_TEMPLATE_MISTRAL,
    SEA_TEMPLATE_LLAMA3_CHAT,
    SEA_TEMPLATE_GEMMA, /* <start_of_turn>user\n{msg}<end_of_turn>\n<start_of_turn>model\n */
    SEA_TEMPLATE_QWEN2  /* ChatML: <|im_start|>system\n...<|im_end|>\n<|im_start|>user\n... */
} sea_template;

/* Names: "none", "llama2-chat", "mistral", "llama3-chat", "gemma", "qwen2". */
SEA_API sea_status sea_template_parse(sea_template *out, const char *name, sea_err *err);
SEA_API const char *sea_template_name(sea_template t);
/* Wrap `user` (and the optional system prompt) in the template. BOS is not part of the text:
 * it comes from the tokenizer (add_special). *out: caller frees with sea_free. */
SEA_API sea_status sea_template_apply(char **out, sea_template t, const char *system_or_NULL,
                                      const char *user, sea_err *err);

/* The standard Llama-2 system prompt (paper §4.4, with the double space after "safe."). */
/* Qwen2-Instruct's default system prompt, used by template qwen2 when none is given. */
#define SEA_QWEN2_SYSTEM_PROMPT "You are a helpful assistant."

#define SEA_LLAMA2_SYSTEM_PROMPT                                                                  \
    "You are a helpful, respectful and honest assistant. Always answer as helpfully as "          \
    "possible, while being safe.  Your answers should not include any harmful, unethical, "       \
    "racist, sexist, toxic, dangerous, or illegal content. Please ensure that your responses "    \
    "are socially unbiased and positive in nature.\n\nIf a question does not make any sense, or " \
    "is not factually coherent, explain why instead of answering something not correct. If you " \
    "don't know the answer to a question, please don't share false information."

#ifdef __cplusplus
}
#endif
#endif /* SEA_TOKENIZER_H */
