/* fuzz/fuzz_truthfulqa.c: TruthfulQA CSV files (sea_tqa_load: the RFC 4180 reader of
 * src/eval/csv.c, then the columns and answers), written to a temporary file. Questions that
 * load have a non-empty question, a best answer among the true answers, and at least one true
 * and one false answer, each stripped and ending in '.'. */
#include "fuzz.h"

static void check_answer(const char *a)
{
    size_t n = strlen(a);
    if (n < 1 || a[n - 1] != '.') fz_fail("truthfulqa", "answer does not end in '.'");
    if (a[0] == ' ' || a[0] == '\t' || a[0] == '\n' || a[0] == '\r') fz_fail("truthfulqa", "answer not stripped");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    sea_tqa *d = NULL;
    sea_err err;
    sea_status st;
    fz_quiet();
    fz_write_input(path, sizeof path, "TruthfulQA.csv", data, size);
    sea_err_clear(&err);
    st = sea_tqa_load(&d, path, &err);
    fz_check_main(st, &err, "sea_tqa_load");
    if (st == SEA_OK) {
        if (sea_tqa_count(d) < 1) fz_fail("truthfulqa", "loaded without a question");
        for (size_t i = 0; i < sea_tqa_count(d); i++) {
            const sea_tqa_question *q = sea_tqa_at(d, i);
            int best_found = 0;
            if (!q->question[0] || q->n_true < 1 || q->n_false < 1) fz_fail("truthfulqa", "empty question or answer set");
            check_answer(q->best);
            for (size_t k = 0; k < q->n_true; k++) {
                check_answer(q->true_answers[k]);
                best_found |= strcmp(q->true_answers[k], q->best) == 0;
            }
            for (size_t k = 0; k < q->n_false; k++) check_answer(q->false_answers[k]);
            if (!best_found) fz_fail("truthfulqa", "best answer missing from the true answers");
            (void)strlen(q->type);
            (void)strlen(q->category);
        }
        sea_tqa_free(d);
    } else if (d) {
        fz_fail("sea_tqa_load", "failure left a handle");
    }
    fz_cleanup();
    return 0;
}
