"""The built site in a real browser: headless Debian Chromium driven by Selenium.

Serves _build/html (`make site`) on 127.0.0.1 and checks every page of _toc.yml:
it loads with no console error, every image loads and has alt text, it fits a
phone's width; solutions open on a click; instructor notes follow the
learner/instructor switch; search finds each episode; code has a copy button;
episodes offer .ipynb and .md downloads and Binder/Colab buttons. Screenshots of
episode 02 at a phone's and a laptop's width go to _build/screenshots/.
Throwaway sites in tmp_path prove that the checks fail when they should.
`make test` installs chromium and chromium-driver with apt-get when missing (`make browser`).
"""

import base64
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

pytest.importorskip("selenium", reason="selenium is in requirements.txt; install it to run the browser tests")

from browser_checks import (  # noqa: E402  (tests/ is on sys.path: pytest's rootdir-relative import)
    LAPTOP,
    PHONE,
    check_page,
    check_instructor_view,
    check_solutions,
    choose_view,
    horizontal_overflow,
    http_get,
    instructor_notes,
    load,
    notebook_has_outputs,
    save_full_page_screenshot,
    serve,
    set_viewport,
    solution_toggles,
    toc_pages,
    view_switch,
    wait_until,
    widest_elements,
    write_page,
)
from selenium.webdriver.common.by import By  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "_build" / "screenshots"
PAGES = toc_pages(ROOT)
EPISODES = [page for page in PAGES if page.startswith("episodes/")]
EPISODE_02 = next(page for page in EPISODES if Path(page).name.startswith("02-"))
# Words on every page (block titles) say nothing about which page search finds.
COMMON_WORDS = {"questions", "objectives", "keypoints", "exercise", "solution", "instructor", "callout"}


@pytest.fixture
def phone(browser):
    set_viewport(browser, *PHONE, mobile=True)
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# --- Every page ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_console_errors_or_broken_images(browser, site_url, page):
    report = check_page(browser, site_url + page)
    if report.offline_errors:
        warnings.warn(f"{page}: external resources did not load offline: {report.offline_errors}")
    assert not report.problems, f"{page}:\n" + "\n".join(report.problems)
    assert browser.find_elements(By.CSS_SELECTOR, "article h1"), f"{page} has no title"


@pytest.mark.parametrize("page", PAGES)
def test_page_fits_a_phone(phone, site_url, page):
    load(phone, site_url + page)
    overflow = horizontal_overflow(phone, PHONE[0])
    assert overflow == 0, f"{page} is {overflow}px wider than a {PHONE[0]}px phone: {widest_elements(phone, PHONE[0])}"


def test_solutions_are_hidden_until_clicked(browser, site_url):
    problems, solutions = [], 0
    for page in PAGES:
        load(browser, site_url + page)
        solutions += len(solution_toggles(browser))
        problems += [f"{page}: {problem}" for problem in check_solutions(browser)]
    assert not problems, "\n".join(problems)
    if not solutions:
        pytest.skip("no page has a solution yet (test_solution_check_on_a_throwaway_book proves the check)")


def test_instructor_notes_follow_the_view(browser, site_url):
    pages_with_notes = []
    switch_seen = False
    for page in PAGES:
        load(browser, site_url + page)
        switch_seen = switch_seen or view_switch(browser) is not None
        if instructor_notes(browser):
            pages_with_notes.append(page)
    if not switch_seen:
        pytest.skip("the site has no learner/instructor view switch yet (added on the branch carpentries)")
    if not pages_with_notes:
        pytest.skip("no page has an instructor note (`:class: instructor`) yet")
    problems = []
    for page in pages_with_notes:
        load(browser, site_url + page)
        problems += [f"{page}: {problem}" for problem in check_instructor_view(browser)]
    assert not problems, "\n".join(problems)


# --- Episodes -----------------------------------------------------------------------------


def distinctive_word(browser):
    """A word of seven or more letters from the page's prose, other than the blocks' titles."""
    text = browser.execute_script(
        "return Array.from(document.querySelectorAll('article p, article li'))"
        ".filter(e => !e.closest('.admonition-title, .output, .highlight')).map(e => e.textContent).join(' ');"
    )
    words = [word for word in re.findall(r"\b[A-Za-z]{7,}\b", text) if word.lower() not in COMMON_WORDS]
    assert words, "the page has no prose to search for"
    return words[0]


@pytest.mark.parametrize("episode", EPISODES)
def test_search_finds_the_episode(browser, site_url, episode):
    load(browser, site_url + episode)
    word = distinctive_word(browser)
    report = check_page(browser, f"{site_url}search.html?q={word}")
    assert not report.problems, "search.html:\n" + "\n".join(report.problems)

    def found():
        links = browser.find_elements(By.CSS_SELECTOR, "#search-results a")
        return [link for link in links if episode in (link.get_attribute("href") or "")]

    assert wait_until(found, timeout=20), f"searching for {word!r} does not find {episode}"


