/* src/cli/cmd_eval_combine.c: `sea eval combine A.json B.json ...`: join the results of one
 * setting run on several folds (or data files) into the result over all their items.
 *
 * Inputs are `sea eval ... --json` objects of one task with the same edit (projection file,
 * layers, merge, feature). Means are weighted by each part's item count; BBQ figures are
 * recomputed from the summed counts (so the bias scores are those of the joined items, not
 * averages of scores); token counts and seconds add up. With --details in every part, the
 * per-item lists are concatenated. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/outbuf.h"
#include "sea.h"

#define COMBINE_MAX_FILE ((size_t)1 << 30)
#define MAX_CATS 256

typedef struct bbq_acc {
    double n, correct, unknown, non_unknown, biased, anti, stereo;
} bbq_acc;

typedef struct cat_acc {
    char name[128];
    double n, m[3];    /* truthfulqa: n-weighted mc1, mc2, mc3 */
    bbq_acc b[3];      /* bbq: all, disambig, ambig */
} cat_acc;

static double num(const sea_json *o, const char *key)
{
    const sea_json *v = o ? sea_json_get(o, key) : NULL;
    double d;
    sea_err err;
    if (!v || v->type == SEA_JSON_NULL) return 0;
    return sea_json_as_double(&d, v, key, &err) == SEA_OK ? d : NAN;
}

static const char *str(const sea_json *o, const char *key)
{
    const sea_json *v = sea_json_get(o, key);
    return v && v->type == SEA_JSON_STRING ? v->v.str.s : NULL;
}

static void bbq_add(bbq_acc *a, const sea_json *s)
{
    double n;
    if (!s || s->type != SEA_JSON_OBJECT || (n = num(s, "n")) == 0) return;
    a->n += n;
    a->correct += n * num(s, "accuracy");
    a->unknown += n * num(s, "unknown_rate");
    a->non_unknown += num(s, "n_non_unknown");
    a->biased += num(s, "n_biased");
    a->anti += num(s, "n_anti");
    a->stereo += num(s, "n_stereo_on_anti");
}

static void bbq_out(cli_outbuf *o, const bbq_acc *a, double *s_score, double *s_amb)
{
    double acc, bias;
    if (!a->n) {
        cli_outbuf_puts(o, "{\"n\":0,\"accuracy\":null}");
        *s_score = *s_amb = NAN;
        return;
    }
    acc = a->correct / a->n;
    bias = a->non_unknown ? 2 * a->biased / a->non_unknown - 1 : 0;
    *s_score = bias;
    *s_amb = (1 - acc) * bias;
    cli_outbuf_printf(o,
                      "{\"n\":%.0f,\"accuracy\":%.17g,\"unknown_rate\":%.17g,\"bias_score\":%.17g,\"s_amb\":%.17g,"
                      "\"stereotype_rate\":%.17g,\"n_non_unknown\":%.0f,\"n_biased\":%.0f,\"n_anti\":%.0f,"
                      "\"n_stereo_on_anti\":%.0f}",
                      a->n, acc, a->unknown / a->n, bias, (1 - acc) * bias, a->anti ? a->stereo / a->anti : 0,
                      a->non_unknown, a->biased, a->anti, a->stereo);
}

static cat_acc *cat_find(cat_acc *cats, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(cats[i].name, name)) return &cats[i];
    if (*n == MAX_CATS || strlen(name) >= sizeof cats[0].name) return NULL;
    memset(&cats[*n], 0, sizeof cats[*n]);
    strcpy(cats[*n].name, name);
    return &cats[(*n)++];
}

/* The edit description of a result, as one comparable string. */
static void edit_key(cli_outbuf *k, const sea_json *root)
{
    static const char *const keys[] = {"edit", "merge", "feature"};
    const sea_json *l = sea_json_get(root, "layers");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = str(root, keys[i]);
        cli_outbuf_printf(k, "%s=%s;", keys[i], v ? v : "-");
    }
    if (l && l->type == SEA_JSON_ARRAY)
        for (size_t i = 0; i < l->v.arr.n; i++) {
            double d = 0;
            sea_err err;
            (void)sea_json_as_double(&d, &l->v.arr.items[i], "layer", &err);
            cli_outbuf_printf(k, "%g,", d);
        }
}

