"""What a non-editable install needs: every file the app reads ships inside the package."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from fastapi.testclient import TestClient

from actiondiff.config import Config, WebConfig
from actiondiff.web import create_app

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "src" / "actiondiff"


def _package_data() -> list[str]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return list(pyproject["tool"]["setuptools"]["package-data"]["actiondiff"])


def test_every_data_file_of_the_package_is_declared_package_data() -> None:
    """The static page, report templates and action library are installed, not only the code."""
    patterns = _package_data()
    data = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    assert {"web/static/index.html", "report/templates/report.html.j2"} <= set(data)
    left_out = [
        name
        for name in data
        if not any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(name, p.removeprefix("**/")) for p in patterns)
    ]
    assert not left_out, f"not in [tool.setuptools.package-data]: {left_out}"


def test_no_module_finds_files_from_the_repository_root() -> None:
    offenders = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if ".parents[" in path.read_text(encoding="utf-8")
    ]
    assert not offenders, f"paths built from above the package: {offenders}"


def test_without_a_samples_folder_none_are_offered_and_the_page_says_how(tmp_path: Path) -> None:
    assert WebConfig().samples_dir is None, "no default reaching outside the installed package"
    config = Config(cache_dir=tmp_path / "cache", web=WebConfig(data_dir=tmp_path / "web"))
    with TestClient(create_app(config)) as client:
        assert client.get("/api/samples").json() == []
        response = client.post("/api/jobs", data={"sample": "squat", "differences": "the squat is deeper"})
        code, detail = response.status_code, response.json()["detail"]
        assert code == 404 and "no such sample pair" in str(detail) and "--samples-dir" in str(detail)
        assert 'id="sample-hint"' in client.get("/").text
