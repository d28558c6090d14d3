/* src/cli/outbuf.h: a growable text buffer for command output (JSON Lines, reports), written
 * to stdout or to a file atomically (a temporary beside it, renamed into place: a failed run
 * leaves no half-written file). Uses the public API only. */
#ifndef SEA_CLI_OUTBUF_H
#define SEA_CLI_OUTBUF_H

#include <stddef.h>

#include "sea/core.h"

typedef struct cli_outbuf {
    char *data;
    size_t len, cap;
    int failed; /* an allocation failed: every later append is ignored */
} cli_outbuf;

void cli_outbuf_init(cli_outbuf *b);
void cli_outbuf_free(cli_outbuf *b);
void cli_outbuf_add(cli_outbuf *b, const char *s, size_t n);
void cli_outbuf_puts(cli_outbuf *b, const char *s);
void cli_outbuf_printf(cli_outbuf *b, const char *fmt, ...) SEA_PRINTF(2, 3);
/* A JSON string literal of s[0..n) (quotes, escapes; bytes >= 0x80 copied as they are). */
void cli_outbuf_json_string(cli_outbuf *b, const char *s, size_t n);

/* Write the buffer to path ("-" or NULL: stdout). 0 on success; -1 with a one-line reason in
 * msg (out of memory, cannot create, short write). */
int cli_outbuf_write(const cli_outbuf *b, const char *path, char *msg, size_t msg_len);

#endif
