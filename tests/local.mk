# tests: Check suites (make check). Suites that need the large conformance data in
# ../shared read $SEA_SHARED and report SKIP when it is unset.
if HAVE_CHECK
TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests -D_POSIX_C_SOURCE=200809L \
	-DSEA_TEST_FIXTURES='"$(abs_top_srcdir)/tests/fixtures"' $(CHECK_CFLAGS)
TEST_LDADD = libsea.la $(CHECK_LIBS) -lm

check_PROGRAMS += tests/check_json
tests_check_json_SOURCES = tests/check_json.c
tests_check_json_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_json_LDADD = $(TEST_LDADD)

# one fragment per area, so each area's suites are listed beside each other
include tests/io.mk
include tests/model.mk
include tests/forward.mk
include tests/tokenizer.mk
include tests/spectral.mk
include tests/sea.mk
include tests/security.mk
endif

TESTS += $(check_PROGRAMS)
AM_TESTS_ENVIRONMENT = CK_DEFAULT_TIMEOUT=$${CK_DEFAULT_TIMEOUT:-120}; export CK_DEFAULT_TIMEOUT;
noinst_HEADERS += tests/testutil.h
EXTRA_DIST += tests/fixtures