def test_code_has_a_copy_button(browser, site_url):
    pages_with_code = 0
    for page in PAGES:
        load(browser, site_url + page)
        blocks = browser.find_elements(By.CSS_SELECTOR, "div.highlight")
        if not blocks:
            continue
        pages_with_code += 1
        assert wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "div.highlight button.copybtn"), timeout=10), (
            f"{page} has code but no copy button"
        )
    assert pages_with_code, "no page has code"


@pytest.mark.parametrize("episode", EPISODES)
def test_episode_offers_downloads_and_launch_buttons(browser, site_url, episode):
    load(browser, site_url + episode)
    stem = Path(episode).stem

    def link(selector):
        links = browser.find_elements(By.CSS_SELECTOR, selector)
        assert links, f"{episode} has no link {selector}"
        return links[0].get_attribute("href")

    status, notebook = http_get(link(f".dropdown-download-buttons a[href$='/{stem}.ipynb']"))
    assert status == 200, f"{episode}: the learner notebook download answers {status}"
    assert notebook_has_outputs(notebook), f"{episode}: the learner notebook has no outputs"
    assert b"myst_nb" not in notebook and b"{glue" not in notebook, f"{episode}: the learner notebook holds the build"
    status, handout = http_get(link(f".dropdown-download-buttons a[href$='/{stem}-handout.ipynb']"))
    assert status == 200, f"{episode}: the handout download answers {status}"
    assert b"# Type the code from " in handout, f"{episode}: the handout leaves nothing to type"
    assert not notebook_has_outputs(handout), f"{episode}: the handout has outputs"
    assert b"<summary>Solution" not in handout, f"{episode}: the handout shows solutions"
    status, archive = http_get(link(".dropdown-download-buttons a[href$='/workshop-handouts.zip']"))
    assert status == 200 and archive.startswith(b"PK"), f"{episode}: the handouts zip answers {status}"
    status, source = http_get(link(f".dropdown-download-buttons a[href$='{stem}.md']"))
    assert status == 200, f"{episode}: the .md download answers {status}"
    assert source.decode("utf-8").startswith("---\njupytext:"), f"{episode}: the .md download is not the source"
    # Binder and Colab cannot run a .md file: they open the branch `notebooks` (lesson/sphinx/launch_notebooks.py).
    binder = link(".dropdown-launch-buttons a[href^='https://mybinder.org/v2/gh/']")
    colab = link(".dropdown-launch-buttons a[href^='https://colab.research.google.com/github/']")
    assert binder.endswith(f"?urlpath=lab/tree/episodes/{stem}.ipynb"), binder
    assert colab.endswith(f"/episodes/{stem}.ipynb"), colab
    # The branch `notebooks` holds the Colab notebooks this build wrote (tools/publish/make_notebooks.py).
    status, colab_notebook = http_get(f"{site_url}learner-files/colab/{stem}.ipynb")
    assert status == 200 and b"#@title" in colab_notebook and b"myst_nb" not in colab_notebook


