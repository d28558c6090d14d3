# src/eval: perplexity, TruthfulQA and BBQ
libsea_core_la_SOURCES += src/eval/perplexity.c src/eval/score.c src/eval/csv.c src/eval/runner.c \
	src/eval/truthfulqa.c src/eval/bbq.c src/eval/pairs.c
noinst_HEADERS += src/eval/eval_internal.h
seainclude_HEADERS += include/sea/eval.h
