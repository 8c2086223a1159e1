"""The EvaluationPlanner and EvaluationReport widgets driven from Python."""

from datetime import datetime, timezone

from ttt_widgets import EvaluationPlanner, EvaluationReport
from ttt_widgets.models.evaluation import CSV_COLUMNS

HEADER = ",".join(CSV_COLUMNS) + "\n"


def test_planner_shows_the_packaged_plan_as_complete():
    p = EvaluationPlanner("train-the-trainer")
    assert "Complete." in p._check.value
    assert "peer observation checklist" in p._table.value
    assert len(p._remove.options) == len(p.model.measures)


def test_planner_form_adds_objectives_and_measures():
    p = EvaluationPlanner()
    assert "no programme objectives" in p._check.value
    p._objective.value = "Give feedback"
    p._obj_btn.click()
    assert p.model.objectives == ["Give feedback"] and p._objs.options == ("Give feedback",)
    p._level.value = "behaviour"
    p._measure.value, p._instrument.value, p._when.value = "feedback observed", "checklist", "3 months"
    p._objs.value = ("Give feedback",)
    p._add_btn.click()
    assert len(p.model.measures) == 1 and p._measure.value == ""
    assert "not measured at level 2" in p._check.value
    p._remove.value = 0
    p._remove_btn.click()
    assert p.model.measures == []


def test_planner_bad_input_and_escaping():
    p = EvaluationPlanner()
    p.add_objective("")
    assert "objective is empty" in p._status.value
    p.add_objective("Plan <b>well</b>")
    p.add_measure("learning", "<script>alert(1)</script>", "rubric", "day 2", ["Plan <b>well</b>"])
    assert "<script>" not in p._table.value and "&lt;script&gt;" in p._table.value
    assert "<b>well</b>" not in p._table.value and "<b>well</b>" not in p._check.value
    p.add_measure("learning", "<script>alert(1)</script>", "rubric", "day 2")
    assert "already planned" in p._status.value and len(p.model.measures) == 1
    p.remove_measure(None)
    assert "no measure to remove" in p._status.value


def test_report_shows_the_sample_with_charts_and_intervals():
    r = EvaluationReport()
    assert "evaluation-sample.csv" in r._source.value
    # reaction as HTML bars, then the gains as HTML rows: text, so both grow with ?large
    assert r._plot.value.index("ttt-bars") < r._plot.value.index("ttt-chart") and "<img" not in r._plot.value
    assert r._plot.value.count("class='ttt-chart-label'") == 3 and r._plot.value.count("class='ttt-chart-axis'") == 3
    assert "knowledge test (0-100): Mean gain (post \u2212 pre) and its 95% confidence interval +14.5 [+10.9, +18.1]" \
        in r._plot.value
    assert "pre 58 \u2192 post 72.5, n = 24" in r._plot.value and "no gain (0)" in r._plot.value
    assert "Level 1: reaction" in r._plot.value and "n = " in r._plot.value
    assert "Level 1: reaction" in r._summary.value and "95% CI" in r._summary.value
    r._confidence.value = 0.99
    assert "99% CI" in r._summary.value and "95% CI" not in r._summary.value
    assert "99% confidence interval" in r._plot.value and "95% confidence" not in r._plot.value


def test_report_charts_escape_names_and_say_what_to_do_when_empty():
    r = EvaluationReport()
    r.load_text(HEADER + "A,reaction,<img src=x onerror=alert(1)>,,4\n")
    assert "<img" not in r._plot.value and "&lt;img src=x onerror=alert(1)&gt;" in r._plot.value
    assert "No pre/post gains yet" in r._plot.value and "Upload a results file with both phases" in r._plot.value
    hostile = "<b>quiz</b> $x$"
    r.load_text(HEADER + "".join(f"{p},learning,{hostile},{ph},{v}\n" for p, ph, v in
                                 [("A", "pre", 1), ("A", "post", 3), ("B", "pre", 2), ("B", "post", 3)]))
    assert "<b>quiz</b>" not in r._plot.value and "&lt;b&gt;quiz&lt;/b&gt; $x$" in r._plot.value
    assert "mathjax_ignore" in r._plot.value and "No ratings yet" in r._plot.value
    shown = r._plot.value
    r.load_text(HEADER + "A,learning,quiz,pre,1\nA,learning,quiz,post,3\n")  # one pair: no gain can be worked out
    assert "fewer than two participants" in r._status.value and r._plot.value == shown and len(r.model.rows) == 4


def test_the_views_draw_without_matplotlib():
    import subprocess
    import sys

    code = ("import sys; from ttt_widgets import CascadePlanner, EvaluationReport; "
            "CascadePlanner('district-teachers'); EvaluationReport(); print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_report_bad_file_names_row_and_column_and_keeps_the_data(tmp_path):
    r = EvaluationReport()
    rows = len(r.model.rows)
    bad = tmp_path / "results.csv"
    bad.write_text(HEADER + "A,learning,test,pre,50\nB,learning,test,pre,n/a\n", encoding="utf-8")
    r._path.value = str(bad)
    r._load_btn.click()
    assert "row 3, column &#x27;value&#x27;" in r._status.value and "n/a" in r._status.value
    assert len(r.model.rows) == rows
    r.load("")
    assert "path of a CSV file" in r._status.value


def test_report_loads_a_good_file_and_an_upload(tmp_path):
    good = tmp_path / "cohort.csv"
    good.write_text(HEADER + "A,1,useful,,5\nB,1,useful,,3\n", encoding="utf-8")
    r = EvaluationReport(good)
    assert r.model.likert("useful")[5] == 1 and "no data" in r._summary.value
    r.load_text(HEADER.encode() + b"A,learning,quiz,pre,1\nA,learning,quiz,post,3\nB,learning,quiz,pre,2\nB,learning,quiz,post,3\n",
                source="up.csv")
    assert "Read 4 rows from up.csv" in r._status.value and r.model.gain("quiz").mean == 1.5
    r._upload.value = ({"name": "x.csv", "type": "text/csv", "size": 10, "last_modified": datetime.now(timezone.utc),
                        "content": memoryview(HEADER.encode() + b"A,1,fun,,4\n")},)
    assert r.model.source == "x.csv" and r.model.likert("fun")[4] == 1


def test_a_report_for_a_room_reads_only_uploaded_files():
    import ipywidgets as widgets

    from ttt_widgets import EvaluationReport

    served = EvaluationReport(path_box=False)
    row = served._load_row.children
    assert not any(isinstance(w, widgets.Text) for w in row) and served._load_btn not in row
    assert served._upload in row
    default = EvaluationReport()
    assert default._path in default._load_row.children and default._load_btn in default._load_row.children
