"""Helpers shared by the browser tests: one page at one viewport, and the checks every citizen
page gets (axe-core, no horizontal scroll on a phone, no CSP violation, a screenshot).

axe-core is injected as a script from this site's own origin (a Playwright route answers
/__e2e__/axe.min.js with node_modules/axe-core/axe.min.js), so the pages keep their strict
Content-Security-Policy (script-src 'self') during the whole test: `add_script_tag(path=...)`
inlines the script and the CSP blocks it, and `bypass_csp=True` would hide a page that breaks
under its own policy.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__e2e__/axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"
START = "/innlogget/smitte-selvregistrering/hjemmetest"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
# Widths at which the page must not scroll sideways (phones).
PHONE_MAX_WIDTH = 375


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int

    @property
    def size(self) -> dict[str, int]:
        return {"width": self.width, "height": self.height}


PHONE = Viewport("phone", 375, 812)
DESKTOP = Viewport("desktop", 1280, 800)


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now: id, impact, help and the nodes hit."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=page.evaluate("location.origin") + AXE_PATH)
    result = page.evaluate("async () => JSON.stringify((await axe.run(document)).violations)")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in json.loads(result)
    ]


def fits_width(page) -> bool:
    """True when nothing makes the page scroll sideways, measured once the page and its
    stylesheets have loaded (before that, an unstyled table is wider than the screen)."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@dataclass
class Visit:
    """One browser context and page at one viewport, with the per-page checks."""

    page: object
    viewport: Viewport
    csp_errors: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def check(self, name: str) -> list[dict]:
        """axe-core (no serious or critical violation), no sideways scroll on a phone, no CSP
        violation so far; saves a full-page screenshot and axe's findings under test-artifacts/.
        Returns the findings below serious, for information."""
        slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
        directory = ARTIFACTS / self.viewport.name
        directory.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(directory / f"{slug}.png"), full_page=True)
        violations = axe_violations(self.page)
        (directory / f"{slug}.axe.json").write_text(
            json.dumps({"url": self.page.url, "violations": violations}, indent=1)
        )
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        others = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
        where = f"{name} at {self.viewport.width}px ({self.page.url})"
        assert not blocking, f"{where}: serious/critical axe violations {blocking}; others {others}"
        if self.viewport.width <= PHONE_MAX_WIDTH:
            assert fits_width(self.page), f"{where}: the page scrolls sideways"
        assert not self.csp_errors, f"{where}: Content-Security-Policy violations {self.csp_errors}"
        self.checked.append(name)
        return others


def context_new(browser, base_url: str, viewport: Viewport | dict, **options):
    """A browser context on `base_url` that can load axe-core from the site's own origin."""
    size = viewport.size if isinstance(viewport, Viewport) else viewport
    options.setdefault("locale", "nb-NO")
    options.setdefault("timezone_id", settings.TIME_ZONE)  # the browser lives where the users do
    context = browser.new_context(base_url=base_url, viewport=size, **options)
    context.set_default_timeout(10_000)
    context.route(
        f"{base_url}{AXE_PATH}",
        lambda route: route.fulfill(path=str(AXE), content_type="application/javascript"),
    )
    return context


def idp_login(visit: Visit, fnr: str, *, check_as: str = "") -> None:
    """At the test identity provider (O-5): fill "Fødselsnummer" and press "Logg inn"."""
    from playwright.sync_api import expect

    page = visit.page
    expect(page).to_have_url(re.compile(r"/testidp/authorize\?"))
    expect(page.get_by_role("heading", name="Testinnlogging")).to_be_visible()
    if check_as:
        visit.check(check_as)
    page.get_by_label("Fødselsnummer").fill(fnr)
    page.get_by_role("button", name="Logg inn").click()


# Where a value may wrap inside a token (an e-mail address, a link): after these, as the
# `breakable` filter allows, and after a hyphen, as browsers do.
_BREAK_AFTER = "@/.?&=_-"
_SPLIT_WORDS_JS = """([selector, breakAfter]) => {
  // Every character of each value, with the top of the line box it is drawn on (Range rects);
  // a word (characters between white space) whose characters lie on two lines is split, and
  // the split is allowed only right after one of `breakAfter`.
  const splits = [];
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let word = [];
    const finish = () => {
      for (let i = 1; i < word.length; i++) {
        if (Math.abs(word[i].top - word[i - 1].top) > 4 && !breakAfter.includes(word[i - 1].ch)) {
          splits.push({
            value: element.textContent.replace(/\\s+/g, " ").trim(),
            word: word.map((c) => c.ch).join(""),
            at: i,
          });
          break;
        }
      }
      word = [];
    };
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (/\\s/.test(text[i]) || rects.length === 0) {
          finish();
          continue;
        }
        word.push({ ch: text[i], top: rects[0].top });
      }
    }
    finish();
  }
  return splits;
}"""


def words_split_across_lines(page, selector: str = "dl.facts dd") -> list[dict]:
    """The words on label/value lists that wrap inside a word (not after @ / . ? & = _ -):
    [{value, word, at}], empty when every value wraps only between words."""
    return page.evaluate(_SPLIT_WORDS_JS, [selector, _BREAK_AFTER])
