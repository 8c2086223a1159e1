"""The project's own files: dependency lists agree, the lock pins them, notebooks are clean, nothing generated is tracked."""

import json
import re
import subprocess
import tomllib

import pytest
import yaml

import helpers

ROOT = helpers.ROOT
# PyPI distribution -> conda-forge package, where the names differ
CONDA_NAMES = {"matplotlib": "matplotlib-base", "pyyaml": "pyyaml", "psycopg[binary]": "psycopg"}


def _name(req: str) -> str:
    return re.split(r"[<>=!~; ]", req, maxsplit=1)[0].strip().lower()


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _pip_names() -> dict[str, str]:
    project = _pyproject()["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs.extend(extra)
    return {_name(r): r for r in reqs}


def _conda_names() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            out[_name(dep)] = dep
    return out


def test_environment_yml_lists_the_same_packages_as_pyproject():
    pip = {CONDA_NAMES.get(n, n) for n in _pip_names()}
    conda = set(_conda_names()) - {"python", "pip"}
    assert pip == conda, f"only in pyproject: {sorted(pip - conda)}; only in environment.yml: {sorted(conda - pip)}"


def test_environment_yml_has_the_same_lower_bounds():
    conda = _conda_names()
    for name, req in _pip_names().items():
        bound = re.search(r">=\s*([\w.]+)", req)
        if bound:
            cname = CONDA_NAMES.get(name, name)
            assert f">={bound.group(1)}" in conda[cname], f"{cname}: pyproject says {req}, environment.yml says {conda[cname]}"


def test_constraints_pin_every_direct_dependency():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    for name in _pip_names():
        base = name.split("[")[0].replace("_", "-")
        assert base in pins, f"{base} is not pinned in constraints.txt"


def _tracked() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return out.splitlines()


def test_notebooks_are_committed_without_outputs():
    for path in sorted(ROOT.glob("notebooks/**/*.ipynb")) + sorted(ROOT.glob("assignments/source/**/*.ipynb")):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs") and cell.get("execution_count") is None, f"{path.relative_to(ROOT)} has outputs"


def test_no_generated_files_are_tracked():
    bad = [p for p in _tracked() if re.search(r"(^|/)(release|submitted|autograded|feedback)/|gradebook\.db$|\.sqlite3?$", p)]
    assert not bad, f"generated files are tracked: {bad[:5]}"


def test_no_machine_paths_in_tracked_text():
    pattern = re.compile(r"/(root|home/\w+|work|tmp/pytest)/")
    offenders = []
    for rel in _tracked():
        if rel.endswith((".py", ".md", ".yml", ".yaml", ".toml", ".ipynb", ".json", ".cfg")) and not rel.startswith("tests/"):
            if pattern.search((ROOT / rel).read_text(errors="replace")):
                offenders.append(rel)
    assert not offenders, f"machine-specific paths in {offenders}"
