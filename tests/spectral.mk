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
# the SEA authors' .pt projections: import, export, hostile files (tests/fixtures/pt)
check_PROGRAMS += tests/check_pt
tests_check_pt_SOURCES = tests/check_pt.c
tests_check_pt_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_pt_LDADD = $(TEST_LDADD)
# edit strength (--edit-scale): identities at 0 and 1, interpolation
check_PROGRAMS += tests/check_edit_scale
tests_check_edit_scale_SOURCES = tests/check_edit_scale.c
tests_check_edit_scale_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_edit_scale_LDADD = $(TEST_LDADD)
# provenance of activations and projections, fit refusals, --center means
check_PROGRAMS += tests/check_provenance
tests_check_provenance_SOURCES = tests/check_provenance.c
tests_check_provenance_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_provenance_LDADD = $(TEST_LDADD)
# sea bake: a linear edit folded into down_proj equals forward --edit
check_PROGRAMS += tests/check_bake
tests_check_bake_SOURCES = tests/check_bake.c
tests_check_bake_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_bake_LDADD = $(TEST_LDADD)
