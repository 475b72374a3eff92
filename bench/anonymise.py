"""The anonymiser against its labelled evaluation set (bench/data/anonymise_eval.jsonl).

Prints recall per label (a labelled span counts as found when the spans the anonymiser replaced
cover at least 80% of its letters and digits, whatever label they carry: what matters is that it
is gone), the share found with the right label, precision (a replaced span is right when it
overlaps a labelled one), must-stay text changed, messages per second on one core (one process,
one thread) and the time to load the compiled lists. Last line: one JSON object.

    .venv/bin/python bench/anonymise.py                  # lists from the configured data dir
    .venv/bin/python bench/anonymise.py --lexicon FILE   # built there first if missing
    .venv/bin/python bench/anonymise.py --misses         # also print what was missed
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from helpline_core.anonymise import Anonymiser, Label, Pseudonyms
from helpline_core.anonymise import lexicon as lexicon_module
from helpline_core.anonymise.service import lexicon_path
from helpline_core.config import load_settings

DATA = Path(__file__).parent / "data" / "anonymise_eval.jsonl"
DIRECT = ["EMAIL", "PHONE", "NATIONAL_ID", "IBAN", "IP", "URL", "USERNAME", "LICENSE_PLATE"]
QUASI = ["PERSON", "PLACE", "ADDRESS", "POSTCODE_CITY", "AGE"]
GOALS = {"direct": 0.98, "quasi": 0.90, "overall_recall": 0.95, "precision": 0.90}


def covered(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> float:
    positions = [i for i in range(start, end) if text[i].isalnum()]
    if not positions:
        return 1.0
    hit = sum(1 for i in positions if any(s <= i < e for s, e in spans))
    return hit / len(positions)


def evaluate(anonymiser: Anonymiser, records: list[dict], show_misses: bool) -> dict:
    gold, found, right_label = Counter(), Counter(), Counter()
    predicted = correct = keep_total = keep_changed = 0
    for record in records:
        text = record["text"]
        result = anonymiser.anonymise(text, Pseudonyms(), record.get("lang"))
        spans = [(s.start, s.end) for s in result.spans]
        for item in record["spans"]:
            label = item["label"]
            gold[label] += 1
            if covered(text, item["start"], item["end"], spans) >= 0.8:
                found[label] += 1
                if any(
                    s.label == label and s.start < item["end"] and item["start"] < s.end
                    for s in result.spans
                ):
                    right_label[label] += 1
            elif show_misses:
                print(f"MISS {label:14} {text[item['start'] : item['end']]!r:40} in {record['id']}")
        for span in result.spans:
            predicted += 1
            if any(g["start"] < span.end and span.start < g["end"] for g in record["spans"]):
                correct += 1
            elif show_misses:
                value = text[span.start : span.end]
                print(f"FALSE {span.label.value:13} {value!r:40} in {record['id']}: {text!r}")
        for item in record.get("keep", []):
            keep_total += 1
            if any(s < item["end"] and item["start"] < e for s, e in spans):
                keep_changed += 1
                if show_misses:
                    print(f"CHANGED {text[item['start'] : item['end']]!r} in {record['id']}")
    per_label = {
        label.value: {
            "spans": gold[label.value],
            "recall": round(found[label.value] / gold[label.value], 3)
            if gold[label.value]
            else None,
            "label_right": round(right_label[label.value] / gold[label.value], 3)
            if gold[label.value]
            else None,
        }
        for label in Label
    }

    def group(labels: list[str]) -> float:
        total = sum(gold[x] for x in labels)
        return round(sum(found[x] for x in labels) / total, 3) if total else 1.0

    return {
        "messages": len(records),
        "per_label": per_label,
        "direct_recall": group(DIRECT),
        "quasi_recall": group(QUASI),
        "overall_recall": group(list(gold)),
        "precision": round(correct / predicted, 3) if predicted else 1.0,
        "must_stay_total": keep_total,
        "must_stay_changed": keep_changed,
    }


def throughput(anonymiser: Anonymiser, records: list[dict], seconds: float) -> float:
    texts = [r["text"] for r in records]
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            anonymiser.anonymise(text)
        done += len(texts)
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexicon", type=Path, help="compiled lists (default: the data dir's)")
    parser.add_argument("--data", type=Path, default=DATA, help="evaluation set (JSON lines)")
    parser.add_argument("--misses", action="store_true", help="print misses and false hits")
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to measure speed")
    args = parser.parse_args()
    path = args.lexicon or lexicon_path(load_settings())
    if not path.exists():
        lexicon_module.save(lexicon_module.build(), path)
    started = time.perf_counter()
    anonymiser = Anonymiser.from_file(path)
    load_seconds = time.perf_counter() - started
    records = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()]
    figures = evaluate(anonymiser, records, args.misses)
    figures["messages_per_second"] = round(throughput(anonymiser, records, args.seconds), 1)
    figures["load_seconds"] = round(load_seconds, 3)
    figures["goals_met"] = (
        figures["direct_recall"] >= GOALS["direct"]
        and figures["quasi_recall"] >= GOALS["quasi"]
        and figures["overall_recall"] >= GOALS["overall_recall"]
        and figures["precision"] >= GOALS["precision"]
        and figures["must_stay_changed"] == 0
        and figures["messages_per_second"] >= 100
        and figures["load_seconds"] < 5
    )
    for label, row in figures["per_label"].items():
        if row["spans"]:
            print(
                f"{label:14} spans {row['spans']:4}  recall {row['recall']:.3f}  "
                f"right label {row['label_right']:.3f}"
            )
    print(json.dumps(figures, separators=(",", ":")))


if __name__ == "__main__":
    main()
