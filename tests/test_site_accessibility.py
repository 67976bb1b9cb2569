"""The built site for readers with a screen reader, a keyboard only or low vision, in Chromium.

axe-core (tools/site-checks, `make site-checks`) checks every page of _toc.yml against the
WCAG 2.0 and 2.1 rules of levels A and AA, whatever their impact, in the learner and the
instructor view, in light and dark mode, with every solution open: no rule is excluded.
By keyboard alone, Tab reaches the instructor-view switch, every solution's toggle and
every tab, each shows where the focus is, and Enter or Space operates it.
Throwaway pages prove that axe fails a page when it should.
"""

from __future__ import annotations

import pytest

pytest.importorskip("selenium", reason="selenium is in requirements.txt; install it to run the browser tests")

from accessibility_checks import (  # noqa: E402
    MODES,
    VIEWS,
    axe_violations,
    open_in,
    open_solutions,
    press_on,
    set_mode,
    shows_focus,
    tab_order,
)
from browser_checks import instructor_notes, load, serve, solution_toggles, toc_pages, wait_until, write_page  # noqa: E402
from conftest import REPOSITORY, SITE  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

PAGES = toc_pages(REPOSITORY)
VARIANTS = [(view, mode) for view in VIEWS for mode in MODES]
# The all-in-one page is the pages above one after the other, each checked in all four
# variants; on it, axe takes longest (20 s a run here), so it runs once per view and per mode.
ALL_IN_ONE_VARIANTS = [("learner", "light"), ("instructor", "dark")]
# sphinx-design's tabs (learners/setup.md chooses an operating system with them).
TAB_LABELS = ".sd-tab-set > label"


def wcag_problems(browser, url, variants):
    """axe's findings in each (view, mode): the page loads once per view, and changes mode in place."""
    problems, loaded = [], None
    for view, mode in variants:
        if view != loaded:
            open_in(browser, url, view, mode)
            open_solutions(browser)
            loaded = view
        set_mode(browser, mode)
        problems += [f"{view} view, {mode} mode: {violation}" for violation in axe_violations(browser)]
    return problems


@pytest.mark.parametrize("page", PAGES)
def test_page_meets_wcag_a_and_aa(browser, site_url, page):
    problems = wcag_problems(browser, site_url + page, VARIANTS)
    assert not problems, f"{page}:\n" + "\n".join(problems)


def test_all_in_one_page_meets_wcag_a_and_aa(browser, site_url):
    problems = wcag_problems(browser, site_url + "aio.html", ALL_IN_ONE_VARIANTS)
    assert not problems, "aio.html:\n" + "\n".join(problems)


# --- By keyboard alone ------------------------------------------------------------------------


def describe(element):
    return f"<{element.tag_name} class={element.get_attribute('class')!r}> {element.text.strip()[:40]!r}"


def keyboard_problems(browser, controls):
    """Problems with reaching ``controls`` by Tab (from the top of the page) and seeing their focus."""
    reached = tab_order(browser, until=controls[0] if len(controls) == 1 else None)
    problems = [f"Tab never reaches {describe(control)}" for control in controls if control not in reached]
    problems += [f"{describe(control)} shows no focus" for control in controls if not shows_focus(browser, control)]
    return problems


def html_has_instructor_view(browser):
    return browser.execute_script("return document.documentElement.classList.contains('instructor-view')")


@pytest.mark.parametrize("page", [page for page in PAGES if page.startswith("episodes/")])
def test_instructor_view_switch_by_keyboard(browser, site_url, page):
    open_in(browser, site_url + page, "learner", "light")
    switch = browser.find_element(By.CSS_SELECTOR, ".lesson-view-switch")
    assert keyboard_problems(browser, [switch]) == []
    notes = instructor_notes(browser)
    press_on(browser, switch, Keys.ENTER)
    assert wait_until(lambda: html_has_instructor_view(browser), timeout=5), "Enter does not switch to the instructor view"
    assert all(note.is_displayed() for note in notes), "instructor notes stay hidden in the instructor view"
    press_on(browser, switch, Keys.SPACE)
    assert wait_until(lambda: not html_has_instructor_view(browser), timeout=5), "Space does not switch back"


