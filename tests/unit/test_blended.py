"""Blended programmes: totals, cost per learner and share of practice, worked out by hand."""

import pytest

from ttt_widgets import BlendedProgramme
from ttt_widgets.loader import list_content
from ttt_widgets.models.blended import COMPONENT_KINDS, compare


def test_totals_by_hand():
    p = BlendedProgramme("Pilot", learners=10, components=[
        {"kind": "self-paced online", "hours": 4, "fixed_cost": 500, "cost_per_learner": 10},
        {"kind": "classroom", "hours": 6, "fixed_cost": 2000},
        {"kind": "on-the-job practice", "hours": 8},
        {"kind": "mentoring", "hours": 2, "cost_per_learner": 100, "learners": 5},
    ])
    # cost: 500 + 100 + 2000 + 0 + 5 * 100 = 3100; learner-hours: 40 + 60 + 80 + 10 = 190
    assert p.total_cost == 3100 and p.cost_per_learner == 310
    assert p.learner_hours == 190 and p.hours_per_learner == 19
    assert p.practice_share == pytest.approx(90 / 190)
    assert p.hours_by_kind()["mentoring"] == 1.0


def test_empty_programme_has_no_practice():
    p = BlendedProgramme("Empty", 5)
    assert p.practice_share == 0 and p.total_cost == 0


def test_compare_rows_side_by_side():
    a = BlendedProgramme.from_content("classroom-heavy")
    b = BlendedProgramme.from_content("practice-first")
    rows = {k: (x, y) for k, x, y in compare(a, b)}
    assert rows["cost per learner"] == (a.cost_per_learner, b.cost_per_learner)
    assert rows["practice share"][0] == 0 and rows["practice share"][1] > 0.4
    assert all(f"hours: {k}" in rows for k in COMPONENT_KINDS)


@pytest.mark.parametrize("name", list_content("blended-designs"))
def test_packaged_designs_load(name):
    assert BlendedProgramme.from_content(name).total_cost > 0


@pytest.mark.parametrize("component, message", [
    ({"kind": "podcast", "hours": 1}, "kind must be one of"),
    ({"kind": "classroom", "hours": -1}, "hours must be between 0"),
    ({"kind": "classroom", "hours": "two"}, "hours must be a number"),
    ({"kind": "classroom", "hours": 1, "fixed_cost": -10}, "fixed cost"),
    ({"kind": "classroom", "hours": 1, "cost_per_learner": float("inf")}, "cost per learner must be a number"),
    ({"kind": "mentoring", "hours": 1, "learners": 50}, "more than the 10"),
    ({"kind": "mentoring", "hours": 1, "learners": -1}, "learners must be"),
])
def test_bad_components_are_refused_and_the_design_kept(component, message):
    p = BlendedProgramme("P", 10, [{"kind": "classroom", "hours": 3}])
    with pytest.raises(ValueError, match=message):
        p.add(component)
    assert len(p.components) == 1


@pytest.mark.parametrize("name, learners, message", [("", 10, "name"), ("P", 0, "learners"), ("P", 2.5, "learners")])
def test_bad_programmes(name, learners, message):
    with pytest.raises(ValueError, match=message):
        BlendedProgramme(name, learners)
