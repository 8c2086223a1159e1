"""The dashboards' front end (frontend/): the committed build is the build of the committed sources, the page loads
it and nothing of Voila's JupyterLab front end, and the server hands it out gzipped and cacheable."""

import gzip
import hashlib
import json
import re

import helpers

ROOT = helpers.ROOT
FRONTEND = ROOT / "frontend"
STATIC = ROOT / "ttt_widgets" / "templates" / "voila" / "templates" / "ttt" / "static"
TEMPLATE = STATIC.parent / "index.html.j2"


def _sources_hash() -> str:
    """The hash build.mjs writes, computed the same way: build script, package files, then src/ and licenses/ by
    name."""
    names = ["build.mjs", "package.json", "package-lock.json",
             *sorted(f"src/{p.name}" for p in (FRONTEND / "src").iterdir()),
             *sorted(f"licenses/{p.name}" for p in (FRONTEND / "licenses").iterdir())]
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0")
        digest.update((FRONTEND / name).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def test_the_committed_build_matches_its_sources():
    recorded = (STATIC / "ttt-dashboard.sources").read_text().strip()
    assert recorded == _sources_hash(), "frontend/ changed without a rebuild: run make frontend and commit the result"


def test_versions_are_pinned_and_agree_with_the_python_side():
    package = json.loads((FRONTEND / "package.json").read_text())
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    for name, version in package["devDependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    # the controls' front end must speak the protocol of the ipywidgets the kit pins
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    assert pins["ipywidgets"].startswith("8."), pins["ipywidgets"]
    assert package["devDependencies"]["@jupyter-widgets/controls"].startswith("5.")
    assert package["devDependencies"]["@jupyter-widgets/base"].startswith("6.")


def test_the_page_loads_the_kit_front_end_and_not_voilas():
    template = TEMPLATE.read_text()
    assert "ttt-dashboard.js" in template
    assert "voila.js" not in template.replace("voila.js'", "")  # no script of Voila's own front end
    assert "static/ttt-early.js" in template and "static/ttt-dashboard.css" in template
    bundle = (STATIC / "ttt-dashboard.js").read_text()
    # the small HTML cleaner (src/sanitize.js) stands in for sanitize-html and its CSS parser
    assert "allowedSchemesByTag" not in bundle and "noembed" in bundle
    assert len(bundle) < 700_000


def test_the_server_sends_the_front_end_gzipped_once_and_cacheable():
    import asyncio

    from tornado.httpclient import AsyncHTTPClient
    from tornado.httpserver import HTTPServer
    from tornado.web import Application

    from ttt_widgets.serve import FRONT_END, ICONS_FONT, front_end_handler, front_end_version

    raw = FRONT_END.read_bytes()

    async def fetch_all():
        server = HTTPServer(Application([(r"/static/(.*)", front_end_handler())]))
        port = helpers.free_port()
        server.listen(port, "127.0.0.1")
        client = AsyncHTTPClient()
        url = f"http://127.0.0.1:{port}/static/"
        try:
            fresh = await client.fetch(f"{url}{FRONT_END.name}?v={front_end_version()}", decompress_response=False,
                                       headers={"Accept-Encoding": "gzip"})
            stale = await client.fetch(f"{url}{FRONT_END.name}?v=old", decompress_response=False)
            other = await client.fetch(f"{url}voila.js", raise_error=False)
            font = await client.fetch(f"{url}{ICONS_FONT.name}?v={front_end_version(ICONS_FONT)}",
                                      decompress_response=False, headers={"Accept-Encoding": "gzip"})
            return fresh, stale, other, font
        finally:
            server.stop()

    fresh, stale, other, font = asyncio.run(fetch_all())
    assert fresh.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(fresh.body) == raw
    assert len(fresh.body) < len(raw) / 2.5
    assert "immutable" in fresh.headers["Cache-Control"]
    assert stale.body == raw and "immutable" not in stale.headers["Cache-Control"]  # no gzip asked, none sent
    assert other.code == 404
    # the icons' font: compressed already, so sent as it is, and kept for good under its content's address
    assert font.body == ICONS_FONT.read_bytes() and "Content-Encoding" not in font.headers
    assert font.headers["Content-Type"] == "font/woff2" and "immutable" in font.headers["Cache-Control"]
