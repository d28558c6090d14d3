# tests/security.mk: the allocation-failure walk over every reader, and the memory a reader asks
# for against the size of its input (doc/SECURITY.md).
check_PROGRAMS += tests/check_oom
tests_check_oom_SOURCES = tests/check_oom.c
tests_check_oom_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_oom_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_limits
tests_check_limits_SOURCES = tests/check_limits.c
tests_check_limits_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_limits_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_regress
tests_check_regress_SOURCES = tests/check_regress.c
tests_check_regress_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_regress_LDADD = $(TEST_LDADD)