int cmd_eval_combine(int argc, char **argv)
{
    const char *out = NULL;
    cli_opt opts[] = {
        {"out", 'o', CLI_STR, &out, "FILE", "write the joined result here (default: stdout)", 0, -1, NULL},
    };
    char *pos[4096], msg[512];
    int n_pos, rc, details = 1;
    const char *task = NULL;
    cli_outbuf o, key0, items;
    double n_all = 0, m[3] = {0, 0, 0}, tok_c = 0, tok_n = 0, secs = 0, pref = 0, margin = 0;
    bbq_acc b[3];
    cat_acc *cats = calloc(MAX_CATS, sizeof *cats);
    size_t n_cats = 0;
    rc = cli_parse(argc, argv, opts, sizeof opts / sizeof opts[0], "RESULT.json RESULT.json ... [--out FILE]",
                   "Join 'sea eval ... --json' results of one setting run on several folds or data files:\n"
                   "means weighted by item counts, BBQ scores recomputed from the summed counts, costs\n"
                   "added, per-item details concatenated when every part has them.",
                   pos, 4096, &n_pos);
    if (rc >= 0) {
        free(cats);
        return rc;
    }
    if (!cats) return cli_fail(argv[0], "out of memory");
    if (n_pos < 1) {
        free(cats);
        return cli_usage_error(argv[0], "give the result files to join");
    }
    memset(b, 0, sizeof b);
    cli_outbuf_init(&o);
    cli_outbuf_init(&key0);
    cli_outbuf_init(&items);
    rc = -1;
    for (int f = 0; f < n_pos && rc < 0; f++) {
        FILE *fp = fopen(pos[f], "rb");
        char *text = NULL;
        size_t len = 0;
        sea_json_doc *doc = NULL;
        sea_err err;
        const sea_json *root, *cat, *det;
        const char *t;
        cli_outbuf key;
        if (!fp) {
            rc = cli_fail(argv[0], "%s: cannot open", pos[f]);
            break;
        }
        text = malloc(COMBINE_MAX_FILE + 1);
        if (text) len = fread(text, 1, COMBINE_MAX_FILE + 1, fp);
        fclose(fp);
        if (!text || len > COMBINE_MAX_FILE) {
            free(text);
            rc = cli_fail(argv[0], "%s: %s", pos[f], text ? "too large" : "out of memory");
            break;
        }
        if (sea_json_parse(&doc, text, len, NULL, &err) != SEA_OK) {
            free(text);
            rc = cli_fail(argv[0], "%s: %s", pos[f], err.msg);
            break;
        }
        free(text);
        root = sea_json_root(doc);
        t = root->type == SEA_JSON_OBJECT ? str(root, "task") : NULL;
        if (!t || (strcmp(t, "truthfulqa") && strcmp(t, "bbq") && strcmp(t, "pairs"))) {
            sea_json_free(doc);
            rc = cli_fail(argv[0], "%s: not a 'sea eval --json' result (no task)", pos[f]);
            break;
        }
        cli_outbuf_init(&key);
        cli_outbuf_printf(&key, "%s;", t);
        edit_key(&key, root);
        if (!f) {
            task = !strcmp(t, "truthfulqa") ? "truthfulqa" : !strcmp(t, "bbq") ? "bbq" : "pairs";
            cli_outbuf_add(&key0, key.data, key.len);
        } else if (key.len != key0.len || memcmp(key.data, key0.data, key.len)) {
            cli_outbuf_free(&key);
            sea_json_free(doc);
            rc = cli_fail(argv[0], "%s: another task or edit than %s (only results of one setting join)", pos[f], pos[0]);
            break;
        }
        cli_outbuf_free(&key);
        tok_c += num(root, "tokens_computed");
        tok_n += num(root, "tokens_naive");
        secs += num(root, "seconds");
        if (!strcmp(task, "truthfulqa")) {
            double n = num(root, "n");
            n_all += n;
            m[0] += n * num(root, "mc1");
            m[1] += n * num(root, "mc2");
            m[2] += n * num(root, "mc3");
        } else if (!strcmp(task, "pairs")) {
            double n = num(root, "n");
            n_all += n;
            pref += n * num(root, "prefer_positive");
            margin += n * num(root, "mean_margin");
        } else {
            bbq_add(&b[0], sea_json_get(root, "all"));
            bbq_add(&b[1], sea_json_get(root, "disambig"));
            bbq_add(&b[2], sea_json_get(root, "ambig"));
        }
        cat = sea_json_get(root, "categories");
        for (size_t c = 0; cat && cat->type == SEA_JSON_OBJECT && c < cat->v.obj.n; c++) {
            const sea_json *cv = &cat->v.obj.members[c].value;
            cat_acc *ca = cat_find(cats, &n_cats, cat->v.obj.members[c].key);
            if (!ca) {
                rc = cli_fail(argv[0], "%s: too many categories", pos[f]);
                break;
            }
            if (!strcmp(task, "truthfulqa")) {
                double n = num(cv, "n");
                ca->n += n;
                ca->m[0] += n * num(cv, "mc1");
                ca->m[1] += n * num(cv, "mc2");
                ca->m[2] += n * num(cv, "mc3");
            } else {
                bbq_add(&ca->b[0], sea_json_get(cv, "all"));
                bbq_add(&ca->b[1], sea_json_get(cv, "disambig"));
                bbq_add(&ca->b[2], sea_json_get(cv, "ambig"));
            }
        }
        det = sea_json_get(root, !strcmp(task, "truthfulqa") ? "questions" : !strcmp(task, "bbq") ? "items" : "pairs");
        if (!det || det->type != SEA_JSON_ARRAY) details = 0;
        if (rc < 0 && details && det && det->type == SEA_JSON_ARRAY) {
            /* the array's raw text, between its brackets (our writer emits it last, unnested) */
            FILE *fp2 = fopen(pos[f], "rb");
            char *t2 = malloc(len + 1);
            const char *k = !strcmp(task, "truthfulqa") ? "\"questions\":[" : !strcmp(task, "bbq") ? "\"items\":[" : "\"pairs\":[";
            if (fp2 && t2 && fread(t2, 1, len, fp2) == len) {
                char *s, *e;
                t2[len] = '\0';
                s = strstr(t2, k);
                e = s ? strrchr(t2, ']') : NULL;
                if (s && e && e > s + strlen(k)) {
                    if (items.len) cli_outbuf_add(&items, ",", 1);
                    cli_outbuf_add(&items, s + strlen(k), (size_t)(e - s - strlen(k)));
                }
            } else
                details = 0;
            if (fp2) fclose(fp2);
            free(t2);
        }
        sea_json_free(doc);
    }
    if (rc < 0) {
        double sd, sa;
        cli_outbuf_printf(&o, "{\"task\":\"%s\",\"combined\":%d", task, n_pos);
        cli_outbuf_puts(&o, ",\"parts\":[");
        for (int f = 0; f < n_pos; f++) {
            if (f) cli_outbuf_add(&o, ",", 1);
            cli_outbuf_json_string(&o, pos[f], strlen(pos[f]));
        }
        cli_outbuf_puts(&o, "]");
        if (!strcmp(task, "bbq")) {
            double s_dis, s_amb;
            cli_outbuf_puts(&o, ",\"all\":");
            bbq_out(&o, &b[0], &sd, &sa);
            cli_outbuf_puts(&o, ",\"disambig\":");
            bbq_out(&o, &b[1], &s_dis, &sa);
            cli_outbuf_puts(&o, ",\"ambig\":");
            bbq_out(&o, &b[2], &sd, &s_amb);
            /* the same order as 'sea eval bbq --json' */
            if (b[1].n) cli_outbuf_printf(&o, ",\"s_dis\":%.17g", s_dis);
            else cli_outbuf_puts(&o, ",\"s_dis\":null");
            if (b[2].n) cli_outbuf_printf(&o, ",\"s_amb\":%.17g", s_amb);
            else cli_outbuf_puts(&o, ",\"s_amb\":null");
            cli_outbuf_printf(&o, ",\"accuracy\":%.17g,\"n\":%.0f", b[0].n ? b[0].correct / b[0].n : 0, b[0].n);
        } else if (!strcmp(task, "truthfulqa"))
            cli_outbuf_printf(&o, ",\"n\":%.0f,\"mc1\":%.17g,\"mc2\":%.17g,\"mc3\":%.17g", n_all, m[0] / n_all, m[1] / n_all,
                              m[2] / n_all);
        else
            cli_outbuf_printf(&o, ",\"n\":%.0f,\"prefer_positive\":%.17g,\"mean_margin\":%.17g", n_all, pref / n_all,
                              margin / n_all);
        if (n_cats) {
            cli_outbuf_puts(&o, ",\"categories\":{");
            for (size_t c = 0; c < n_cats; c++) {
                if (c) cli_outbuf_add(&o, ",", 1);
                cli_outbuf_json_string(&o, cats[c].name, strlen(cats[c].name));
                if (!strcmp(task, "truthfulqa"))
                    cli_outbuf_printf(&o, ":{\"n\":%.0f,\"mc1\":%.17g,\"mc2\":%.17g,\"mc3\":%.17g}", cats[c].n,
                                      cats[c].m[0] / cats[c].n, cats[c].m[1] / cats[c].n, cats[c].m[2] / cats[c].n);
                else {
                    cli_outbuf_puts(&o, ":{\"all\":");
                    bbq_out(&o, &cats[c].b[0], &sd, &sa);
                    cli_outbuf_puts(&o, ",\"disambig\":");
                    bbq_out(&o, &cats[c].b[1], &sd, &sa);
                    cli_outbuf_puts(&o, ",\"ambig\":");
                    bbq_out(&o, &cats[c].b[2], &sd, &sa);
                    cli_outbuf_puts(&o, "}");
                }
            }
            cli_outbuf_puts(&o, "}");
        }
        cli_outbuf_printf(&o, ",\"tokens_computed\":%.0f,\"tokens_naive\":%.0f,\"seconds\":%.3f", tok_c, tok_n, secs);
        if (details && items.len) {
            cli_outbuf_printf(&o, ",\"%s\":[",
                              !strcmp(task, "truthfulqa") ? "questions" : !strcmp(task, "bbq") ? "items" : "pairs");
            cli_outbuf_add(&o, items.data, items.len);
            cli_outbuf_puts(&o, "]");
        }
        cli_outbuf_puts(&o, "}\n");
        rc = cli_outbuf_write(&o, out, msg, sizeof msg) ? cli_fail(argv[0], "%s", msg) : CLI_EXIT_OK;
    }
    cli_outbuf_free(&o);
    cli_outbuf_free(&key0);
    cli_outbuf_free(&items);
    free(cats);
    return rc;
}
