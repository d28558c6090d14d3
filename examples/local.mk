# examples: programs using the library as an application would (built by `make`, so they stay
# correct), and the script reproducing the paper's TruthfulQA protocol.
noinst_PROGRAMS += examples/pipeline
examples_pipeline_SOURCES = examples/pipeline.c
examples_pipeline_LDADD = libsea.la -lm
EXTRA_DIST += examples/truthfulqa-llama2-7b-chat.sh examples/bbq-llama2-7b-chat.sh
