"""The truth set (tests/perf/truth_set.py): its scoring rules, and our score on the vendors'
examples against genson's (quicktype is compared by the script itself, as it needs Node)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from designer.core.inference import infer_value
from designer.core.structure import Shape

sys.path.insert(0, str(Path(__file__).parents[2] / "perf"))
import truth_set


def tree(schema: dict[str, Any]) -> Shape:
    return truth_set.standalone_tree(schema)


EVIDENCE = {
    "type": "object",
    "properties": {
        "evidence": {
            "type": "object",
            "properties": {
                name: {"type": "string", "nullable": True}
                for name in ("receipt", "refund_policy", "shipping_date")
            },
        },
        "created": {"type": "integer", "format": "unix-time"},
        "rates": {"type": "object", "additionalProperties": {"type": "number"}},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "note": {"type": "string"}},
            },
        },
    },
}
EXAMPLE = {
    "evidence": {"receipt": None, "refund_policy": None, "shipping_date": None},
    "created": 1741476542,
    "rates": {"EUR": 1.1, "USD": 1.0, "GBP": 0.9, "JPY": 150.2},
    "items": [{"id": "a", "note": "x"}, {"id": "b"}],
}


def test_each_rule_counts_the_facts_the_example_shows() -> None:
    truth = tree(EVIDENCE)
    score = truth_set.score(truth, EXAMPLE, infer_value(EXAMPLE))
    assert score.total["nullability"] == 3  # three nulls the schema allows
    assert score.total["format"] == 1  # created; the rates and ids have none
    assert score.total["map/record"] == 4  # root, evidence, rates, the items
    # note is absent from one item (optional); id is required and always there.
    assert score.total["optional"] == 2
    assert score.misses == []


def test_a_tool_that_reads_a_documented_record_as_a_map_loses_its_facts() -> None:
    truth = tree(EVIDENCE)
    as_map = tree(
        {
            "type": "object",
            "properties": {
                "evidence": {"type": "object", "additionalProperties": {"type": "null"}},
                "created": {"type": "integer"},
                "rates": {
                    "type": "object",
                    "properties": {c: {"type": "number"} for c in ("EUR", "USD", "GBP", "JPY")},
                },
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "note"],
                        "properties": {"id": {"type": "string"}, "note": {"type": "string"}},
                    },
                },
            },
        }
    )
    score = truth_set.score(truth, EXAMPLE, as_map)
    misses = set(score.misses)
    assert "map/record: .evidence" in misses
    assert "map/record: .rates" in misses
    assert "format: .created (unix-time)" in misses
    assert "optional: .items[].note" in misses
    # Keys of a documented map listed as fields are invented fields.
    assert "no invented field: .rates.EUR" in misses
    assert score.right["nullability"] == 3  # a map of null still allows null


def test_a_format_the_example_does_not_satisfy_is_no_fact() -> None:
    # Twilio documents relative references as "uri": the example cannot show a URL there.
    truth = tree({"type": "object", "properties": {"uri": {"type": "string", "format": "uri"}}})
    example = {"uri": "/2010-04-01/Accounts.json"}
    assert truth_set.score(truth, example, infer_value(example)).total["format"] == 0
    absolute = {"uri": "https://api.twilio.com/2010-04-01/Accounts.json"}
    assert truth_set.score(truth, absolute, infer_value(absolute)).total["format"] == 1


@pytest.fixture(scope="module")
def corpus_scores() -> dict[str, truth_set.Score]:
    if not (truth_set.CORPUS / "twilio_api_v2010.json").exists():
        pytest.skip("the public corpus is not on this machine")
    scores = {"ours": truth_set.Score(), "genson": truth_set.Score()}
    pairs = list(truth_set.corpus_pairs())
    assert {p.vendor for p in pairs} == {"Twilio", "Slack", "DigitalOcean"}
    for pair in pairs:
        scores["ours"].add(truth_set.score(pair.truth, pair.example, truth_set.ours(pair.example)))
        genson = truth_set.genson_tree(pair.example)
        scores["genson"].add(truth_set.score(pair.truth, pair.example, genson))
    return scores


def test_on_the_vendors_examples_we_are_never_behind_genson(
    corpus_scores: dict[str, truth_set.Score],
) -> None:
    ours, genson = corpus_scores["ours"], corpus_scores["genson"]
    for category in truth_set.CATEGORIES:
        assert ours.percent(category) >= genson.percent(category), category
    assert ours.percent() > genson.percent()


def test_the_vendors_dates_and_addresses_are_read_as_they_document_them(
    corpus_scores: dict[str, truth_set.Score],
) -> None:
    missed = {
        m.split(" (")[0].rsplit(".", 1)[-1]
        for m in corpus_scores["ours"].misses
        if m.startswith("format")
    }
    # Twilio's RFC 2822 dates and DigitalOcean's IP addresses are formats the vendors declare.
    assert "date_created" not in missed
    assert "date_updated" not in missed
    assert "ip_address" not in missed
    assert corpus_scores["ours"].right["format"] > 0
