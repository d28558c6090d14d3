/* src/cli/cmd_tokenize.c: `sea tokenize` (text -> ids, the same ids as Hugging Face
 * `tokenizers`) and `sea detokenize` (ids -> text), on the tokenizer.json of a model directory
 * (which may hold only the tokenizer files). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sea.h"

#define MAX_LINE ((size_t)256 << 20) /* bytes in one --jsonl line */

typedef struct tok_opts {
    const sea_tokenizer *tok;
    int add_special, tokens;
    sea_template tmpl;
    const char *system;
} tok_opts;

/* Tokenize one text and print it as one line: [ids] or {"ids": [...], "tokens": [...]}. */
static sea_status tokenize_line(const tok_opts *o, const char *text, size_t len, sea_buf *line, sea_err *err)
{
    int32_t *ids = NULL;
    size_t n = 0;
    char *templated = NULL;
    sea_status st;
    if (o->tmpl != SEA_TEMPLATE_NONE || o->system) {
        if (memchr(text, '\0', len))
            return sea_err_set(err, SEA_ERR_FORMAT, "text with a NUL character cannot be put in a template");
        if ((st = sea_template_apply(&templated, o->tmpl, o->system, text, err)) != SEA_OK) return st;
        text = templated;
        len = strlen(templated);
    }
    st = sea_tokenize(o->tok, text, len, o->add_special, &ids, &n, err);
    sea_free(templated);
    if (st != SEA_OK) return st;
    line->len = 0;
    if (o->tokens) sea_buf_puts(line, "{\"ids\":");
    sea_buf_putc(line, '[');
    for (size_t i = 0; i < n; i++) sea_buf_printf(line, "%s%d", i ? "," : "", (int)ids[i]);
    sea_buf_putc(line, ']');
    if (o->tokens) {
        sea_buf_puts(line, ",\"tokens\":[");
        for (size_t i = 0; i < n; i++) {
            size_t pl;
            const char *p = sea_tokenizer_piece(o->tok, ids[i], &pl);
            if (i) sea_buf_putc(line, ',');
            sea_buf_json_string(line, p ? p : "", p ? pl : 0);
        }
        sea_buf_puts(line, "]}");
    }
    sea_buf_putc(line, '\n');
    sea_free(ids);
    if (line->failed) return sea_err_set(err, SEA_ERR_NOMEM, "out of memory allocating %s", "output line");
    fwrite(line->data, 1, line->len, stdout);
    return SEA_OK;
}

/* Next line of f (with its newline) into b, at most MAX_LINE bytes kept: the limit holds
 * before the memory is taken (stdin has no size to check first). Returns 1 for a line, 0 at
 * the end, -1 when the line is too long, -2 out of memory. */
static int next_line(FILE *f, sea_buf *b)
{
    char chunk[4096];
    size_t n = 0;
    int c;
    b->len = 0;
    while ((c = getc(f)) != EOF) { /* byte by byte: a NUL in the line is data, not its end */
        chunk[n++] = (char)c;
        if (c == '\n' || n == sizeof chunk) {
            if (b->len + n > MAX_LINE) return -1;
            if (sea_buf_append(b, chunk, n) != 0) return -2;
            if (c == '\n') return 1;
            n = 0;
        }
    }
    if (b->len + n > MAX_LINE) return -1;
    if (n && sea_buf_append(b, chunk, n) != 0) return -2;
    return b->len > 0;
}

static int run_jsonl(const char *cmd, const tok_opts *o, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t line_no = 0;
    int got;
    sea_buf in, line;
    int rc = CLI_EXIT_OK;
    if (!f) return cli_fail(cmd, "%s: cannot open", path);
    sea_buf_init(&in);
    sea_buf_init(&line);
    while ((got = next_line(f, &in)) != 0) {
        sea_json_doc *doc = NULL;
        const sea_json *text;
        sea_err err;
        line_no++;
        sea_err_clear(&err);
        if (got == -1) {
            rc = cli_fail(cmd, "%s: line %zu: longer than %zu bytes", path, line_no, MAX_LINE);
            break;
        }
        if (got == -2) {
            rc = cli_fail(cmd, "%s: line %zu: out of memory", path, line_no);
            break;
        }
        if (sea_json_parse(&doc, in.data, in.len, NULL, &err) != SEA_OK) {
            rc = cli_fail(cmd, "%s: line %zu: %s", path, line_no, err.msg);
            break;
        }
        text = sea_json_get(sea_json_root(doc), "text");
        if (!text || text->type != SEA_JSON_STRING) {
            rc = cli_fail(cmd, "%s: line %zu: expected an object with a string field 'text'", path, line_no);
            sea_json_free(doc);
            break;
        }
        if (tokenize_line(o, text->v.str.s, text->v.str.len, &line, &err) != SEA_OK) {
            rc = cli_fail(cmd, "%s: line %zu: %s", path, line_no, err.msg);
            sea_json_free(doc);
            break;
        }
        sea_json_free(doc);
    }
    if (rc == CLI_EXIT_OK && ferror(f)) rc = cli_fail(cmd, "%s: read error", path);
    sea_buf_free(&in);
    sea_buf_free(&line);
    if (f != stdin) fclose(f);
    return rc;
}

