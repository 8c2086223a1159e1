"""A trainee kernel on a small disk of its own: run by test_small_disk.py inside a private mount namespace, where
FOLDER is a tmpfs of a few megabytes that this process may fill and reach through a mount it turns read-only and
writable again.

Usage: python _small_disk.py FOLDER ANSWERS
Prints one JSON object: what the real widgets said and what the store kept at each step.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

folder, answers = Path(sys.argv[1]), int(sys.argv[2])
os.environ["TTT_DATA_DIR"] = str(folder / "data")
from ttt_widgets.live import ResponseStore, WordWall  # noqa: E402

url = f"sqlite:///{folder / 'live.sqlite'}"
wal = folder / "live.sqlite-wal"
lead = ResponseStore(url, timeout=0.2)  # the lead's dashboard: its connections stay open all along
code = lead.open_session("Small disk")
lead.add_question(code, "Word", "words")
out = {}

# 1. many answers on a disk smaller than SQLite's default write-ahead log (4 MB before a checkpoint)
wall = WordWall("Word", store=ResponseStore(url, timeout=0.2), session=code)
sent, biggest, failures = 0, 0, []
for i in range(answers):
    if wall.submit(f"answer {i:04d} " + "x" * 300):
        sent += 1
    else:
        failures.append(wall.message)
        if len(failures) == 3:
            break
    lead.revision(code)  # the dashboard reads between answers, as it polls
    biggest = max(biggest, wal.stat().st_size if wal.exists() else 0)
out["bulk"] = {"sent": sent, "wal_bytes": biggest, "failures": failures}


# 2. the disk filled by something else: the answer is kept, the message says why; sent once there is room
def fill(path: Path) -> None:
    with open(path, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass


fill(folder / "filler")
full = []
for i in range(300):  # the log's free space is used first
    full.append(wall.submit(f"while full {i}"))
    if not full[-1]:
        break
out["full"] = {"sent": full, "state": wall.state, "message": wall.message, "pending": wall.pending}
(folder / "filler").unlink()
out["full"]["retry"] = wall.retry()
out["full"]["message_after"] = wall.message


# 3. the store read-only when a new kernel starts (its folder reached through a read-only mount), then writable
#    again: the same widget sends without a restart of the kernel
view = folder / "view"
view.mkdir()
subprocess.run(["mount", "--bind", str(folder), str(view)], check=True)
subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
late = WordWall("Word", store=ResponseStore(f"sqlite:///{view / 'live.sqlite'}", timeout=0.2), session=code)
out["read_only"] = {"sent": late.submit("while read-only"), "state": late.state, "message": late.message}
subprocess.run(["mount", "-o", "remount,bind,rw", str(view)], check=True)
out["read_only"]["retry"] = late.retry()
out["read_only"]["message_after"] = late.message

history = [h["value"] for h in lead.history(code, "Word")]
out["stored"] = {"count": len(history), "distinct": len(set(history)),
                 "tail": history[-2:]}
print(json.dumps(out))
