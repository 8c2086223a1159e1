"""The structure of every curriculum module (notebooks/NN-*.ipynb), checked from the notebook files.

Every module opens with its time, measurable objectives and a key question; has at least three activities with a
widget each, a retrieval quiz of its own module, a reflection, key points and sources (every in-text citation in the
list); reads at a Flesch-Kincaid grade of 12 or below; and is committed without outputs, its facilitator notes
tagged for Voila to remove. tests/notebooks/test_execute.py runs each one.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

import helpers

MODULES = sorted(helpers.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
IDS = [p.stem for p in MODULES]
#: words per minute for reading instructional text with care (a conservative figure for adults)
READING_WPM = 200
MAX_GRADE = 12.0
_MINUTES = re.compile(r"\((\d+) minutes?[^)]*\)\s*$")


@lru_cache(maxsize=None)
def _cells(path: Path) -> tuple[dict, ...]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for c in nb["cells"]:
        src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        out.append({**c, "text": src, "tags": tuple(c.get("metadata", {}).get("tags", ()))})
    return tuple(out)


def _sections(path: Path) -> list[tuple[str, list[dict]]]:
    """(heading, cells under it) for each level-2 heading; a heading's own cell starts its section."""
    sections: list[tuple[str, list[dict]]] = []
    for c in _cells(path):
        heads = re.findall(r"^## (.+)$", c["text"], flags=re.M) if c["cell_type"] == "markdown" else []
        if heads:
            for h in heads:
                sections.append((h.strip(), [c]))
        elif sections:
            sections[-1][1].append(c)
    return sections


def _header(path: Path) -> str:
    return _cells(path)[0]["text"]


def _objectives(path: Path) -> list[str]:
    m = re.search(r"\*\*Objectives\.\*\*[^\n]*\n((?:- .*\n(?:  .*\n)*)+)", _header(path) + "\n")
    assert m, f"{path.name}: no objectives list after '**Objectives.**'"
    items = re.split(r"\n- ", "\n" + m.group(1))
    return [re.sub(r"\s+", " ", i).strip().rstrip(";.") for i in items if i.strip()]


def _code_calls(cells, name: str) -> list[str]:
    """First string argument of every ``name("...")`` call in the code cells."""
    return [m for c in cells if c["cell_type"] == "code" for m in re.findall(rf'\b{name}\(\s*"([^"]+)"', c["text"])]


def _prose(path: Path) -> str:
    """The trainee-facing markdown as plain sentences (facilitator notes and the source list left out)."""
    parts = []
    for c in _cells(path):
        if c["cell_type"] != "markdown" or "skip-voila" in c["tags"]:
            continue
        text = c["text"].split("## Sources")[0]
        for line in text.splitlines():
            line = re.sub(r"^\s*(#+|[-*]|\d+\.)\s+", "", line)
            line = re.sub(r"!\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)", r"\1\2", line)
            line = re.sub(r"[*_`>]", "", line).strip()
            if line:
                parts.append(line)
    # a list item, heading or label line ends a sentence even without a full stop
    text = "\n".join(parts)
    text = re.sub(r"([^.!?:;\n])\n(?=[A-Z0-9\"(])", r"\1.\n", text)
    return re.sub(r"\s+", " ", text)