int cmd_tokenize(int argc, char **argv);
int cmd_tokenize(int argc, char **argv)
{
    const char *dir = NULL, *text = NULL, *jsonl = NULL, *tmpl = NULL, *system = NULL;
    int add_special = 0, tokens = 0;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "model or tokenizer directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"text", 0, CLI_STR, &text, "T", "text to tokenize", 0, -1, NULL},
        {"jsonl", 0, CLI_STR, &jsonl, "FILE", "JSON Lines of {\"text\": ...}; one output line each ('-': stdin)", 0, -1, NULL},
        {"add-special-tokens", 0, CLI_FLAG, &add_special, NULL, "add the post-processor's tokens (e.g. BOS), as HF add_special_tokens=True", 0, -1, NULL},
        {"tokens", 0, CLI_FLAG, &tokens, NULL, "print {\"ids\": [...], \"tokens\": [...]} with the token strings", 0, -1, NULL},
        {"template", 0, CLI_STR, &tmpl, "T", "chat template first: none, llama2-chat, mistral, llama3-chat", 0, -1, NULL},
        {"system", 0, CLI_STR, &system, "S", "system prompt for the template (llama2-default: the standard Llama-2 one)", 0, -1, NULL},
    };
    char *pos[1];
    int n_pos, rc;
    sea_err err;
    sea_tokenizer *tok = NULL;
    tok_opts o;
    rc = cli_parse(argc, argv, opts, SEA_ARRAY_LEN(opts), "-m DIR (--text T | --jsonl FILE) [--add-special-tokens] [--tokens] [--template T [--system S]]",
                   "Print token ids as a JSON array, one line per text: the ids Hugging Face\n"
                   "tokenizers gives for the directory's tokenizer.json.", pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if (!text == !jsonl) return cli_usage_error(argv[0], "give exactly one of --text T and --jsonl FILE");
    memset(&o, 0, sizeof o);
    sea_err_clear(&err);
    if (tmpl && sea_template_parse(&o.tmpl, tmpl, &err) != SEA_OK) return cli_usage_error(argv[0], "%s", err.msg);
    if (system && o.tmpl == SEA_TEMPLATE_NONE) return cli_usage_error(argv[0], "--system needs a --template other than none");
    dir = cli_model_dir(dir);
    if (sea_tokenizer_open(&tok, dir, &err) != SEA_OK) return cli_fail_err(argv[0], &err);
    o.tok = tok;
    o.add_special = add_special;
    o.tokens = tokens;
    o.system = cli_system_prompt(system);
    if (text) {
        sea_buf line;
        sea_buf_init(&line);
        rc = tokenize_line(&o, text, strlen(text), &line, &err) == SEA_OK ? CLI_EXIT_OK : cli_fail_err(argv[0], &err);
        sea_buf_free(&line);
    } else {
        rc = run_jsonl(argv[0], &o, jsonl);
    }
    if (fflush(stdout) != 0 && rc == CLI_EXIT_OK) rc = cli_fail(argv[0], "cannot write the output");
    sea_tokenizer_close(tok);
    return rc;
}

int cmd_detokenize(int argc, char **argv);
int cmd_detokenize(int argc, char **argv)
{
    const char *dir = NULL, *ids_s = NULL;
    int skip = 0;
    cli_opt opts[] = {
        {"model", 'm', CLI_STR, &dir, "DIR", "model or tokenizer directory (default: bundled kjv-demo)", 0, -1, NULL},
        {"ids", 0, CLI_STR, &ids_s, "LIST", "comma-separated token ids", 0, -1, NULL},
        {"skip-special", 0, CLI_FLAG, &skip, NULL, "leave out special tokens (HF skip_special_tokens=True)", 0, -1, NULL},
    };
    char *pos[1], msg[256];
    int n_pos, rc, *ints = NULL;
    size_t n = 0, len = 0;
    int32_t *ids;
    char *text = NULL;
    sea_err err;
    sea_tokenizer *tok = NULL;
    rc = cli_parse(argc, argv, opts, SEA_ARRAY_LEN(opts), "-m DIR --ids LIST [--skip-special]",
                   "Print the text of token ids (Hugging Face decode), followed by a newline.", pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if (!ids_s) return cli_usage_error(argv[0], "--ids LIST is required");
    if (cli_parse_int_list(ids_s, &ints, &n, 0, 0x7fffffffL, msg, sizeof msg) != 0)
        return cli_usage_error(argv[0], "--ids: %s", msg);
    ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids) {
        free(ints);
        return cli_fail(argv[0], "out of memory");
    }
    for (size_t i = 0; i < n; i++) ids[i] = ints[i];
    free(ints);
    sea_err_clear(&err);
    dir = cli_model_dir(dir);
    if (sea_tokenizer_open(&tok, dir, &err) != SEA_OK) {
        free(ids);
        return cli_fail_err(argv[0], &err);
    }
    if (sea_detokenize(tok, ids, n, skip, &text, &len, &err) != SEA_OK) {
        rc = cli_fail_err(argv[0], &err);
    } else {
        fwrite(text, 1, len, stdout);
        fputc('\n', stdout);
        rc = fflush(stdout) == 0 ? CLI_EXIT_OK : cli_fail(argv[0], "cannot write the output");
    }
    sea_free(text);
    free(ids);
    sea_tokenizer_close(tok);
    return rc;
}
