"""Speed and accuracy of the learning-design analysers.

- analyze_objective and classify_question: average time per call over every objective and question the kit holds
  (the hand-labelled samples in tests/unit/data and the practice question bank), after the first call has loaded
  the content; the cold first call is reported separately.
- Accuracy on the hand-labelled samples (how they were labelled is written at the top of each file), against a
  plain baseline measured in the same run: the first word alone (closed if it is an auxiliary verb; the objective's
  level from the first listed verb, with no preamble, inflection, phrase or vague-verb handling).
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "unit" / "data"
REPEAT = 20


def per_call(fn, texts) -> tuple[float, float]:
    """(mean, best) microseconds per call over ``texts``, repeated."""
    rounds = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        for t in texts:
            fn(t)
        rounds.append((time.perf_counter() - start) / len(texts) * 1e6)
    return statistics.mean(rounds), min(rounds)


def main() -> None:
    start = time.perf_counter()
    import ttt_widgets
    from ttt_widgets.loader import load_content

    analyze_objective, classify_question = ttt_widgets.analyze_objective, ttt_widgets.classify_question
    t0 = time.perf_counter()
    analyze_objective("List three barriers.")
    cold_obj = time.perf_counter() - t0
    t0 = time.perf_counter()
    classify_question("Any questions?")
    cold_q = time.perf_counter() - t0
    objectives = yaml.safe_load((DATA / "objectives-labelled.yaml").read_text())["objectives"]
    questions = yaml.safe_load((DATA / "questions-labelled.yaml").read_text())["questions"]
    bank = load_content("question-bank", "practice")["questions"]
    obj_texts = [o["text"] for o in objectives]
    q_texts = [q["text"] for q in questions] + [q["text"] for q in bank]

    verbs = load_content("bloom-verbs", "anderson-krathwohl")
    first_level = {}
    for level in verbs["levels"]:
        for v in level["verbs"]:
            first_level.setdefault(v.split()[0], level["id"])
    aux = set(load_content("question-rules", "default")["yes_no_starters"])

    def naive_objective(text):
        words = re.findall(r"[a-z]+", text.lower())
        return first_level.get(words[0]) if words else None

    def naive_question(text):
        words = re.findall(r"[a-z']+", text.lower())
        return "closed" if words and words[0] in aux else "open"

    mean_o, best_o = per_call(analyze_objective, obj_texts)
    mean_q, best_q = per_call(classify_question, q_texts)
    mean_no, _ = per_call(naive_objective, obj_texts)
    mean_nq, _ = per_call(naive_question, q_texts)
    print(f"cold first calls (load + validate content): analyze_objective {cold_obj * 1000:.1f} ms, "
          f"classify_question {cold_q * 1000:.1f} ms")
    print(f"analyze_objective: {mean_o:7.1f} us per call (best round {best_o:.1f}) over {len(obj_texts)} objectives; "
          f"first-word baseline {mean_no:.1f} us ({mean_o / mean_no:.0f}x)")
    print(f"classify_question: {mean_q:7.1f} us per call (best round {best_q:.1f}) over {len(q_texts)} questions; "
          f"first-word baseline {mean_nq:.1f} us ({mean_q / mean_nq:.0f}x)")
    ok = "within" if max(mean_o, mean_q) < 1000 else "OVER"
    print(f"budget: < 1 ms per call -> {ok} budget")

    for name in ("objectives-labelled", "objectives-heldout", "objectives-heldout-2"):
        items = yaml.safe_load((DATA / f"{name}.yaml").read_text())["objectives"]
        n = len(items)
        a = [analyze_objective(o["text"]) for o in items]
        acc = {
            "measurable": sum(x.measurable == o["measurable"] for x, o in zip(a, items)) / n,
            "bloom level": sum(x.bloom_level == o["level"] for x, o in zip(a, items)) / n,
            "audience found": sum((x.audience is not None) == o["audience"] for x, o in zip(a, items)) / n,
            "degree found": sum((x.degree is not None) == o["degree"] for x, o in zip(a, items)) / n,
        }
        base_level = sum(naive_objective(o["text"]) == o["level"] for o in items) / n
        print(f"{name} ({n}, hand-labelled): " + ", ".join(f"{k} {v:.1%}" for k, v in acc.items())
              + f"; first-word baseline bloom level {base_level:.1%}")
    for name in ("questions-labelled", "questions-heldout", "questions-heldout-2", "questions-heldout-3"):
        items = yaml.safe_load((DATA / f"{name}.yaml").read_text())["questions"]
        m = len(items)
        res = [classify_question(q["text"]) for q in items]
        kind = sum(x.kind == q["kind"] for x, q in zip(res, items)) / m
        level = sum(x.bloom_level == q["level"] for x, q in zip(res, items)) / m
        base_kind = sum(naive_question(q["text"]) == q["kind"] for q in items) / m
        print(f"{name} ({m}, hand-labelled): kind {kind:.1%}, bloom level {level:.1%}; first-word baseline kind {base_kind:.1%}")
    print("(held-out files say in their header which figures were measured before any tuning on them)")
    c = [classify_question(q["text"]) for q in questions]
    closed = [x for x in c if x.kind == "closed"]
    reopened = sum(classify_question(x.suggestion).kind == "open" for x in closed) / max(1, len(closed))
    print(f"closed questions whose suggested rewrite classifies as open: {reopened:.1%} of {len(closed)}")
    print(f"(total script time {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
