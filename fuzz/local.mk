# fuzz: one fuzz target per file format sea reads (doc/SECURITY.md). Each target defines
# LLVMFuzzerTestOneInput. With --enable-fuzzing (clang) it links with -fsanitize=fuzzer and is a
# libFuzzer binary (built by 'make'); otherwise it links with fuzz/replay.c, is a check
# program, and `make check` replays its corpus fuzz/corpus/<target>/ (under ASan and UBSan in
# a --enable-sanitizers build).
FUZZ_TARGETS = fuzz/fuzz_json fuzz/fuzz_safetensors fuzz/fuzz_st_dir fuzz/fuzz_config \
	fuzz/fuzz_model fuzz/fuzz_tokenizer fuzz/fuzz_tokenize fuzz/fuzz_demos fuzz/fuzz_acts \
	fuzz/fuzz_proj fuzz/fuzz_truthfulqa fuzz/fuzz_bbq fuzz/fuzz_pt fuzz/fuzz_gguf
noinst_HEADERS += fuzz/fuzz.h
EXTRA_DIST += fuzz/corpus fuzz/dict fuzz/tokenizers fuzz/seeds fuzz/run.sh

if SEA_LIBFUZZER
# coverage instrumentation for the library and the targets alike
AM_CFLAGS += -fsanitize=fuzzer-no-link
FUZZ_LINK = -static -fsanitize=fuzzer $(AM_LDFLAGS)
FUZZ_MAIN =
noinst_PROGRAMS += $(FUZZ_TARGETS)
EXTRA_DIST += fuzz/replay.c
else
FUZZ_LINK = -static $(AM_LDFLAGS)
FUZZ_MAIN = fuzz/replay.c
check_PROGRAMS += $(FUZZ_TARGETS)
endif
# FUZZ_DIR: fixed inputs of the targets (fuzz/tokenizers); FUZZ_CORPUS: what replay runs
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_DIR='"$(abs_top_srcdir)/fuzz"'
FUZZ_LDADD = $(SEA_CORE_LIBS)

fuzz_fuzz_json_SOURCES = fuzz/fuzz_json.c $(FUZZ_MAIN)
fuzz_fuzz_json_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/json"'
fuzz_fuzz_json_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_json_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_safetensors_SOURCES = fuzz/fuzz_safetensors.c $(FUZZ_MAIN)
fuzz_fuzz_safetensors_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/safetensors"'
fuzz_fuzz_safetensors_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_safetensors_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_st_dir_SOURCES = fuzz/fuzz_st_dir.c $(FUZZ_MAIN)
fuzz_fuzz_st_dir_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/st_dir"'
fuzz_fuzz_st_dir_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_st_dir_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_config_SOURCES = fuzz/fuzz_config.c $(FUZZ_MAIN)
fuzz_fuzz_config_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/config"'
fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_config_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_model_SOURCES = fuzz/fuzz_model.c $(FUZZ_MAIN)
fuzz_fuzz_model_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/model"'
fuzz_fuzz_model_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_model_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_tokenizer_SOURCES = fuzz/fuzz_tokenizer.c $(FUZZ_MAIN)
fuzz_fuzz_tokenizer_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/tokenizer"'
fuzz_fuzz_tokenizer_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_tokenizer_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_tokenize_SOURCES = fuzz/fuzz_tokenize.c $(FUZZ_MAIN)
fuzz_fuzz_tokenize_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/tokenize"'
fuzz_fuzz_tokenize_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_tokenize_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_demos_SOURCES = fuzz/fuzz_demos.c $(FUZZ_MAIN)
fuzz_fuzz_demos_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/demos"'
fuzz_fuzz_demos_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_demos_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_acts_SOURCES = fuzz/fuzz_acts.c $(FUZZ_MAIN)
fuzz_fuzz_acts_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/acts"'
fuzz_fuzz_acts_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_acts_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_proj_SOURCES = fuzz/fuzz_proj.c $(FUZZ_MAIN)
fuzz_fuzz_proj_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/proj"'
fuzz_fuzz_proj_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_proj_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_pt_SOURCES = fuzz/fuzz_pt.c $(FUZZ_MAIN)
fuzz_fuzz_pt_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/pt"'
fuzz_fuzz_pt_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_pt_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_truthfulqa_SOURCES = fuzz/fuzz_truthfulqa.c $(FUZZ_MAIN)
fuzz_fuzz_truthfulqa_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/truthfulqa"'
fuzz_fuzz_truthfulqa_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_truthfulqa_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_bbq_SOURCES = fuzz/fuzz_bbq.c $(FUZZ_MAIN)
fuzz_fuzz_bbq_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/bbq"'
fuzz_fuzz_bbq_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_bbq_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_gguf_SOURCES = fuzz/fuzz_gguf.c $(FUZZ_MAIN)
fuzz_fuzz_gguf_CPPFLAGS = $(FUZZ_CPPFLAGS) -DFUZZ_CORPUS='"$(abs_top_srcdir)/fuzz/corpus/gguf"'
fuzz_fuzz_gguf_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_gguf_LDADD = $(FUZZ_LDADD)
