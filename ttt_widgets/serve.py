"""Start the kit's servers: JupyterLab for trainees and Voila for workshop leads.

``ttt workshop`` runs both; ``ttt present`` runs Voila alone. Both use :func:`voila_command`, so the leads' pages
look and behave the same whichever command served them.

The Voila side is not the stock ``voila`` command but :func:`main` below (``python -m ttt_widgets.serve``), a thin
subclass of Voila's application that

- renders with the kit's own template (``ttt_widgets/templates/voila/templates/ttt``, shipped as package data):
  no external links, no code, one light theme with a large-type option for projectors;
- removes facilitator-only cells (tag ``skip-voila``) before they run, with nbconvert's ``TagRemovePreprocessor``;
- serves the live service (``ttt_widgets.live.service``): the HTTP API that trainees' widgets and phones answer
  through, and the phone page at ``/join``; only this process holds the response store's URL;
- reclaims the kernels of pages that went without a word and bounds the pages of each dashboard
  (``ttt_widgets.dashboard_kernels``), and gzips what the pages load;
- refuses, with 404, every request that would reach outside the dashboards folder: ``..`` and encoded ``..``
  segments, absolute paths, hidden files, symlinks whose target lies outside the folder, and the course's private
  files (``nbgrader_config.py``, gradebooks, SQLite stores) even when they sit inside it.
"""

from __future__ import annotations

import inspect
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

__all__ = [
    "find_notebooks_dir", "lab_command", "voila_command", "run_servers", "Server", "new_token",
    "is_servable", "exposure_advice", "present_token", "token_env", "host_checker", "present_url", "is_loopback", "TEMPLATE_NAME", "FACILITATOR_TAG", "main",
]


#: the JupyterLab extensions a dashboard page loads
VOILA_EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8")
#: the kit's Voila template (``templates/voila/templates/<name>`` inside this package)
TEMPLATE_NAME = "ttt"
#: cells with this tag are for the facilitator in JupyterLab and never reach a dashboard
FACILITATOR_TAG = "skip-voila"
#: the environment variable that carries the lead's token to the server process (read once, then removed)
TOKEN_VAR = "TTT_PRESENT_TOKEN"
#: kernels (open pages) per dashboard at most; a kernel's seconds without any page; seconds idle without any page
MAX_PAGES, ORPHAN_TIMEOUT, IDLE_TIMEOUT = 6, 120, 3600
#: the folder that plays the part of a Jupyter data directory for the kit's template
TEMPLATE_ROOT = Path(__file__).resolve().parent / "templates"
#: the dashboards' front end, built from frontend/ into the template's static folder
FRONT_END = TEMPLATE_ROOT / "voila" / "templates" / TEMPLATE_NAME / "static" / "ttt-dashboard.js"
#: the buttons' icons (Font Awesome 4.7), which the front end's script asks for when a page shows one
ICONS_FONT = FRONT_END.with_name("ttt-icons.woff2")

#: file names never served, even inside the dashboards folder (fnmatch-style, compared lower-case)
PRIVATE_NAMES = re.compile(
    r"""^(nbgrader_config\.py      # the course configuration
        |gradebook.*              # nbgrader's gradebook, whatever its suffix
        |.*\.(db|sqlite|sqlite3|db-journal|db-wal|db-shm|sqlite-journal|sqlite-wal|sqlite-shm)  # SQLite files
        |.*\.(py|pyc|pyo|cfg|ini|toml|env|log|key|pem)  # code, configuration and secrets
        )$""",
    re.VERBOSE | re.IGNORECASE,
)
NOT_FOUND_PAGE = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>"
                  "<body><h1>404: Not found</h1><p>There is no dashboard at this address.</p>"
                  "<p><a href=\"/\">Back to the dashboards</a></p></body></html>")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def find_notebooks_dir(start: Path | None = None) -> Path:
    """The curriculum folder: ``TTT_NOTEBOOKS`` or ``./notebooks`` (from the kit's checkout)."""
    from .config import env

    configured = env("NOTEBOOKS")
    path = Path(configured).expanduser() if configured else (start or Path.cwd()) / "notebooks"
    if not path.is_dir():
        raise FileNotFoundError(
            f"no notebooks folder at {path}: run this from the kit's folder (where README.md is), "
            "or set TTT_NOTEBOOKS to the folder that holds the lessons"
        )
    return path.resolve()


