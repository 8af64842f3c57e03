# `make run`: set up, index the bundled corpus, serve the chat on http://127.0.0.1:7860
# `make test`: set up (with test tools and the browser), run the whole test suite
.PHONY: run test setup setup-test index serve bench figures

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh --test

index: setup
	.venv/bin/newsqa index

run: index
	.venv/bin/newsqa serve

test: setup-test
	.venv/bin/pytest

bench: setup
	.venv/bin/pip install -q -e ".[benchmark]"
	.venv/bin/python benchmarks/run_all.py

# Re-measure the test question sets and copy the figures into README.md
figures: index
	.venv/bin/pip install -q -e ".[eval]"
	.venv/bin/newsqa eval --split test --report build/eval-test
	.venv/bin/python scripts/readme_figures.py --eval build/eval-test
