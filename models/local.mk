# models: the bundled default model (kjv-demo), installed under $(pkgdatadir)/models
kjvdemodir = $(pkgdatadir)/models/kjv-demo
dist_kjvdemo_DATA = models/kjv-demo/config.json models/kjv-demo/generation_config.json \
	models/kjv-demo/model.safetensors models/kjv-demo/tokenizer.json \
	models/kjv-demo/tokenizer_config.json \
	models/kjv-demo/sea-demos.jsonl models/kjv-demo/sea-heldout.jsonl