def lab_command(root: Path, port: int = 8888, ip: str = "127.0.0.1", token: str | None = None) -> list[str]:
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        # a classroom is often offline: no news pop-up, no update check against the internet
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if token is not None:
        cmd.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI run as root; Jupyter refuses without this
        cmd.append("--ServerApp.allow_root=True")
    return cmd


def voila_command(dashboards: Path, port: int = 8866, ip: str = "127.0.0.1", extra: list[str] | None = None, *,
                  preheat: bool = True, pool_size: int = 1, large_type: bool = False, max_pages: int = MAX_PAGES,
                  orphan_timeout: int = ORPHAN_TIMEOUT, idle_timeout: int = IDLE_TIMEOUT) -> list[str]:
    """The command line that serves ONLY ``dashboards`` with the kit's hardened Voila.

    Sources stripped, tracebacks hidden, the kit's template (no override from the URL), facilitator cells removed,
    and with ``preheat`` one kernel per dashboard already run and waiting (Voila's kernel pool), so a page opens
    without waiting for its notebook to execute. Kernels are reclaimed (``ttt_widgets.dashboard_kernels``): a
    kernel no page has been connected to for ``orphan_timeout`` seconds, or that did nothing for ``idle_timeout``
    seconds with no page connected, is shut down; each dashboard has at most ``max_pages`` kernels (0: no limit).

    >>> cmd = voila_command(Path("notebooks/dashboards"), port=8866)
    >>> cmd[1:3], "--Voila.ip=127.0.0.1" in cmd
    (['-m', 'ttt_widgets.serve'], True)
    """
    cmd = [
        sys.executable, "-m", "ttt_widgets.serve",
        str(dashboards),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--Voila.port_retries=0",
        f"--template={TEMPLATE_NAME}",
        "--theme=light",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.classic_tree=True",
        # only the widget front end: other lab extensions (nbgrader's, for one) fail outside JupyterLab
        *(f"--VoilaConfiguration.extension_allowlist={name}" for name in VOILA_EXTENSIONS),
    ]
    cmd += [
        "--VoilaConfiguration.multi_kernel_manager_class=ttt_widgets.dashboard_kernels.DashboardKernelManager",
        f"--DashboardKernelManager.orphan_timeout={int(orphan_timeout)}",
        f"--MappingKernelManager.cull_idle_timeout={int(idle_timeout)}",
        f"--MappingKernelManager.cull_interval={max(1, min(30, int(orphan_timeout) // 3 or 30))}",
        "--MappingKernelManager.cull_connected=False",  # a page still open keeps its kernel
        f"--PresentVoila.max_pages={int(max_pages)}",
    ]
    if preheat and pool_size > 0:
        cmd += ["--preheat_kernel=True", f"--pool_size={int(pool_size)}"]
    if large_type:
        cmd.append("--VoilaConfiguration.resources=ttt_large_type=1")
    return [*cmd, *(extra or [])]


def token_env(token: str | None) -> dict[str, str]:
    """The environment that gives the dashboards' server its token: never on the command line, where ``ps`` shows
    it to every user of the machine."""
    return {TOKEN_VAR: token} if token else {}


def exposure_advice(ip: str, token: str | None) -> str | None:
    """What to tell the lead when the dashboards are reachable from other machines (None on loopback)."""
    if ip in _LOOPBACK:
        return None
    lines = [f"The dashboards listen on {ip}: other machines on that network can reach them."]
    if token:
        lines.append("Each visitor needs the token in the URL above; share it only with the workshop leads.")
    else:
        lines.append("No token is set: anyone who can reach this address can open them. Add --token.")
    lines.append("Over an untrusted network, put them behind HTTPS (a reverse proxy), or run them as a JupyterHub "
                 "service so that the hub's login protects them.")
    return "\n".join(lines)


def is_loopback(ip: str) -> bool:
    return ip in _LOOPBACK


def present_token(ip: str, token: str | None) -> str | None:
    """The Voila token: as given; none on this machine only; a new random one when other machines can connect."""
    if token is not None:
        return token or None
    return None if ip in _LOOPBACK else new_token()


def present_url(ip: str, port: int, token: str | None = None) -> str:
    host = f"[{ip}]" if ":" in ip else ip
    return f"http://{host}:{port}/" + (f"?token={token}" if token else "")


