"""What tests/test_site_accessibility.py does in the browser: run axe-core, and use the keyboard alone.

axe-core (tools/site-checks/package-lock.json, installed by `make site-checks`) is put into
the page through Selenium and run on the WCAG 2.0 and 2.1 rules of levels A and AA. The
keyboard checks press Tab as a reader would and look at what gets the focus.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AXE_SCRIPT = ROOT / "tools" / "site-checks" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AND_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
VIEWS = ("learner", "instructor")
MODES = ("light", "dark")
AXE_TIMEOUT = 300  # seconds for one run of axe on one page


@dataclass(frozen=True)
class Violation:
    """One axe rule that fails on a page, with the elements that fail it."""

    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    summary: str

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:5]) + (f" and {len(self.targets) - 5} more" if len(self.targets) > 5 else "")
        return f"{self.rule} ({self.impact}): {self.help}: {shown}\n    {self.summary}"


def axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run `make site-checks` (npm ci in tools/site-checks).")
    return AXE_SCRIPT.read_text(encoding="utf-8")


# Colour transitions (the theme fades between modes) end first: axe reads the colours as they are.
_RUN_AXE_JS = """
const [tags, done] = [arguments[0], arguments[arguments.length - 1]];
document.getAnimations().forEach(animation => animation.finish());
axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(results => done(JSON.stringify(results.violations)), error => done(JSON.stringify({error: String(error)})));
"""


def axe_violations(driver: Any, tags: tuple[str, ...] = WCAG_A_AND_AA) -> list[Violation]:
    """Run axe-core on the page in the browser; the rules of ``tags`` that it breaks."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(axe_source())
    previous = driver.timeouts.script
    driver.set_script_timeout(AXE_TIMEOUT)  # the all-in-one page takes axe a while
    try:
        result = json.loads(driver.execute_async_script(_RUN_AXE_JS, list(tags)))
    finally:
        driver.set_script_timeout(previous)
    if isinstance(result, dict):
        raise RuntimeError(f"axe-core failed on {driver.current_url}: {result['error']}")
    return [
        Violation(
            rule=violation["id"],
            impact=violation.get("impact") or "",
            help=violation["help"],
            targets=tuple(" ".join(map(str, node["target"])) for node in violation["nodes"]),
            summary=(violation["nodes"][0].get("failureSummary") or "").replace("\n", " ") if violation["nodes"] else "",
        )
        for violation in result
    ]


def set_mode(driver: Any, mode: str) -> None:
    """Switch the page to light or dark mode as a reader's system does: by its colour scheme.

    The theme follows it (``default_mode: auto`` in _config.yml) as long as no reader has chosen
    a mode with the theme's switch, on loading a page and on every change.
    """
    from browser_checks import wait_until

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": mode}]}
    )
    if not wait_until(lambda: driver.execute_script("return document.documentElement.dataset.theme") in (mode, None),
                      timeout=5):
        raise AssertionError(f"{driver.current_url} did not follow the colour scheme to {mode} mode")


def open_in(driver: Any, url: str, view: str, mode: str) -> None:
    """Load a page in the learner or instructor view (_static/lesson.js, ``?view=``) and light or dark mode."""
    from browser_checks import load, wait_until

    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    set_mode(driver, mode)
    load(driver, f"{url}{'&' if '?' in url else '?'}view={view}")
    state = "return [document.documentElement.dataset.theme, document.documentElement.classList.contains('instructor-view')]"
    expected = [mode, view == "instructor"]
    if not wait_until(lambda: driver.execute_script(state) == expected, timeout=5):
        actual = driver.execute_script(state)
        raise AssertionError(f"{url} did not open in the {view} view, {mode} mode: theme and instructor view are {actual}")


def open_solutions(driver: Any) -> int:
    """Open every solution on the page; return how many, once their fade-in has ended (axe reads colours)."""
    from browser_checks import solution_toggles, wait_until

    solutions = solution_toggles(driver)
    for _, toggle, _ in solutions:
        driver.execute_script("arguments[0].click();", toggle)
    contents = [element for _, _, content in solutions for element in content]
    shown = "return arguments[0].every(e => e.offsetParent !== null && getComputedStyle(e).opacity === '1');"
    if contents and not wait_until(lambda: driver.execute_script(shown, contents), timeout=5):
        raise AssertionError(f"{driver.current_url}: a solution stays hidden after a click on its toggle")
    return len(solutions)


# Records every element that gets the focus, in order, from now on.
_RECORD_FOCUS_JS = """
window.lessonFocusLog = [];
document.addEventListener('focusin', event => window.lessonFocusLog.push(event.target));
document.activeElement && document.activeElement.blur();
window.scrollTo(0, 0);
"""

# Whether an element shows where the focus is: an outline or a ring (box-shadow) once its
# transitions have ended, on a box a reader can see.
_SHOWS_FOCUS_JS = """
const element = arguments[0];
element.focus();
element.getAnimations().forEach(animation => animation.finish());
const style = getComputedStyle(element);
const box = element.getBoundingClientRect();
return document.activeElement === element && box.width > 0 && box.height > 0 &&
  ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none');
"""


def press(driver: Any, keys: str) -> None:
    """Press keys as a reader does, one after the other (Keys.TAB * 3 presses Tab three times)."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(keys).perform()


def tab_order(driver: Any, until: Any = None, batch: int = 40) -> list[Any]:
    """Every element that Tab reaches from the top of the page, round to the top again or up to ``until``."""
    from selenium.webdriver.common.keys import Keys

    candidates = driver.execute_script(
        "return document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]').length"
    )
    driver.execute_script(_RECORD_FOCUS_JS)
    order: list[Any] = []
    for _ in range(0, candidates + 2, batch):  # more presses than the page can take, in all
        press(driver, Keys.TAB * batch)
        order = driver.execute_script("return window.lessonFocusLog")
        if until is not None and until in order:
            return order[: order.index(until) + 1]
        if order and order[0] in order[1:]:
            break
    if not order:
        raise AssertionError(f"{driver.current_url}: Tab moves the focus nowhere")
    return order[: order.index(order[0], 1)] if order[0] in order[1:] else order


def shows_focus(driver: Any, element: Any) -> bool:
    """Whether ``element``, focused after a key press (so :focus-visible applies), shows the focus."""
    from selenium.webdriver.common.keys import Keys

    press(driver, Keys.SHIFT)  # the last input is the keyboard's, for the browser's :focus-visible
    return driver.execute_script(_SHOWS_FOCUS_JS, element)


def press_on(driver: Any, element: Any, key: str) -> None:
    """Focus ``element`` and press ``key`` on it."""
    driver.execute_script("arguments[0].focus(); arguments[0].scrollIntoView({block: 'center'});", element)
    press(driver, key)
