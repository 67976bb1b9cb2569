"""The whole lesson on one page (aio.html), as a PDF (lesson.pdf), and any page printed.

lesson/sphinx/all_in_one.py gathers the episodes and then the learner pages into aio.html; `make site`
prints it with Chromium to lesson.pdf; every page's header links both. The print stylesheet
(_static/lesson.css) prints the lesson without the site around it, with every solution open
and the instructor notes only from the instructor view. pdftoppm and pdftotext (poppler-utils,
`make site-checks`) read the PDF.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from lesson.sphinx.all_in_one import anchor, rebase
from browser_checks import check_page, instructor_notes, load, solution_toggles, toc_pages
from conftest import REPOSITORY, SITE

PAGES = toc_pages(REPOSITORY)
GATHERED = [page for folder in ("episodes/", "learners/") for page in PAGES if page.startswith(folder)]
EPISODES = [page for page in GATHERED if page.startswith("episodes/")]
PDF = SITE / "lesson.pdf"


def built(page):
    path = SITE / page
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make site` first.")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def title(soup):
    return soup.select_one("article.bd-article h1").get_text(" ", strip=True).removesuffix("#").strip()


@pytest.fixture(scope="module")
def aio():
    return built("aio.html")


def test_all_in_one_page_holds_every_episode_then_the_learner_pages_in_order(aio):
    sections = aio.select("article.bd-article > section.lesson-aio-page")
    assert [section["id"] for section in sections] == [anchor(page.removesuffix(".html")) for page in GATHERED]
    titles = [section.find("h1").get_text(" ", strip=True).removesuffix("#").strip() for section in sections]
    assert titles == [title(built(page)) for page in GATHERED]


def test_all_in_one_page_holds_every_figure_and_output(aio):
    for page in EPISODES:
        docname = page.removesuffix(".html")
        section = aio.find(id=anchor(docname))
        original = built(page).select_one("article.bd-article")
        images = [rebase(image["src"], docname, set()) for image in original.find_all("img")]
        assert images, f"{page} has no figure"
        assert [image["src"] for image in section.find_all("img")] == images, f"aio.html lacks figures of {page}"
        outputs = len(original.select(".cell_output"))
        assert outputs and len(section.select(".cell_output")) == outputs, f"aio.html lacks outputs of {page}"


def test_all_in_one_page_keeps_links_inside_it(aio):
    hrefs = [link["href"] for link in aio.select("article.bd-article a[href]")]
    assert not [href for href in hrefs if href.split("#")[0] in GATHERED], "a link leaves aio.html for a page it holds"
    assert any(href.startswith("#" + anchor("learners/reference")) for href in hrefs), "glossary links point into the page"


def test_rebase_moves_urls_onto_the_sites_root():
    gathered = {"episodes/02-build-a-cnn", "learners/reference"}
    assert rebase("../_images/fig.png", "episodes/02-build-a-cnn", gathered) == "_images/fig.png"
    assert rebase("#questions", "episodes/02-build-a-cnn", gathered) == "#aio-episodes-02-build-a-cnn--questions"
    assert rebase("../learners/reference.html#term-layer", "episodes/02-build-a-cnn", gathered) == (
        "#aio-learners-reference--term-layer"
    )
    assert rebase("../instructors/conventions.html#alt", "episodes/02-build-a-cnn", gathered) == "instructors/conventions.html#alt"
    assert rebase("https://keras.io/#x", "episodes/02-build-a-cnn", gathered) == "https://keras.io/#x"


def test_all_in_one_page_loads_with_every_image(browser, site_url):
    report = check_page(browser, site_url + "aio.html")
    assert not report.problems, "\n".join(report.problems)


@pytest.mark.parametrize("page", PAGES + ["aio.html"])
def test_every_header_links_the_all_in_one_page_and_the_pdf(page):
    links = {link.get_text(" ", strip=True): link["href"] for link in built(page).select(".dropdown-whole-lesson-buttons a")}
    assert set(links) == {"All in one page", "PDF of the lesson"}, links
    folder = (SITE / page).parent
    assert (folder / links["All in one page"]).resolve() == (SITE / "aio.html").resolve()
    assert (folder / links["PDF of the lesson"]).resolve() == PDF.resolve()


# --- The PDF ------------------------------------------------------------------------------------


def poppler(program):
    path = shutil.which(program)
    if path is None:
        pytest.fail(f"{program} is missing: run `make site-checks` (apt-get install poppler-utils).")
    return path


def pdf_pages():
    info = subprocess.run([poppler("pdfinfo"), str(PDF)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_pdf_holds_the_lesson_in_order():
    if not PDF.is_file():
        pytest.fail(f"{PDF} is missing: `make site` prints it")
    assert pdf_pages() >= len(GATHERED)
    text = subprocess.run([poppler("pdftotext"), str(PDF), "-"], capture_output=True, text=True, check=True).stdout
    positions = [text.find(title(built(page))) for page in GATHERED]
    assert -1 not in positions, f"the PDF lacks pages: {[page for page, at in zip(GATHERED, positions) if at < 0]}"
    assert positions == sorted(positions), "the PDF's pages are out of order"
    navigation = [words for words in ("Skip to main content", "Instructor view", "Ctrl", "All in one page") if words in text]
    assert not navigation, f"the PDF prints the site's navigation: {navigation}"


def ink(png):
    """The share of a page's pixels that are not white."""
    from PIL import Image

    with Image.open(png) as image:
        histogram = image.convert("L").histogram()  # pixels per grey level, 0 (black) to 255
    return sum(histogram[:200]) / sum(histogram)


