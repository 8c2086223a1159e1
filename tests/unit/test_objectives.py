"""The objective analyser: ABCD parts, Bloom level, problems; on a hand-labelled sample and on specific cases."""

from pathlib import Path

import pytest
import yaml

from ttt_widgets import ObjectiveAnalysis, ObjectiveDraft, analyze_objective
from ttt_widgets.loader import load_content
from ttt_widgets.models.objectives import BLOOM_LEVELS, md_escape, objectives_markdown

DATA = Path(__file__).parent / "data"
SAMPLE = yaml.safe_load((DATA / "objectives-labelled.yaml").read_text())["objectives"]
HELD_OUT = yaml.safe_load((DATA / "objectives-heldout.yaml").read_text())["objectives"]


def test_the_labelled_sample_is_large_and_balanced():
    assert len(SAMPLE) >= 60
    assert sum(not o["measurable"] for o in SAMPLE) >= 15
    assert {o["level"] for o in SAMPLE if o["measurable"]} == set(BLOOM_LEVELS)


def test_accuracy_on_the_labelled_sample():
    hits = {"measurable": 0, "level": 0, "audience": 0, "degree": 0}
    for item in SAMPLE:
        a = analyze_objective(item["text"])
        hits["measurable"] += a.measurable == item["measurable"]
        hits["level"] += a.bloom_level == item["level"]
        hits["audience"] += (a.audience is not None) == item["audience"]
        hits["degree"] += (a.degree is not None) == item["degree"]
    n = len(SAMPLE)
    assert hits["measurable"] / n >= 0.95, hits
    assert hits["level"] / n >= 0.85, hits
    assert hits["audience"] / n >= 0.9, hits
    assert hits["degree"] / n >= 0.85, hits


def test_accuracy_on_the_held_out_sample():
    """Written after the rules were frozen: a regression guard a little under the first measurement."""
    n = len(HELD_OUT)
    results = [analyze_objective(o["text"]) for o in HELD_OUT]
    assert sum(a.measurable == o["measurable"] for a, o in zip(results, HELD_OUT)) / n >= 0.9
    assert sum(a.bloom_level == o["level"] for a, o in zip(results, HELD_OUT)) / n >= 0.85


HELD_OUT_2 = yaml.safe_load((DATA / "objectives-heldout-2.yaml").read_text())["objectives"]


def test_accuracy_on_the_second_held_out_sample():
    """Never used for tuning (header: measurable 60.0%, level 53.3%, degree 63.3% before; 100%, 90.0%, 83.3% after)."""
    n = len(HELD_OUT_2)
    results = [analyze_objective(o["text"]) for o in HELD_OUT_2]
    assert sum(a.measurable == o["measurable"] for a, o in zip(results, HELD_OUT_2)) / n >= 0.95
    assert sum(a.bloom_level == o["level"] for a, o in zip(results, HELD_OUT_2)) / n >= 0.85
    assert sum((a.degree is not None) == o["degree"] for a, o in zip(results, HELD_OUT_2)) / n >= 0.8


@pytest.mark.parametrize("item", [o for o in SAMPLE if not o["measurable"]], ids=lambda o: o["text"][:40])
def test_every_vague_objective_in_the_sample_is_flagged_in_words(item):
    a = analyze_objective(item["text"])
    assert not a.measurable and a.bloom_level is None
    reasons = ("cannot be observed", "what the trainer or the course will do", "Finishing or attending an activity")
    assert any(r in p for p in a.problems for r in reasons), a.problems


@pytest.mark.parametrize("text, level, verb", [
    ("List the four stages of Kolb's cycle.", "remember", "list"),
    ("explain why spacing helps recall", "understand", "explain"),
    ("Participants will be able to carry out a risk assessment.", "apply", "carry out"),
    ("Trainees will differentiate between formative and summative checks.", "analyze", "differentiate"),
    ("Learners will justify their choice of method.", "evaluate", "justify"),
    ("Design a lesson plan.", "create", "design"),
    ("The trainee designs a lesson plan.", "create", "design"),
    ("Participants will be designing a poster.", "create", "design"),
    ("Trainees summarised the article.", "understand", "summarise"),
    ("Learners will apply the model", "apply", "apply"),
    ("Students will classify the questions", "understand", "classify"),
    ("By the end of this course, you will be able to plan a session.", "create", "plan"),
    ("BY THE END OF THE DAY, STAFF WILL IDENTIFY HAZARDS.", "remember", "identify"),
])
def test_verbs_inflections_case_and_preambles(text, level, verb):
    a = analyze_objective(text)
    assert a.measurable and a.bloom_level == level and a.verb == verb


