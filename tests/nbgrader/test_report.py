"""The cohort report's rules: what counts as "most missed", and links that work from where the report is written."""

from __future__ import annotations

import os

import helpers
from ttt_widgets.grading.report import CohortTable, curriculum_links


def _table() -> CohortTable:
    items = ["nb/auto_a", "nb/auto_b", "nb/essay"]
    scores = {"ann": {"nb/auto_a": 1.0, "nb/auto_b": 2.0, "nb/essay": 0.0},
              "bob": {"nb/auto_a": 0.0, "nb/auto_b": 2.0, "nb/essay": 0.0},
              "cat": {"nb/auto_a": 1.0, "nb/auto_b": 0.0, "nb/essay": 3.0}}
    pending = {"ann": {"nb/essay"}, "bob": {"nb/essay"}}
    return CohortTable("a1", items, {"nb/auto_a": 1.0, "nb/auto_b": 2.0, "nb/essay": 3.0}, scores, pending)


def test_most_missed_leaves_out_manual_items_nobody_graded_yet_and_items_nobody_missed():
    table = _table()
    assert table.graded_means()["nb/essay"] == 1.0  # graded for one trainee only, who scored it in full
    assert table.most_missed(3) == [("nb/auto_a", 2 / 3), ("nb/auto_b", 2 / 3)]
    table.scores["cat"]["nb/essay"] = 1.5
    assert table.most_missed(3) == [("nb/essay", 0.5), ("nb/auto_a", 2 / 3), ("nb/auto_b", 2 / 3)]
    table.scores["cat"]["nb/essay"] = 0.0
    table.manual_pending["cat"] = {"nb/essay"}
    assert [item for item, _ in table.most_missed(3)] == ["nb/auto_a", "nb/auto_b"]
    table.scores = {name: {item: table.max_points[item] for item in row} for name, row in table.scores.items()}
    assert table.most_missed(3) == [] and table.why_none_missed().startswith("None: every graded item")
    table.manual_pending = {name: set(row) for name, row in table.scores.items()}
    assert table.most_missed(3) == [] and "waits for a grader" in table.why_none_missed()


def test_module_links_resolve_from_the_reports_folder(tmp_path):
    course = helpers.Course(tmp_path / "assignments")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "04-designing-learning.ipynb").write_text("{}")
    out = course.root / "reports" / "01-objectives"
    out.mkdir(parents=True)
    links = curriculum_links(course.root, "01-objectives", relative_to=out)
    assert links, "curriculum.yaml names a module for 01-objectives"
    for link in links.values():
        assert (out / link["path"]).resolve().exists(), link
        assert link["path"].startswith("../../../notebooks/")
    assert os.path.basename(links["*"]["path"]) == "04-designing-learning.ipynb"
