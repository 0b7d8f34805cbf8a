from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, Page

from actiondiff.config import Config, WebConfig
from actiondiff.web import create_app
from tests.conftest import shared_cache
from tests.web.browser import chromium


@pytest.fixture
def web_config(tmp_path: Path, squat_pair: Path, tmp_path_factory: pytest.TempPathFactory) -> Config:
    """A configuration with its own data folder, the bundled samples and the session's pose cache."""
    return Config(
        cache_dir=shared_cache(tmp_path_factory.getbasetemp()),
        web=WebConfig(data_dir=tmp_path / "web", samples_dir=squat_pair.parent),
    )


@pytest.fixture
def client(web_config: Config) -> Iterator[TestClient]:
    """The real app (worker thread included) behind an httpx-based test client."""
    with TestClient(create_app(web_config)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """One Chromium per test module (Debian's, driven by Playwright)."""
    with chromium(tmp_path_factory.mktemp("chromium")) as context:
        yield context


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    """A fresh tab; the test fails if the page raised a script error."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert not errors, errors
