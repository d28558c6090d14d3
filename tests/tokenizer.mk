# tests/tokenizer.mk: Check suites of this area (inside 'if HAVE_CHECK'; use TEST_CPPFLAGS and TEST_LDADD)
check_PROGRAMS += tests/check_tokenizer tests/check_tokenizer_llama3 tests/check_tokenizer_units \
	tests/check_tokenizer_hostile
tests_check_tokenizer_SOURCES = tests/check_tokenizer.c tests/check_tokenizer_util.h
tests_check_tokenizer_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_tokenizer_LDADD = $(TEST_LDADD)
tests_check_tokenizer_llama3_SOURCES = tests/check_tokenizer_llama3.c tests/check_tokenizer_util.h
tests_check_tokenizer_llama3_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_tokenizer_llama3_LDADD = $(TEST_LDADD)
tests_check_tokenizer_units_SOURCES = tests/check_tokenizer_units.c tests/check_tokenizer_util.h
tests_check_tokenizer_units_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_tokenizer_units_LDADD = $(TEST_LDADD)
tests_check_tokenizer_hostile_SOURCES = tests/check_tokenizer_hostile.c tests/check_tokenizer_util.h
tests_check_tokenizer_hostile_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_tokenizer_hostile_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_tokenizer_family
tests_check_tokenizer_family_SOURCES = tests/check_tokenizer_family.c tests/check_tokenizer_util.h
tests_check_tokenizer_family_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_tokenizer_family_LDADD = $(TEST_LDADD)
