"""TrainerPool: certification per module, generations, last taught, observation scores, whom to draw on, and the
roster CSV with row and column in every error."""

from datetime import date

import pytest

from ttt_widgets.models.pool import RosterCSVError, Trainer, TrainerPool

M = "05-facilitation-questions"


@pytest.fixture
def pool():
    p = TrainerPool(reobserve_every_days=365)
    p.add(Trainer("ana", "Ana", 0, modules={M, "07-formative-assessment"}, certified_on="2024-01-01"))
    p.add(Trainer("ben", "Ben", 1, "ana", {M}))
    p.add(Trainer("cy", "Cy", 1, "ana", {M}))
    p.add(Trainer("dee", "Dee", 2, "ben", {"07-formative-assessment"}))
    p.add(Trainer("eve", "Eve", 1, "ana"))  # not certified yet
    p.record_observation("ana", M, "2025-01-10", 0.9)
    p.record_observation("ben", M, "2025-02-01", 0.7)
    p.record_observation("ben", M, "2025-03-01", 0.9)
    p.record_observation("cy", M, "2023-06-01", 1.0)
    p.record_session("ana", M, "2025-05-01")
    p.record_session("ben", M, "2025-04-01")
    p.record_session("ben", M, "2025-07-01")  # a booking
    return p


def test_generations_certification_scores_and_last_taught(pool):
    assert pool.generations() == {0: 1, 1: 3, 2: 1}
    assert [t.id for t in pool.certified_for(M)] == ["ana", "ben", "cy"]
    assert pool.observation_score("ben") == pytest.approx(0.8) and pool.observation_score("eve") is None
    assert pool.last_taught("ben", today="2025-06-01") == date(2025, 4, 1)  # the July booking is not yet taught
    assert pool.last_taught("ben", today="2025-08-01") == date(2025, 7, 1)


def test_lineage_is_checked():
    p = TrainerPool([Trainer("ana", "Ana", 0)])
    with pytest.raises(ValueError, match="one generation below"):
        p.add(Trainer("bo", "Bo", 2, "ana"))
    with pytest.raises(ValueError, match="themselves"):
        p.add(Trainer("ana", "Ana", 1, "ana"))


def test_who_to_draw_on_for_a_date(pool):
    got = pool.available(M, "2025-06-10", today="2025-06-01")
    assert [c.trainer.id for c in got] == ["ana", "ben", "cy"]  # current by score (0.9, 0.8), then cy (stale)
    assert "due for re-observation" in got[-1].note
    booked = pool.available(M, "2025-07-01", today="2025-06-01")
    assert "ben" not in [c.trainer.id for c in booked]
    assert pool.available("09-evaluating-training", "2025-06-10") == []


def test_due_for_reobservation(pool):
    due = pool.due_for_reobservation(today="2025-06-01")
    assert [(t.id, seen) for t, seen in due] == [("dee", None), ("cy", date(2023, 6, 1))]


def test_roster_round_trip(pool, tmp_path):
    path = tmp_path / "roster.csv"
    text = pool.to_csv(path, today="2025-06-01")
    assert text.splitlines()[0] == ("id,name,generation,trained_by,modules,trained_on,certified_on,last_taught,"
                                    "last_observed,observation_score")
    assert "ben,Ben,1,ana,05-facilitation-questions,,,2025-04-01,2025-03-01,0.800" in text
    again = TrainerPool.from_csv(path)
    assert {t.id: (t.generation, t.trained_by, t.modules) for t in again.trainers.values()} == \
        {t.id: (t.generation, t.trained_by, t.modules) for t in pool.trainers.values()}


def test_a_name_that_looks_like_a_formula_is_defused_and_comes_back(tmp_path):
    p = TrainerPool([Trainer("x1", "=HYPERLINK(1)", 0)])
    text = p.to_csv()
    assert "'=HYPERLINK(1)" in text
    assert TrainerPool.from_csv("r.csv", text).trainers["x1"].name == "=HYPERLINK(1)"


@pytest.mark.parametrize("text, where", [
    ("id,name\nana,Ana\n", "row 1 (header): missing column(s) generation"),
    ("id,name,generation,generation\n", "row 1 (header): column(s) generation appear twice"),
    ("id,name,generation\nana,Ana,0\nbob,Bob,two\n", "row 3, column 'generation': 'two' is not a whole number"),
    ("id,name,generation\nana,Ana,11\n", "row 2, column 'generation'"),
    ("id,name,generation\nan a,Ana,0\n", "row 2, column 'id'"),
    ("id,name,generation\nana,,0\n", "row 2, column 'name': the name is empty"),
    ("id,name,generation,modules\nana,Ana,0,5-questions\n", "row 2, column 'modules'"),
    ("id,name,generation,certified_on\nana,Ana,0,2025-02-30\n", "row 2, column 'certified_on'"),
    ("id,name,generation,trained_on\nana,Ana,0,1/2/2025\n", "row 2, column 'trained_on': the training date"),
    ("id,name,generation,trained_by\nana,Ana,0,\nbo,Bo,2,ana\n", "row 3, column 'generation': bo is generation 2"),
    ("id,name,generation\nana,Ana,0\n\nana,Ann,1\n", "row 4, column 'id': 'ana' is already on row 2"),
])
def test_roster_errors_name_row_and_column(text, where):
    with pytest.raises(RosterCSVError) as info:
        TrainerPool.from_csv("roster.csv", text)
    assert str(info.value).startswith("roster.csv: ") and where in str(info.value)


def test_missing_roster_file(tmp_path):
    with pytest.raises(RosterCSVError, match="file not found"):
        TrainerPool.from_csv(tmp_path / "none.csv")