@pytest.mark.parametrize("text, vague", [
    ("Participants will understand feedback.", "understand"),
    ("Know the rules.", "know"),
    ("Learners will learn about Gagné.", "learn"),
    ("Appreciate diversity.", "appreciate"),
    ("Staff will be aware of the policy.", "be aware of"),
    ("Be familiar with the system.", "be familiar with"),
    ("Gain an appreciation of adult learning.", "gain an appreciation of"),
    ("Participants are becoming aware of risks.", "become aware of"),
    ("Trainees will have a good understanding of assessment.", "have a good understanding of"),
])
def test_vague_verbs_and_phrases(text, vague):
    a = analyze_objective(text)
    assert not a.measurable and a.bloom_level is None and a.verb == vague
    assert a.problems[0].startswith(f"'{vague}' cannot be observed or measured")


def test_abcd_parts_are_found():
    a = analyze_objective("Given a case study, the nurse will identify at least 3 risk factors within 10 minutes.")
    assert a.audience == "the nurse"
    assert a.condition == "given a case study"
    assert a.degree.startswith("at least 3")
    assert a.problems == () and a.ok


def test_missing_parts_give_specific_problems_in_a_fixed_order():
    a = analyze_objective("List three barriers to transfer.")
    assert a.measurable
    assert a.problems == (
        "No audience: say who will do it, e.g. 'Participants will be able to ...'.",
        "No criterion: say how well or how much is enough, e.g. 'at least 4 of 5 correctly', 'within 10 minutes' "
        "or 'according to the checklist'.",
    )


def test_several_verbs_at_different_levels():
    a = analyze_objective("Participants will identify and design a warm-up according to the checklist.")
    assert a.bloom_level == "create"
    assert [v for v, _ in a.verbs] == ["identify", "design"]
    assert any(p.startswith("Several verbs at different levels: 'identify' (remember) and 'design' (create)")
               for p in a.problems)
    same = analyze_objective("Participants will identify and list the hazards correctly.")
    assert not any("Several verbs" in p for p in same.problems)


def test_a_vague_verb_with_an_action_verb_is_not_measurable():
    a = analyze_objective("Learners will understand and apply the SBI model.")
    assert not a.measurable and ("understand", "vague") in a.verbs


def test_results_are_frozen_and_deterministic():
    text = "Participants will compare two plans and recommend one, with reasons."
    a, b = analyze_objective(text), analyze_objective(text)
    assert a == b and isinstance(a, ObjectiveAnalysis)
    with pytest.raises(AttributeError):
        a.measurable = False


@pytest.mark.parametrize("bad, message", [
    ("", "empty"),
    ("   ", "empty"),
    ("x" * 2001, "2,001 characters"),
    (None, "empty"),
    (42, "must be text"),
    ("\U0001F600 \U0001F389", "no words"),
    ("!!! ???", "no words"),
])
def test_bad_input_raises_a_plain_value_error(bad, message):
    with pytest.raises(ValueError, match=message):
        analyze_objective(bad)


def test_html_and_nonsense_give_problems_not_exceptions():
    a = analyze_objective("<b>List</b> the steps <script>alert(1)</script>")
    assert a.verb == "list" and "markup" in a.problems[0]
    nonsense = analyze_objective("qwerty asdf zxcv")
    assert not nonsense.measurable and nonsense.problems[0].startswith("No action verb found")


def test_verb_lists_are_content_with_sources_and_each_verb_has_one_level():
    data = load_content("bloom-verbs", "anderson-krathwohl")
    assert any("Anderson" in s and "2001" in s for s in data["sources"])
    seen = {}
    for level in data["levels"]:
        for verb in level["verbs"]:
            assert seen.setdefault(verb, level["id"]) == level["id"], f"{verb} listed at two levels"
    assert not set(seen) & set(data["vague"])


def test_draft_assembles_keeps_refuses_duplicates_and_exports():
    d = ObjectiveDraft(audience="New trainers", behaviour="write three open questions", degree="without errors")
    assert d.text == "New trainers will be able to write three open questions without errors."
    assert d.keep().bloom_level == "apply"
    with pytest.raises(ValueError, match="already in your list"):
        d.keep()
    d.behaviour = "understand questioning"
    with pytest.raises(ValueError, match="not measurable"):
        d.keep()
    assert d.kept == ["New trainers will be able to write three open questions without errors."]
    md = d.to_markdown()
    assert md.startswith("# My learning objectives") and "*(apply)*" in md
    with pytest.raises(ValueError, match="no objective number 5"):
        d.remove(5)
    d.remove(0)
    assert d.kept == [] and "(no objectives yet)" in d.to_markdown()


