/* src/cli/cmd_demos.c: `sea demos halueval|bbq`: build SEA demonstrations from HaluEval QA or
 * BBQ choosing exactly the items and negative answers the paper's data preparation chose
 * (doc/GUIDE.md, "Demonstrations of the paper"):
 *
 *   halueval: random.seed(S); shuffle all items; the first N; positive = right_answer as it
 *             is; negative = random.sample(split(hallucinated_answer), 1): ';'-separated,
 *             stripped, empties dropped, '.' appended; prompt = TruthfulQA primer +
 *             "Q: question\nA:".
 *   bbq:      random.seed(S); shuffle all disambiguated items; train = the first T (20000),
 *             validation the next V (4000), test the rest; the first N of train; positive =
 *             the gold answer, negative = the first of the two other labels after a
 *             random.shuffle (one draw per item, in order); prompt = the BBQ 4-shot header +
 *             "Q: context question\nA:".
 *
 * The random draws are Python's (src/cli/pyrandom.c), in the reference's order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/outbuf.h"
#include "cli/pyrandom.h"
#include "sea.h"

#define DEMOS_MAX_INPUT ((size_t)1 << 30)
#define CLI_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The BBQ release's category files, in the order the paper's All-disambig.jsonl joins them
 * (established against its published validation split, doc/GUIDE.md). */
static const char *const bbq_categories[] = {
    "Age", "Disability_status", "Gender_identity", "Nationality", "Physical_appearance", "Race_ethnicity",
    "Race_x_gender", "Race_x_SES", "Religion", "SES", "Sexual_orientation",
};

typedef struct line_set {
    char **text; /* each line, NUL-terminated, owned */
    size_t *len;
    char **where; /* "FILE:LINE" for messages, owned */
    size_t n, cap;
} line_set;

static void lines_free(line_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->text[i]);
        free(s->where[i]);
    }
    free(s->text);
    free(s->len);
    free(s->where);
    memset(s, 0, sizeof *s);
}

static int lines_push(line_set *s, const char *t, size_t n, const char *file, size_t line)
{
    char w[64];
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 1024;
        char **nt = realloc(s->text, nc * sizeof *nt);
        if (!nt) return -1;
        s->text = nt;
        nt = realloc(s->where, nc * sizeof *nt);
        if (!nt) return -1;
        s->where = nt;
        {
            size_t *nl = realloc(s->len, nc * sizeof *nl);
            if (!nl) return -1;
            s->len = nl;
        }
        s->cap = nc;
    }
    s->text[s->n] = malloc(n + 1);
    snprintf(w, sizeof w, "%zu", line);
    s->where[s->n] = malloc(strlen(file) + strlen(w) + 8);
    if (!s->text[s->n] || !s->where[s->n]) {
        free(s->text[s->n]);
        free(s->where[s->n]);
        return -1;
    }
    memcpy(s->text[s->n], t, n);
    s->text[s->n][n] = '\0';
    sprintf(s->where[s->n], "%s: line %s", file, w);
    s->len[s->n] = n;
    s->n++;
    return 0;
}

/* Read a JSON Lines file as Python's readlines() sees it (universal newlines: "\r\n" ends a
 * line like "\n"). Every line must hold something: the reference would fail on a blank one.
 * With `only_disambig`, keep the lines whose context_condition is "disambig". */
