# tests/sea.mk: the SEA pipeline (trace, edit, evaluate) against the reference outputs.
check_PROGRAMS += tests/check_sea
tests_check_sea_SOURCES = tests/check_sea.c
tests_check_sea_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_sea_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_examples
tests_check_examples_SOURCES = tests/check_examples.c examples/pyrandom.c
tests_check_examples_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_examples_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_eval
tests_check_eval_SOURCES = tests/check_eval.c
tests_check_eval_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_eval_LDADD = $(TEST_LDADD)
