"""Do the local and the Qdrant backend give the same retrieval and the same answers?

Builds the bundled pages twice with the default model, once per backend (Qdrant in the
client's local mode, in a temporary folder), then:

- asks every question of a question set (default `eval/data/pages-dev.jsonl`) of both and
  compares the answers as `newsqa ask --json` prints them (`Answer.to_json()`), field by field;
- measures retrieval (recall@1/5/10, MRR@10, nDCG@10 per article and chunk, in each mode) on
  both and prints the largest difference.

    python benchmarks/backend_parity.py [--questions eval/data/pages-dev.jsonl] [--json out.json]

Never pass a `*-test.jsonl` set to tune anything by what this prints.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "data" / "pages-dev.jsonl")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from eval.dataset import load_questions
    from eval.suite import run_modes
    from index.backends import BackendConfig, backend_for
    from index.embedding import load_encoder
    from index.paths import BUNDLED_CORPUS
    from index.pipeline import build_index
    from qa import answer

    encoder = load_encoder()
    questions = load_questions(args.questions)
    scratch = Path(tempfile.mkdtemp(prefix="newsqa-parity-"))
    archives, build_seconds = {}, {}
    for name, config in (("local", BackendConfig()),
                         ("qdrant", BackendConfig(backend="qdrant", path=str(scratch / "qdrant"), collection="parity"))):
        started = time.perf_counter()
        build_index([BUNDLED_CORPUS], index_dir=scratch / name, encoder=encoder, progress=False, config=config)
        build_seconds[name] = round(time.perf_counter() - started, 1)
        archives[name] = backend_for(scratch / name).open(encoder=encoder)

    differing = []
    for q in questions:
        kwargs = {"history": [{"question": h} for h in q.history]} if q.history else {}
        got = {name: answer(q.question, archive=a, **kwargs).to_json() for name, a in archives.items()}
        if got["local"] != got["qdrant"]:
            fields = sorted(k for k in got["local"] if got["local"][k] != got["qdrant"].get(k))
            differing.append({"id": q.id, "question": q.question, "fields": fields})

    metrics = {}
    for name, archive in archives.items():
        runs = run_modes(questions, archive, modes=["hybrid", "dense", "bm25"], k=8, answer_fn=None, progress=False)
        metrics[name] = {r.mode: r.summary() for r in runs}
    gaps = {}
    for mode in ("hybrid", "dense", "bm25"):
        for level in ("article", "chunk"):
            local, qdrant = metrics["local"][mode][level], metrics["qdrant"][mode][level]
            for metric, value in local.items():
                gaps[f"{mode} {level} {metric}"] = round(qdrant[metric] - value, 4)
    worst = max(gaps.items(), key=lambda item: abs(item[1]))
    result = {
        "questions": len(questions),
        "answers_identical": len(questions) - len(differing),
        "differing": differing,
        "largest_retrieval_gap": {"metric": worst[0], "qdrant_minus_local": worst[1]},
        "retrieval_gaps": gaps,
        "build_seconds": build_seconds,
    }
    print(f"answers identical on {result['answers_identical']} of {len(questions)} questions ({args.questions.name})")
    for d in differing:
        print(f"  differs: {d['id']} {d['question']} ({', '.join(d['fields'])})")
    print(f"largest retrieval difference (Qdrant − local): {worst[0]} {worst[1]:+.4f} "
          f"({sum(1 for v in gaps.values() if v)} of {len(gaps)} metrics differ at all)")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0 if not differing else 1


if __name__ == "__main__":
    sys.exit(main())