# -- what may be served -------------------------------------------------------------------------------------------
def is_servable(root: Path, relative: str) -> bool:
    """True when ``relative`` (a URL path already percent-decoded once) names something inside ``root`` that the
    dashboards server may read: no ``..``/``.`` segments (also after a second decoding), not absolute, no hidden
    parts, not a private course file, and, after resolving symlinks, still inside ``root``.

    >>> is_servable(Path("."), "run-sheet.ipynb"), is_servable(Path("."), "../nbgrader_config.py")
    (True, False)
    """
    if any(ch in relative for ch in ("\x00", "\\")) or relative.startswith(("/", "~")):
        return False
    text = relative
    for _ in range(3):  # reject double and triple encodings of the same tricks
        parts = [p for p in text.split("/") if p]
        if any(p in (".", "..") or p.startswith(".") or p.startswith("~") for p in parts):
            return False
        decoded = unquote(text)
        if decoded == text:
            break
        if decoded.startswith("/") or "\\" in decoded or "\x00" in decoded:
            return False
        text = decoded
    if parts and PRIVATE_NAMES.match(parts[-1]):
        return False
    if re.match(r"^[A-Za-z]:", relative):  # a Windows drive
        return False
    root = Path(root).resolve()
    try:
        target = (root / relative).resolve()
    except (OSError, RuntimeError):  # symlink loops
        return False
    return target == root or target.is_relative_to(root)


def _raw_path_is_safe(raw_path: str) -> bool:
    """The whole request path, still percent-encoded: no dot segments, backslashes or NULs at any decoding depth."""
    text = raw_path
    for _ in range(4):
        if "\\" in text or "\x00" in text:
            return False
        if any(p in (".", "..") for p in text.split("/")):
            return False
        decoded = unquote(text)
        if decoded == text:
            return True
        text = decoded
    return False


# -- the hardened Voila application (runs in its own process: python -m ttt_widgets.serve) -------------------------
def host_checker(ip: str, extra: str | None = None):
    """Which ``Host`` headers the server answers: on 127.0.0.1, only this machine's names for itself; on a network
    address, IP addresses and this machine's own names, plus ``TTT_ALLOWED_HOSTS`` (comma-separated) and the host of
    ``TTT_PUBLIC_URL``. Any other name is a DNS-rebinding page pointing a name it controls at this server.

    >>> allowed = host_checker("127.0.0.1")
    >>> allowed("localhost:8866"), allowed("127.0.0.1:8866"), allowed("evil.example:8866")
    (True, True, False)
    """
    import ipaddress
    import socket
    from urllib.parse import urlsplit

    from .config import env

    names = {"localhost", "127.0.0.1", "::1"}
    network = not is_loopback(ip)
    if network:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    for name in (extra or env("ALLOWED_HOSTS") or "").split(","):
        if name.strip():
            names.add(name.strip().lower())
    public = env("PUBLIC_URL")
    if public:
        names.add((urlsplit(public).hostname or "").lower())

    def allowed(host: str | None) -> bool:
        if not host:
            return False
        name = urlsplit("//" + host).hostname or ""
        if name.lower() in names:
            return True
        if network:
            try:
                ipaddress.ip_address(name)
                return True
            except ValueError:
                return False
        return False

    return allowed


