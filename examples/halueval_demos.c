/* examples/halueval_demos.c: HaluEval QA (qa_data.json) to SEA demonstrations, choosing
 * exactly what the paper's code chose (data/halueval/prepare-activations.py of
 * yfqiu-nlp/sea-llm): random.seed(44), shuffle all items, keep the first N; positive = the
 * right answer as it is; negative = random.sample of the hallucinated answers split on ';'
 * (stripped, closed with '.'). The prompt is the TruthfulQA QA primer + "Q: question\nA:";
 * `sea trace --template llama2-chat --system llama2-default` wraps it as the paper did.
 *
 *   examples/halueval_demos --data qa_data.json --n 2000 --out demos.jsonl
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyrandom.h"
#include "sea.h"

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c == '\n') fputs("\\n", f);
        else if (c == '\t') fputs("\\t", f);
        else if (c == '\r') fputs("\\r", f);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

/* split_multi_answer: ';'-separated, stripped, non-empty, '.' appended when missing */
static size_t split_answers(char **out, size_t cap, const char *s)
{
    size_t n = 0;
    for (;;) {
        const char *e = strchr(s, ';'), *b = s;
        size_t len = e ? (size_t)(e - s) : strlen(s);
        while (len && (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')) b++, len--;
        while (len && (b[len - 1] == ' ' || b[len - 1] == '\t' || b[len - 1] == '\n' || b[len - 1] == '\r')) len--;
        if (len && n < cap) {
            char *a = malloc(len + 2);
            if (!a) break;
            memcpy(a, b, len);
            if (b[len - 1] != '.') a[len++] = '.';
            a[len] = '\0';
            out[n++] = a;
        }
        if (!e) break;
        s = e + 1;
    }
    return n;
}

int main(int argc, char **argv)
{
    const char *data = NULL, *out_path = NULL;
    long n_want = 2000;
    char *text = NULL;
    size_t len, n_items = 0, *order;
    char **lines;
    FILE *f, *out;
    pyrandom rng;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) data = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc) out_path = argv[++i];
        else if (!strcmp(argv[i], "--n") && i + 1 < argc) n_want = atol(argv[++i]);
        else {
            fprintf(stderr, "usage: halueval_demos --data qa_data.json --out demos.jsonl [--n 2000]\n");
            return 2;
        }
    }
    if (!data || !out_path || n_want < 1) {
        fprintf(stderr, "usage: halueval_demos --data qa_data.json --out demos.jsonl [--n 2000]\n");
        return 2;
    }
    f = fopen(data, "rb");
    if (!f || fseek(f, 0, SEEK_END) || (long)(len = (size_t)ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
        !(text = malloc(len + 1)) || fread(text, 1, len, f) != len) {
        fprintf(stderr, "halueval_demos: %s: cannot read\n", data);
        return 1;
    }
    fclose(f);
    text[len] = '\0';
    /* one JSON object per line, as HaluEval ships qa_data.json */
    lines = malloc((len / 2 + 2) * sizeof *lines);
    if (!lines) return 1;
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        if (*p && *p != '\r') lines[n_items++] = p;
        if (!nl) break;
        p = nl + 1;
    }
    order = malloc((n_items ? n_items : 1) * sizeof *order);
    if (!order) return 1;
    for (size_t i = 0; i < n_items; i++) order[i] = i;
    pyrandom_seed(&rng, 44);
    pyrandom_shuffle(&rng, order, n_items);
    if ((size_t)n_want > n_items) n_want = (long)n_items;
    out = fopen(out_path, "w");
    if (!out) {
        fprintf(stderr, "halueval_demos: %s: cannot write\n", out_path);
        return 1;
    }
    for (long k = 0; k < n_want; k++) {
        size_t li = order[k];
        sea_json_doc *doc;
        sea_err err;
        const sea_json *root, *q, *right, *hall;
        char *answers[64];
        size_t na;
        if (sea_json_parse(&doc, lines[li], strlen(lines[li]), NULL, &err) != SEA_OK) {
            fprintf(stderr, "halueval_demos: %s: item %zu: %s\n", data, li + 1, err.msg);
            return 1;
        }
        root = sea_json_root(doc);
        q = sea_json_get(root, "question");
        right = sea_json_get(root, "right_answer");
        hall = sea_json_get(root, "hallucinated_answer");
        if (!q || !right || !hall || q->type != SEA_JSON_STRING || right->type != SEA_JSON_STRING ||
            hall->type != SEA_JSON_STRING) {
            fprintf(stderr, "halueval_demos: %s: item %zu: needs question, right_answer, hallucinated_answer\n", data, li + 1);
            return 1;
        }
        na = split_answers(answers, 64, hall->v.str.s);
        if (na == 0) {
            fprintf(stderr, "halueval_demos: %s: item %zu: empty hallucinated_answer\n", data, li + 1);
            return 1;
        }
        {
            size_t pick = pyrandom_randbelow(&rng, (uint32_t)na); /* random.sample(answers, 1) */
            fputs("{\"prompt\":", out);
            {
                size_t pl = strlen(sea_tqa_primer()) + strlen(q->v.str.s) + 8;
                char *prompt = malloc(pl);
                if (!prompt) return 1;
                snprintf(prompt, pl, "%sQ: %s\nA:", sea_tqa_primer(), q->v.str.s);
                json_str(out, prompt);
                free(prompt);
            }
            fputs(",\"positive\":", out);
            {
                size_t pl = strlen(right->v.str.s) + 2;
                char *p = malloc(pl);
                if (!p) return 1;
                snprintf(p, pl, " %s", right->v.str.s);
                json_str(out, p);
                free(p);
                pl = strlen(answers[pick]) + 2;
                p = malloc(pl);
                if (!p) return 1;
                snprintf(p, pl, " %s", answers[pick]);
                fputs(",\"negative\":", out);
                json_str(out, p);
                free(p);
            }
            fputs("}\n", out);
        }
        for (size_t i = 0; i < na; i++) free(answers[i]);
        sea_json_free(doc);
    }
    if (fclose(out) != 0) {
        fprintf(stderr, "halueval_demos: %s: write failed\n", out_path);
        return 1;
    }
    fprintf(stderr, "halueval_demos: %ld demonstrations from %zu HaluEval items -> %s\n", n_want, n_items, out_path);
    free(order);
    free(lines);
    free(text);
    return 0;
}
