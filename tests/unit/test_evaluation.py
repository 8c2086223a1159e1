"""Kirkpatrick evaluation: the plan's gaps, the CSV reader's messages, Likert counts, gains and t intervals."""

import math
from importlib import resources

import numpy as np
import pytest

from ttt_widgets import EvaluationPlan, EvaluationResults
from ttt_widgets.loader import load_content
from ttt_widgets.models.evaluation import CSV_COLUMNS, EvaluationCSVError, mean_ci, t_quantile

HEADER = ",".join(CSV_COLUMNS) + "\n"


def t_quantile_numeric(df, confidence):
    """Student's t quantile by integrating its density with numpy (independent of the table)."""
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    x = np.linspace(0, 80, 800_001)
    pdf = c * (1 + x**2 / df) ** (-(df + 1) / 2)
    cdf = 0.5 + np.concatenate([[0], np.cumsum((pdf[1:] + pdf[:-1]) / 2 * np.diff(x))])
    return float(np.interp(1 - (1 - confidence) / 2, cdf, x))


@pytest.mark.parametrize("df", [2, 4, 9, 15, 29, 35, 45, 70, 200])
@pytest.mark.parametrize("confidence", [0.90, 0.95, 0.99])
def test_t_table_agrees_with_numerical_integration(df, confidence):
    assert t_quantile(df, confidence) == pytest.approx(t_quantile_numeric(df, confidence), abs=0.003)


def test_t_quantile_known_values_and_errors():
    assert t_quantile(1) == 12.706 and t_quantile(30) == 2.042 and t_quantile(10**9) == pytest.approx(1.96, abs=1e-4)
    with pytest.raises(ValueError, match="confidence"):
        t_quantile(5, 0.8)
    with pytest.raises(ValueError, match="degrees of freedom"):
        t_quantile(0)


def test_mean_ci_by_hand():
    # 1..5: mean 3, sd = sqrt(2.5), se = sqrt(2.5 / 5); t(0.975, 4) = 2.776
    mean, low, high = mean_ci([1, 2, 3, 4, 5])
    half = 2.776 * math.sqrt(2.5) / math.sqrt(5)
    assert (mean, low, high) == pytest.approx((3, 3 - half, 3 + half))
    with pytest.raises(ValueError, match="two values"):
        mean_ci([1])


def test_paired_gain_by_hand():
    text = HEADER + "A,learning,test,pre,50\nA,learning,test,post,70\nB,learning,test,pre,60\nB,learning,test,post,70\n" \
                    "C,learning,test,pre,40\nC,learning,test,post,70\nD,learning,test,pre,55\n"
    g = EvaluationResults.from_text(text).gain("test")
    # gains 20, 10, 30: mean 20, sd 10, se 10 / sqrt(3); t(0.975, 2) = 4.303; D has no post score
    assert (g.n, g.mean, g.sd, g.pre_mean, g.post_mean) == pytest.approx((3, 20, 10, 50, 70))
    assert g.low == pytest.approx(20 - 4.303 * 10 / math.sqrt(3))
    assert g.unpaired == 1
    assert "+20.0" in g.describe()


def test_likert_counts_and_levels_by_number():
    text = HEADER + "A,1,useful,,5\nB,1,useful,,4\nC,reaction,useful,,4\nD,1,useful,,1\n,4,sessions run,,12\n"
    r = EvaluationResults.from_text(text)
    assert r.likert("useful") == {1: 1, 2: 0, 3: 0, 4: 2, 5: 1}
    assert r.levels_present() == ["reaction", "results"]
    s = r.summary()
    assert "mean rating 3.50" in s["reaction"][0] and "75%" in s["reaction"][0]
    assert "sessions run: mean 12.00" in s["results"][0]


