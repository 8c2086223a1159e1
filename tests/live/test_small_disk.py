"""The SQLite store on a real small disk: a trainee process in its own mount namespace gets a tmpfs of 2 MB, fills it,
and sees it turn read-only and writable again, while the real widgets answer.

Before the store bounded its write-ahead log, 74 answers filled such a disk and no answer went through again until
every connection closed; a connection opened while the disk was read-only stayed read-only after it was writable.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import helpers

SCRIPT = Path(__file__).with_name("_small_disk.py")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    if shutil.which("unshare") is None:
        helpers.skip_or_fail("TTT_REQUIRE_SANDBOX", "unshare is not installed (util-linux)")
    folder = tmp_path_factory.mktemp("small-disk")
    # a private mount namespace (in a user namespace: no privilege needed where the grading sandbox runs): the
    # tmpfs exists for this process only and goes with it
    probe = subprocess.run(["unshare", "-rm", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        helpers.skip_or_fail("TTT_REQUIRE_SANDBOX", f"cannot mount a small tmpfs here: {probe.stderr.strip()}")
    cmd = (f"mount -t tmpfs -o size=2m tmpfs {folder} && exec {sys.executable} {SCRIPT} {folder} 200")
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", cmd], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_small_disk_takes_every_answer_the_write_ahead_log_stays_small(run):
    bulk = run["bulk"]
    assert bulk["failures"] == [] and bulk["sent"] == 200
    assert bulk["wal_bytes"] <= 1_200_000  # checkpointed at 1 MB and truncated back, not SQLite's default 4 MB


def test_a_full_disk_is_explained_the_answer_kept_and_sent_once_there_is_room(run):
    full = run["full"]
    tries = len(full["sent"])  # the log's free space takes a few answers first
    assert full["sent"][-1] is False and full["state"] == "retrying" and full["pending"] == f"while full {tries - 1}"
    assert "is full" in full["message"] and "free some space" in full["message"] and "kept" in full["message"]
    assert full["retry"] is True and full["message_after"].startswith("Sent")


def test_a_store_opened_while_read_only_recovers_once_writable(run):
    ro = run["read_only"]
    assert ro["sent"] is False and ro["state"] == "retrying"
    assert "read-only" in ro["message"] and "kept" in ro["message"]
    assert ro["retry"] is True, ro["message_after"]
    stored = run["stored"]
    tries = len(run["full"]["sent"])
    assert stored["count"] == stored["distinct"] == 200 + tries + 1  # each answer once, none lost
    assert stored["tail"] == [f"while full {tries - 1}", "while read-only"]