static int read_lines(line_set *s, const char *path, int only_disambig, const char *cmd)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, cap = 0, line = 0;
    int rc = 0;
    if (!f) return cli_fail(cmd, "%s: cannot open (%s)", path, strerror(errno));
    for (;;) {
        size_t got;
        if (len + 65536 + 1 > cap) {
            size_t nc = cap ? 2 * cap : 1 << 20;
            char *nt;
            if (nc > DEMOS_MAX_INPUT + 65536 + 1) nc = DEMOS_MAX_INPUT + 65536 + 1;
            if (len + 65536 + 1 > nc) {
                fclose(f);
                free(text);
                return cli_fail(cmd, "%s: larger than the %zu bytes a data file may have", path, DEMOS_MAX_INPUT);
            }
            nt = realloc(text, nc);
            if (!nt) {
                fclose(f);
                free(text);
                return cli_fail(cmd, "%s: out of memory", path);
            }
            text = nt;
            cap = nc;
        }
        got = fread(text + len, 1, 65536, f);
        len += got;
        if (got < 65536) break;
    }
    if (ferror(f)) rc = cli_fail(cmd, "%s: read error", path);
    fclose(f);
    for (size_t pos = 0; rc == 0 && pos < len;) {
        const char *ln = text + pos, *nl = memchr(ln, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - ln) : len - pos, k;
        pos += ll + (nl ? 1 : 0);
        line++;
        if (ll && ln[ll - 1] == '\r') ll--;
        for (k = 0; k < ll && (ln[k] == ' ' || ln[k] == '\t'); k++) {}
        if (k == ll) {
            rc = cli_fail(cmd, "%s: line %zu: blank line (every line must be a JSON object)", path, line);
            break;
        }
        if (only_disambig) {
            sea_json_doc *doc;
            sea_err err;
            const sea_json *c;
            if (sea_json_parse(&doc, ln, ll, NULL, &err) != SEA_OK) {
                rc = cli_fail(cmd, "%s: line %zu: %s", path, line, strncmp(err.msg, "line 1, ", 8) ? err.msg : err.msg + 8);
                break;
            }
            c = sea_json_get(sea_json_root(doc), "context_condition");
            k = c && c->type == SEA_JSON_STRING && !strcmp(c->v.str.s, "disambig");
            if (!c || c->type != SEA_JSON_STRING) rc = cli_fail(cmd, "%s: line %zu: no context_condition", path, line);
            sea_json_free(doc);
            if (rc || !k) continue;
        }
        if (lines_push(s, ln, ll, path, line)) rc = cli_fail(cmd, "%s: out of memory", path);
    }
    free(text);
    return rc;
}

static const sea_json *get_str(const sea_json *o, const char *key)
{
    const sea_json *v = sea_json_get(o, key);
    return v && v->type == SEA_JSON_STRING ? v : NULL;
}