def test_episode_02_screenshots_at_phone_and_laptop_width(browser, site_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = Path(EPISODE_02).stem
    for label, (width, height), mobile in (("phone", PHONE, True), ("laptop", LAPTOP, False)):
        set_viewport(browser, width, height, mobile=mobile)
        try:
            load(browser, site_url + EPISODE_02)
            browser.save_screenshot(str(SCREENSHOTS / f"{name}-{label}-{width}x{height}.png"))
            save_full_page_screenshot(browser, SCREENSHOTS / f"{name}-{label}-{width}-full.png")
            overflow = horizontal_overflow(browser, width)
        finally:
            browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        assert overflow == 0, f"{EPISODE_02} is {overflow}px too wide at {width}px"
    assert len(list(SCREENSHOTS.glob(f"{name}-*.png"))) >= 4


# --- The checks fail when they should (throwaway sites) -------------------------------------

# A 1x1 PNG and an SVG with a viewBox but no size: both valid images.
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
SIZELESS_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


# A page with a learner/instructor switch like the lesson's: a button that names the view
# and a body class; {hide} is what the learner view does to instructor notes.
VIEW_SWITCH_PAGE = """
<style>.admonition.instructor {{ display: {hide}; }} body.instructor-view .admonition.instructor {{ display: block; }}</style>
<button class="view-switch" onclick="document.body.classList.toggle('instructor-view')">Instructor view</button>
<div class="admonition instructor"><p class="admonition-title">Instructor note</p><p>Type slowly.</p></div>
"""


@pytest.fixture(scope="module")
def throwaway_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("throwaway-site")
    (folder / "pixel.png").write_bytes(PIXEL_PNG)
    (folder / "shape.svg").write_text(SIZELESS_SVG)
    write_page(folder, "clean.html", '<img src="pixel.png" alt="A black dot."><img src="shape.svg" alt="A square.">')
    write_page(folder, "console-error.html", "<script>console.error('boom from the page')</script>")
    write_page(folder, "exception.html", "<script>undefinedFunction()</script>")
    write_page(folder, "broken-image.html", '<img src="missing.png" alt="Nothing.">')
    write_page(folder, "no-alt.html", '<img src="pixel.png"><img src="pixel.png" alt="  ">')
    write_page(folder, "wide.html", '<div style="width: 900px">wide</div>')
    write_page(folder, "instructor-view.html", VIEW_SWITCH_PAGE.format(hide="none"))
    write_page(folder, "broken-view.html", VIEW_SWITCH_PAGE.format(hide="block"))
    with serve(folder) as url:
        yield url


def test_a_clean_page_passes(browser, throwaway_site):
    assert check_page(browser, throwaway_site + "clean.html").problems == []


def test_a_console_error_fails_the_check(browser, throwaway_site):
    report = check_page(browser, throwaway_site + "console-error.html")
    assert any("boom from the page" in message for message in report.console_errors), report


def test_an_uncaught_exception_fails_the_check(browser, throwaway_site):
    report = check_page(browser, throwaway_site + "exception.html")
    assert any("undefinedFunction" in message for message in report.console_errors), report


def test_a_broken_image_fails_the_check(browser, throwaway_site):
    report = check_page(browser, throwaway_site + "broken-image.html")
    assert any("broken image 'missing.png'" in problem for problem in report.image_problems), report
    assert report.problems


def test_an_image_without_alt_text_fails_the_check(browser, throwaway_site):
    report = check_page(browser, throwaway_site + "no-alt.html")
    assert sum("has no alt text" in problem for problem in report.image_problems) == 2, report


def test_a_missing_page_fails_the_check(browser, throwaway_site):
    assert "HTTP status 404" in check_page(browser, throwaway_site + "nowhere.html").problems


def test_instructor_view_check_on_a_page_with_a_switch(browser, throwaway_site):
    load(browser, throwaway_site + "instructor-view.html")
    assert check_instructor_view(browser) == []


def test_instructor_view_check_reports_notes_shown_to_learners(browser, throwaway_site):
    load(browser, throwaway_site + "broken-view.html")
    assert "instructor notes are visible in the learner view" in check_instructor_view(browser)
    load(browser, throwaway_site + "clean.html")
    assert "no learner/instructor view switch" in check_instructor_view(browser)[0]


def test_a_page_wider_than_a_phone_fails_the_check(phone, throwaway_site):
    load(phone, throwaway_site + "wide.html")
    assert horizontal_overflow(phone, PHONE[0]) >= 900 - PHONE[0]
    assert any(element.startswith("div") for element in widest_elements(phone, PHONE[0]))


EXERCISE_BOOK = {
    "_config.yml": """\
title: Throwaway book
execute:
  execute_notebooks: "off"
parse:
  myst_enable_extensions: [colon_fence]
sphinx:
  extra_extensions: [sphinx_exercise, lesson.sphinx.dedupe_page_scripts]
  config:
    html_context:
      default_mode: auto
""",
    "_toc.yml": "format: jb-book\nroot: index\nchapters:\n  - file: episode\n  - file: open-solution\n",
    "index.md": "# Home\n\nA throwaway book with an exercise.\n",
    "episode.md": """\
# Episode

::::{exercise} Count the layers
:label: ep-count

How many layers does the model have?
::::

:::{solution} ep-count
:class: dropdown

Three, because HIDDENANSWER.
:::
""",
    "open-solution.md": """\
# Open solution

::::{exercise} Count again
:label: ep-again

How many?
::::

:::{solution} ep-again
Always visible.
:::
""",
}


@pytest.fixture(scope="module")
def exercise_book(tmp_path_factory):
    """A Jupyter Book with an exercise and a dropdown solution, and one with an open solution."""
    book = tmp_path_factory.mktemp("exercise-book")
    for name, text in EXERCISE_BOOK.items():
        (book / name).write_text(text)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    subprocess.run([str(jupyter_book), "build", str(book), "-W", "-n", "--quiet"], check=True, capture_output=True)
    with serve(book / "_build" / "html") as url:
        yield url


def test_solution_check_on_a_throwaway_book(browser, exercise_book):
    report = check_page(browser, exercise_book + "episode.html")
    assert report.problems == []
    assert len(solution_toggles(browser)) == 1
    answer = browser.find_element(By.XPATH, "//p[contains(., 'HIDDENANSWER')]")
    assert not answer.is_displayed()
    assert check_solutions(browser) == []
    assert answer.is_displayed()


def test_solution_check_reports_an_open_solution(browser, exercise_book):
    load(browser, exercise_book + "open-solution.html")
    problems = check_solutions(browser)
    assert problems and "not collapsible" in problems[0], problems
