"""The shipped service concepts (helpline_tui/core/data/concepts.json): every concept is whole,
bilingual and tied to a need of the vocabulary, and no phrase means two needs."""

from __future__ import annotations

import json
from pathlib import Path

from helpline_tui.core import concepts, vocabulary
from helpline_tui.core.textnorm import fold

ROOT = Path(__file__).resolve().parents[1]
CONCEPTS_PATH = ROOT / "helpline_tui" / "core" / "data" / "concepts.json"
SAMHSA_CODES = json.loads((ROOT / "helpline_tui" / "core" / "data" / "samhsa_codes.json").read_text(encoding="utf-8"))["codes"]


def test_every_concept_is_whole_bilingual_and_under_a_known_need():
    vocab = vocabulary.load()
    needs = {t.id: t for t in vocab.needs}
    ids = [c.id for c in concepts.load()]
    assert len(ids) == len(set(ids)), "a concept id repeats"
    assert len(ids) >= 80
    for c in concepts.load():
        assert c.need in needs, f"{c.id}: need '{c.need}' is not in vocabulary.json"
        assert c.domain == needs[c.need].domain, f"{c.id}: domain is not its need's"
        assert c.en.strip() and c.es.strip(), f"{c.id}: a label is missing"
        assert c.words_en and c.words_es, f"{c.id}: words in both languages are needed"


def test_no_phrase_means_two_needs_unless_marked_ambiguous():
    owner: dict[tuple[str, ...], concepts.Concept] = {}
    for c in concepts.load():
        for phrase in c.phrases:
            key = tuple(fold(phrase).split())
            other = owner.setdefault(key, c)
            assert other.need == c.need or other.ambiguous or c.ambiguous, \
                f"'{phrase}' is claimed by {other.id} ({other.need}) and {c.id} ({c.need})"


def test_codes_are_airs_prefixes_and_known_samhsa_codes_only():
    from importers.taxonomy import is_airs_code
    text = CONCEPTS_PATH.read_text(encoding="utf-8")
    for c in concepts.load():
        for prefix in c.airs:
            assert is_airs_code(prefix), f"{c.id}: '{prefix}' is not an AIRS code prefix"
        for code in c.samhsa:
            assert code in SAMHSA_CODES, f"{c.id}: '{code}' is not a SAMHSA service code"
    assert '"name"' not in text  # codes only: the AIRS term list is licensed


def test_filler_words_mean_no_concept():
    for key in concepts.filler_phrases():
        assert key not in concepts.phrase_index(), f"filler '{' '.join(key)}' is also a concept phrase"


def test_negated_and_incidental_mentions_give_no_concept():
    # The ACLU's description, as Miami 211 gives it: its cases exclude housing matters.
    coded, inferred = concepts.for_record(
        name="American Civil Liberties Union of Florida",
        description="Handles civil liberties cases. Cases do not include landlord/tenant issues, "
                    "housing association issues, or shelter complaints.")
    assert "housing-search" not in inferred and "emergency-shelter" not in inferred
    assert concepts.for_record(name="Harbor Food Pantry") == ([], ["food-pantry"])
    # One word in passing in a description is not enough; the source's codes win over text.
    assert concepts.for_record(description="Clients can shelter from the heat in our lobby.") == ([], [])
    assert concepts.for_record(airs_codes=["BH-3800.7000"], name="Food Pantry") == (["rent-help"], [])
