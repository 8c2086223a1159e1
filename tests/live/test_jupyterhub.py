"""`ttt present` as a JupyterHub service, against a real JupyterHub (DummyAuthenticator, SimpleLocalProcessSpawner,
configurable-http-proxy) configured with the README's `jupyterhub_config.py` block.

What a trainee can do is tried with what a trainee has: the environment of her own single-user server (its
$JUPYTERHUB_API_TOKEN, what her kernels inherit) and the Hub's login page.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import helpers

PASSWORD = "workshop-password"
QUESTION = "Which colour for the slides?"
READY = "Ready for the next module?"
KERNEL = """\
import json, sys
from ttt_widgets.live.client import RemoteStore
store = RemoteStore(sys.argv[1])
who = store.participant(sys.argv[2])
stored = store.submit(sys.argv[2], sys.argv[3], "bob", "yes")
print(json.dumps({"participant": who, "stored": stored}))
"""


def _readme_snippet() -> str:
    """The `jupyterhub_config.py` block of the README's "The room on JupyterHub" section, unindented."""
    text = (helpers.ROOT / "README.md").read_text()
    section = text.split("### The room on JupyterHub", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```python\n(.*?)\n\s*```", section, re.S)
    assert block, "the README's JupyterHub section has no python block"
    lines = block.group(1).splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines)


class Client:
    """HTTP through the Hub's proxy, with a cookie jar (for the Hub's login) and no exception on 4xx."""

    def __init__(self, base: str, follow: bool = True) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)]
        if not follow:
            handlers.append(_NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)
        self.seen: list[str] = []  # every body this client was sent

    def request(self, method: str, path: str, body=None, headers: dict | None = None, form: dict | None = None):
        data = None
        headers = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        url = path if path.startswith("http") else self.base + path
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as resp:
                status, text, final = resp.status, resp.read().decode("utf-8", "replace"), resp.geturl()
        except urllib.error.HTTPError as exc:
            status, text, final = exc.code, exc.read().decode("utf-8", "replace"), exc.geturl()
        self.seen.append(text)
        return Reply(status, text, final)

    def login(self, path: str, user: str):
        """Open a service page; log in on the Hub's page it leads to; return the page reached after OAuth."""
        page = self.request("GET", path)
        assert "/hub/login" in page.final, f"{path} did not lead to the Hub's login: {page.status} {page.final}"
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        form = {"username": user, "password": PASSWORD, **({"_xsrf": xsrf.group(1)} if xsrf else {})}
        return self.request("POST", page.final, form=form)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Reply:
    def __init__(self, status: int, text: str, final: str) -> None:
        self.status, self.text, self.final = status, text, final

    def json(self):
        return json.loads(self.text)

    def __repr__(self) -> str:
        return f"<{self.status} {self.final} {self.text[:300]!r}>"


