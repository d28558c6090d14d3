# src/cli: the `sea` command-line tool (one file per command family)
sea_SOURCES += src/cli/main.c src/cli/args.c src/cli/commands.c \
	src/cli/cmd_model.c src/cli/cmd_generate.c src/cli/cmd_bench.c \
	src/cli/cmd_tokenize.c src/cli/cmd_fit.c src/cli/cmd_proj_pt.c src/cli/cmd_acts.c src/cli/cmd_trace.c src/cli/cmd_eval.c \
	src/cli/cmd_demo.c src/cli/cmd_perplexity.c src/cli/edit_opts.c src/cli/text_input.c \
	src/cli/svg.c src/cli/fit_plots.c \
	src/cli/cmd_demos.c src/cli/pyrandom.c src/cli/outbuf.c src/cli/cmd_bake.c \
	src/cli/cmd_eval_combine.c
noinst_HEADERS += src/cli/cli.h src/cli/edit_opts.h src/cli/text_input.h \
	src/cli/svg.h src/cli/fit_plots.h \
	src/cli/pyrandom.h src/cli/outbuf.h
# sea quantize (GGUF writer)
sea_SOURCES += src/cli/cmd_quantize.c
