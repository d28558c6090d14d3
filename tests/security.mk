# tests/security.mk: the allocation-failure walk over every reader (doc/SECURITY.md).
check_PROGRAMS += tests/check_oom
tests_check_oom_SOURCES = tests/check_oom.c
tests_check_oom_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_oom_LDADD = $(TEST_LDADD)
