"""The question classifier and the practice model: a hand-labelled sample, specific cases, rewrites, bad input."""

import re
from pathlib import Path

import pytest
import yaml

from ttt_widgets import QuestionPractice, classify_question
from ttt_widgets.loader import load_content
from ttt_widgets.models.objectives import BLOOM_LEVELS

DATA = Path(__file__).parent / "data"
SAMPLE = yaml.safe_load((DATA / "questions-labelled.yaml").read_text())["questions"]
HELD_OUT = [q for name in ("questions-heldout.yaml", "questions-heldout-2.yaml")
            for q in yaml.safe_load((DATA / name).read_text())["questions"]]
CLOSED = [q for q in SAMPLE if q["kind"] == "closed"]
BANK = load_content("question-bank", "practice")["questions"]


def test_the_labelled_sample_is_large_and_balanced():
    assert len(SAMPLE) >= 60
    assert 25 <= len(CLOSED) <= len(SAMPLE) - 25
    assert {q["level"] for q in SAMPLE} == set(BLOOM_LEVELS)


def test_accuracy_on_the_labelled_sample():
    kind = sum(classify_question(q["text"]).kind == q["kind"] for q in SAMPLE) / len(SAMPLE)
    level = sum(classify_question(q["text"]).bloom_level == q["level"] for q in SAMPLE) / len(SAMPLE)
    assert kind >= 0.95, kind
    assert level >= 0.85, level


def test_accuracy_on_the_held_out_samples():
    """Regression guards a little under the measured figures; the level estimate is the weak part (see headers)."""
    results = [classify_question(q["text"]) for q in HELD_OUT]
    assert sum(r.kind == q["kind"] for r, q in zip(results, HELD_OUT)) / len(HELD_OUT) >= 0.9
    assert sum(r.bloom_level == q["level"] for r, q in zip(results, HELD_OUT)) / len(HELD_OUT) >= 0.7


@pytest.mark.parametrize("item", BANK, ids=lambda q: q["id"])
def test_the_practice_bank_agrees_with_the_classifier(item):
    q = classify_question(item["text"])
    assert (q.kind, q.bloom_level) == (item["kind"], item["level"])


@pytest.mark.parametrize("item", CLOSED, ids=lambda q: q["text"][:40])
def test_every_closed_question_gets_an_open_rewrite(item):
    q = classify_question(item["text"])
    if q.kind != "closed":
        pytest.skip("misclassified; counted in the accuracy test")
    assert q.suggestion and q.suggestion.endswith("?") and q.suggestion[0].isupper()
    assert q.suggestion.lower() != item["text"].lower()
    assert classify_question(q.suggestion).kind == "open", q.suggestion


@pytest.mark.parametrize("text, expected", [
    ("Did everyone understand?", "What is one point from this part you could explain to a colleague, and what is still unclear?"),
    ("Any questions about the checklist?", "Which part of the checklist would you find hardest to explain to a colleague, and why?"),
    ("Do you think lectures work?", "Why do you think lectures work, or why not?"),
    ("Is feedback important for new trainers?", "Why might feedback be important for new trainers, and when might it not be?"),
    ("Feedback should be timely, right?", "What makes you agree or disagree that feedback should be timely?"),
])
def test_rewrites_follow_the_content_patterns(text, expected):
    assert classify_question(text).suggestion == expected


@pytest.mark.parametrize("text, kind", [
    ("can you explain why?", "open"),
    ("CAN YOU NAME THE STAGES?", "closed"),
    ("So, what makes a good hook?", "open"),
    ("OK, is everyone ready?", "closed"),
    ("Context first. Then the question: why did it fail?", "open"),
    ("Who can explain how the model works?", "open"),
    ("How many of you have taught before?", "closed"),
])
def test_case_lead_ins_and_invitations(text, kind):
    assert classify_question(text).kind == kind


def test_open_questions_have_no_suggestion_and_give_a_reason():
    q = classify_question("Why might a learner pick this distractor?")
    assert q.kind == "open" and q.suggestion is None and q.reason


@pytest.mark.parametrize("bad, message", [
    ("", "empty"), (" ", "empty"), ("?" * 5, "no words"), ("\U0001F914", "no words"), ("x" * 2500, "2,500"), (3.5, "must be text"),
])
def test_bad_input_raises_a_plain_value_error(bad, message):
    with pytest.raises(ValueError, match=message):
        classify_question(bad)


def test_html_is_reported_and_ignored():
    q = classify_question("<i>Did</i> everyone understand?")
    assert q.kind == "closed" and "markup" in q.problems[0]


def test_results_are_deterministic_and_frozen():
    a, b = classify_question("Is that clear?"), classify_question("Is that clear?")
    assert a == b
    with pytest.raises(AttributeError):
        a.kind = "open"


def test_practice_sorts_scores_and_finishes():
    p = QuestionPractice("practice")
    first = p.current
    r = p.sort(first["kind"], first["level"])
    assert r.correct and p.score == 1
    p.next()
    second = p.current
    wrong_kind = "open" if second["kind"] == "closed" else "closed"
    r2 = p.sort(wrong_kind, second["level"])
    assert not r2.kind_correct and r2.level_correct and r2.why == second["why"]
    assert p.score == 1
    while not p.finished:
        p.next()
    with pytest.raises(ValueError, match="sorted every question"):
        p.sort("open", "apply")
    p.reset()
    assert p.position == 0 and p.score == 0


