"""A trainee process for the concurrency tests: waits for the start signal, then submits answers one by one.

Usage: python _writer.py URL CODE QUESTION PREFIX COUNT GO_FILE
Prints "ok <participant>" after each answer the store confirmed.
"""

import os
import sys
import time

url, code, question, prefix, count, go = sys.argv[1:7]
from ttt_widgets.live import ResponseStore  # noqa: E402

store = ResponseStore(url)
store.revision(code)  # connect and check the session before the start signal
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.005)
for i in range(int(count)):
    participant = f"{prefix}-{i}"
    store.submit(code, question, participant, f"answer {i} from {prefix}")
    print(f"ok {participant}", flush=True)