@pytest.mark.parametrize("body, where", [
    ("A,learning,test,pre,fifty\n", "row 2, column 'value'"),
    ("A,learning,test,pre,50\nB,learning,test,pre,\n", "row 3, column 'value'"),
    ("A,level two,test,pre,50\n", "row 2, column 'level'"),
    ("A,learning,test,during,50\n", "row 2, column 'phase'"),
    ("A,learning,,pre,50\n", "row 2, column 'measure'"),
    ("A,reaction,useful,,7\n", "row 2, column 'value'"),
    ("A,reaction,useful,,4.5\n", "row 2, column 'value'"),
    (",learning,test,pre,50\n", "row 2, column 'participant'"),
    ("A,learning,test,pre,inf\n", "row 2, column 'value'"),
    ("A,learning,test,pre,50\nA,learning,test,pre,60\n", "row 3: duplicates row 2"),
])
def test_bad_cells_are_named_by_row_and_column(body, where):
    with pytest.raises(EvaluationCSVError, match=where.replace("(", r"\(")):
        EvaluationResults.from_text(HEADER + body, source="results.csv")


def test_bad_files(tmp_path):
    with pytest.raises(EvaluationCSVError, match="empty"):
        EvaluationResults.from_text("")
    with pytest.raises(EvaluationCSVError, match="row 1 .*missing column.*value"):
        EvaluationResults.from_text("participant,level,measure,phase\nA,1,x,\n")
    with pytest.raises(EvaluationCSVError, match="no data rows"):
        EvaluationResults.from_text(HEADER)
    with pytest.raises(EvaluationCSVError, match="not found"):
        EvaluationResults.from_csv(tmp_path / "nope.csv")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(HEADER.encode() + "Zoë,1,x,,4\n".encode("latin-1"))
    with pytest.raises(EvaluationCSVError, match="UTF-8"):
        EvaluationResults.from_csv(bad)
    good = tmp_path / "good.csv"
    good.write_text("\ufeff" + HEADER + "Zoë,1,x,,4\n", encoding="utf-8")
    assert EvaluationResults.from_csv(good).likert("x")[4] == 1


def test_the_sample_data_set_and_its_description_agree():
    desc = load_content("datasets", "evaluation-sample")
    text = (resources.files("ttt_widgets") / "content" / "datasets" / desc["file"]).read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(c["name"] for c in desc["columns"])
    r = EvaluationResults.sample()
    assert len(r.rows) == desc["rows"]
    assert r.levels_present() == ["reaction", "learning", "behaviour", "results"]
    gains = r.gains()
    assert {g.measure for g in gains} >= {"knowledge test (0-100)", "micro-teach rubric (1-4)"}
    for g in gains:
        assert g.low < g.mean < g.high
        assert g.low > 0  # the sample shows a clear gain


def test_plan_check_finds_gaps():
    plan = EvaluationPlan(["Plan a session", "Give feedback"])
    plan.add("reaction", "satisfaction", "survey", "end")
    plan.add(2, "plan quality", "rubric", "day 2", objectives=["Plan a session"])
    plan.add("behavior", "plans used at work", "sample of plans", "3 months", objectives=["Plan a session"])
    problems = plan.check()
    assert problems == [
        "Objective 'Give feedback' is not measured at level 2 (learning).",
        "Objective 'Give feedback' is not measured at level 3 (behaviour).",
        "No measure at level 4 (results).",
    ]
    assert plan.coverage()["Plan a session"] == {"reaction": False, "learning": True, "behaviour": True, "results": False}


def test_packaged_plan_is_complete():
    assert EvaluationPlan.from_content("train-the-trainer").check() == []


@pytest.mark.parametrize("call, message", [
    (lambda p: p.add("attitude", "m", "i", "w"), "level must be"),
    (lambda p: p.add("learning", "", "i", "w"), "measure is empty"),
    (lambda p: p.add("learning", "m", "i", "w", objectives=["Other"]), "not one of the programme objectives"),
    (lambda p: p.add("learning", "Quiz", "i", "w"), "already planned"),
    (lambda p: p.add("learning", "m" * 301, "i", "w"), "longer than"),
    (lambda p: p.add_objective("plan a session"), "already in the plan"),
    (lambda p: p.remove(5), "no measure number 6"),
])
def test_plan_bad_input(call, message):
    plan = EvaluationPlan(["Plan a session"])
    plan.add("learning", "quiz", "test", "end")
    with pytest.raises(ValueError, match=message):
        call(plan)
    assert len(plan.measures) == 1 and plan.objectives == ["Plan a session"]
    with pytest.raises(ValueError, match="twice"):
        EvaluationPlan(["A", "a"])
