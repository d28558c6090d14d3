/* fuzz/fuzz_demos.c: demonstration files (JSON Lines of {prompt, positive, negative}) through
 * sea_demos_parse. Demonstrations that load have three non-empty NUL-free strings each, line
 * numbers that increase and stay within the file, and a SHA-256 of 64 hex digits. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sea_demos *d = NULL;
    sea_err err;
    sea_status st;
    size_t lines = 1, prev = 0;
    fz_quiet();
    sea_err_clear(&err);
    st = sea_demos_parse(&d, (const char *)data, size, "demos.jsonl", &err);
    fz_check_main(st, &err, "sea_demos_parse");
    if (st != SEA_OK) {
        if (d) fz_fail("sea_demos_parse", "failure left a handle");
        return 0;
    }
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
    if (sea_demos_count(d) < 1) fz_fail("demos", "loaded without a demonstration");
    if (strlen(sea_demos_sha256(d)) != 64) fz_fail("demos", "sha256 is not 64 characters");
    for (size_t i = 0; i < sea_demos_count(d); i++) {
        const sea_demo *x = sea_demos_at(d, i);
        if (!x->prompt[0] || !x->positive[0] || !x->negative[0]) fz_fail("demos", "an empty field");
        if (x->line <= prev || x->line > lines) fz_fail("demos", "line numbers do not increase within the file");
        prev = x->line;
    }
    if (sea_demos_at(d, sea_demos_count(d)) != NULL) fz_fail("demos", "sea_demos_at past the end");
    sea_demos_free(d);
    return 0;
}
