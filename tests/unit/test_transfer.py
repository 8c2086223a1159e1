"""The transfer plan: the grid of roles and stages from content, one action per box, and the checks with messages."""

import pytest

from ttt_widgets import TransferPlan
from ttt_widgets.loader import list_content, load_content
from ttt_widgets.models.transfer import transfer_grid


def _ids(plan, ok):
    return [c.id for c in plan.checks() if c.ok is ok]


def test_the_grid_is_three_roles_by_three_stages_with_an_example_in_every_box():
    g = transfer_grid()
    assert [r["id"] for r in g["roles"]] == ["manager", "trainer", "trainee"]
    assert [s["id"] for s in g["stages"]] == ["before", "during", "after"]
    assert len(g["boxes"]) == 9 and all(g["examples"][b] for b in g["boxes"])
    assert any(s.startswith("Broad, M. L., & Newstrom, J. W. (1992)") for s in g["sources"])


def test_an_empty_plan_fails_every_check_and_says_what_to_add():
    plan = TransferPlan()
    assert plan.filled == 0 and _ids(plan, True) == []
    assert any("manager briefing" in m for m in plan.problems)
    assert any("action plan" in m for m in plan.problems)


def test_each_check_passes_when_its_boxes_are_filled():
    plan = TransferPlan()
    plan.set("manager", "before", "Brief the trainee")
    assert _ids(plan, True) == ["manager-briefing"]
    plan.set("trainer", "during", "End with an action plan")  # 'any' of trainee/trainer during
    assert "action-plan" in _ids(plan, True)
    plan.set("trainee", "after", "Use the job aid")
    plan.set("manager", "after", "Ask what they tried")
    assert _ids(plan, False) == ["every-stage"]
    for role in ("manager", "trainer", "trainee"):
        for stage in ("before", "during", "after"):
            if not plan.get(role, stage):
                plan.set(role, stage, plan.example(role, stage))
    assert plan.problems == () and plan.filled == 9
    plan.set("manager", "before", "   ")  # clearing a box fails its check again
    assert "manager-briefing" in _ids(plan, False)


def test_bad_input_is_refused_and_the_box_is_kept():
    plan = TransferPlan()
    plan.set("trainee", "during", "Write an action plan")
    with pytest.raises(ValueError, match="limit is 300"):
        plan.set("trainee", "during", "x" * 301)
    with pytest.raises(ValueError, match="must be text"):
        plan.set("trainee", "during", 42)
    with pytest.raises(ValueError, match="no box for role 'boss'.*roles: manager, trainer, trainee"):
        plan.set("boss", "before", "Brief")
    assert plan.get("trainee", "during") == "Write an action plan"


def test_markdown_table_escapes_pipes_and_newlines():
    plan = TransferPlan()
    plan.set("manager", "before", "Ask | agree\nthe first case")
    md = plan.to_markdown().splitlines()
    assert md[0] == "| | Before | During | After |" and len(md) == 5
    assert md[2] == "| Manager | Ask \\| agree the first case |  |  |"


def test_a_grid_whose_checks_name_unknown_boxes_is_refused(monkeypatch):
    import ttt_widgets.loader as loader
    from ttt_widgets.models import transfer

    bad = load_content("transfer-plans", "broad-newstrom")
    bad["checks"][0]["boxes"] = ["boss-before"]
    monkeypatch.setattr(loader, "load_content", lambda kind, name: bad)
    transfer._load.cache_clear()
    try:
        with pytest.raises(ValueError, match="unknown boxes boss-before"):
            transfer._load("broad-newstrom")
        del bad["examples"]["manager-before"]
        bad["checks"][0]["boxes"] = ["manager-before"]
        with pytest.raises(ValueError, match="missing: manager-before"):
            transfer._load("broad-newstrom")
    finally:
        transfer._load.cache_clear()


def test_every_packaged_grid_loads():
    for name in list_content("transfer-plans"):
        assert transfer_grid(name)["checks"]