@pytest.mark.parametrize("page", PAGES)
def test_solutions_and_tabs_by_keyboard(browser, site_url, page):
    open_in(browser, site_url + page, "learner", "light")
    solutions = solution_toggles(browser)
    tabs = browser.find_elements(By.CSS_SELECTOR, TAB_LABELS)
    if not solutions and not tabs:
        return
    problems = keyboard_problems(browser, [toggle for _, toggle, _ in solutions] + tabs)
    for number, (solution, toggle, content) in enumerate(solutions):
        key = (Keys.ENTER, Keys.SPACE)[number % 2]  # half of them each way
        press_on(browser, toggle, key)
        if not wait_until(lambda: all(element.is_displayed() for element in content), timeout=5):
            problems.append(f"{'Enter' if key == Keys.ENTER else 'Space'} does not open {describe(solution)}")
    for number, label in enumerate(tabs):
        key = (Keys.SPACE, Keys.ENTER)[number % 2]
        press_on(browser, label, key)
        panel = label.find_element(By.XPATH, "following-sibling::div[1]")
        if not wait_until(panel.is_displayed, timeout=5):
            problems.append(f"{'Enter' if key == Keys.ENTER else 'Space'} does not open the tab {describe(label)}")
    assert not problems, f"{page}:\n" + "\n".join(problems)


def test_the_lesson_has_solutions_and_tabs_for_the_keyboard_tests():
    """Episodes have exercises' solutions and learners/setup.md has tabs: the tests above meet both."""
    built = {page: (SITE / page).read_text(encoding="utf-8") for page in PAGES if (SITE / page).exists()}
    assert len(built) == len(PAGES), "run `make site` first"
    assert any('class="solution dropdown' in html for html in built.values()), "no page has a solution"
    assert any('class="sd-tab-set' in html for html in built.values()), "no page has tabs"


# --- The checks fail when they should (throwaway pages) ---------------------------------------

# An image without alt text; text of 1.6:1 on white (WCAG AA asks 4.5:1); a button whose focus
# has been made invisible; a clean page. Pages get a title and lang (write_page).
THROWAWAY_PAGES = {
    "no-alt.html": '<main><h1>Figure</h1><img src="pixel.png"></main>',
    "low-contrast.html": '<main><h1>Block</h1><div style="color: #cccccc; background: #ffffff">Faint text.</div></main>',
    "hidden-focus.html": '<main><h1>Button</h1><style>button:focus { outline: none; }</style><button>Open</button></main>',
    "clean.html": '<main><h1>Figure</h1><img src="pixel.png" alt="A black dot."><button>Open</button></main>',
}


@pytest.fixture(scope="module")
def throwaway_pages(tmp_path_factory):
    import base64

    folder = tmp_path_factory.mktemp("throwaway-accessibility")
    (folder / "pixel.png").write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    ))
    for name, body in THROWAWAY_PAGES.items():
        write_page(folder, name, body)
    with serve(folder) as url:
        yield url


def rules_broken(browser, url):
    load(browser, url)
    return {violation.rule for violation in axe_violations(browser)}


def test_axe_passes_a_clean_page(browser, throwaway_pages):
    assert rules_broken(browser, throwaway_pages + "clean.html") == set()


def test_axe_fails_an_image_without_alt_text(browser, throwaway_pages):
    assert "image-alt" in rules_broken(browser, throwaway_pages + "no-alt.html")


def test_axe_fails_a_low_contrast_block(browser, throwaway_pages):
    assert "color-contrast" in rules_broken(browser, throwaway_pages + "low-contrast.html")


def test_focus_check_fails_an_invisible_focus(browser, throwaway_pages):
    load(browser, throwaway_pages + "hidden-focus.html")
    button = browser.find_element(By.TAG_NAME, "button")
    assert keyboard_problems(browser, [button]) == [f"{describe(button)} shows no focus"]
    load(browser, throwaway_pages + "clean.html")
    assert keyboard_problems(browser, [browser.find_element(By.TAG_NAME, "button")]) == []


def test_an_unknown_view_or_mode_is_refused(browser):
    with pytest.raises(ValueError, match="view must be one of"):
        open_in(browser, "about:blank", "teacher", "light")
    with pytest.raises(ValueError, match="mode must be one of"):
        set_mode(browser, "sepia")
