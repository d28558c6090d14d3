/* src/eval/csv.c: a strict RFC 4180 CSV reader (for TruthfulQA.csv): quoted fields with ""
 * escapes and embedded newlines, CRLF or LF line ends, an optional UTF-8 byte-order mark.
 * Malformed quoting is an error naming the line. */
#include <string.h>

#include "eval/eval_internal.h"

/* Every field is a separate allocation (tens of bytes of bookkeeping for a one-byte field), so
 * the number of fields is capped, not only the file size: TruthfulQA has about 6,000. */
#define CSV_MAX_FIELDS ((size_t)1 << 20)

void sea__csv_free(sea__csv *c)
{
    for (size_t i = 0; i < c->n_rows; i++) {
        for (size_t j = 0; j < c->n_fields[i]; j++) sea__free(c->rows[i][j]);
        sea__free(c->rows[i]);
    }
    sea__free(c->rows);
    sea__free(c->n_fields);
    sea__free(c->line);
    memset(c, 0, sizeof *c);
}

static int push_field(char ***fields, size_t *n, size_t *cap, const char *s, size_t len)
{
    char *f;
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        char **nf = sea__realloc(*fields, nc * sizeof *nf);
        if (!nf) return -1;
        *fields = nf;
        *cap = nc;
    }
    f = sea__strndup(s, len);
    if (!f) return -1;
    (*fields)[(*n)++] = f;
    return 0;
}

sea_status sea__csv_parse(sea__csv *out, const char *text, size_t len, const char *name, sea_err *err)
{
    size_t i = 0, line = 1, cap_rows = 0, n_total = 0;
    sea_buf field;
    memset(out, 0, sizeof *out);
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) i = 3;
    sea__buf_init(&field);
    while (i < len) {
        char **fields = NULL;
        size_t nf = 0, capf = 0, row_line = line;
        for (;;) { /* one field */
            field.len = 0;
            if (i < len && text[i] == '"') {
                size_t qline = line;
                i++;
                for (;;) {
                    if (i >= len) {
                        sea__buf_free(&field);
                        sea__csv_free(out);
                        for (size_t k = 0; k < nf; k++) sea__free(fields[k]);
                        sea__free(fields);
                        return sea__err(err, SEA_ERR_FORMAT, "%s: line %zu: unterminated quoted field", name, qline);
                    }
                    if (text[i] == '"') {
                        if (i + 1 < len && text[i + 1] == '"') {
                            sea__buf_putc(&field, '"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (text[i] == '\n') line++;
                    sea__buf_putc(&field, text[i++]);
                }
                if (i < len && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                    sea__buf_free(&field);
                    sea__csv_free(out);
                    for (size_t k = 0; k < nf; k++) sea__free(fields[k]);
                    sea__free(fields);
                    return sea__err(err, SEA_ERR_FORMAT, "%s: line %zu: text after a closing quote", name, line);
                }
            } else {
                while (i < len && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                    if (text[i] == '"') {
                        sea__buf_free(&field);
                        sea__csv_free(out);
                        for (size_t k = 0; k < nf; k++) sea__free(fields[k]);
                        sea__free(fields);
                        return sea__err(err, SEA_ERR_FORMAT, "%s: line %zu: quote inside an unquoted field", name, line);
                    }
                    sea__buf_putc(&field, text[i++]);
                }
            }
            if (++n_total > CSV_MAX_FIELDS) {
                sea__buf_free(&field);
                sea__csv_free(out);
                for (size_t k = 0; k < nf; k++) sea__free(fields[k]);
                sea__free(fields);
                return sea__err(err, SEA_ERR_LIMIT, "%s: line %zu: more than %zu fields", name, line, CSV_MAX_FIELDS);
            }
            if (field.failed || push_field(&fields, &nf, &capf, field.data ? field.data : "", field.len)) {
                sea__buf_free(&field);
                sea__csv_free(out);
                for (size_t k = 0; k < nf; k++) sea__free(fields[k]);
                sea__free(fields);
                return sea__err_nomem(err, "CSV fields");
            }
            if (i < len && text[i] == ',') {
                i++;
                continue;
            }
            break;
        }
        if (i < len && text[i] == '\r') i++;
        if (i < len && text[i] == '\n') i++, line++;
        if (out->n_rows == cap_rows) {
            size_t nc = cap_rows ? 2 * cap_rows : 64;
            char ***nr = sea__realloc(out->rows, nc * sizeof *nr);
            size_t *nn = nr ? sea__realloc(out->n_fields, nc * sizeof *nn) : NULL;
            size_t *nl = nn ? sea__realloc(out->line, nc * sizeof *nl) : NULL;
            if (nr) out->rows = nr;
            if (nn) out->n_fields = nn;
            if (!nr || !nn || !nl) {
                for (size_t k = 0; k < nf; k++) sea__free(fields[k]);
                sea__free(fields);
                sea__buf_free(&field);
                sea__csv_free(out);
                return sea__err_nomem(err, "CSV rows");
            }
            out->line = nl;
            cap_rows = nc;
        }
        out->rows[out->n_rows] = fields;
        out->n_fields[out->n_rows] = nf;
        out->line[out->n_rows] = row_line;
        out->n_rows++;
    }
    sea__buf_free(&field);
    return SEA_OK;
}
