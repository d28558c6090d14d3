# src/eval: perplexity, TruthfulQA and BBQ
libsea_la_SOURCES += src/eval/perplexity.c
seainclude_HEADERS += include/sea/eval.h
