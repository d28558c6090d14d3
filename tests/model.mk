# tests/model.mk: Check suites of this area (inside 'if HAVE_CHECK'; use TEST_CPPFLAGS and TEST_LDADD)
# config.json and model directories against hostile input (doc/FORMATS.md maps each case).
check_PROGRAMS += tests/check_config
tests_check_config_SOURCES = tests/check_config.c
tests_check_config_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_config_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_model_load
tests_check_model_load_SOURCES = tests/check_model_load.c
tests_check_model_load_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_model_load_LDADD = $(TEST_LDADD)
