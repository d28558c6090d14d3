/* fuzz/seeds/capture.h: force-included (-include) when fuzz/seeds/capture.sh recompiles the
 * hostile-input test suites, so that every input those suites give a reader is also written
 * to $SEA_CAPTURE/<fuzz target>/<suite>-<test>-<hash>: the seed corpus then holds each case of
 * the checklist (../shared/docs/research/anchors-reliability.md §6) that reaches a reader, under
 * the name of the test that builds it (the Check test function, found through
 * -finstrument-functions, else the calling function). Each reader call of the public API is wrapped by a macro
 * that records its input in the format of the matching fuzz target (fuzz/fuzz.h) and then
 * makes the call unchanged. Not part of the build. */
#ifndef SEA_FUZZ_CAPTURE_H
#define SEA_FUZZ_CAPTURE_H

/* before any system header, as the suites themselves do */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <check.h>

#include "sea.h"

/* Test functions by name: the suites are compiled with -finstrument-functions, so capture.c
 * knows which test a reader call comes from, even through helper functions. */
void cap_register(const char *name, const void *fn);
#undef _tcase_add_test
#define _tcase_add_test(tc, tt, sig, ev, st, en) \
    (cap_register((tt)->name, (const void *)(tt)->fn), _tcase_add_test(tc, tt, sig, ev, st, en))

void cap_bytes(const char *target, const char *file, const char *func, const void *p, size_t n);
void cap_file(const char *target, const char *file, const char *func, const char *path);
/* Directory as a multi-file input: main_name first, then the other regular files. */
void cap_dir(const char *target, const char *file, const char *func, const char *dir, const char *main_name,
             const char *only_other);
void cap_pair(const char *target, const char *file, const char *func, const void *p, size_t n, const char *name2,
              const void *p2, size_t n2);
void cap_pair_files(const char *target, const char *file, const char *func, const char *path, const char *name2,
                    const char *path2);
void cap_json(const char *file, const char *func, const char *text, size_t len, const sea_json_params *params);
void cap_text(const char *file, const char *func, const char *text, size_t len);

#define CAP_AT __FILE__, __func__

#define sea_st_open_memory(o, d, l, n, e) (cap_bytes("safetensors", CAP_AT, (d), (l)), sea_st_open_memory(o, d, l, n, e))
#define sea_st_open(o, p, e) (cap_file("safetensors", CAP_AT, (p)), sea_st_open(o, p, e))
#define sea_st_dir_open(o, d, e) (cap_dir("st_dir", CAP_AT, (d), "model.safetensors.index.json", NULL), sea_st_dir_open(o, d, e))
#define sea_json_parse(o, t, l, p, e) (cap_json(CAP_AT, (t), (l), (p)), sea_json_parse(o, t, l, p, e))
#define sea_config_parse(c, t, l, n, e) (cap_bytes("config", CAP_AT, (t), (l)), sea_config_parse(c, t, l, n, e))
#define sea_config_load(c, d, e) (cap_dir("config", CAP_AT, (d), "config.json", "generation_config.json"), sea_config_load(c, d, e))
#define sea_model_open(o, d, e) (cap_dir("model", CAP_AT, (d), "config.json", NULL), sea_model_open(o, d, e))
#define sea_tokenizer_open(o, d, e) \
    (cap_dir("tokenizer", CAP_AT, (d), "tokenizer.json", "tokenizer_config.json"), sea_tokenizer_open(o, d, e))
#define sea_tokenizer_open_file(o, t, c, e) \
    (cap_pair_files("tokenizer", CAP_AT, (t), "tokenizer_config.json", (c)), sea_tokenizer_open_file(o, t, c, e))
#define sea_tokenizer_open_mem(o, t, l, c, cl, n, e) \
    (cap_pair("tokenizer", CAP_AT, (t), (l), "tokenizer_config.json", (c), (cl)), sea_tokenizer_open_mem(o, t, l, c, cl, n, e))
#define sea_tokenize(k, t, l, a, i, n, e) (cap_text(CAP_AT, (t), (l)), sea_tokenize(k, t, l, a, i, n, e))
#define sea_demos_parse(o, t, l, n, e) (cap_bytes("demos", CAP_AT, (t), (l)), sea_demos_parse(o, t, l, n, e))
#define sea_demos_load(o, p, e) (cap_file("demos", CAP_AT, (p)), sea_demos_load(o, p, e))
#define sea_acts_open(o, p, e) (cap_file("acts", CAP_AT, (p)), sea_acts_open(o, p, e))
#define sea_proj_open(o, p, e) (cap_file("proj", CAP_AT, (p)), sea_proj_open(o, p, e))
#define sea_tqa_load(o, p, e) (cap_file("truthfulqa", CAP_AT, (p)), sea_tqa_load(o, p, e))
#define sea_bbq_load(o, p, e) (cap_file("bbq", CAP_AT, (p)), sea_bbq_load(o, p, e))

#endif
