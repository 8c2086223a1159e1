"""The teaching-demo rubrics and the fidelity checklists: the rules they encode, and clear errors for broken ones."""

import pytest

from ttt_widgets.loader import ContentError, list_content, load_content, validate_content


def test_both_checkout_rubrics_ship():
    assert {"carpentries-checkout", "ttt-presentation"} <= set(list_content("demo-rubrics"))


def test_carpentries_checkout_rule():
    r = load_content("demo-rubrics", "carpentries-checkout")
    assert [m["id"] for m in r["marks"]] == ["positive", "growth"]
    assert {s["feedback_area"] for s in r["sections"]} == {"content", "delivery"}
    assert r["redo_rule"]["weights"] == {"growth": 1} and r["redo_rule"]["redo_at"] == 3
    assert r["deadline_days"] == 90 and r["demo_minutes"] == 5


def test_ttt_presentation_rubric_parts():
    r = load_content("demo-rubrics", "ttt-presentation")
    assert [m["id"] for m in r["marks"]] == ["yes", "iffy", "no"]  # YAML 1.2 booleans: "yes" and "no" stay text
    assert [s["id"] for s in r["sections"]] == ["opening", "content", "delivery", "closing"]
    assert "kit's choice" in r["description"]  # the redo rule is ours, not the source's, and says so


@pytest.mark.parametrize("name", list_content("demo-rubrics"))
def test_rubric_items_unique_cited_and_rule_refers_to_marks(name):
    r = load_content("demo-rubrics", name)
    ids = [i["id"] for s in r["sections"] for i in s["items"]]
    assert len(ids) == len(set(ids))
    assert set(r["redo_rule"]["weights"]) <= {m["id"] for m in r["marks"]}
    assert r["sources"] and all(len(s) > 20 for s in r["sources"])


def test_fidelity_checklists_have_unique_components_and_marks_with_credit():
    data = load_content("fidelity-checklists", "kit-modules")
    assert {m["id"]: m["credit"] for m in data["marks"]} == {"as-designed": 1, "adapted": 0.5, "left-out": 0}
    for module in data["modules"]:
        ids = [c["id"] for c in module["components"]]
        assert len(ids) == len(set(ids)), module["id"]


def test_a_broken_rubric_names_the_item_and_field():
    r = load_content("demo-rubrics", "carpentries-checkout")
    del r["sections"][1]["items"][2]["look_for"]
    with pytest.raises(ContentError) as info:
        validate_content(r, "demo-rubrics", "my-rubric.yaml")
    assert "my-rubric.yaml" in str(info.value) and "'narrate'" in str(info.value) and "look_for" in str(info.value)
    r = load_content("demo-rubrics", "carpentries-checkout")
    r["marks"][1]["tone"] = "bad"
    with pytest.raises(ContentError, match="tone"):
        validate_content(r, "demo-rubrics", "my-rubric.yaml")
