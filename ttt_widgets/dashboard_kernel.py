"""The kernel of the dashboards that ``ttt present`` serves: ipykernel, with its error reports kept in the server's
log instead of sent to the page.

Whoever opens a dashboard can send its kernel any comm message. ipykernel logs one it cannot handle (a target that
does not exist, a widget state that does not validate, a protocol version it does not know) with a Python traceback
to the kernel's stderr, and ipykernel forwards everything written to stderr, down to the file descriptor, to every
page connected to the kernel: a visitor could read the kit's file paths and library versions by sending bad messages.
An exception in a widget's callback (a click a visitor can send too) went out the same way, as an ``error`` message
with the whole traceback. Here the file descriptors are not forwarded and the log goes to the process's own stderr,
so both land in the server's log (where the lead's terminal shows them); the page sees the comm closed, or an error
with one plain sentence instead of the traceback.

Voila finds this kernel as ``python3`` because ``ttt present`` puts the kit's ``templates`` folder first on
``JUPYTER_PATH`` (``templates/kernels/python3/kernel.json``); trainees' JupyterLab kernels are not affected.
"""

from __future__ import annotations

import logging
import os
import re
import sys

#: what a page is told instead of a traceback
HIDDEN_TRACEBACK = "The dashboard hit an error; the details are in the log of the server (ttt present)."


def server_log_handler() -> logging.Handler:
    """Python's logging without a handler of its own writes to ``sys.stderr`` as it is at that moment: in a kernel,
    the stream forwarded to the page. This handler writes to the process's own stderr, the server's log."""
    handler = logging.StreamHandler(sys.__stderr__)
    handler.setFormatter(logging.Formatter("[dashboard kernel %(process)d] %(levelname)s %(name)s: %(message)s"))
    return handler


def keep_tracebacks_in_the_log(shell) -> None:
    """Tracebacks the shell would publish (a failing cell or widget callback) go to the server's log; the page gets
    the exception's type and :data:`HIDDEN_TRACEBACK`."""
    publish = shell._showtraceback

    def _showtraceback(etype, evalue, stb):
        text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(stb))  # without the terminal colours
        sys.__stderr__.write(f"[dashboard kernel {os.getpid()}] {text}\n")
        sys.__stderr__.flush()
        publish(etype, "", [HIDDEN_TRACEBACK])

    shell._showtraceback = _showtraceback


def main(argv: list[str] | None = None) -> None:
    from ipykernel.kernelapp import IPKernelApp

    class DashboardKernelApp(IPKernelApp):
        def init_shell(self):
            super().init_shell()
            keep_tracebacks_in_the_log(self.shell)

    logging.getLogger().addHandler(server_log_handler())  # ipykernel's and the comm package's loggers end here
    # without fd capture, what the process writes to its stderr stays there (ipykernel forwards it to the page)
    DashboardKernelApp.launch_instance(argv if argv is not None else sys.argv[1:], capture_fd_output=False)


if __name__ == "__main__":  # pragma: no cover - started by Voila through the kernelspec
    main()
