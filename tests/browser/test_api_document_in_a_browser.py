"""The API document's pages in a real browser on a network with no internet: Swagger UI and ReDoc render every
operation from assets this server serves, and the page asks nothing of any other host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from infrastructure.config import Settings
from infrastructure.ledger import CaseLedger
from tests.server import Server

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def server(ledger: CaseLedger, settings: Settings, tmp_path: Path) -> Iterator[Server]:
    served = Server(settings, tmp_path / "serve.log")
    yield served
    served.stop()


def visit(browser: Any, url: str) -> tuple[Any, list[str]]:
    """The page, and every URL it asked for (scripts, styles, fonts, images, the document itself)."""
    page = browser.new_context().new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(url)
    return page, asked


@pytest.mark.parametrize(
    ("page_path", "operation"),
    [("/schema/swagger", ".opblock"), ("/schema/redoc", "li[data-item-id^='tag/'] li[data-item-id*='/operation/']")],
)
def test_the_document_renders_every_operation_offline_from_this_servers_assets(
    browser: Any, server: Server, page_path: str, operation: str
) -> None:
    document = httpx.get(f"{server.url}/schema/openapi.json").json()
    # each operation is shown under each of its tags
    operations = sum(len(op.get("tags", [""])) for methods in document["paths"].values() for op in methods.values())
    page, asked = visit(browser, server.url + page_path)
    page.locator(operation).first.wait_for(state="attached", timeout=20_000)
    assert page.locator(operation).count() == operations
    assert page.locator("text=受理 Receive an application").count() > 0
    elsewhere = [url for url in asked if not url.startswith((server.url, "data:", "blob:"))]
    assert elsewhere == [], elsewhere
