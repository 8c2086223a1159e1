"""Participant identity, joining a session, the default store and ``ttt doctor``'s check."""

from __future__ import annotations

import pytest

from ttt_widgets import live
from ttt_widgets.live import identity
from ttt_widgets.live.store import SCHEMA_VERSION


@pytest.fixture(autouse=True)
def _forget_session():
    identity.leave()
    identity._stores.clear()
    yield
    identity.leave()
    identity._stores.clear()


def test_pseudonym_is_stable_and_kept_in_the_data_directory(data_dir, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    first = live.participant_id()
    assert first.startswith("anon-") and first == live.participant_id()
    assert (data_dir / "participant-id").read_text().strip() == first


def test_jupyterhub_user_is_the_participant(monkeypatch, data_dir):
    monkeypatch.setenv("JUPYTERHUB_USER", "trainee07")
    assert live.participant_id() == "trainee07"


def test_join_checks_the_code_and_the_default_store_lives_in_the_data_directory(data_dir):
    store = live.get_store()
    assert str(data_dir) in str(store.url)
    code = store.open_session("Afternoon")
    assert live.join(f"  {code.lower()} ") == "Afternoon"
    assert live.current_session() == code
    with pytest.raises(live.UnknownSession, match="check the code"):
        live.join("ZZZZZZ")
    assert live.current_session() == code  # a typo does not drop the session already joined


def test_ttt_session_environment_variable_joins(data_dir, monkeypatch):
    monkeypatch.setenv("TTT_SESSION", "ab12cd")
    assert live.current_session() == "AB12CD"


def test_doctor_check_describes_the_store(data_dir, monkeypatch):
    assert "SQLite" in live.doctor_check() and f"schema {SCHEMA_VERSION}" in live.doctor_check()
    monkeypatch.setenv("TTT_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(live.StoreError):
        live.doctor_check()


def test_import_ttt_widgets_does_not_import_sqlalchemy():
    import subprocess
    import sys

    code = "import sys, ttt_widgets, ttt_widgets.live; print('sqlalchemy' in sys.modules, 'ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
