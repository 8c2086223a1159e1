"""Peer feedback: rubric from content, both formats, aggregation over reviewers, Markdown export, bad input."""

import pytest

from ttt_widgets import FeedbackRubric
from ttt_widgets.loader import load_content


def _two_reviews():
    fb = FeedbackRubric("micro-teaching", round_title="Round 1: Sam on fire safety")
    fb.add_review("Ana", {"objective": 4, "engagement": 3, "check": 2}, up="Clear aim", down="Wait longer after questions")
    fb.add_review("Ben", {"objective": 3, "engagement": "2"}, format="2x2", comments={
        "content_positive": "Good example", "content_improve": "Too many slides",
        "delivery_positive": "Calm voice", "delivery_improve": "Face the group"})
    return fb


def test_rubric_comes_from_content_with_descriptors_for_every_point():
    data = load_content("rubrics", "micro-teaching")
    fb = FeedbackRubric()
    assert fb.criteria == data["criteria"] and fb.scale == (1, 4)
    for c in fb.criteria:
        assert set(c["descriptors"]) == {"1", "2", "3", "4"}
    assert set(fb.formats) == {"one-up-one-down", "2x2"}


def test_means_per_criterion_over_reviewers():
    summary = {s.id: s for s in _two_reviews().summary()}
    assert summary["objective"].mean == 3.5 and summary["objective"].n == 2
    assert (summary["objective"].minimum, summary["objective"].maximum) == (3, 4)
    assert summary["objective"].descriptor.startswith("A measurable objective")  # 3.5 rounds up to 4
    assert summary["engagement"].mean == 2.5
    assert summary["check"].mean == 2.0 and summary["check"].n == 1
    assert summary["structure"].mean is None and summary["structure"].n == 0


def test_all_comments_are_kept_grouped_by_prompt():
    comments = _two_reviews().comments()
    assert comments["up"] == [("Ana", "Clear aim")]
    assert comments["down"] == [("Ana", "Wait longer after questions")]
    assert comments["delivery_improve"] == [("Ben", "Face the group")]
    assert len(comments) == 6


def test_markdown_export():
    md = _two_reviews().to_markdown()
    assert md.startswith("# Feedback: Round 1: Sam on fire safety")
    assert "Reviewers: 2 (Ana, Ben)." in md
    assert "| Clear objective | 3.50 | 2 | 3-4 | A measurable objective was stated and revisited at the end. |" in md
    assert "| Structure and timing | - | 0 | - |  |" in md
    assert "- Face the group (Ben)" in md


def test_markdown_escapes_trainee_text():
    fb = FeedbackRubric()
    fb.add_review("<b>Eve</b>", {}, up="Used | pipes", down="*bold* claims")
    md = fb.to_markdown()
    assert "\\<b\\>Eve\\</b\\>" in md and "Used \\| pipes" in md and "\\*bold\\*" in md


@pytest.mark.parametrize("kwargs, message", [
    ({"reviewer": ""}, "empty"),
    ({"reviewer": "Ana"}, "already reviewed"),
    ({"reviewer": "ana"}, "already reviewed"),
    ({"scores": {"objective": 5}}, "from 1 to 4"),
    ({"scores": {"objective": 0}}, "from 1 to 4"),
    ({"scores": {"objective": "four"}}, "from 1 to 4"),
    ({"scores": {"objective": 2.5}}, "from 1 to 4"),
    ({"scores": {"charisma": 3}}, "not a criterion"),
    ({"up": ""}, "empty"),
    ({"down": "x" * 2001}, "2,001 characters"),
    ({"format": "3x3"}, "not a feedback format"),
    ({"comments": {"sideways": "x"}}, "not a comment"),
])
def test_bad_reviews_are_refused_and_earlier_reviews_kept(kwargs, message):
    fb = _two_reviews()
    args = {"reviewer": "Cy", "scores": {"objective": 2}, "up": "Good", "down": "Slower"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        fb.add_review(**args)
    assert [r.reviewer for r in fb.reviews] == ["Ana", "Ben"]


def test_remove_review_updates_the_aggregate():
    fb = _two_reviews()
    fb.remove_review("ana")
    assert [r.reviewer for r in fb.reviews] == ["Ben"]
    assert fb.summary()[0].mean == 3.0
    with pytest.raises(ValueError, match="no review by"):
        fb.remove_review("Zed")


def test_a_rubric_dict_is_validated():
    with pytest.raises(ValueError, match="criteria"):
        FeedbackRubric({"id": "x", "title": "X", "scale": {"min": 1, "max": 3}, "formats": {"a": {"name": "A", "prompts": {"p": "P"}}}})
    with pytest.raises(ValueError, match="lower to a higher"):
        FeedbackRubric({"id": "x", "title": "X", "scale": {"min": 3, "max": 3}, "formats": {"a": {"name": "A", "prompts": {"p": "P"}}},
                        "criteria": [{"id": "c", "name": "C", "description": "D", "descriptors": {"3": "d"}}]})