/* Python's str.isspace() for the code point starting at s (length in *n), 0 if not space. */
static int py_space(const unsigned char *s, size_t avail, size_t *n)
{
    unsigned cp;
    if (s[0] < 0x80) {
        *n = 1;
        return (s[0] >= 0x09 && s[0] <= 0x0d) || (s[0] >= 0x1c && s[0] <= 0x20);
    }
    if ((s[0] & 0xe0) == 0xc0 && avail >= 2) {
        *n = 2;
        cp = ((unsigned)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
    } else if ((s[0] & 0xf0) == 0xe0 && avail >= 3) {
        *n = 3;
        cp = ((unsigned)(s[0] & 0x0f) << 12) | ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
    } else {
        *n = 1;
        return 0;
    }
    return cp == 0x85 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* Strip Python-whitespace from both ends of [*b, *b + *len). */
static void py_strip(const char **b, size_t *len)
{
    size_t n;
    while (*len && py_space((const unsigned char *)*b, *len, &n) && n <= *len) *b += n, *len -= n;
    for (;;) {
        size_t back = 1, m;
        /* the last code point starts at the last byte that is not a continuation byte */
        while (back < *len && back < 3 && ((unsigned char)(*b)[*len - back] & 0xc0) == 0x80) back++;
        if (!*len || !py_space((const unsigned char *)*b + *len - back, back, &m) || m != back) break;
        *len -= back;
    }
}

/* split_multi_answer of the reference: pieces between ';' stripped, empty ones dropped, '.'
 * appended when missing. Returns the count (SIZE_MAX when there are more than cap); pieces
 * point into s, dot[i] says whether to add the period. */
static size_t split_answers(const char *s, size_t sl, const char **piece, size_t *plen, int *dot, size_t cap)
{
    size_t n = 0;
    const char *end = s + sl;
    py_strip(&s, &sl); /* ans.strip() first */
    end = s + sl;
    for (;;) {
        const char *e = memchr(s, ';', (size_t)(end - s)), *b = s;
        size_t len = e ? (size_t)(e - s) : (size_t)(end - s);
        py_strip(&b, &len);
        if (len) {
            if (n == cap) return (size_t)-1;
            piece[n] = b;
            plen[n] = len;
            dot[n] = b[len - 1] != '.';
            n++;
        }
        if (!e) break;
        s = e + 1;
    }
    return n;
}

static void demo_line(cli_outbuf *o, size_t index, const char *primer, const char *q_prefix, const char *q, size_t ql,
                      const char *q2, size_t q2l, const char *pos, size_t pl, int pos_dot, const char *neg, size_t nl,
                      int neg_dot)
{
    cli_outbuf b;
    cli_outbuf_init(&b);
    cli_outbuf_puts(&b, primer);
    cli_outbuf_puts(&b, q_prefix);
    cli_outbuf_add(&b, q, ql);
    if (q2) {
        cli_outbuf_add(&b, " ", 1);
        cli_outbuf_add(&b, q2, q2l);
    }
    cli_outbuf_puts(&b, "\nA:");
    cli_outbuf_printf(o, "{\"index\":%zu,\"prompt\":", index);
    cli_outbuf_json_string(o, b.data ? b.data : "", b.len);
    cli_outbuf_free(&b);
    cli_outbuf_init(&b);
    cli_outbuf_add(&b, " ", 1);
    cli_outbuf_add(&b, pos, pl);
    if (pos_dot) cli_outbuf_add(&b, ".", 1);
    cli_outbuf_puts(o, ",\"positive\":");
    cli_outbuf_json_string(o, b.data, b.len);
    b.len = 0;
    cli_outbuf_add(&b, " ", 1);
    cli_outbuf_add(&b, neg, nl);
    if (neg_dot) cli_outbuf_add(&b, ".", 1);
    cli_outbuf_puts(o, ",\"negative\":");
    cli_outbuf_json_string(o, b.data, b.len);
    cli_outbuf_puts(o, "}\n");
    if (b.failed) o->failed = 1;
    cli_outbuf_free(&b);
}

/* what: a problem, or the JSON parser's message about the one line ("line 1, column C: ...",
 * shortened to "column C: ..." after the file's own line number) */
static int parse_fail(const char *cmd, const line_set *s, size_t i, const char *what)
{
    if (!strncmp(what, "line 1, ", 8)) what += 8;
    return cli_fail(cmd, "%s: %s", s->where[i], what);
}

static int build_halueval(cli_outbuf *o, const line_set *s, const size_t *order, size_t n, cli_pyrandom *rng,
                          const char *cmd)
{
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k], na;
        sea_json_doc *doc;
        sea_err err;
        const sea_json *root, *q, *right, *hall;
        const char *piece[256];
        size_t plen[256];
        int dot[256];
        uint32_t pick;
        if (sea_json_parse(&doc, s->text[i], s->len[i], NULL, &err) != SEA_OK) return parse_fail(cmd, s, i, err.msg);
        root = sea_json_root(doc);
        q = get_str(root, "question");
        right = get_str(root, "right_answer");
        hall = get_str(root, "hallucinated_answer");
        if (!q || !right || !hall) {
            sea_json_free(doc);
            return parse_fail(cmd, s, i, "needs string fields question, right_answer and hallucinated_answer");
        }
        na = split_answers(hall->v.str.s, hall->v.str.len, piece, plen, dot, 256);
        if (na == 0 || na == (size_t)-1) {
            sea_json_free(doc);
            return parse_fail(cmd, s, i, na ? "hallucinated_answer has more than 256 answers"
                                            : "hallucinated_answer has no answer (the reference's random.sample would fail)");
        }
        pick = cli_pyrandom_randbelow(rng, (uint32_t)na); /* random.sample(answers, 1) */
        demo_line(o, i, sea_tqa_primer(), "Q: ", q->v.str.s, q->v.str.len, NULL, 0, right->v.str.s, right->v.str.len, 0,
                  piece[pick], plen[pick], dot[pick]);
        sea_json_free(doc);
    }
    return 0;
}

