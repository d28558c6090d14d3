/* src/cli/text_input.h: turning user text into token ids for the commands that take text
 * (the model directory's tokenizer, BOS per its add_bos_token). */
#ifndef SEA_CLI_TEXT_INPUT_H
#define SEA_CLI_TEXT_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "sea/core.h"

/* Tokenize `text` with DIR's tokenizer, special tokens added as Hugging Face's
 * encode(add_special_tokens=True) does. *ids: caller frees with free(). */
sea_status cli_tokenize_text(int32_t **ids, size_t *n, const char *dir, const char *text, sea_err *err);
/* Same for a whole file. */
sea_status cli_tokenize_file(int32_t **ids, size_t *n, const char *dir, const char *path, sea_err *err);

/* Streaming output of generated ids as text (or as ids when DIR has no tokenizer). */
typedef struct cli_out_stream cli_out_stream;
cli_out_stream *cli_out_stream_new(const char *dir); /* never NULL unless out of memory */
void cli_out_stream_push(cli_out_stream *s, int32_t id); /* prints to stdout, flushes */
void cli_out_stream_end(cli_out_stream *s);            /* prints the rest and a newline */
/* Decode ids to a NUL-terminated string (caller frees with free()); NULL without tokenizer. */
char *cli_detokenize(const char *dir, const int32_t *ids, size_t n);
void cli_out_stream_free(cli_out_stream *s);

#endif
