# Run inside each grading kernel (IPKernelApp.exec_files) before any of the submission's code.
# A guard, not a sandbox: a Python audit hook (PEP 578, Steve Dower 2018, "Runtime Audit Hooks") refuses to open,
# list, change or delete files of the course outside this submission's own folder, to write anywhere else than
# that folder or the temporary/cache folders, to start other programs and to signal other processes. Audit hooks cannot be removed from
# Python code once installed.
def _ttt_install_grading_guard():
    import os
    import sys
    import tempfile

    root = os.environ.get("TTT_GRADE_COURSE_ROOT")
    if not root:
        return
    real = os.path.realpath
    sep = os.sep
    root = real(root)
    own = real(os.getcwd())
    writable = [own, real(tempfile.gettempdir()), "/dev"]
    for name in ("IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR", "XDG_CACHE_HOME"):
        if os.environ.get(name):
            writable.append(real(os.environ[name]))
    home = os.path.expanduser("~")
    writable += [real(os.path.join(home, p)) for p in (".cache", ".ipython", ".config/matplotlib", ".matplotlib")]
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def inside(path, base):
        return path == base or path.startswith(base + sep)

    def refuse(path, what):
        raise PermissionError(f"Not allowed while grading: {what} {path!r} is outside this submission's folder.")

    def check(path, write, what):
        if path is None or isinstance(path, int):
            return
        try:
            full = real(os.fsdecode(path))
        except (TypeError, ValueError):
            return
        if inside(full, own):
            return
        # a cache folder inside the course (a course in the home folder) stays usable; /tmp holding the course does not
        # open the course
        if any(inside(full, base) and not inside(root, base) for base in writable):
            return
        if inside(full, root) or (write and not any(inside(full, base) for base in writable)):
            refuse(path, what)

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
        elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "pty.spawn"):
            raise PermissionError("Not allowed while grading: starting another program.")
        elif event in ("os.kill", "os.killpg") and args[0] != os.getpid():
            raise PermissionError("Not allowed while grading: sending a signal to another process.")

    sys.addaudithook(hook)


_ttt_install_grading_guard()
del _ttt_install_grading_guard