def _harden(handlers: list, root: Path, allowed_host=None, pages=None) -> list:
    """Wrap every handler so that it refuses unsafe paths (and, with ``allowed_host``, foreign Host headers);
    file-reading handlers also check their path argument. The login page's logout handler is replaced by one that
    works without jupyter_server's page templates (the stock one answers 500 here). With ``pages`` (a
    ``dashboard_kernels.PageLimit``), a dashboard that already has its share of open pages answers 429 and says why."""
    file_patterns = ("/voila/render/", "/voila/tree", "/voila/files/", "/voila/api/contents")

    def refuse(handler) -> None:
        # answered here, before the handler's own set-up (login, templates) runs: a fixed page, nothing echoed back
        handler.clear()
        handler.set_status(404)
        handler.set_header("Content-Type", "text/html; charset=utf-8")
        handler.set_header("Cache-Control", "no-store")
        handler.finish(NOT_FOUND_PAGE)

    def guarded(cls, checks_argument: bool, pattern: str):
        def prepare(self, *args, **kwargs):
            if allowed_host is not None and not allowed_host(self.request.host):
                self.clear()
                self.set_status(403)
                self.set_header("Content-Type", "text/plain; charset=utf-8")
                return self.finish("This server answers only to its own address (set TTT_ALLOWED_HOSTS to add one).")
            if not _raw_path_is_safe(self.request.path):
                return refuse(self)
            if checks_argument:
                relative = relative_path(self)
                if relative and not is_servable(root, relative):
                    return refuse(self)
            if sets_xsrf and pages is not None and self.request.method == "GET":
                name = relative_path(self)
                if not pages.begin(name):
                    self.clear()
                    self.set_status(429)
                    self.set_header("Content-Type", "text/html; charset=utf-8")
                    self.set_header("Cache-Control", "no-store")
                    self.set_header("Retry-After", "30")
                    return self.finish(pages.refusal(name))
                self._ttt_page = name
            result = cls.prepare(self, *args, **kwargs)
            if not sets_xsrf:
                return result

            async def then():
                if inspect.isawaitable(result):
                    await result
                if not self._finished:
                    # the page's front end posts back (to close its kernel when the page goes): it needs the XSRF
                    # cookie, which reading the token sets (once the handler knows its user)
                    self.xsrf_token  # noqa: B018

            return then()

        sets_xsrf = "/voila/render/" in pattern
        body = {"prepare": prepare}
        if sets_xsrf and pages is not None:
            def write(self, chunk):
                if getattr(self, "_ttt_page", None) is not None:
                    pages.seen(self._ttt_page, chunk)  # the page names its kernel: count it for this dashboard
                return cls.write(self, chunk)

            def on_finish(self):
                if getattr(self, "_ttt_page", None) is not None:
                    pages.end(self._ttt_page)
                    self._ttt_page = None

            def on_connection_close(self):  # the browser went before the page was sent
                on_finish(self)
                return cls.on_connection_close(self)

            body.update(write=write, on_finish=lambda self: on_finish(self) or cls.on_finish(self),
                        on_connection_close=on_connection_close)
        return type(cls.__name__, (cls,), body)

    def relative_path(self) -> str:
        values = [*(self.path_args or ()), *(self.path_kwargs or {}).values()]
        relative = next((v for v in values if v), "") or ""
        if isinstance(relative, bytes):
            relative = relative.decode("utf-8", "replace")
        return relative[1:] if relative.startswith("/") else relative  # tree paths begin with "/"

    out = []
    for spec in handlers:
        pattern, cls, *rest = spec
        checks = any(marker in pattern for marker in file_patterns)
        if "TreeHandler" in cls.__name__ and "/voila/tree" not in pattern:  # the bare base URL
            cls = _index_redirect(cls, root)
        if cls.__name__ == "LogoutHandler":
            cls = _logout_page(cls)
        out.append((pattern, guarded(cls, checks, pattern), *rest))
    return out


LOGGED_OUT_PAGE = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Logged out</title></head>"
                   "<body><h1>Logged out</h1><p>Open the dashboards again with the address and token that "
                   "<code>ttt present</code> printed.</p></body></html>")


def _logout_page(logout_cls):
    """Logout: forget the login cookie, then a plain page."""
    from jupyter_server.auth.decorator import allow_unauthenticated

    @allow_unauthenticated
    def get(self, *args, **kwargs):
        self.identity_provider.clear_login_cookie(self)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(LOGGED_OUT_PAGE)

    return type(logout_cls.__name__, (logout_cls,), {"get": get})


def _index_redirect(tree_cls, root: Path):
    """``/`` opens the dashboards' index page when there is one, the plain listing otherwise."""

    def get(self, *args, **kwargs):
        for name in ("index.ipynb", "Index.ipynb"):
            if (root / name).is_file():
                query = f"?{self.request.query}" if self.request.query else ""
                return self.redirect(f"{self.base_url}voila/render/{name}{query}")
        return tree_cls.get(self, *args, **kwargs)

    return type(tree_cls.__name__, (tree_cls,), {"get": get})


