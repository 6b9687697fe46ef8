"""The HTML report renders offline in headless Chromium: tables and figures present and visible.

Needs the ``playwright`` Python package and Debian's Chromium (``/usr/bin/chromium``); never runs
``playwright install``. Skips locally when either is missing, fails in CI (``CI=true``). The
screenshot is kept under ``test-artifacts/`` (override with ``ECNET_TEST_ARTIFACTS``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ecnet_lab import reports

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return ""


def _require(what: str, ok: bool) -> None:
    if ok:
        return
    msg = f"{what} is not installed (apt-get install -y chromium; pip install playwright; no `playwright install`)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the browser test: {msg}")
    pytest.skip(msg)


@pytest.fixture(scope="module")
def html_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser-report")
    params = {"size": 160, "min_core_area_km2": 0.2, "aggregation_distance_m": 300.0}
    return reports.run_report("shenzhen", params, out).html


def test_report_renders_offline_in_chromium(html_report):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require("the playwright Python package", False)
    executable = _chromium()
    _require("Chromium", bool(executable))
    artifacts = Path(os.environ.get("ECNET_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    external: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            external.append(url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000}, offline=True)
            context.set_offline(True)
            context.route("**/*", route)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(html_report.as_uri(), wait_until="load")
            captions = page.locator("caption").all_inner_texts()
            for title in ("Table 3. MSPA", "Table 4. Classification", "Table 5. Comparison"):
                matches = [c for c in captions if c.startswith(title)]
                assert matches, (title, captions)
                table = page.locator("table", has=page.locator("caption", has_text=title)).first
                assert table.is_visible()
                box = table.bounding_box()
                assert box and box["width"] > 100 and box["height"] > 50
            images = page.locator("img")
            assert images.count() >= 8
            sizes = page.eval_on_selector_all(
                "img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight, e.src.slice(0, 22)])"
            )
            for complete, width, height, src in sizes:
                assert complete and width > 100 and height > 100
                assert src == "data:image/png;base64,"
            for i in range(images.count()):
                images.nth(i).scroll_into_view_if_needed()
                assert images.nth(i).is_visible()
            page.locator("caption", has_text="Table 5. Comparison").scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / "report_browser_table5.png"))
            page.screenshot(path=str(artifacts / "report_browser.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
    assert external == []  # the page asked for nothing outside the file
    assert (artifacts / "report_browser.png").stat().st_size > 50_000
