"""ObservationChecklist: the core components of a module, marks with credit, and the score."""

import pytest

from ttt_widgets.models.observation import ObservationChecklist, checklist_modules, core_components


def test_every_checklist_module_is_a_kit_module():
    from ttt_widgets.models.pathway import KIT_MODULES

    assert set(checklist_modules()) <= set(KIT_MODULES) and len(checklist_modules()) >= 5


def test_score_is_mean_credit_over_marked_components():
    c = ObservationChecklist("07-formative-assessment", "ali", "kim", generation=2, observed_on="2025-04-01")
    assert c.score() is None and c.missing() == ["diagnostic", "peer-feedback", "adjust"]
    c.mark("diagnostic", "as-designed")
    c.mark("peer-feedback", "adapted")
    assert c.score() == 0.75 and not c.complete
    c.mark("adjust", "left-out")
    assert c.complete and c.score() == 0.5
    assert c.left_out() == ["Teaching changes with the result"]
    c.mark("adjust", None)
    assert c.score() == 0.75


def test_bad_component_mark_module_generation_are_refused():
    c = ObservationChecklist("05-facilitation-questions", "ali", "kim")
    with pytest.raises(ValueError, match="not a core component.*wait-time"):
        c.mark("think-pair-share", "as-designed")
    with pytest.raises(ValueError, match="not a mark"):
        c.mark("wait-time", "great")
    with pytest.raises(ValueError, match="no fidelity checklist.*05-facilitation-questions"):
        ObservationChecklist("99-nothing", "ali", "kim")
    with pytest.raises(ValueError, match="generation"):
        ObservationChecklist("05-facilitation-questions", "ali", "kim", generation=-1)


def test_round_trip():
    c = ObservationChecklist("05-facilitation-questions", "ali", "kim", 1, "2025-01-02", comment="good room")
    c.mark("wait-time", "adapted")
    again = ObservationChecklist.from_dict(c.as_dict())
    assert again.as_dict() == c.as_dict() and again.score() == 0.5
    assert [x["id"] for x in core_components("05-facilitation-questions")] == ["open-questions", "wait-time", "everyone"]