def test_pdf_pages_are_not_blank(tmp_path):
    count = pdf_pages()
    for number in sorted({1, 2, count // 2, count}):
        subprocess.run([poppler("pdftoppm"), "-r", "30", "-png", "-f", str(number), "-l", str(number),
                        str(PDF), str(tmp_path / f"page-{number}")], check=True)
        (png,) = tmp_path.glob(f"page-{number}*.png")
        assert ink(png) > 0.005, f"page {number} of the PDF is blank"


def test_blank_page_counts_as_blank(tmp_path):
    from PIL import Image

    Image.new("RGB", (100, 100), "white").save(tmp_path / "white.png")
    assert ink(tmp_path / "white.png") == 0


# --- Printing a page ---------------------------------------------------------------------------

CHROME = (".bd-header", ".bd-sidebar-primary", ".bd-sidebar-secondary", ".bd-header-article",
          ".bd-footer", ".prev-next-footer", ".lesson-view-switch", "button.toggle-button")


def printed(browser, url):
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    load(browser, url)


@pytest.fixture
def printer(browser):
    yield browser
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def shown(browser, elements):
    return [element.is_displayed() for element in elements]


@pytest.mark.parametrize("page", EPISODES)
def test_a_printed_episode_has_its_solutions_open_and_no_navigation(printer, site_url, page):
    printed(printer, site_url + page + "?view=learner")
    solutions = solution_toggles(printer)
    assert solutions, f"{page} has no solution"
    assert all(all(shown(printer, content)) for _, _, content in solutions), "a solution is closed on paper"
    for selector in CHROME:
        visible = [e for e in printer.find_elements("css selector", selector) if e.is_displayed()]
        assert not visible, f"{page} prints {selector}"
    assert not any(shown(printer, instructor_notes(printer))), "the learner view prints instructor notes"


def test_instructor_notes_print_from_the_instructor_view_only(printer, site_url):
    page = next(page for page in EPISODES if built(page).select(".admonition.instructor"))
    printed(printer, site_url + page + "?view=instructor")
    assert all(shown(printer, instructor_notes(printer))), "the instructor view does not print its notes"
    printed(printer, site_url + page + "?view=learner")
    assert not any(shown(printer, instructor_notes(printer)))


def test_a_page_on_screen_keeps_its_navigation(browser, site_url):
    load(browser, site_url + EPISODES[0])
    assert browser.find_element("css selector", ".bd-header-article").is_displayed()
    assert not all(all(shown(browser, content)) for _, _, content in solution_toggles(browser))
