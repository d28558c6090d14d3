# tests/cli.mk: Check suites and scripts for src/cli: the Python-compatible random generator of
# `sea demos`, and the demonstrations it selects against Python's own selection (inside
# 'if HAVE_CHECK'; use TEST_CPPFLAGS and TEST_LDADD).
check_PROGRAMS += tests/check_pyrandom
tests_check_pyrandom_SOURCES = tests/check_pyrandom.c src/cli/pyrandom.c
tests_check_pyrandom_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_pyrandom_LDADD = $(TEST_LDADD)
TESTS += tests/cli_demos.sh tests/cli_combine.sh
EXTRA_DIST += tests/cli_demos.sh tests/cli_combine.sh
