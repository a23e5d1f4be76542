"""How right concepts inferred from a record's own words are: Miami 211 (HSDS with AIRS codes) with
its taxonomy hidden from the inference and used as the answer.

    python bench/bench_concept_inference.py [--source ../shared/data/hsds/open211-miami-2019]

For every service the source codes, the concepts `concepts.for_record()` infers from its name,
organisation and description alone are compared with the concepts its AIRS codes and category names
give. Printed per recovery-capital domain (of the concept inferred): how many were inferred, the
share whose need the codes confirm (a concept of the same need among the coded ones: the
need-level precision the ranking relies on) and the share that is exactly a coded concept; then
how many coded services got no inferred concept at all (inferring less rather than wrong).
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpline_tui.core import concepts, vocabulary  # noqa: E402
from helpline_tui.core.records import ServiceRecord  # noqa: E402
from importers import hsds  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", default=str(ROOT.parent / "shared" / "data" / "hsds" / "open211-miami-2019"))
    parser.add_argument("--wrong", type=int, default=0, help="print this many wrong inferences per domain")
    args = parser.parse_args()
    inferred_n: collections.Counter[str] = collections.Counter()
    need_ok: collections.Counter[str] = collections.Counter()
    exact_ok: collections.Counter[str] = collections.Counter()
    wrong: dict[str, list[str]] = collections.defaultdict(list)
    coded_services = silent = 0
    for rec in hsds.read(args.source):
        if not isinstance(rec, ServiceRecord) or not rec.concepts:
            continue  # no answer to judge by
        coded_services += 1
        # The answer: what the whole taxonomy says, its codes and its terms' names.
        answer = set(rec.concepts) | set(concepts.coded_by_source(category_names=rec.category_names))
        answer_needs = {concepts.get(c).need for c in answer}
        _, guessed = concepts.for_record(name=rec.name, organization=rec.organization, description=rec.description)
        if not guessed:
            silent += 1
        for cid in guessed:
            concept = concepts.get(cid)
            inferred_n[concept.domain] += 1
            need_ok[concept.domain] += concept.need in answer_needs
            exact_ok[concept.domain] += cid in answer
            if concept.need not in answer_needs and len(wrong[concept.domain]) < args.wrong:
                wrong[concept.domain].append(f"{cid} <- {rec.name!r} (coded: {', '.join(sorted(answer))})")
    vocab = vocabulary.load()
    print(f"{coded_services} coded services; {silent} ({silent / max(coded_services, 1):.0%}) got no inferred concept")
    print(f"{'domain':<22} {'inferred':>8} {'need ok':>8} {'exact':>8}")
    total = sum(inferred_n.values())
    for domain in [d.id for d in vocab.domains]:
        n = inferred_n[domain]
        if n:
            print(f"{domain:<22} {n:>8} {need_ok[domain] / n:>8.3f} {exact_ok[domain] / n:>8.3f}")
        for line in wrong.get(domain, []):
            print("    wrong:", line)
    if total:
        print(f"{'all':<22} {total:>8} {sum(need_ok.values()) / total:>8.3f} {sum(exact_ok.values()) / total:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
