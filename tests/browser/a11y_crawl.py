"""The crawler behind test_a11y_sweep.py: for one role, find every page type the role can reach
(breadth-first over same-origin links, one URL per route endpoint), then visit each in every
language, run axe-core (WCAG 2.1 A and AA) at 1280 and 360 px and measure the page at 320 px.

One browser context per role, logged in once; the language changes through the site's own
language form, the width through the viewport, so each page is loaded once per language. Pages
that only a form post shows (a confirmation, a preview, a form with errors) are `Action`s.

axe goes in with `page.evaluate` of its source: the site's CSP (script-src 'self') blocks the
inline script that `add_script_tag` would add, and evaluation from the test is not subject to
it, so the CSP stays as in production and a violation by the site's own scripts is still seen."""
import json
import os
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ("en", "fr", "es")
AXE_WIDTHS = (1280, 360)
NARROW = 320
# What sticks out of the screen, to say which element to fix.
WIDEST = """() => Array.from(document.querySelectorAll("body *"))
  .filter(el => el.getBoundingClientRect().right > innerWidth + 0.5)
  .slice(-3).map(el => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)
  .join(", ")"""
# After a resize, let images and re-flowed blocks settle (two frames) before measuring.
SETTLED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
HEIGHT = 800
# Not pages: downloads, images, feeds and form targets (logout is a POST, never a link).
SKIP_ENDPOINTS = {
    "static", "auth.logout", "auth.download_data", "badges.assertion_json", "badges.baked_png",
    "badges.baked_svg", "badges.certificate", "badges.class_image", "catalog.media",
    "core.admin_audit_csv", "core.healthz", "dashboards.chart", "dashboards.export",
}
SKIP_SUFFIXES = (".csv", ".json", ".pdf", ".png", ".svg", ".zip", ".xlsx", ".txt")
# Error pages that are pages too: the 404 page, the last admin's "you cannot delete", links
# that are no longer (or never were) valid.
EXPECTED_STATUS = {"/no-such-page": 404, "/account/delete": 409, "/reset/not-a-token": 400,
                   "/welcome/not-a-token": 400, "/account/email/not-a-token": 400}
