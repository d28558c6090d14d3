# tests/eval.mk: Check suites for src/eval: perplexity, TruthfulQA and BBQ scoring, the prefix-reusing scorer (inside 'if HAVE_CHECK'; use TEST_CPPFLAGS and TEST_LDADD).
check_PROGRAMS += tests/check_eval
tests_check_eval_SOURCES = tests/check_eval.c
tests_check_eval_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_eval_LDADD = $(TEST_LDADD)