_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def _syllables(word: str, dic) -> int:
    """The larger of two estimates: pyphen's hyphenation points + 1 (textstat's own fallback) and vowel groups.

    textstat looks words up in the CMU dictionary first, which NLTK downloads at run time; offline (CI) there is
    none, so the test counts syllables itself, erring on the high side (a stricter grade).
    """
    w = word.lower()
    groups = len(_VOWEL_GROUPS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1  # silent final e
    return max(len(dic.positions(w)) + 1, groups, 1)


def _grade(path: Path) -> float:
    """Flesch-Kincaid grade: 0.39 * words per sentence + 11.8 * syllables per word - 15.59 (Kincaid et al., 1975).

    Sentences and words are counted by textstat; syllables as in :func:`_syllables`.
    """
    import pyphen
    import textstat

    text = _prose(path)
    dic = pyphen.Pyphen(lang="en_US")
    words = re.findall(r"[A-Za-z\u00C0-\u017F]+(?:'[A-Za-z]+)?", text)
    syllables = sum(_syllables(w, dic) for w in words)
    return 0.39 * textstat.lexicon_count(text) / textstat.sentence_count(text) + 11.8 * syllables / len(words) - 15.59


def _estimated_minutes(path: Path) -> float:
    """Reading time of the prose plus the minutes each activity, quiz and reflection heading announces."""
    reading = len(_prose(path).split()) / READING_WPM
    tasks = 0
    for heading, _ in _sections(path):
        m = _MINUTES.search(heading)
        if m:
            tasks += int(m.group(1))
    return reading + tasks


def test_the_curriculum_has_modules_00_to_11():
    assert [p.name[:2] for p in MODULES] == [f"{i:02d}" for i in range(12)]
    assert (helpers.NOTEBOOKS / "facilitator-guide.md").exists()


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_opens_with_time_objectives_and_key_question(path):
    head = _header(path)
    assert head.startswith(f"# {path.name[:2]} ")
    m = re.search(r"\*\*Time:\*\* (\d+) minutes", head)
    assert m and 30 <= int(m.group(1)) <= 45, "each module is 30-45 minutes of trainee work"
    assert "**Key question.**" in head
    assert len(_objectives(path)) >= 2


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_objectives_are_measurable(path):
    import ttt_widgets

    try:
        analyze = ttt_widgets.analyze_objective
    except AttributeError:
        from ttt_widgets.models.objectives import analyze_objective as analyze
    for objective in _objectives(path):
        a = analyze(f"By the end of this module you will be able to {objective}")
        assert a.measurable, f"{objective!r}: {a.problems}"
        assert a.bloom_level is not None


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_estimated_time_matches_the_stated_time(path):
    stated = int(re.search(r"\*\*Time:\*\* (\d+) minutes", _header(path)).group(1))
    estimate = _estimated_minutes(path)
    assert 30 <= estimate <= 48, f"estimated {estimate:.0f} minutes"
    assert abs(estimate - stated) <= 6, f"stated {stated}, estimated {estimate:.0f} minutes"


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_has_at_least_three_activities_each_with_a_widget(path):
    activities = [(h, cells) for h, cells in _sections(path) if re.match(r"Activity \d+: ", h)]
    assert len(activities) >= 3
    numbers = [int(re.match(r"Activity (\d+)", h).group(1)) for h, _ in activities]
    assert numbers == list(range(1, len(numbers) + 1)), "activities are numbered in order"
    for heading, cells in activities:
        assert _MINUTES.search(heading), f"{heading!r} does not say how many minutes it takes"
        code = [c for c in cells if c["cell_type"] == "code"]
        assert code and "from ttt_widgets import" in code[0]["text"], f"{heading!r} has no widget cell"


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_ends_with_a_quiz_of_its_own_module_a_reflection_and_key_points(path):
    from ttt_widgets import list_content, load_content

    titles = [h for h, _ in _sections(path)]
    for needed in ("Check your understanding", "Reflect (", "Key points", "Sources"):
        assert any(t.startswith(needed) for t in titles), f"no '{needed}' section"
    assert titles.index("Key points") < titles.index("Sources") == len(titles) - 1
    check = next(cells for h, cells in _sections(path) if h.startswith("Check your understanding"))
    quizzes = _code_calls(check, "Quiz")
    assert len(quizzes) == 1
    for name in _code_calls(_cells(path), "Quiz"):
        assert name in list_content("quizzes")
        assert load_content("quizzes", name).get("module") == path.name[:2]
    reflect = next(cells for h, cells in _sections(path) if re.match(r"Reflect( \(|$)", h))
    assert _code_calls(reflect, "Reflection")


def test_every_quiz_answer_carries_feedback_and_wrong_ones_a_diagnosis():
    from ttt_widgets import list_content, load_content

    modules = {p.name[:2] for p in MODULES}
    used = {name for p in MODULES for name in _code_calls(_cells(p), "Quiz")}
    for name in used:
        quiz = load_content("quizzes", name)
        assert quiz["module"] in modules and quiz.get("sources"), name
        for q in quiz["questions"]:
            for a in q["answers"]:
                assert a["feedback"].strip()
                assert a["correct"] or a["diagnosis"].strip(), f"{name}/{q['id']}: wrong answer without diagnosis"
    assert {load_content("quizzes", n)["module"] for n in used} == modules
    assert used <= set(list_content("quizzes"))


def test_reflection_keys_are_unique_across_the_curriculum():
    keys = [k for p in MODULES for k in _code_calls(_cells(p), "Reflection")]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    for p in MODULES:
        for k in _code_calls(_cells(p), "Reflection"):
            assert k.startswith(p.name[:2] + "-"), f"{p.name}: reflection key {k!r} does not start with its module"


_CITATION = re.compile(r"\(([^()]*?\b(?:1[89]|20)\d\d[a-z]?)\)")


def _citations(text: str) -> set[tuple[str, str]]:
    """(first author surname, year) of every parenthetical citation such as (Pearce et al., 2012; Lyman, 1981)."""
    found = set()
    for group in _CITATION.findall(text):
        for part in group.split(";"):
            m = re.match(r"\s*(?:see |e\.g\. )?([A-Z][\w'\u00C0-\u017F-]+).*?\b((?:1[89]|20)\d\d)", part)
            if m:
                found.add((m.group(1), m.group(2)))
    return found


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_every_citation_is_in_the_sources(path):
    text = "\n".join(c["text"] for c in _cells(path) if c["cell_type"] == "markdown" and "skip-voila" not in c["tags"])
    body, _, sources = text.partition("## Sources")
    entries = [e for e in re.split(r"\n- ", sources) if e.strip()]
    cited = _citations(body)
    assert cited or path.name.startswith("00"), "a module cites its sources"
    for surname, year in cited:
        assert any(e.lstrip("- ").startswith(surname) and f"({year}" in e for e in entries), f"{surname} {year} not in Sources"
    for e in entries:  # author, year, title
        assert re.search(r"\((?:1[89]|20)\d\d\)", e) and len(e) > 40, e


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_prose_reads_at_grade_12_or_below(path):
    grade = _grade(path)
    assert grade <= MAX_GRADE, f"Flesch-Kincaid grade {grade:.1f}"


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_committed_without_outputs_and_facilitator_notes_tagged(path):
    cells = _cells(path)
    for c in cells:
        if c["cell_type"] == "code":
            assert c["outputs"] == [] and c["execution_count"] is None
            assert "import ttt_widgets." not in c["text"] and "from ttt_widgets." not in c["text"], "public API only"
        if "Facilitator note" in c["text"]:
            assert "skip-voila" in c["tags"], "facilitator notes are removed in Voila"
    assert any("skip-voila" in c["tags"] for c in cells)
    for c in cells:  # images need alt text
        for alt in re.findall(r"!\[([^\]]*)\]", c["text"]):
            assert alt.strip()


def curriculum_table() -> list[dict]:
    """Per module: estimated minutes, activities, quiz items, readability grade (used for the closing report)."""
    from ttt_widgets import load_content

    rows = []
    for p in MODULES:
        acts = sum(1 for h, _ in _sections(p) if h.startswith("Activity "))
        items = sum(len(load_content("quizzes", n)["questions"]) for n in _code_calls(_cells(p), "Quiz"))
        rows.append({"module": p.stem, "minutes": round(_estimated_minutes(p)), "activities": acts,
                     "quiz_items": items, "grade": round(_grade(p), 1)})
    return rows


def test_facilitator_guide_covers_every_module():
    guide = (helpers.NOTEBOOKS / "facilitator-guide.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", guide, flags=re.M)[1:]
    by_number = {s[:2]: s for s in sections}
    assert sorted(by_number) == [p.name[:2] for p in MODULES]
    for number, text in by_number.items():
        head = text.splitlines()[0]
        minutes = re.search(r"\((\d+) minutes", head)
        assert minutes, f"module {number}: no timing"
        module = next(p for p in MODULES if p.name.startswith(number))
        stated = re.search(r"\*\*Time:\*\* (\d+) minutes", _header(module)).group(1)
        assert minutes.group(1) == stated, f"module {number}: the guide says {minutes.group(1)}, the module {stated}"
        for part in ("**Project:**", "**Live:**", "**Difficulties:**"):
            assert part in text, f"module {number}: no {part}"


def test_curriculum_table_covers_every_module():
    rows = curriculum_table()
    assert [r["module"] for r in rows] == IDS
    assert all(r["activities"] >= 3 and r["quiz_items"] >= 3 for r in rows)


@pytest.mark.parametrize("path", [p for p in MODULES if p.name[:2] >= "02"], ids=lambda p: p.stem)
def test_modules_from_02_open_with_a_review_of_earlier_modules(path):
    """Spaced retrieval across days: the first section after the header brings back earlier modules' questions."""
    heading, cells = _sections(path)[0]
    assert heading.startswith("Review"), heading
    assert _code_calls(cells, "Review") == [path.name[:2]]


def test_the_certification_pathway_asks_for_every_module_of_the_curriculum():
    """The pathway's 'modules done' step lists the curriculum as it is on disk, in order."""
    from ttt_widgets.models.pathway import KIT_MODULES

    assert list(KIT_MODULES) == IDS


def test_module_11_states_the_rules_the_kit_applies():
    """The numbers module 11 teaches are the ones the pathway, the rubrics and the checklists apply."""
    from ttt_widgets import PathwayRules, load_content

    (path,) = [p for p in MODULES if p.name.startswith("11-")]
    text = re.sub(r"\s+", " ", "\n".join(c["text"] for c in _cells(path) if c["cell_type"] == "markdown"))
    rules = PathwayRules()
    words = {1: "one", 2: "two", 3: "three"}
    assert f"at least {rules.pass_share:.0%} of the points" in text
    assert f"within {rules.deadlines['demo']} days" in text
    assert f"scores at least {rules.min_observation_score:.0%}" in text
    assert rules.reobserve_every_days == 365 and "observed again each year" in text
    checkout = load_content("demo-rubrics", "carpentries-checkout")
    assert checkout["deadline_days"] == rules.deadlines["demo"] and f"within {checkout['deadline_days']} days" in text
    assert f"{words[checkout['redo_rule']['redo_at']].capitalize()} or more growth marks" in text
    talk = load_content("demo-rubrics", "ttt-presentation")["redo_rule"]
    assert talk["weights"] == {"no": 1, "iffy": 0.5}
    assert (f'a "no" counts one, an "iffy" a half, and {words[talk["redo_at"]]} or more is a redo' in text
            and "its own choice, not the book's" in text)
    credits = [m["credit"] for m in load_content("fidelity-checklists", "kit-modules")["marks"]]
    assert credits == [1, 0.5, 0] and "full, half and no credit" in text