RUN_AXE = """async ([tags]) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                           resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""


@dataclass
class Action:
    """A page shown in answer to a form: on `path`, fill `fill` (selector -> value), press
    `press`; the answer must have `status`. Only posts that change nothing (a first step that
    asks for confirmation, a preview, a form sent back with its errors)."""
    name: str
    path: str
    press: str
    fill: dict[str, str] = field(default_factory=dict)
    status: int = 200


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    role: str
    language: str
    width: int
    page: str
    targets: list[str]

    def __str__(self):
        return (f"{self.rule} ({self.impact}) on {self.page} as {self.role}, {self.language}, "
                f"{self.width} px: {', '.join(self.targets)} — {self.help}")


@dataclass
class Report:
    pages: dict[str, dict[str, str]] = field(default_factory=dict)   # role -> endpoint -> path
    violations: list[Violation] = field(default_factory=list)
    overflows: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)                # bad statuses, script errors
    screenshots: int = 0
    seconds: dict[str, float] = field(default_factory=dict)          # role -> time taken

    def page_types(self) -> set[str]:
        return {endpoint for pages in self.pages.values() for endpoint in pages}


class Crawler:
    def __init__(self, browser, base_url: str, url_map, report: Report, screenshot_dir: str | None = None):
        self.browser, self.base, self.report = browser, base_url, report
        self.adapter = url_map.bind("127.0.0.1")
        self.screenshot_dir = screenshot_dir
        self.shots: set[str] = set()  # page types with their screenshot taken

    # -- finding pages -------------------------------------------------------------------
    def endpoint(self, href: str) -> tuple[str | None, str | None]:
        """(endpoint, path with query) of a same-origin page link, else (None, None)."""
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != self.base or parts.path.endswith(SKIP_SUFFIXES):
            return None, None
        try:
            endpoint, _args = self.adapter.match(parts.path, method="GET")
        except Exception:  # 404, 405, a redirect to the canonical URL: not a page link
            return None, None
        if endpoint in SKIP_ENDPOINTS:
            return None, None
        return endpoint, parts.path + (f"?{parts.query}" if parts.query else "")

    def links(self, page) -> list[str]:
        return page.eval_on_selector_all("a[href]:not([download])", "els => els.map(a => a.href)")

    def discover(self, page, role: str, extra_paths: list[str]) -> dict[str, str]:
        """Breadth-first from the home page: the first URL found of each page type (the
        endpoint it lands on, so a link that redirects to a known type adds nothing)."""
        found: dict[str, str] = {}
        queue = deque(["/", *extra_paths])
        queued = {self.endpoint(self.base + path)[0] or path for path in queue}
        while queue:
            path = queue.popleft()
            kind = self.visit(page, role, "en", path, known=found)
            if kind is None:
                continue
            found[kind] = path
            for href in self.links(page):
                endpoint, target = self.endpoint(href)
                if endpoint and endpoint not in queued:
                    queued.add(endpoint)
                    queue.append(target)
        return found

    # -- checking one page ---------------------------------------------------------------
    def visit(self, page, role: str, language: str, path: str, known=None) -> str | None:
        """Load the page and check it. Returns its page type; None when it is no HTML page,
        or (while discovering, `known` given) a type already checked."""
        page.set_viewport_size({"width": AXE_WIDTHS[0], "height": HEIGHT})
        response = page.goto(self.base + path, wait_until="load")
        if not self.answered(response, EXPECTED_STATUS.get(path, 200), path, role, language):
            return None
        kind = self.endpoint(page.url)[0] or "error page"
        if response.status >= 400:  # an error page of its own (a link no longer valid, say)
            kind = f"{kind} ({response.status})"
        if known is not None and kind in known:
            return None
        where = f"{path} (final URL {page.url[len(self.base):]})" if page.url != self.base + path else path
        self.check(page, role, language, where, kind=kind)
        return kind

    def answered(self, response, expected: int, what: str, role: str, language: str) -> bool:
        """True for an HTML page with the status expected (a redirect's target counts)."""
        status = response.status if response else 0
        if status >= 400 and status != expected:
            self.report.problems.append(f"{what} answered {status} to {role} ({language})")
            return False
        return "text/html" in (response.headers.get("content-type", "") if response else "")

    def check(self, page, role: str, language: str, where: str, kind: str = ""):
        """axe at each width, then the width at 320 px. In English, the first page of each
        type gets its screenshot at 360 px."""
        page.evaluate(AXE_SOURCE)
        for width in AXE_WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            self.axe(page, role, language, width, where)
            if width == 360 and language == "en" and self.screenshot_dir and kind not in self.shots:
                self.screenshot(page, role, kind)
        page.set_viewport_size({"width": NARROW, "height": HEIGHT})
        page.evaluate(SETTLED)
        wide = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if wide[0] > wide[1]:
            self.report.overflows.append(f"{where} as {role}, {language}: {wide[0]} px wide at {NARROW} px "
                                         f"({page.evaluate(WIDEST)})")

    def axe(self, page, role: str, language: str, width: int, where: str):
        for v in page.evaluate(RUN_AXE, [WCAG_TAGS]):
            self.report.violations.append(Violation(v["id"], v["impact"] or "", v["help"], role, language,
                                                    width, where, v["targets"]))

    def act(self, page, role: str, language: str, action: "Action"):
        """A page that only a form post shows: load `action.path`, fill, press, check the answer."""
        page.set_viewport_size({"width": AXE_WIDTHS[0], "height": HEIGHT})
        page.goto(self.base + action.path, wait_until="load")
        for selector, value in action.fill.items():
            if page.locator(selector).first.evaluate("el => el.tagName") == "SELECT":
                page.locator(selector).first.select_option(value)
            else:
                page.locator(selector).first.fill(value)
        with page.expect_navigation(wait_until="load") as navigation:
            page.locator(action.press).first.click()
        if self.answered(navigation.value, action.status, action.name, role, language):
            self.check(page, role, language, f"{action.name} (from {action.path})", kind=f"form: {action.name}")

    def open_menus(self, page, role: str, language: str):
        """The header's folded menu, opened, on a phone: axe at 360 px, the width at 320 px."""
        page.set_viewport_size({"width": 360, "height": HEIGHT})
        if not page.evaluate("""() => { const closed = document.querySelectorAll("header details:not([open])");
                                        closed.forEach(d => { d.open = true; }); return closed.length; }"""):
            return
        page.evaluate(AXE_SOURCE)
        self.axe(page, role, language, 360, "/ with the header menu open")
        page.set_viewport_size({"width": NARROW, "height": HEIGHT})
        page.evaluate(SETTLED)
        wide = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if wide[0] > wide[1]:
            self.report.overflows.append(f"/ with the header menu open as {role}, {language}: {wide[0]} px wide")

    def screenshot(self, page, role: str, kind: str):
        self.shots.add(kind)
        name = kind.replace("form: ", "form-").replace(" ", "-").replace("(", "").replace(")", "")
        page.screenshot(path=str(Path(self.screenshot_dir) / f"{name}--{role}.png"), full_page=True)
        self.report.screenshots += 1

    # -- one role ------------------------------------------------------------------------
    def log_in(self, page, email: str, password: str):
        page.goto(self.base + "/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        page.wait_for_load_state("load")
        assert "/login" not in page.url, f"{email} could not log in"

    def choose_language(self, page, role: str, language: str):
        """Through the site's language form (folded in the phone menu or not)."""
        page.goto(self.base + "/")
        with page.expect_navigation():
            page.evaluate("""lang => { const select = document.getElementById("lang-select");
                                       select.value = lang; select.form.requestSubmit(); }""", language)
        assert page.evaluate("document.documentElement.lang") == language
        self.open_menus(page, role, language)

    def sweep_role(self, role: str, email: str | None, password: str, extra_paths: list[str],
                   actions: list["Action"] = ()):
        # No service worker: every page comes from the server, as the crawl expects.
        context = self.browser.new_context(viewport={"width": AXE_WIDTHS[0], "height": HEIGHT},
                                           service_workers="block")
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("pageerror", lambda exc: self.report.problems.append(f"script error on {page.url}: {exc}"))
        page.on("console", lambda msg: self.report.problems.append(f"{page.url}: {msg.text}")
                if "Content Security Policy" in msg.text else None)
        started = time.monotonic()
        try:
            if email:
                self.log_in(page, email, password)
            self.choose_language(page, role, "en")
            pages = self.discover(page, role, extra_paths)
            self.report.pages[role] = pages
            for action in actions:
                self.act(page, role, "en", action)
            for language in LANGUAGES[1:]:
                self.choose_language(page, role, language)
                for path in pages.values():
                    self.visit(page, role, language, path)
                for action in actions:
                    self.act(page, role, language, action)
            self.report.pages[role].update({f"form: {action.name}": action.path for action in actions})
        finally:
            context.close()
            self.report.seconds[role] = round(time.monotonic() - started, 1)


def screenshot_dir() -> str | None:
    """SCREENSHOT_DIR, created, when it is set; None skips the screenshots."""
    target = os.environ.get("SCREENSHOT_DIR")
    if target:
        os.makedirs(target, exist_ok=True)
    return target or None


def summary(report: Report) -> str:
    return json.dumps({role: dict(sorted(pages.items())) for role, pages in report.pages.items()}, indent=1)