static int build_bbq(cli_outbuf *o, const line_set *s, const size_t *order, size_t n, cli_pyrandom *rng,
                     const char *cmd)
{
    static const char *const ak[3] = {"ans0", "ans1", "ans2"};
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        sea_json_doc *doc;
        sea_err err;
        const sea_json *root, *ctx, *q, *ans[3];
        int64_t label;
        int neg[2], t;
        if (sea_json_parse(&doc, s->text[i], s->len[i], NULL, &err) != SEA_OK) return parse_fail(cmd, s, i, err.msg);
        root = sea_json_root(doc);
        ctx = get_str(root, "context");
        q = get_str(root, "question");
        for (int a = 0; a < 3; a++) ans[a] = get_str(root, ak[a]);
        if (!ctx || !q || !ans[0] || !ans[1] || !ans[2] ||
            sea_json_as_i64(&label, sea_json_get(root, "label"), "label", &err) != SEA_OK || label < 0 || label > 2) {
            sea_json_free(doc);
            return parse_fail(cmd, s, i, "needs string fields context, question, ans0..ans2 and a label 0, 1 or 2");
        }
        /* neg_ids = [0, 1, 2] without the label; random.shuffle(neg_ids); neg_ids[0] */
        for (int a = 0, m = 0; a < 3; a++)
            if (a != (int)label) neg[m++] = a;
        if (cli_pyrandom_randbelow(rng, 2) == 0) {
            t = neg[0];
            neg[0] = neg[1];
            neg[1] = t;
        }
        demo_line(o, i, sea_bbq_primer(), "Q: ", ctx->v.str.s, ctx->v.str.len, q->v.str.s, q->v.str.len,
                  ans[label]->v.str.s, ans[label]->v.str.len, 0, ans[neg[0]]->v.str.s, ans[neg[0]]->v.str.len, 0);
        sea_json_free(doc);
    }
    return 0;
}

static int write_split(const line_set *s, const size_t *order, size_t lo, size_t hi, const char *prefix,
                       const char *name, const char *cmd)
{
    cli_outbuf b;
    char msg[512], *path;
    int rc = 0;
    cli_outbuf_init(&b);
    for (size_t k = lo; k < hi; k++) {
        cli_outbuf_add(&b, s->text[order[k]], s->len[order[k]]);
        cli_outbuf_add(&b, "\n", 1);
    }
    path = malloc(strlen(prefix) + strlen(name) + 2);
    if (!path) rc = cli_fail(cmd, "out of memory");
    else {
        sprintf(path, "%s%s", prefix, name);
        if (cli_outbuf_write(&b, path, msg, sizeof msg)) rc = cli_fail(cmd, "%s", msg);
    }
    free(path);
    cli_outbuf_free(&b);
    return rc;
}

