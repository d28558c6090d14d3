# tests/spectral.mk: Check suites for src/spectral: the fit against the reference projections, projection files (library and
# command), the SEA pipeline (trace, edit) against the reference outputs (inside 'if HAVE_CHECK'; use TEST_CPPFLAGS and TEST_LDADD).
check_PROGRAMS += tests/check_fit
tests_check_fit_SOURCES = tests/check_fit.c
tests_check_fit_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_fit_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_proj
tests_check_proj_SOURCES = tests/check_proj.c
tests_check_proj_CPPFLAGS = $(TEST_CPPFLAGS) -DSEA_BIN='"$(abs_top_builddir)/sea$(EXEEXT)"'
tests_check_proj_LDADD = $(TEST_LDADD)
# the command tests run the built tool (built by 'all', which 'check' depends on)
tests_check_proj_DEPENDENCIES = libsea_core.la sea$(EXEEXT)
check_PROGRAMS += tests/check_sea
tests_check_sea_SOURCES = tests/check_sea.c
tests_check_sea_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_sea_LDADD = $(TEST_LDADD)
