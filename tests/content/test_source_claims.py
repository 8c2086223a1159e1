"""Claims that were once stated wrongly, each checked where trainees and facilitators read it.

Every claim here was re-read against its source: Mayer (2009) states segmenting, redundancy and coherence principles,
not a ten-minute limit or "use every channel" (on the ten minutes: Bradbury 2016, Advances in Physiology Education
40(4), 509-513); Pearce et al. (2012) found positive results in 13 of 18 studies rated at moderate risk of bias;
Knowles's andragogy has six assumptions in its later form, the sixth being motivation; Kingston & Nash (2011) put
formative assessment's average effect well below Black & Wiliam's (1998); Larkin et al. (1980) is the study of
experts working forward; Rodriguez (2005) is the source for three options being enough. The figure that only 10% of
training transfers is a guess with no data behind it (Ford, Yelon & Billington 2011, Performance Improvement Quarterly
24(2), 7-24); Saks & Belcourt (2006) report 62%, 44% and 34% as estimates by training professionals from 150
organisations; Edmondson (1999) studied 51 work teams; Blume et al. (2010) pooled 89 studies.
"""

from __future__ import annotations

import json
import re

import pytest

import helpers
from ttt_widgets.loader import list_content, load_content


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _notebook_paragraphs(name: str) -> list[str]:
    nb = json.loads((helpers.NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    return [p for c in nb["cells"] if c["cell_type"] == "markdown" for p in _paragraphs("".join(c["source"]))]


def _everything() -> dict[str, list[str]]:
    """Paragraphs of every module, the facilitator guide and every quiz's explanations and feedback."""
    out = {p.stem: _notebook_paragraphs(p.stem) for p in sorted(helpers.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))}
    out["facilitator-guide"] = _paragraphs((helpers.NOTEBOOKS / "facilitator-guide.md").read_text(encoding="utf-8"))
    for name in list_content("quizzes"):
        quiz = load_content("quizzes", name)
        out[f"quiz {name}"] = [" ".join(t.split()) for q in quiz["questions"]
                               for t in [q["prompt"], q.get("explanation", "")] + [a["feedback"] for a in q["answers"]]]
    return out


TEXTS = _everything()
WRONG = [
    (r"every channel", "Mayer's redundancy and coherence principles say the opposite"),
    (r"\b(?:10|ten)[- ]minute.*Mayer|Mayer.*\b(?:10|ten)[- ]minute|(?:10|ten) minutes.*Mayer|Mayer.*(?:10|ten) minutes",
     "Mayer (2009) gives no ten-minute limit"),
    (r"as well as (?:training|teaching) by experts", "Pearce et al. (2012) do not say so"),
    (r"\bfive (?:working )?(?:assumptions|headings|principles of andragogy)", "Knowles's later model has six"),
    (r"\bthree wrong (?:options|answers|choices)\b(?<!two or three wrong options)(?<!two or three wrong answers)",
     "module 07 says three options in all are often enough"),
    (r"^(?!.*\b(?:no data|guess|delusion|says|claims?)\b).*\b(?:10|ten) ?(?:%|per ?cent) (?:of (?:training|what is (?:learned|taught)))?"
     r"\s*(?:is (?:ever )?(?:used|applied|transferred)|transfers)",
     "the 10% transfer figure has no data behind it (Ford et al., 2011)"),
]


def _sentences(paragraph: str) -> list[str]:
    return re.split(r"(?<=[.!?])\)?\s+(?=[-*A-Z])", paragraph)


@pytest.mark.parametrize("pattern, why", WRONG, ids=[w for _, w in WRONG])
def test_no_wrong_statement_is_left(pattern, why):
    found = [(where, s) for where, paras in TEXTS.items() for p in paras for s in _sentences(p)
             if re.search(pattern, s, re.I) and not re.search(r"two or three wrong", s, re.I)]
    assert found == [], why


def test_the_checks_can_fail():
    assert re.search(WRONG[1][0], "Keep talks to no more than 10 minutes (Mayer, 2009).", re.I)
    assert not any(re.search(WRONG[1][0], s, re.I) for s in _sentences(
        "Learners do better with segments (Mayer, 2009). There is no fixed ten-minute limit (Bradbury, 2016)."))
    assert re.search(WRONG[3][0], "write them under the five headings", re.I)
    assert re.search(WRONG[4][0], "write the right answer and three wrong options", re.I)
    assert re.search(WRONG[5][0], "Only 10% of training is ever used on the job.", re.I)
    assert not re.search(WRONG[5][0], "The claim that only 10% transfers has no data behind it.", re.I)


def test_pearce_is_cited_with_its_counts_and_its_risk_of_bias():
    cited = [(where, p) for where, paras in TEXTS.items() for p in paras if "Pearce et al." in p and "2012" in p
             and not p.startswith("Pearce, J.")]
    assert len(cited) >= 3
    for where, p in cited:
        assert "13" in p and "18" in p and "moderate risk of bias" in p, (where, p)


def test_knowles_has_six_assumptions_with_motivation():
    (para,) = [p for p in TEXTS["03-adult-learners"] if "andragogy" in p and "assumptions" in p and "Knowles" in p]
    assert "six working assumptions" in para
    cell = next("".join(c["source"]) for c in json.loads((helpers.NOTEBOOKS / "03-adult-learners.ipynb").read_text())["cells"]
                if "six working assumptions" in "".join(c["source"]))
    bullets = [line for line in cell.splitlines() if line.startswith("- **Adults")]
    assert len(bullets) == 6 and any("moved from within" in b for b in bullets)


@pytest.mark.parametrize("claim, needs", [
    ("Black & Wiliam, 1998", "Kingston & Nash, 2011"),
    ("segmenting principle", "Bradbury, 2016"),
    ("Experts work forward", "Larkin et al., 1980"),
    ("Three options, the right one and two wrong ones", "Rodriguez, 2005"),
    ("62% of trainees", "Saks & Belcourt, 2006"),
    ("51 work teams", "Edmondson, 1999"),
    ("meta-analysis of 89 studies", "Blume et al., 2010"),
    ("could the person do it if their life depended on it", "Mager & Pipe, 1997"),
    ("steers people away from errors", "Keith & Frese, 2008"),
])
def test_a_claim_carries_its_source_beside_it(claim, needs):
    paras = [p for paras in TEXTS.values() for p in paras if claim in p]
    assert paras, claim
    for p in paras:
        assert needs in p, p
