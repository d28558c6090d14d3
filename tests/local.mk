# tests: Check suites (make check). Suites that need the large conformance data in
# ../shared read $SEA_SHARED and report SKIP when it is unset.
if HAVE_CHECK
TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests -D_POSIX_C_SOURCE=200809L \
	-DSEA_TEST_FIXTURES='"$(abs_top_srcdir)/tests/fixtures"' $(CHECK_CFLAGS)
TEST_LDADD = $(SEA_CORE_LIBS) $(CHECK_LIBS)

# one fragment per source folder it tests (tests/<folder>.mk), plus the cross-cutting
# security suites
include tests/io.mk
include tests/kernels.mk
include tests/model.mk
include tests/tokenizer.mk
include tests/linalg.mk
include tests/spectral.mk
include tests/eval.mk
include tests/cli.mk
include tests/security.mk
endif

TESTS += $(check_PROGRAMS)
AM_TESTS_ENVIRONMENT = CK_DEFAULT_TIMEOUT=$${CK_DEFAULT_TIMEOUT:-120}; export CK_DEFAULT_TIMEOUT; \
	CC='$(CC)'; MAKE='$(MAKE)'; SEA_SAN_CFLAGS='$(SAN_CFLAGS)'; export CC MAKE SEA_SAN_CFLAGS;

# the public API boundary: the shared library exports exactly the SEA_API functions, and an
# example builds against an installed sea.pc and runs (shell scripts; no Check needed)
TESTS += tests/api_symbols.sh tests/example_installed.sh
EXTRA_DIST += tests/api_symbols.sh tests/example_installed.sh
noinst_HEADERS += tests/testutil.h
EXTRA_DIST += tests/fixtures
