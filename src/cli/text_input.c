/* src/cli/text_input.c: the model directory's tokenizer for the CLI's text input and output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/text_input.h"
#include "sea/tokenizer.h"

#define TEXT_FILE_MAX ((size_t)1 << 30)

static sea_status tokenize(int32_t **ids, size_t *n, const sea_tokenizer *tok, const char *text, size_t len,
                           sea_err *err)
{
    int32_t *v;
    sea_status st;
    *ids = NULL;
    *n = 0;
    if ((st = sea_tokenize(tok, text, len, 1, &v, n, err)) != SEA_OK) return st;
    *ids = malloc((*n ? *n : 1) * sizeof **ids);
    if (!*ids) {
        sea_free(v);
        return sea_err_set(err, SEA_ERR_NOMEM, "out of memory allocating %s", "token ids");
    }
    memcpy(*ids, v, *n * sizeof **ids);
    sea_free(v);
    return SEA_OK;
}

sea_status cli_tokenize_text(int32_t **ids, size_t *n, const sea_tokenizer *tok, const char *text, sea_err *err)
{
    return tokenize(ids, n, tok, text, strlen(text), err);
}

sea_status cli_tokenize_file(int32_t **ids, size_t *n, const char *dir, const char *path, sea_err *err)
{
    char *text;
    size_t len;
    sea_status st = sea_read_file(&text, &len, path, TEXT_FILE_MAX, err);
    if (st != SEA_OK) return st;
    {
        sea_tokenizer *tok;
        st = sea_tokenizer_open(&tok, dir, err);
        if (st == SEA_OK) {
            st = tokenize(ids, n, tok, text, len, err);
            sea_tokenizer_close(tok);
        }
    }
    if (st != SEA_OK && st != SEA_ERR_IO) sea_err_prefix(err, "%s", path);
    sea_free(text);
    return st;
}

struct cli_out_stream {
    const sea_tokenizer *tok; /* borrowed; NULL: print ids */
    sea_detok_stream *ds;
    int n;
};

cli_out_stream *cli_out_stream_new(const sea_tokenizer *tok, const int32_t *prompt, size_t n_prompt)
{
    cli_out_stream *s = calloc(1, sizeof *s);
    sea_err err;
    if (!s) return NULL;
    if (!tok || sea_detok_stream_new(&s->ds, tok, &err) != SEA_OK) return s;
    s->tok = tok;
    for (size_t i = 0; i < n_prompt; i++) {
        const char *b;
        size_t nb;
        if (sea_detok_stream_push(s->ds, prompt[i], &b, &nb, &err) != SEA_OK) break;
    }
    return s;
}

void cli_out_stream_push(cli_out_stream *s, int32_t id)
{
    if (s->tok) {
        const char *b;
        size_t nb;
        sea_err err;
        if (sea_detok_stream_push(s->ds, id, &b, &nb, &err) == SEA_OK && nb) fwrite(b, 1, nb, stdout);
    } else {
        printf("%s%d", s->n ? " " : "", (int)id);
    }
    s->n++;
    fflush(stdout);
}

void cli_out_stream_end(cli_out_stream *s)
{
    if (s->tok) {
        const char *b;
        size_t nb;
        if (sea_detok_stream_flush(s->ds, &b, &nb) == SEA_OK && nb) fwrite(b, 1, nb, stdout);
    }
    printf("\n");
    fflush(stdout);
}

void cli_out_stream_free(cli_out_stream *s)
{
    if (!s) return;
    sea_detok_stream_free(s->ds);
    free(s);
}

char *cli_detokenize(const sea_tokenizer *tok, const int32_t *ids, size_t n)
{
    sea_err err;
    char *text = NULL, *copy = NULL;
    size_t len;
    if (!tok) return NULL;
    if (sea_detokenize(tok, ids, n, 1, &text, &len, &err) == SEA_OK) {
        copy = malloc(len + 1);
        if (copy) memcpy(copy, text, len + 1);
        sea_free(text);
    }
    return copy;
}
