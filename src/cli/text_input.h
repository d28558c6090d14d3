/* src/cli/text_input.h: text in and out for the commands that run the model: tokenizing
 * prompts and files with the model directory's tokenizer, and streaming generated ids back
 * as text (or as ids when the directory has no tokenizer, e.g. 'sea make-model' output). */
#ifndef SEA_CLI_TEXT_INPUT_H
#define SEA_CLI_TEXT_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "sea/core.h"

#include "sea/tokenizer.h"

/* A command opens the model directory's tokenizer once and hands it (borrowed) to these. */

/* Tokenize `text` with tok, special tokens added as Hugging Face's
 * encode(add_special_tokens=True) does. *ids: caller frees with free(). */
sea_status cli_tokenize_text(int32_t **ids, size_t *n, const sea_tokenizer *tok, const char *text, sea_err *err);
/* A whole file with DIR's tokenizer (opened once, here). */
sea_status cli_tokenize_file(int32_t **ids, size_t *n, const char *dir, const char *path, sea_err *err);

/* Streaming output of generated ids as text. The prompt ids are fed first (not printed), so
 * the continuation decodes exactly as it would after the prompt (leading spaces kept). */
typedef struct cli_out_stream cli_out_stream;
cli_out_stream *cli_out_stream_new(const sea_tokenizer *tok, const int32_t *prompt, size_t n_prompt); /* tok NULL: ids */
void cli_out_stream_push(cli_out_stream *s, int32_t id); /* prints to stdout, flushes */
void cli_out_stream_end(cli_out_stream *s);            /* prints the rest and a newline */
void cli_out_stream_free(cli_out_stream *s);
/* Decode ids to a NUL-terminated string (caller frees with free()); NULL when tok is NULL. */
char *cli_detokenize(const sea_tokenizer *tok, const int32_t *ids, size_t n);

#endif
