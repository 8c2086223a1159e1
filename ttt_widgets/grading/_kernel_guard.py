# Run inside each grading kernel (IPKernelApp.exec_files) before any of the submission's code.
# A guard, not a sandbox: the sandbox (sandbox.py) is what contains a submission; this Python audit hook (PEP 578,
# Steve Dower 2018, "Runtime Audit Hooks") names what a submission tried, so that `ttt grade` can flag it even when
# the submission catches the error. It refuses to open, list, change or delete files of the course (and of the
# other protected folders: the gradebook's, Jupyter's runtime folder) outside this submission's own folder, to open
# a folder above the course (the start of a dir_fd walk), to write anywhere else than that folder or the temporary
# and cache folders, to plant IPython or Jupyter start-up files, to open the gradebook with sqlite3, to start or
# fork other programs, to signal other processes, to open network connections and to call native code through
# ctypes. Each refusal is also written, as one JSON line, to the grader's log (TTT_GUARD_FD or TTT_GUARD_LOG).
# Audit hooks cannot be removed from Python code once installed.
def _ttt_install_grading_guard():
    import json
    import os
    import sys
    import tempfile

    root = os.environ.get("TTT_GRADE_COURSE_ROOT")
    if not root:
        return
    import ctypes  # noqa: F401 - loaded (with its own dlopen) before the hook refuses native-code loading

    real = os.path.realpath
    sep = os.sep
    root = real(root)
    own = real(os.getcwd())
    protected = [root] + [real(p) for p in os.environ.get("TTT_GRADE_PROTECTED", "").split(os.pathsep) if p]
    writable = [own, real(tempfile.gettempdir()), "/dev"]
    for name in ("MPLCONFIGDIR", "XDG_CACHE_HOME"):
        if os.environ.get(name):
            writable.append(real(os.environ[name]))
    home = os.path.expanduser("~")
    writable += [real(os.path.join(home, p)) for p in (".cache", ".config/matplotlib", ".matplotlib")]
    startup = [real(os.path.join(home, p)) for p in (".ipython", ".jupyter", ".local/share/jupyter")]
    for name in ("IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR"):
        if os.environ.get(name):
            startup.append(real(os.environ[name]))
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    log_fd = None
    if os.environ.get("TTT_GUARD_FD", "").isdigit():
        log_fd = int(os.environ["TTT_GUARD_FD"])
    elif os.environ.get("TTT_GUARD_LOG"):
        try:
            log_fd = os.open(os.environ["TTT_GUARD_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError:
            log_fd = None
    for name in ("TTT_GUARD_FD", "TTT_GUARD_LOG"):
        os.environ.pop(name, None)

    def inside(path, base):
        return path == base or path.startswith(base.rstrip(sep) + sep)

    def refuse(message):
        if log_fd is not None:
            try:
                os.write(log_fd, (json.dumps({"refused": message}) + "\n").encode())
            except OSError:
                pass
        raise PermissionError(f"Not allowed while grading: {message}")

    def check(path, write, what):
        if path is None or isinstance(path, int):
            return
        try:
            full = real(os.fsdecode(path))
        except (TypeError, ValueError):
            return
        if write and any(inside(full, base) for base in startup):
            refuse(f"{what} {path!r}: planting IPython or Jupyter start-up files.")
        if inside(full, own):
            return
        if not write and what == "opening" and inside(root, full) and root != full and os.path.isdir(full):
            refuse(f"{what} {path!r}: a folder above the course.")
        # a cache folder inside the course (a course in the home folder) stays usable; /tmp holding the course does not
        # open the course
        if any(inside(full, base) and not inside(root, base) for base in writable):
            return
        if any(inside(full, p) for p in protected) or (write and not any(inside(full, base) for base in writable)):
            refuse(f"{what} {path!r} is outside this submission's folder.")

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            if mode is not None:
                write = any(ch in str(mode) for ch in "wax+")
            else:
                write = bool((flags or 0) & write_flags)
            check(path, write, "opening")
        elif event in ("os.listdir", "os.scandir"):
            check(args[0], False, "listing")
        elif event in ("os.remove", "os.rmdir", "os.mkdir", "os.truncate", "os.chmod", "os.chown", "os.utime",
                       "shutil.rmtree", "os.link", "os.symlink", "os.rename"):
            for path in args:
                if isinstance(path, (str, bytes, os.PathLike)):
                    check(path, True, "changing")
        elif event == "sqlite3.connect":
            database = args[0] if args else None
            if isinstance(database, (str, bytes, os.PathLike)) and os.fsdecode(database) not in ("", ":memory:"):
                check(database, True, "opening the database")
        elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "pty.spawn",
                       "os.fork", "os.forkpty"):
            refuse("starting another program or process.")
        elif event in ("os.kill", "os.killpg") and args[0] != os.getpid():
            refuse("sending a signal to another process.")
        elif event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            refuse("opening a network connection.")
        elif event in ("ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.cdata",
                       "ctypes.cdata/buffer", "ctypes.call_function"):
            refuse("calling native code through ctypes.")

    sys.addaudithook(hook)


_ttt_install_grading_guard()
del _ttt_install_grading_guard