def front_end_version(path: Path = FRONT_END) -> str:
    """A short hash of a file of the dashboards' front end (by default the script the kit's template loads), for its
    URL (the script names its icons' font the same way: frontend/build.mjs)."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def front_end_handler():
    """A handler for the dashboards' front end, its script and its icons' font: the script is gzipped once, at
    start, instead of on every page (tornado's transform compressed 790 KB per visit, in the one thread that also
    answers the kernels' websockets), and, since their URLs name their content (``?v=``), browsers keep them for
    good. The font is compressed already."""
    import gzip

    from tornado.web import HTTPError, RequestHandler

    files = {}  # name -> (content type, bytes, gzipped bytes or None, version)
    raw = FRONT_END.read_bytes()
    files[FRONT_END.name] = ("text/javascript; charset=utf-8", raw, gzip.compress(raw, compresslevel=9, mtime=0),
                             front_end_version())
    files[ICONS_FONT.name] = ("font/woff2", ICONS_FONT.read_bytes(), None, front_end_version(ICONS_FONT))

    class FrontEndHandler(RequestHandler):
        def compute_etag(self):
            return files[self.path_args[0]][3]

        def get(self, name: str) -> None:
            if name not in files:
                raise HTTPError(404)
            kind, raw, packed, version = files[name]
            self.set_header("Content-Type", kind)
            fresh = self.get_argument("v", "") == version
            self.set_header("Cache-Control", "public, max-age=31536000, immutable" if fresh else "no-cache")
            if packed is None:
                self.finish(raw)
                return
            self.set_header("Vary", "Accept-Encoding")
            if "gzip" in self.request.headers.get("Accept-Encoding", ""):
                self.set_header("Content-Encoding", "gzip")
                self.finish(packed)
            else:
                self.finish(raw)

    return FrontEndHandler


def _unsafe_notebooks(root: Path) -> list[str]:
    """Patterns for Voila's ``preheat_denylist``: notebooks under ``root`` that must never run, because they are
    symlinked out of the folder, hidden, or private. Voila matches them against the full path of each notebook found
    under its root folder (as given, not resolved), so both spellings are listed."""
    out = []
    for path in Path(root).rglob("*.ipynb"):
        rel = path.relative_to(root).as_posix()
        if not is_servable(root, rel):
            out += ["^" + re.escape(str(path)) + "$", "^" + re.escape(rel) + "$"]
    return out


def main(argv: list[str] | None = None) -> int:
    """Run Voila with the kit's template and guards; arguments are Voila's own."""
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(TEMPLATE_ROOT), os.environ.get("JUPYTER_PATH", "")) if p)

    from jupyter_core.paths import jupyter_path
    from traitlets import Bool, Integer
    from voila.app import Voila

    class PresentVoila(Voila):
        """Voila, serving one folder and nothing else."""

        hub = Bool(False, help="run as a JupyterHub service (ttt_widgets.live.hub)").tag(config=True)
        max_pages = Integer(MAX_PAGES, help="open pages (kernels) per dashboard at most; 0: no limit").tag(config=True)
        compress = Bool(True, help="gzip the pages and their scripts").tag(config=True)

        @property
        def data_dir(self):  # Voila's own data folder, not the kit's template folder
            for candidate in jupyter_path("voila"):
                if os.path.isdir(candidate) and not Path(candidate).resolve().is_relative_to(TEMPLATE_ROOT):
                    return str(Path(candidate).resolve())
            return os.path.join(sys.prefix, "share", "jupyter", "voila")

        def initialize(self, argv=None):
            super().initialize(argv)
            token = os.environ.pop(TOKEN_VAR, None)
            if token:  # given by the ttt command in the environment, not in argv
                self.token = token
            # the page asks for the front end by its content, so a browser's cached copy is never a stale one
            # (Voila's page renderer reads the resources from the configuration object, not from the trait)
            resources = self.config.VoilaConfiguration.get("resources", {}) or {}
            if isinstance(resources, str):
                from voila.configuration import VoilaConfiguration

                resources = VoilaConfiguration.resources.from_string(resources)
            self.config.VoilaConfiguration.resources = {**resources, "ttt_front_end": front_end_version()}
            root = Path(self.root_dir)
            tags = set(self.config.TagRemovePreprocessor.get("remove_cell_tags", set()) or set())
            self.config.TagRemovePreprocessor.remove_cell_tags = sorted(tags | {FACILITATOR_TAG})
            self.config.TagRemovePreprocessor.enabled = True
            denied = list(self.config.VoilaKernelManager.get("preheat_denylist", []) or [])
            self.config.VoilaKernelManager.preheat_denylist = denied + _unsafe_notebooks(root)
            hide = list(self.config.ContentsManager.get("hide_globs", []) or [])
            self.config.ContentsManager.hide_globs = hide + [
                "__pycache__", "*.pyc", "*.py", "*.db", "*.sqlite*", "gradebook*", "*~"]

            if self.hub:  # JupyterHub mode: the Hub's prefix and address, its login for leads, a token for kernels
                from .live.hub import configure_voila

                configure_voila(self)

            # the dashboards' kernels learn where the live service is (push), the lead's token and the join address
            from .live.service import env_for_kernels

            os.environ.update(env_for_kernels(self.port, self.ip, self.token or None, self.base_url))
            public = os.environ["TTT_PUBLIC_URL"].rstrip("/")
            where = "on this machine only" if is_loopback(self.ip) else "from phones and laptops on this network"
            self.log.info("Trainees join %s at %s/join (or with the address the live-session page shows)", where,
                          public)

        def init_handlers(self):
            from .live.service import LiveService, handlers as live_handlers

            service = LiveService()
            from jupyter_server.utils import url_path_join

            static = rf"/voila/templates/{TEMPLATE_NAME}/static/({re.escape(FRONT_END.name)}|{re.escape(ICONS_FONT.name)})"
            front_end = (url_path_join(self.server_url, static), front_end_handler())
            routes = live_handlers(self.base_url, service)
            if self.hub:  # participants are the Hub's users (service.hub_user), the phone page needs its login
                from .live.hub import hub_routes

                routes = hub_routes(routes, service)
            routes = [front_end, *routes]
            # behind the Hub, its proxy and login decide who reaches the service; elsewhere only our own names
            hosts = None if self.hub else host_checker(self.ip)
            from tornado.ioloop import IOLoop

            from .dashboard_kernels import PageLimit

            manager = self.kernel_manager
            pages = PageLimit(self.max_pages, manager.list_kernel_ids, int(getattr(manager, "orphan_timeout", 0)))
            if self.compress:  # scripts and pages gzipped: a classroom's Wi-Fi carries a quarter of the bytes
                from tornado.web import GZipContentEncoding

                if GZipContentEncoding not in self.app.transforms:
                    self.app.transforms.append(GZipContentEncoding)
            # Voila, unlike jupyter_server, never starts the kernel culler: start it with the server's loop
            IOLoop.current().add_callback(manager.initialize_culler)
            return _harden([*routes, *super().init_handlers()], Path(self.root_dir).resolve(), hosts, pages)

    PresentVoila.launch_instance(argv)
    return 0


# -- running servers ------------------------------------------------------------------------------------------------
@dataclass
class Server:
    name: str
    cmd: list[str]
    url: str
    #: added to the environment of the process (a token, say)
    env: dict[str, str] | None = field(default=None, repr=False)
    proc: subprocess.Popen | None = field(default=None, repr=False)


def run_servers(servers: list[Server], out=sys.stdout, notes: list[str] | None = None) -> int:
    """Start every server, print their URLs, wait; on Ctrl-C (or SIGTERM) stop them all. Returns an exit code."""
    stopping = False

    def _stop(*_):
        nonlocal stopping
        stopping = True

    old_term = signal.signal(signal.SIGTERM, _stop)
    try:
        for s in servers:
            env = {**os.environ, **s.env} if s.env else None
            s.proc = subprocess.Popen(s.cmd, stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        print("", file=out)
        for s in servers:
            print(f"  {s.name:<28} {s.url}", file=out)
        for note in notes or []:
            print("\n" + note, file=out)
        print("\nPress Ctrl-C to stop.", file=out, flush=True)
        while not stopping:
            for s in servers:
                if s.proc.poll() is not None:
                    print(f"{s.name} stopped (exit code {s.proc.returncode}); stopping the others.", file=out, flush=True)
                    stopping = True
                    break
            time.sleep(0.3)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, old_term)
        code = _terminate(servers)
        print("Stopped.", file=out, flush=True)
    return code


def _terminate(servers: list[Server]) -> int:
    code = 0
    for s in servers:
        if s.proc is not None and s.proc.poll() is None:
            try:
                os.killpg(s.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 10
    for s in servers:
        if s.proc is None:
            continue
        try:
            s.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(s.proc.pid, signal.SIGKILL)
            s.proc.wait()
        if s.proc.returncode not in (0, -signal.SIGTERM, 143):
            code = code or 1
    return code


def new_token() -> str:
    return secrets.token_hex(24)


if __name__ == "__main__":  # pragma: no cover - the server process
    sys.exit(main(sys.argv[1:]))
