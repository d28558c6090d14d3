# tests/model.mk: Check suites for src/model: config.json and model directories against hostile input (doc/FORMATS.md maps each
# case), forward-pass parity with Hugging Face, sampling and generation (inside 'if HAVE_CHECK'; use TEST_CPPFLAGS and TEST_LDADD).
check_PROGRAMS += tests/check_config
tests_check_config_SOURCES = tests/check_config.c
tests_check_config_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_config_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_model_load
tests_check_model_load_SOURCES = tests/check_model_load.c
tests_check_model_load_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_model_load_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_parity
tests_check_parity_SOURCES = tests/check_parity.c
tests_check_parity_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_parity_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_generate
tests_check_generate_SOURCES = tests/check_generate.c
tests_check_generate_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_generate_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_parity_gemma
tests_check_parity_gemma_SOURCES = tests/check_parity_gemma.c tests/parity_util.h
tests_check_parity_gemma_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_parity_gemma_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/check_parity_qwen2
tests_check_parity_qwen2_SOURCES = tests/check_parity_qwen2.c tests/parity_util.h
tests_check_parity_qwen2_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_parity_qwen2_LDADD = $(TEST_LDADD)
# models and tokenizers from GGUF files written by sea_gguf_convert (sea quantize)
check_PROGRAMS += tests/check_gguf_model
tests_check_gguf_model_SOURCES = tests/check_gguf_model.c
tests_check_gguf_model_CPPFLAGS = $(TEST_CPPFLAGS)
tests_check_gguf_model_LDADD = $(TEST_LDADD)