SINGLEUSER = """\
import json, os, sys
# what this user's kernels inherit: the server's environment, written where the test can read it
with open(os.path.join(os.environ["HOME"], "server-environment.json"), "w") as fh:
    json.dump(dict(os.environ), fh)
os.execv(sys.executable, [sys.executable, "-m", "jupyterhub.singleuser", *sys.argv[1:]])
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A real JupyterHub on free ports in a temporary folder, with `ttt present --hub` as its managed service."""
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        helpers.skip_or_fail("TTT_REQUIRE_HUB", "jupyterhub is not installed (pip install -e '.[test]')")
    proxy = shutil.which("configurable-http-proxy")
    if proxy is None:
        helpers.skip_or_fail("TTT_REQUIRE_HUB", "configurable-http-proxy not found "
                                                "(npm install -g configurable-http-proxy@5)")
    tmp = tmp_path_factory.mktemp("hub")
    marker = secrets.token_hex(8)  # in the store's URL: it must never reach a trainee
    store_file = tmp / f"store-{marker}.sqlite"
    public, hub_port, proxy_api, service_port = (helpers.free_port() for _ in range(4))
    admin_token = secrets.token_hex(24)
    server_token = secrets.token_hex(24)  # what the dashboards' kernels get (random and unprinted by default)
    dashboards = tmp / "dashboards"
    dashboards.mkdir()
    (dashboards / "room.ipynb").write_text(json.dumps(
        {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    (tmp / "singleuser.py").write_text(SINGLEUSER)
    service_env = {
        "TTT_DB_URL": f"sqlite:///{store_file}",
        "TTT_DATA_DIR": str(tmp / "service-data"),
        **{k: os.environ[k] for k in ("PATH", "JUPYTER_RUNTIME_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_PLATFORM_DIRS",
                                     "IPYTHONDIR", "MPLCONFIGDIR") if k in os.environ},
    }
    config = _readme_snippet() + f"""

# -- the test's own Hub: free ports, a temporary folder, dummy logins, servers as local processes
ttt = next(s for s in c.JupyterHub.services if s["name"] == "ttt")
ttt["url"] = "http://127.0.0.1:{service_port}"
ttt["command"] = {[sys.executable, "-m", "ttt_widgets.cli", "present", "--hub", "--no-preheat",
                   "--dashboards", str(dashboards), "--token", server_token]!r}
ttt["environment"] = {{**ttt["environment"], **{service_env!r}}}
c.JupyterHub.services.append({{"name": "test-admin", "api_token": {admin_token!r}}})
c.JupyterHub.load_roles.append({{"name": "test-admin", "services": ["test-admin"],
                                 "scopes": ["admin:users", "admin:servers", "tokens"]}})
c.JupyterHub.bind_url = "http://127.0.0.1:{public}"
c.JupyterHub.public_url = "http://127.0.0.1:{public}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {str(tmp / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{tmp / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(tmp / "cookie_secret")!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {{"hubadmin"}}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(tmp / "home" / "{username}")!r}
c.Spawner.cmd = [{sys.executable!r}, {str(tmp / "singleuser.py")!r}]
c.Spawner.args = ["--ServerApp.allow_root=True"]
c.Spawner.environment = {{"JUPYTERHUB_SINGLEUSER_LOAD_OTHER_EXTENSIONS": "0"}}
c.Spawner.http_timeout = 60
"""
    (tmp / "jupyterhub_config.py").write_text(config)
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    env.pop("TTT_DB_URL", None)
    proc = helpers.start_process([sys.executable, "-m", "jupyterhub", "-f", str(tmp / "jupyterhub_config.py")],
                                 tmp / "hub.log", cwd=tmp, env=env)
    base = f"http://127.0.0.1:{public}"
    try:
        _wait_for_service(base, proc, tmp / "hub.log")
        yield {"base": base, "admin_token": admin_token, "server_token": server_token,
               "service": f"http://127.0.0.1:{service_port}", "store_url": f"sqlite:///{store_file}", "marker": marker,
               "tmp": tmp, "proc": proc}
    finally:
        _stop_hub(proc)


def _stop_hub(proc) -> None:
    """Stop the Hub (it stops its proxy, service and servers), then anything of it still running."""
    import psutil

    try:
        children = psutil.Process(proc.proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    proc.stop()
    for child in children:
        try:
            child.terminate()
        except psutil.NoSuchProcess:
            continue
    for child in psutil.wait_procs(children, timeout=5)[1]:
        child.kill()


def _wait_for_service(base: str, proc, log: Path, timeout: float = 45) -> None:
    """Until the proxy routes to the live service (its JSON 404 for an unknown session, not the Hub's page)."""
    deadline = time.monotonic() + timeout
    client = Client(base)
    while time.monotonic() < deadline:
        if proc.proc.poll() is not None:
            pytest.fail(f"JupyterHub exited with {proc.proc.returncode}:\n{proc.output()[-4000:]}")
        if "Service ttt exited" in proc.output():
            pytest.fail(f"ttt present --hub exited:\n{proc.output()[-4000:]}")
        try:
            reply = client.request("GET", "/services/ttt/ttt/api/sessions/ABCDEF")
        except urllib.error.URLError:  # the proxy is not listening yet
            time.sleep(0.3)
            continue
        if reply.status == 404 and reply.text.startswith("{") and "error" in reply.json():
            return
        time.sleep(0.3)
    pytest.fail(f"the ttt service did not answer through the Hub within {timeout}s:\n{proc.output()[-4000:]}")


def _admin(hub, method: str, path: str, body=None) -> Reply:
    return Client(hub["base"]).request(method, "/hub/api" + path, body,
                                       headers={"Authorization": f"token {hub['admin_token']}"})


@pytest.fixture(scope="module")
def room(hub):
    """A session with a poll (made by the lead on the service's machine), and alice's server started by the Hub."""
    from ttt_widgets.live import ResponseStore

    store = ResponseStore(hub["store_url"])
    code = store.open_session("Hub room")
    store.add_question(code, QUESTION, "poll", ["red", "blue"])
    store.submit(code, QUESTION, "p-on-the-lead-laptop", "blue")
    store.add_question(code, READY, "poll", ["yes", "no"])
    for name in ("alice", "bob", "dana", "hubadmin"):
        assert _admin(hub, "POST", f"/users/{name}").status in (201, 409)
    started = _admin(hub, "POST", "/users/alice/server")
    assert started.status in (201, 202), started
    deadline = time.monotonic() + 60
    while True:
        model = _admin(hub, "GET", "/users/alice").json()
        if model.get("server") and not model.get("pending"):
            break
        assert time.monotonic() < deadline, f"alice's server did not start: {model}\n{hub['proc'].output()[-3000:]}"
        time.sleep(0.3)
    server_env = json.loads((hub["tmp"] / "home" / "alice" / "server-environment.json").read_text())
    yield {"code": code, "store": store, "alice_env": server_env}
    store.close()


def _api(code: str, what: str = "") -> str:
    return f"/services/ttt/ttt/api/sessions/{code}" + (f"/{what}" if what else "")


def test_a_trainee_registers_with_her_servers_token_and_answers_under_her_hub_name(hub, room):
    code, env = room["code"], room["alice_env"]
    assert env["JUPYTERHUB_USER"] == "alice" and env["JUPYTERHUB_API_TOKEN"]
    alice = Client(hub["base"])
    hub_token = {"Authorization": f"token {env['JUPYTERHUB_API_TOKEN']}"}
    # she changes JUPYTERHUB_USER and claims bob's name in every way a request can: still alice
    joined = alice.request("POST", _api(code, "participants"), {"participant": "bob", "name": "bob", "user": "bob"},
                           headers={**hub_token, "X-JupyterHub-User": "bob", "X-Forwarded-User": "bob"})
    assert joined.status == 201, joined
    assert joined.json()["participant"] == "alice"
    bearer = {"Authorization": f"Bearer {joined.json()['token']}"}
    sent = alice.request("POST", _api(code, "answers"),
                         {"question": QUESTION, "value": "red", "participant": "bob", "id": "a1"}, headers=bearer)
    assert sent.status == 200, sent
    assert sent.json()["participant"] == "alice"
    stored = {r["participant"]: r["value"] for r in room["store"].responses(code, QUESTION)}
    assert stored.get("alice") == "red"
    assert "bob" not in stored

    # what a participant may not do: read answers or names, steer the session
    assert alice.request("GET", _api(code, "responses") + "?question=" + urllib.parse.quote(QUESTION),
                         headers=bearer).status == 403
    assert alice.request("POST", _api(code, "control"), {"action": "reveal", "question": QUESTION},
                         headers=bearer).status == 403
    # her Hub token does not make her a lead either
    assert alice.request("GET", _api(code, "responses") + "?question=" + urllib.parse.quote(QUESTION),
                         headers=hub_token).status == 403

    # the store's URL lives in the service's environment only
    assert "TTT_DB_URL" not in env
    assert hub["marker"] not in json.dumps(env)
    assert not [text for text in alice.seen if hub["marker"] in text]


def test_her_kernel_answers_through_the_kits_client_as_alice_even_with_jupyterhub_user_changed(hub, room):
    """What her notebook runs (the trainee widgets' HTTP client), in her server's environment with JUPYTERHUB_USER
    set to someone else's name: the answer is stored under the name the Hub knows her by."""
    import subprocess

    code = room["code"]
    env = {**room["alice_env"], "JUPYTERHUB_USER": "bob", "TTT_DATA_DIR": str(hub["tmp"] / "alice-kernel")}
    ran = subprocess.run([sys.executable, "-c", KERNEL, hub["base"] + "/services/ttt", code, READY], env=env,
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert json.loads(ran.stdout.strip().splitlines()[-1]) == {"participant": "alice", "stored": "yes"}
    assert {r["participant"]: r["value"] for r in room["store"].responses(code, READY)} == {"alice": "yes"}
    assert hub["marker"] not in ran.stdout + ran.stderr


def test_forged_and_missing_identities_are_refused(hub, room):
    code = room["code"]
    anyone = Client(hub["base"])
    join = _api(code, "participants")
    assert anyone.request("POST", join, {}, headers={"Authorization": "token made-up-0123456789"}).status == 401
    assert anyone.request("POST", join, {"participant": "alice"}, headers={"X-TTT-Join": "1"}).status == 401
    assert anyone.request("POST", join, {"participant": "alice"}).status in (401, 403)
    # a participant token nobody issued
    assert anyone.request("POST", _api(code, "answers"), {"question": QUESTION, "value": "blue"},
                          headers={"Authorization": "Bearer " + secrets.token_urlsafe(32)}).status == 401
    # a real token of bob's that lacks the service's access scope
    made = _admin(hub, "POST", "/users/bob/tokens", {"scopes": ["read:users:name!user"], "note": "no ttt access"})
    assert made.status == 201, made
    assert anyone.request("POST", join, {}, headers={"Authorization": f"token {made.json()['token']}"}).status == 401
    # the Hub's own services are not participants
    assert anyone.request("POST", join, {}, headers={"Authorization": f"token {hub['admin_token']}"}).status == 401
    assert "bob" not in {r["participant"] for r in room["store"].responses(code, QUESTION)}


def test_the_phone_page_logs_in_through_the_hub_and_joins_as_that_user(hub, room):
    code = room["code"]
    phone = Client(hub["base"])
    page = phone.login(f"/services/ttt/join/{code}", "bob")
    assert page.status == 200 and page.final.endswith(f"/services/ttt/join/{code}"), page
    assert "<html" in page.text.lower()
    join = _api(code, "participants")
    # the cookie alone is not enough: a cross-site form cannot add this header
    assert phone.request("POST", join, {}).status == 403
    joined = phone.request("POST", join, {"participant": "alice"}, headers={"X-TTT-Join": "1"})
    assert joined.status == 201, joined
    assert joined.json()["participant"] == "bob"
    sent = phone.request("POST", _api(code, "answers"), {"question": QUESTION, "value": "blue"},
                         headers={"Authorization": f"Bearer {joined.json()['token']}"})
    assert sent.status == 200, sent
    stored = {r["participant"]: r["value"] for r in room["store"].responses(code, QUESTION)}
    assert stored.get("bob") == "blue"
    assert not [text for text in phone.seen if hub["marker"] in text]


@pytest.mark.parametrize("user, allowed", [("dana", True), ("hubadmin", True), ("alice", False)])
def test_leads_log_in_through_the_hub(hub, room, user, allowed):
    """The lead users (TTT_LEAD_USERS in the README's block) and the Hub's admins get the dashboards; others 403."""
    code = room["code"]
    browser = Client(hub["base"])
    page = browser.login("/services/ttt/voila/tree", user)
    answers = browser.request("GET", _api(code, "responses") + "?question=" + urllib.parse.quote(QUESTION))
    if allowed:
        assert page.status == 200 and "room.ipynb" in page.text, page
        assert answers.status == 200, answers
        assert sorted((r["participant"], r["value"]) for r in answers.json()) == sorted(
            (r["participant"], r["value"]) for r in room["store"].responses(code, QUESTION))
        assert ("p-on-the-lead-laptop", "blue") in {(r["participant"], r["value"]) for r in answers.json()}
    else:
        assert page.status == 403, page
        assert answers.status == 403, answers


def test_the_dashboards_kernels_reach_the_lead_endpoints_with_the_servers_token(hub, room):
    """What a dashboard kernel does (push and controls), straight to the service like the kernels, and via the Hub."""
    code = room["code"]
    token = {"Authorization": f"token {hub['server_token']}"}
    direct = Client(hub["service"])
    waited = direct.request("GET", _api(code, "wait") + "?since=-1&timeout=0", headers=token)
    assert waited.status == 200 and isinstance(waited.json()["revision"], int), waited
    controlled = direct.request("POST", _api(code, "control"), {"action": "current", "question": QUESTION},
                                headers=token)
    assert controlled.status == 200, controlled
    assert controlled.json()["current"] == QUESTION
    # a wrong token is nobody: the Hub does not know it either
    assert direct.request("GET", _api(code, "wait") + "?since=-1&timeout=0",
                          headers={"Authorization": "token " + "0" * 48}).status == 403
    # a phone sees the current question, through the Hub
    assert Client(hub["base"]).request("GET", _api(code)).json()["current"]["question"] == QUESTION


def test_a_lead_opens_a_dashboard_through_the_hub(hub, room):
    browser = Client(hub["base"])
    page = browser.login("/services/ttt/voila/render/room.ipynb", "dana")
    assert page.status == 200 and page.final.endswith("/services/ttt/voila/render/room.ipynb"), page
    assert hub["marker"] not in page.text
    # the page's front end comes from under the service's prefix too
    script = re.search(r'<script src="(/services/ttt/voila/templates/ttt/static/ttt-dashboard\.js\?v=\w+)"', page.text)
    assert script, "the page does not load the kit's front end under the service's prefix"
    bundle = browser.request("GET", script.group(1))
    shipped = helpers.ROOT / "ttt_widgets" / "templates" / "voila" / "templates" / "ttt" / "static" / "ttt-dashboard.js"
    assert bundle.status == 200 and bundle.text == shipped.read_text()


def test_hub_mode_is_only_for_services_and_says_what_is_missing(monkeypatch, tmp_path, capsys):
    """In a user's own server the Hub sets its token and prefix but no service name: `ttt present` stays plain.
    `--hub` without what the Hub gives a service stops with the names of the missing variables."""
    from ttt_widgets import cli
    from ttt_widgets.live import hub

    server = {"JUPYTERHUB_API_TOKEN": "x", "JUPYTERHUB_SERVICE_PREFIX": "/user/alice/", "JUPYTERHUB_USER": "alice"}
    assert not hub.started_by_hub(server)
    assert hub.started_by_hub({**server, "JUPYTERHUB_SERVICE_NAME": "ttt"})
    for name in [n for n in os.environ if n.startswith("JUPYTERHUB_")]:
        monkeypatch.delenv(name)
    assert cli.main(["present", "--hub", "--dashboards", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "JUPYTERHUB_API_TOKEN" in err and "JUPYTERHUB_CLIENT_ID" in err and "README" in err
    service = {**server, "JUPYTERHUB_CLIENT_ID": "service-ttt", "JUPYTERHUB_SERVICE_NAME": "ttt",
               "JUPYTERHUB_SERVICE_PREFIX": "/services/ttt", "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:9123",
               "TTT_LEAD_USERS": "dana, lee"}
    settings = hub.HubSettings.from_env(service, lead_users={"kim"})
    assert (settings.prefix, settings.ip, settings.port) == ("/services/ttt/", "127.0.0.1", 9123)
    assert settings.lead_users == {"dana", "lee", "kim"}
