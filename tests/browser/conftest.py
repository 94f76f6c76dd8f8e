"""Browser tests: Debian's Chromium driven by Playwright against live_server.

Every page a test lands on must be audited with axe-core (`audit`), and no page may log a console
error (a Content-Security-Policy violation shows up there). Both are checked when the test ends.
"""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API keeps an event loop in the main thread; Django's ORM refuses to run
# beside one unless told it is safe (it is: nothing here is async).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE_SOURCE = (Path(__file__).parent.parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BLOCKING_IMPACTS = {"serious", "critical"}
AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
    }));
}"""


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    missing = not Path(CHROMIUM).exists()
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if missing and not os.environ.get("CI"):
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required in CI: apt-get install -y chromium ({CHROMIUM})")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


class Audited:
    """Tracks the pages a test visits and whether each was audited."""

    def __init__(self, page):
        self.page = page
        self.visited: list[str] = []
        self.audited: set[str] = set()
        self.console_errors: list[str] = []
        page.on("framenavigated", self._navigated)
        page.on("console", self._console)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.visited.append(frame.url)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def __call__(self):
        """Run axe-core on the current page; fail on serious or critical violations.

        A click that navigates returns before the next page loads; if the page changes under
        the audit, the audit waits for the new page and runs again there.
        """
        for _ in range(5):
            self.page.wait_for_load_state("load")
            try:
                self.page.evaluate(AXE_SOURCE)
                violations = self.page.evaluate(AXE_RUN)
            except PlaywrightError as exc:
                if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                    raise
                continue
            break
        else:
            pytest.fail(f"{self.page.url} kept navigating; could not audit it")
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert blocking == [], f"accessibility violations on {self.page.url}: {blocking}"
        self.audited.add(self.page.url)


@pytest.fixture
def audit(page, live_server):
    audited = Audited(page)
    yield audited
    unaudited = [url for url in dict.fromkeys(audited.visited) if url not in audited.audited]
    assert unaudited == [], f"pages visited without an accessibility audit: {unaudited}"
    assert audited.console_errors == [], "console errors (CSP violations show here)"


@pytest.fixture
def sign_in(page, live_server, audit, password):
    """sign_in(person): through the real sign-in page, as that person would."""

    def go(person):
        page.goto(f"{live_server.url}/accounts/login/")
        audit()
        page.get_by_label("E-mail address").fill(person.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
        audit()

    return go


def pytest_configure(config):
    if shutil.which("chromium") is None and os.environ.get("CI"):
        # Fail early and plainly rather than with a launch error in every test.
        raise pytest.UsageError("CI needs Chromium: apt-get install -y chromium")