def test_markdown_export_escapes_trainee_text():
    md = objectives_markdown(["List the <b>steps</b> | of *CPR*"])
    assert "\\<b\\>" in md and "\\|" in md and "\\*CPR\\*" in md
    assert md_escape("a\nb") == "a b"


@pytest.mark.parametrize("text, verb", [
    ("Design a plan that will reduce errors.", "design"),
    ("List the steps you can take.", "list"),
    ("Explain what learners should do next.", "explain"),
])
def test_a_modal_inside_the_behaviour_is_not_mistaken_for_an_audience(text, verb):
    a = analyze_objective(text)
    assert a.audience is None and a.verb == verb and a.measurable


def test_a_modal_after_the_audience_is_the_one_used():
    a = analyze_objective("Participants will list the steps that managers must follow.")
    assert a.audience == "participants" and a.verb == "list"


# -- the cases a trainer reported (issue: "analysers a trainer can trust"), each labelled by hand ----------------

@pytest.mark.parametrize("text, level, verb", [
    ("Apprentices will weld a T-joint.", "apply", "weld"),
    ("Drivers will reverse a lorry into the bay.", "apply", "reverse"),
    ("Engineers will troubleshoot a failed deployment.", "analyze", "troubleshoot"),
    ("Analysts will build a pivot table in under 5 minutes.", "apply", "build"),
    ("Analysts will build a new dashboard layout for the sales team.", "create", "build"),
    ("Support agents will reset a customer's password.", "apply", "reset"),
])
def test_psychomotor_and_procedural_verbs(text, level, verb):
    a = analyze_objective(text)
    assert a.measurable and (a.bloom_level, a.verb) == (level, verb), a
    assert not any("No action verb" in p for p in a.problems)


@pytest.mark.parametrize("text, says", [
    ("The trainer will present the new policy to staff.", "what the trainer or the course will do"),
    ("This session will cover the basics of version control.", "what the trainer or the course will do"),
    ("Participants will complete the e-learning module.", "Finishing or attending an activity"),
    ("Staff will attend a briefing on the new CRM.", "Finishing or attending an activity"),
])
def test_trainer_centred_and_activity_only_objectives_do_not_pass(text, says):
    a = analyze_objective(text)
    assert not a.measurable and a.bloom_level is None and not a.ok
    assert any(says in p for p in a.problems), a.problems


def test_a_trainee_trainer_who_is_able_to_present_is_still_a_learner():
    a = analyze_objective("The new trainer will be able to present the policy to a group of five, keeping to 10 minutes.")
    assert a.measurable and a.bloom_level == "apply"


@pytest.mark.parametrize("text, degree", [
    ("Care assistants will perform all six WHO steps of hand hygiene, as judged by an observer with the checklist.",
     "all six WHO steps of hand hygiene"),
    ("Drivers will reverse a lorry into the bay without touching the cones.", "without touching the cones"),
])
def test_observers_and_constraints_are_read_as_criteria(text, degree):
    a = analyze_objective(text)
    assert a.degree is not None and a.degree.startswith(degree.split(" of ")[0].split(" the ")[0]), a.degree
    assert not any("No criterion" in p for p in a.problems)


def test_acronyms_keep_their_capitals_in_the_parts_found():
    a = analyze_objective("Care assistants will perform all six WHO steps of hand hygiene, as judged by an observer.")
    assert "WHO" in a.degree and "who steps" not in a.degree
    shouted = analyze_objective("NURSES WILL CALCULATE DOSES WITH 100% ACCURACY.")
    assert shouted.degree == "100% accuracy"  # written in capitals throughout: shown in lower case


@pytest.mark.parametrize("text, degree", [
    ("Care assistants will perform the six steps of hand hygiene, as judged by an observer with the checklist.",
     "as judged by an observer with the checklist"),
    ("Nurses will insert a cannula, as judged by an observer.", "as judged by an observer"),
])
def test_an_observers_judgment_alone_is_a_criterion(text, degree):
    """The issue's case: with no number or time limit, the observer and checklist are the criterion."""
    a = analyze_objective(text)
    assert a.measurable and a.degree == degree and not any("No criterion" in p for p in a.problems), a
