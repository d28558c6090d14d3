# tests/examples.mk: Check suites for examples/: the demonstration builder's Python-compatible random generator (inside 'if HAVE_CHECK'; use TEST_CPPFLAGS and TEST_LDADD).
check_PROGRAMS += tests/check_examples
tests_check_examples_SOURCES = tests/check_examples.c examples/pyrandom.c
tests_check_examples_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_examples_LDADD = $(TEST_LDADD)