int cmd_demos(int argc, char **argv)
{
    const char *data = NULL, *out = NULL, *splits = NULL;
    long n_want = -1, seed = 44, train = 20000, valid = 4000;
    int quiet = 0;
    cli_opt opts[] = {
        {"data", 0, CLI_STR, &data, "PATH", "halueval: qa_data.json; bbq: All-disambig.jsonl, or the BBQ release's data/ folder", 0, -1, NULL},
        {"n", 0, CLI_INT, &n_want, "N", "demonstrations (default: 2000 halueval, 1000 bbq)", 1, 100000000, NULL},
        {"seed", 0, CLI_INT, &seed, "S", "Python random.seed value (default 44, the paper's)", 0, 4294967295.0, NULL},
        {"out", 'o', CLI_STR, &out, "FILE", "demonstrations to write (default: stdout)", 0, -1, NULL},
        {"train-size", 0, CLI_INT, &train, "T", "bbq: training split size (default 20000)", 1, 100000000, NULL},
        {"validation-size", 0, CLI_INT, &valid, "V", "bbq: validation split size (default 4000)", 0, 100000000, NULL},
        {"splits", 0, CLI_STR, &splits, "PREFIX", "bbq: also write PREFIX-train.jsonl, -validation.jsonl, -test.jsonl", 0, -1, NULL},
        {"quiet", 'q', CLI_FLAG, &quiet, NULL, "no summary on stderr", 0, -1, NULL},
    };
    char *pos[1];
    int n_pos, rc, is_bbq;
    line_set lines;
    size_t *order = NULL, n, pool;
    cli_pyrandom rng;
    cli_outbuf o;
    char msg[512];
    struct stat sb;
    rc = cli_parse(argc, argv, opts, CLI_LEN(opts), "halueval|bbq --data PATH [--n N] [--seed 44] [--out FILE]",
                   "Demonstrations for 'sea trace' ({prompt, positive, negative} JSON Lines, plus the\n"
                   "item's index: its line in the data, from 0), chosen exactly as the paper's data preparation\n"
                   "chose them (Python's random with the same seed, draws in the same order):\n"
                   "halueval: the first N of the shuffled HaluEval QA items, negative = one of the\n"
                   "hallucinated answers; bbq: the first N of the training split (the first T of the\n"
                   "shuffled disambiguated items), negative = one of the two wrong options. Trace them\n"
                   "with --template llama2-chat --system llama2-default as the paper did (doc/GUIDE.md).",
                   pos, 1, &n_pos);
    if (rc >= 0) return rc;
    if (n_pos != 1 || (strcmp(pos[0], "halueval") && strcmp(pos[0], "bbq")))
        return cli_usage_error(argv[0], "name the source: halueval or bbq");
    is_bbq = !strcmp(pos[0], "bbq");
    if (!data) return cli_usage_error(argv[0], "--data is required");
    if (!is_bbq && splits) return cli_usage_error(argv[0], "--splits is for bbq");
    if (n_want < 0) n_want = is_bbq ? 1000 : 2000;
    memset(&lines, 0, sizeof lines);
    cli_outbuf_init(&o);
    if (is_bbq && stat(data, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        /* the BBQ release: every category's disambiguated items, in the paper's order */
        for (size_t c = 0; c < CLI_LEN(bbq_categories) && rc < 0; c++) {
            char *path = malloc(strlen(data) + strlen(bbq_categories[c]) + 8);
            if (!path) {
                rc = cli_fail(argv[0], "out of memory");
                break;
            }
            sprintf(path, "%s/%s.jsonl", data, bbq_categories[c]);
            if (read_lines(&lines, path, 1, argv[0])) rc = CLI_EXIT_FAIL;
            free(path);
        }
    } else if (read_lines(&lines, data, 0, argv[0]))
        rc = CLI_EXIT_FAIL;
    if (rc >= 0) goto out;
    if (lines.n == 0 || lines.n > 0xffffffffu) {
        rc = cli_fail(argv[0], "%s: %s", data, lines.n ? "too many items" : "no items");
        goto out;
    }
    order = malloc(lines.n * sizeof *order);
    if (!order) {
        rc = cli_fail(argv[0], "out of memory");
        goto out;
    }
    for (size_t i = 0; i < lines.n; i++) order[i] = i;
    cli_pyrandom_seed(&rng, (uint32_t)seed);
    cli_pyrandom_shuffle(&rng, order, lines.n);
    /* the pool the demonstrations come from: everything (halueval) or the training split */
    pool = is_bbq ? (size_t)train < lines.n ? (size_t)train : lines.n : lines.n;
    n = (size_t)n_want < pool ? (size_t)n_want : pool;
    if ((size_t)n_want > pool && !quiet)
        fprintf(stderr, "sea %s: only %zu items to choose from; writing %zu demonstrations, as the reference would\n",
                argv[0], pool, n);
    if (is_bbq) rc = build_bbq(&o, &lines, order, n, &rng, argv[0]);
    else rc = build_halueval(&o, &lines, order, n, &rng, argv[0]);
    if (rc) goto out;
    if (cli_outbuf_write(&o, out, msg, sizeof msg)) {
        rc = cli_fail(argv[0], "%s", msg);
        goto out;
    }
    if (splits) {
        size_t t = pool, v = t + (size_t)valid < lines.n ? t + (size_t)valid : lines.n;
        if (write_split(&lines, order, 0, t, splits, "-train.jsonl", argv[0]) ||
            write_split(&lines, order, t, v, splits, "-validation.jsonl", argv[0]) ||
            write_split(&lines, order, v, lines.n, splits, "-test.jsonl", argv[0])) {
            rc = CLI_EXIT_FAIL;
            goto out;
        }
        if (!quiet)
            fprintf(stderr, "demos: splits %s-{train,validation,test}.jsonl: %zu / %zu / %zu items\n", splits, t, v - t,
                    lines.n - v);
    }
    if (!quiet)
        fprintf(stderr, "demos: %zu %s demonstrations from %zu items (seed %ld) -> %s\n", n, pos[0], lines.n, seed,
                out ? out : "stdout");
    rc = CLI_EXIT_OK;
out:
    free(order);
    lines_free(&lines);
    cli_outbuf_free(&o);
    return rc;
}
