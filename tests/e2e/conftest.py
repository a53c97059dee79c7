"""Browser journeys: Playwright for Python driving Debian's Chromium, with axe-core on every page.

Needs /usr/bin/chromium (apt-get install chromium) and node_modules/axe-core (npm install). Where
either is missing the journeys are skipped with the reason shown; under CI (CI=true) they fail.
"""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "screenshots"


def _missing() -> str:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if not AXE_JS.exists():
        return "node_modules/axe-core is missing (npm install)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return ""


@pytest.fixture(scope="session")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run under CI: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which makes Django refuse the test's
    # own (synchronous, on purpose) ORM calls; the switch is for the browser tests only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """A browser tab on the live server that checks every page it shows.

    `check()` runs axe-core (WCAG 2.1 A and AA) and fails on serious or critical violations, and
    fails on any Content-Security-Policy violation or script error seen so far.
    """

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))

    def _console(self, message):
        if message.type == "error" and "favicon" not in message.text:
            self.problems.append(f"console error: {message.text}")

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def check(self, name: str = ""):
        self.page.wait_for_load_state("load")
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_JS.read_text() + "\n;0")
        result = self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            AXE_TAGS,
        )
        serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        if name:
            self.screenshot(name)
        assert not serious, f"axe-core on {self.page.url}:\n" + json.dumps(
            [
                {"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"][:3]]}
                for v in serious
            ],
            indent=1,
        )
        assert not self.problems, f"on {self.page.url}: {self.problems}"

    def screenshot(self, name: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def demo(reference_data):
    """The demo data of `manage.py seed_demo`, in the live server's database."""
    from demo.seed import seed

    return {login.email: login for login in seed().logins}


@pytest.fixture
def visit(browser, live_server):
    def make(*, width: int = 1280, height: int = 900, language: str = "en") -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height}, locale=language)
        contexts.append(context)
        return Visit(context.new_page(), live_server.url)

    contexts: list = []
    yield make
    for context in contexts:
        context.close()
