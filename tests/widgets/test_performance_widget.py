"""The PerformanceCheck widget driven from Python: buttons, the example cases and the outcome shown."""

from ttt_widgets import PerformanceCheck


def test_buttons_walk_to_an_outcome_and_back():
    w = PerformanceCheck()
    assert "Question 1." in w._question.value and "worth the cost" in w._question.value
    assert w._back_btn.disabled and not w._yes.disabled
    w._yes.click()
    w._no.click()
    assert w.model.outcome["id"] == "clarify"
    assert w._yes.disabled and w._no.disabled and w._question.value == ""
    assert "Training is not the answer here." in w._result.value
    assert w._steps.value.count("<li>") == 2 and "<b>No</b>" in w._steps.value
    w._back_btn.click()
    assert "Question 2." in w._question.value and w._result.value == ""
    w._restart_btn.click()
    assert w.model.answers == [] and w._steps.value == ""


def test_an_example_case_is_shown_and_judged():
    w = PerformanceCheck()
    w._case.value = "new-software"
    assert "booking system" in w._case_text.value and w.model.case_id == "new-software"
    for a in w.model.case("new-software")["answers"]:
        (w._yes if a else w._no).click()
    assert "Training is the answer:" in w._result.value and "not the answer" not in w._result.value
    assert "This is where the case leads." in w._result.value
    w.choose_case("annual-check")
    assert w._case.value == "annual-check" and w.model.answers == []
    w.answer(False)
    assert "This case leads elsewhere" in w._result.value
    w.choose_case("")
    assert "Think of a problem" in w._case_text.value


def test_bad_calls_show_a_message_and_keep_the_walk():
    w = PerformanceCheck(case="forms")
    w.answer(False)
    w.answer(True)  # already finished
    assert "reached its outcome" in w._status.value and w.model.outcome["id"] == "leave-it"
    w.choose_case("nope")
    assert "no example case" in w._status.value and w.model.case_id == "forms"
    w.answer("perhaps")
    assert "answer yes or no" in w._status.value


def test_content_is_escaped():
    w = PerformanceCheck()
    data = w.model._data  # the cached walk is shared: change a copy
    question = {**data["questions"]["worth-it"], "text": "Is <b>this</b> worth it?"}
    w.model._data = {**data, "questions": {**data["questions"], "worth-it": question}}
    w.restart()
    assert "&lt;b&gt;this&lt;/b&gt;" in w._question.value and "<b>this</b>" not in w._question.value
    assert "<b>this</b>" not in PerformanceCheck()._question.value  # the shared walk is untouched
