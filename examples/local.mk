# examples: programs using the library as an application would (built by `make`, so they stay
# correct), and the script reproducing the paper's TruthfulQA protocol.
noinst_PROGRAMS += examples/pipeline examples/halueval_demos
examples_pipeline_SOURCES = examples/pipeline.c
examples_pipeline_LDADD = libsea.la -lm
examples_halueval_demos_SOURCES = examples/halueval_demos.c examples/pyrandom.c
examples_halueval_demos_LDADD = libsea.la -lm
noinst_HEADERS += examples/pyrandom.h
EXTRA_DIST += examples/truthfulqa-llama2-7b-chat.sh
