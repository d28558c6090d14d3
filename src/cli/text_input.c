/* src/cli/text_input.c: text to ids for the CLI (until the tokenizer lands, text input is
 * refused with a clear message). */
#include <stdio.h>
#include <stdlib.h>

#include "cli/text_input.h"
#include "core/internal.h"

sea_status cli_tokenize_text(int32_t **ids, size_t *n, const char *dir, const char *text, sea_err *err)
{
    (void)text;
    *ids = NULL;
    *n = 0;
    return sea__err(err, SEA_ERR_UNSUPPORTED, "%s: text input needs the tokenizer, not in this build yet (use --ids)", dir);
}

sea_status cli_tokenize_file(int32_t **ids, size_t *n, const char *dir, const char *path, sea_err *err)
{
    (void)path;
    return cli_tokenize_text(ids, n, dir, NULL, err);
}

struct cli_out_stream {
    int n;
};

cli_out_stream *cli_out_stream_new(const char *dir)
{
    (void)dir;
    return calloc(1, sizeof(cli_out_stream));
}

void cli_out_stream_push(cli_out_stream *s, int32_t id)
{
    printf("%s%d", s->n++ ? " " : "", (int)id);
    fflush(stdout);
}

void cli_out_stream_end(cli_out_stream *s)
{
    (void)s;
    printf("\n");
}

void cli_out_stream_free(cli_out_stream *s)
{
    free(s);
}

char *cli_detokenize(const char *dir, const int32_t *ids, size_t n)
{
    (void)dir;
    (void)ids;
    (void)n;
    return NULL;
}
