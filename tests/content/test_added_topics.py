"""Five topics the curriculum once lacked, each checked where it belongs: a section of its module that carries the
citation beside the claim, the full reference in the module's Sources, an objective, an interactive element, and
questions in the module's own quiz content.

- needs and task analysis (is training the answer?): module 04, Mager & Pipe (1997), McGehee & Thayer (1961),
  Jonassen et al. (1999);
- Merrill's first principles (2002) and demonstrating a skill: module 04;
- Clark & Mayer's e-learning principles (2016, 4th ed.): module 08;
- transfer of training (action plans, manager briefings, job aids): module 09, Baldwin & Ford (1988), Blume et al.
  (2010), Saks & Belcourt (2006), Broad & Newstrom (1992), Ford et al. (2011);
- a safe learning climate: module 03, Edmondson (1999), Keith & Frese (2008).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest

import helpers
from ttt_widgets.loader import list_content, load_content


@lru_cache(maxsize=None)
def _module(stem: str) -> dict:
    """Sections (level-2 heading -> markdown and code of the section), sources, objectives and quiz names."""
    nb = json.loads((helpers.NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))
    sections: dict[str, list[str]] = {}
    current = None
    header = "".join(nb["cells"][0]["source"])
    for c in nb["cells"]:
        text = "".join(c["source"])
        if c["cell_type"] == "markdown" and "skip-voila" in c.get("metadata", {}).get("tags", []):
            continue
        heads = re.findall(r"^## (.+)$", text, flags=re.M) if c["cell_type"] == "markdown" else []
        if heads:
            current = heads[-1].strip()
            sections[current] = []
        if current is not None:
            sections[current].append(text)
    sources = "\n".join(sections.get("Sources", [])).split("## Sources", 1)[-1]
    if not sources.strip():  # the Sources heading shares its cell with Key points
        sources = "\n".join(t for texts in sections.values() for t in texts).split("## Sources", 1)[-1]
    objectives = header.split("**Objectives.**", 1)[1].split("**Key question.**", 1)[0]
    code = "\n".join(t for texts in sections.values() for t in texts)
    quizzes = re.findall(r'\bQuiz\(\s*"([^"]+)"', code)
    return {"sections": {h: " ".join("\n".join(t).split()) for h, t in sections.items()}, "sources": sources,
            "objectives": " ".join(objectives.split()), "quizzes": quizzes, "code": code}


def _quiz_text(stem: str) -> str:
    out = []
    for name in _module(stem)["quizzes"]:
        quiz = load_content("quizzes", name)
        assert quiz["module"] == stem[:2], name
        for q in quiz["questions"]:
            out += [q["prompt"], q.get("explanation", "")] + [a["text"] + " " + a["feedback"] for a in q["answers"]]
    return " ".join(" ".join(out).split())


#: (module, heading starts with, citations in that section, words the section must use, objective words, quiz words,
#:  widget used in that module for the topic; None where the topic shares those with the section before it)
TOPICS = [
    ("04-designing-learning", "Is training the answer?",
     ["(McGehee & Thayer, 1961)", "(Mager & Pipe, 1997)"],
     ["needs analysis", "life depended on it", "Expectations", "Obstacles", "Consequences", "job aid"],
     "training and another fix", "Mager and Pipe", "PerformanceCheck("),
    ("04-designing-learning", "Break the task down",
     ["(Jonassen et al., 1999)"], ["task analysis", "steps", "decisions", "think aloud", "objectives"],
     None, None, None),
    ("04-designing-learning", "Merrill's first principles",
     ["(Merrill, 2002)"],
     ["real problems", "Bring back what they know", "See it shown", "Apply it", "Make it their own", "demonstration",
      "Name each step"],
     "Merrill's first principles", "Merrill", 'LessonPlanner("gagne")'),
    ("08-blended-learning", "Designing e-learning",
     ["(Clark & Mayer, 2016)"],
     ["Multimedia", "Contiguity", "Coherence", "Modality", "Redundancy", "Personalisation", "Segmenting",
      "Pre-training", "novices"],
     "e-learning principles", "Clark and Mayer", 'Quiz("e-learning-principles")'),
    ("09-evaluating-training", "Planning for transfer",
     ["(Baldwin & Ford, 1988)", "(Saks & Belcourt, 2006)", "(Ford et al., 2011)", "(Blume et al., 2010)",
      "(Broad & Newstrom, 1992)"],
     ["manager briefing", "action plan", "job aid", "62%", "44%", "34%", "150 organisations", "89 studies",
      "before and after"],
     "transfer plan", "Saks and Belcourt", "TransferPlanner("),
    ("03-adult-learners", "A safe climate for learning",
     ["(Edmondson, 1999)", "(Keith & Frese, 2008)"],
     ["psychological safety", "51 work teams", "ground rules", "mistake", "errors"],
     "ground rules", "psychological safety", 'Quiz("safe-climate")'),
]

#: the full reference each citation needs in its module's Sources: (module, start of the entry, what it must say)
REFERENCES = [
    ("04-designing-learning", "Mager, R. F., & Pipe, P. (1997)", "Analyzing Performance Problems"),
    ("04-designing-learning", "McGehee, W., & Thayer, P. W. (1961)", "Training in Business and Industry"),
    ("04-designing-learning", "Jonassen, D. H., Tessmer, M., & Hannum, W. H. (1999)", "Task Analysis Methods"),
    ("04-designing-learning", "Merrill, M. D. (2002)", "Educational Technology Research and Development*, 50(3), 43-59"),
    ("08-blended-learning", "Clark, R. C., & Mayer, R. E. (2016)", "e-Learning and the Science of Instruction"),
    ("09-evaluating-training", "Baldwin, T. T., & Ford, J. K. (1988)", "*Personnel Psychology*, 41(1), 63-105"),
    ("09-evaluating-training", "Blume, B. D., Ford, J. K., Baldwin, T. T., & Huang, J. L. (2010)", "36(4), 1065-1105"),
    ("09-evaluating-training", "Saks, A. M., & Belcourt, M. (2006)", "*Human Resource Management*, 45(4), 629-648"),
    ("09-evaluating-training", "Broad, M. L., & Newstrom, J. W. (1992)", "Transfer of Training"),
    ("09-evaluating-training", "Ford, J. K., Yelon, S. L., & Billington, A. Q. (2011)", "24(2), 7-24"),
    ("03-adult-learners", "Edmondson, A. (1999)", "*Administrative Science Quarterly*, 44(2), 350-383"),
    ("03-adult-learners", "Keith, N., & Frese, M. (2008)", "*Journal of Applied Psychology*, 93(1), 59-69"),
]


def _section(stem: str, start: str) -> str:
    found = [text for h, text in _module(stem)["sections"].items() if h.startswith(start)]
    assert len(found) == 1, f"{stem}: no single section starting {start!r}"
    return found[0]


@pytest.mark.parametrize("stem, heading, citations, words, objective, quiz_word, widget", TOPICS,
                         ids=[f"{t[0][:2]}-{t[1]}" for t in TOPICS])
def test_each_topic_is_in_its_module_with_its_citation(stem, heading, citations, words, objective, quiz_word, widget):
    text = _section(stem, heading)
    for c in citations:
        assert c in text, f"{stem} / {heading}: no {c}"
    for w in words:
        assert w.lower() in text.lower(), f"{stem} / {heading}: does not say {w!r}"
    m = _module(stem)
    if objective:  # task analysis shares the objective, quiz question and walk of the section before it
        assert objective.lower() in m["objectives"].lower(), f"{stem}: no objective for {heading!r}"
        assert quiz_word.lower() in _quiz_text(stem).lower(), f"{stem}: no quiz question on {heading!r}"
        assert widget in m["code"], f"{stem}: {widget} is not used"


@pytest.mark.parametrize("stem, start, detail", REFERENCES, ids=[r[1].split(",")[0] + r[1][-6:] for r in REFERENCES])
def test_each_citation_has_its_full_reference_in_the_module(stem, start, detail):
    entries = [" ".join(e.split()) for e in re.split(r"\n- ", _module(stem)["sources"])]
    found = [e for e in entries if e.lstrip("- ").startswith(start)]
    assert len(found) == 1, f"{stem}: no single Sources entry starting {start!r}"
    assert detail in found[0]


def test_the_helpers_can_fail():
    with pytest.raises(AssertionError):
        _section("04-designing-learning", "A heading no module has")
    assert "(Edmondson, 1999)" not in _section("04-designing-learning", "Is training the answer?")


def test_the_interactive_elements_exist_as_content():
    assert "merrill" in list_content("lesson-templates")
    merrill = load_content("lesson-templates", "merrill")
    assert [s["title"].split(":")[0] for s in merrill["segments"]] == [
        "Problem", "Activation", "Demonstration", "Application", "Check", "Integration"]
    assert merrill["sources"][0].startswith("Merrill, M. D. (2002)")
    assert "mager-pipe" in list_content("performance-analysis")
    assert "broad-newstrom" in list_content("transfer-plans")
    for name, module in [("e-learning-principles", "08"), ("safe-climate", "03")]:
        quiz = load_content("quizzes", name)
        assert quiz["module"] == module and len(quiz["questions"]) >= 3
