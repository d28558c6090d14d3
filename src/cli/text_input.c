/* src/cli/text_input.c: the model directory's tokenizer for the CLI's text input and output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/text_input.h"
#include "sea/tokenizer.h"

#define TEXT_FILE_MAX ((size_t)1 << 30)

static sea_status tokenize(int32_t **ids, size_t *n, const char *dir, const char *text, size_t len, sea_err *err)
{
    sea_tokenizer *tok;
    int32_t *v;
    sea_status st;
    *ids = NULL;
    *n = 0;
    if ((st = sea_tokenizer_open(&tok, dir, err)) != SEA_OK) return st;
    st = sea_tokenize(tok, text, len, 1, &v, n, err);
    sea_tokenizer_close(tok);
    if (st != SEA_OK) return st;
    *ids = malloc((*n ? *n : 1) * sizeof **ids);
    if (!*ids) {
        sea_free(v);
        return sea_err_set(err, SEA_ERR_NOMEM, "out of memory allocating %s", "token ids");
    }
    memcpy(*ids, v, *n * sizeof **ids);
    sea_free(v);
    return SEA_OK;
}

sea_status cli_tokenize_text(int32_t **ids, size_t *n, const char *dir, const char *text, sea_err *err)
{
    return tokenize(ids, n, dir, text, strlen(text), err);
}

sea_status cli_tokenize_file(int32_t **ids, size_t *n, const char *dir, const char *path, sea_err *err)
{
    char *text;
    size_t len;
    sea_status st = sea_read_file(&text, &len, path, TEXT_FILE_MAX, err);
    if (st != SEA_OK) return st;
    st = tokenize(ids, n, dir, text, len, err);
    if (st != SEA_OK && st != SEA_ERR_IO) sea_err_prefix(err, "%s", path);
    sea_free(text);
    return st;
}

struct cli_out_stream {
    sea_tokenizer *tok; /* NULL: print ids */
    sea_detok_stream *ds;
    int n;
};

cli_out_stream *cli_out_stream_new(const char *dir, const int32_t *prompt, size_t n_prompt)
{
    cli_out_stream *s = calloc(1, sizeof *s);
    sea_err err;
    if (!s) return NULL;
    if (sea_tokenizer_open(&s->tok, dir, &err) != SEA_OK) {
        s->tok = NULL;
        return s;
    }
    if (sea_detok_stream_new(&s->ds, s->tok, &err) != SEA_OK) {
        sea_tokenizer_close(s->tok);
        s->tok = NULL;
        return s;
    }
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
    sea_tokenizer_close(s->tok);
    free(s);
}

char *cli_detokenize(const char *dir, const int32_t *ids, size_t n)
{
    sea_tokenizer *tok;
    sea_err err;
    char *text = NULL, *copy = NULL;
    size_t len;
    if (sea_tokenizer_open(&tok, dir, &err) != SEA_OK) return NULL;
    if (sea_detokenize(tok, ids, n, 1, &text, &len, &err) == SEA_OK) {
        copy = malloc(len + 1);
        if (copy) memcpy(copy, text, len + 1);
        sea_free(text);
    }
    sea_tokenizer_close(tok);
    return copy;
}
