# tests/tokenizer.mk: Check suites of this area (inside 'if HAVE_CHECK'; use TEST_CPPFLAGS and TEST_LDADD)