@pytest.mark.parametrize("kind, level, message", [("maybe", "apply", "open' or 'closed"), ("open", "synthesis", "Bloom level")])
def test_practice_refuses_unknown_answers(kind, level, message):
    p = QuestionPractice()
    with pytest.raises(ValueError, match=message):
        p.sort(kind, level)
    assert p.results == {}


def test_practice_shuffles_with_a_seed_only():
    ids = [q["id"] for q in QuestionPractice(seed=3).questions]
    assert ids == [q["id"] for q in QuestionPractice(seed=3).questions]
    assert sorted(ids) == sorted(q["id"] for q in BANK)
    assert [q["id"] for q in QuestionPractice().questions] == [q["id"] for q in BANK]


# -- the cases a trainer reported (issue: "analysers a trainer can trust"), each labelled by hand ----------------

@pytest.mark.parametrize("text, kind, level", [
    ("What is the shortcut to insert a pivot table?", "closed", "remember"),
    ("What would you check first, and why?", "open", "evaluate"),
    ("Which of these two dashboards would you show the board, and why?", "open", "evaluate"),
    ("What does HTTP stand for?", "closed", "remember"),
    ("What does that mean?", "open", "understand"),
])
def test_reported_cases(text, kind, level):
    q = classify_question(text)
    assert (q.kind, q.bloom_level) == (kind, level), q.reason


@pytest.mark.parametrize("text", ["What questions do you have so far?", "What questions do you have about the rota?"])
def test_the_generic_check_module_05_replaces_is_flagged_with_a_better_question(text):
    q = classify_question(text)
    assert q.problems and "generic check" in q.problems[0]
    assert q.suggestion and classify_question(q.suggestion).kind == "open" and not classify_question(q.suggestion).problems


@pytest.mark.parametrize("text", ["Any questions?", "Any questions about the rota?", "Shall we take a break?",
                                  "Can we move on?", "Should I go over it again?"])
def test_rewrites_are_good_open_questions(text):
    q = classify_question(text)
    assert q.kind == "closed"
    better = classify_question(q.suggestion)
    assert better.kind == "open" and not better.problems, q.suggestion
    assert not q.suggestion.lower().startswith(("why shall", "why can", "why should i", "why may")), q.suggestion


HELD_OUT_3 = yaml.safe_load((DATA / "questions-heldout-3.yaml").read_text())["questions"]


def test_accuracy_on_the_third_held_out_sample():
    """Never used for tuning (see its header: 80.0% kind and 76.7% level before, 100% and 96.7% after)."""
    results = [classify_question(q["text"]) for q in HELD_OUT_3]
    assert sum(r.kind == q["kind"] for r, q in zip(results, HELD_OUT_3)) / len(HELD_OUT_3) >= 0.95
    assert sum(r.bloom_level == q["level"] for r, q in zip(results, HELD_OUT_3)) / len(HELD_OUT_3) >= 0.9


# -- rewrites a trainer can use as they stand (issue: "Why shall we take a break, or why not?") -------------------

@pytest.mark.parametrize("text, expected", [
    ("Have you finished the exercise?", "What part of the exercise is still to do, and what is getting in the way?"),
    ("Are you ready to move on?", "What do you still need before we move on?"),
    ("Can everyone see the screen?", "What on the screen is hard to read from where you sit?"),
    ("Can you hear me at the back?", "What would help you hear better from where you sit?"),
    ("Was the pace OK for you?", "What about the pace worked for you, and what would you change?"),
    ("Is the answer A or B?", "Which is it, A or B, and what makes you choose it?"),
    ("So, any questions before the break?", "Which part of this would you find hardest to explain to a colleague, and why?"),
    ("Is feedback more useful when it is immediate?",
     "Why might feedback be more useful when it is immediate, and when might it not be?"),
    ("Which slide did you find most confusing?", "Which slide did you find most confusing, and why?"),
    ("Does anyone need more time?", "Which part would you need more time for, and why?"),
    ("Did anyone try the checklist at work?", "What happened when you had a chance to try the checklist at work?"),
])
def test_checks_on_the_room_and_the_trainees_own_choices_get_a_rewrite_that_makes_sense(text, expected):
    q = classify_question(text)
    assert q.kind == "closed" and q.suggestion == expected
    better = classify_question(q.suggestion)
    assert better.kind == "open" and not better.problems


@pytest.mark.parametrize("text, kept", [
    ("How many stages are there in Kolb's cycle?", "Kolb's cycle"),
    ("Can you name the three parts of a SMART goal?", "a SMART goal"),
    ("What is the default port for PostgreSQL?", "for PostgreSQL"),
    ("Who wrote 'Preparing Instructional Objectives'?", "'Preparing Instructional Objectives'"),
    ("Which size of drill bit do you need for an M6 tap?", "an M6 tap"),
])
def test_rewrites_keep_names_and_acronyms(text, kept):
    assert kept in classify_question(text).suggestion


NONSENSE = re.compile(r"^Why (?:shall|can|could|may|should I|are (?:you|we)(?: all)? (?:ready|clear)|have you finished|is the answer"
                      r"|are there any|does anyone|has everyone)\b|why do you think so\?$|\bmore be\b")


@pytest.mark.parametrize("item", [q for q in SAMPLE + BANK if classify_question(q["text"]).kind == "closed"],
                         ids=lambda q: q["text"][:40])
def test_no_rewrite_of_the_labelled_sample_is_nonsense(item):
    q = classify_question(item["text"])
    better = classify_question(q.suggestion)
    assert better.kind == "open" and not better.problems, q.suggestion
    assert not NONSENSE.search(q.suggestion), q.suggestion
    assert q.suggestion.rstrip("?").lower() != item["text"].rstrip("?").lower()
