# tests/io.mk: Check suites for src/io (inside 'if HAVE_CHECK'; use TEST_CPPFLAGS and TEST_LDADD):
# the JSON reader, and hostile-input suites for the safetensors reader, the sharded index and
# the writer (doc/FORMATS.md maps each checklist case to its test).
check_PROGRAMS += tests/check_json
tests_check_json_SOURCES = tests/check_json.c
tests_check_json_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_json_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_safetensors
tests_check_safetensors_SOURCES = tests/check_safetensors.c
tests_check_safetensors_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_safetensors_LDADD = $(TEST_LDADD)
noinst_HEADERS += tests/hostile.h
check_PROGRAMS += tests/check_st_writer
tests_check_st_writer_SOURCES = tests/check_st_writer.c
tests_check_st_writer_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_st_writer_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_st_index
tests_check_st_index_SOURCES = tests/check_st_index.c
tests_check_st_index_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_st_index_LDADD = $(TEST_LDADD)
# sea info / sea forward on hostile model directories (a POSIX shell script; runs ./sea)
TESTS += tests/cli_hostile.sh
EXTRA_DIST += tests/cli_hostile.sh
# GGUF reader and writer: round trips and hostile images built in the test
check_PROGRAMS += tests/check_gguf
tests_check_gguf_SOURCES = tests/check_gguf.c
tests_check_gguf_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_gguf_LDADD = $(TEST_LDADD)
# sea quantize and -m FILE.gguf on the command line (a POSIX shell script; runs ./sea)
TESTS += tests/cli_gguf.sh
EXTRA_DIST += tests/cli_gguf.sh
