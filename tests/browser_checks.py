"""What tests/test_browser.py does in a browser: serve a folder, drive Chromium, check a page.

Debian's chromium and chromium-driver (`make browser`, which `make test` runs) do the
work; nothing downloads a browser: the driver's path goes to Selenium through
Service and SE_OFFLINE keeps Selenium Manager from looking for another.
"""

import functools
import http.server
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)
PHONE = (390, 844)
LAPTOP = (1366, 768)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def serve(directory):
    """Serve a folder on 127.0.0.1 at a free port from a thread; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def http_get(url):
    """(status, body bytes) of a GET, without raising on 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def start_browser(user_data_dir):
    """A headless Debian Chromium driven by Debian's chromedriver, logging the console."""
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for program in (CHROMIUM, CHROMEDRIVER):
        if not Path(program).exists():
            raise FileNotFoundError(f"{program} is missing: run `make browser` (apt-get install chromium chromium-driver).")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    options.add_argument(f"--window-size={LAPTOP[0]},{LAPTOP[1]}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    return driver


def load(driver, url):
    """Open a page and wait until it and everything it loads are there."""
    driver.get(url)
    wait_until(lambda: driver.execute_script("return document.readyState") == "complete")


def write_page(folder, name, body):
    """A small HTML page for a throwaway site, with a title and a phone's viewport."""
    head = f'<title>{name}</title><meta name="viewport" content="width=device-width, initial-scale=1">'
    (Path(folder) / name).write_text(f"<!doctype html><html lang=\"en\"><head>{head}</head><body>{body}</body></html>")


# Resolves with one record per <img>, after each has loaded or failed.
# decode() rejects for an image that cannot be shown; lazy images are made eager first.
_IMAGES_JS = """
const done = arguments[arguments.length - 1];
const images = Array.from(document.images);
images.forEach(image => { if (image.loading === 'lazy') image.loading = 'eager'; });
Promise.all(images.map(image => image.decode().then(() => null, error => String(error))))
  .then(errors => done(images.map((image, i) => ({
      src: image.getAttribute('src'),
      url: image.currentSrc || image.src,
      alt: image.getAttribute('alt'),
      naturalWidth: image.naturalWidth,
      decodeError: errors[i],
  }))));
"""


@dataclass
class PageReport:
    url: str
    status: int = 0
    console_errors: list = field(default_factory=list)
    offline_errors: list = field(default_factory=list)  # external resources an offline machine cannot load
    image_problems: list = field(default_factory=list)

    @property
    def problems(self):
        problems = []
        if self.status != 200:
            problems.append(f"HTTP status {self.status}")
        problems += [f"console error: {message}" for message in self.console_errors]
        problems += self.image_problems
        return problems


def read_console(driver, origin):
    """SEVERE console entries since the last call, split into (errors, offline failures)."""
    errors, offline = [], []
    for entry in driver.get_log("browser"):
        if entry["level"] != "SEVERE":
            continue
        message = entry["message"]
        if message.startswith(origin + "favicon.ico "):
            continue  # the browser's own request for an icon the page did not ask for
        external = message.startswith(("http://", "https://")) and not message.startswith(origin)
        if external and "net::ERR_" in message:
            offline.append(message)
        else:
            errors.append(message)
    return errors, offline


def wait_until(condition, timeout=20, interval=0.1):
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > end:
            return value
        time.sleep(interval)


def check_page(driver, url):
    """Load a page; report its HTTP status, console errors and broken or unlabelled images."""
    origin = "{0.scheme}://{0.netloc}/".format(urllib.parse.urlsplit(url))
    report = PageReport(url, status=http_get(url)[0])
    read_console(driver, origin)  # drop what earlier pages logged
    driver.get(url)
    wait_until(lambda: driver.execute_script("return document.readyState") == "complete")
    images = driver.execute_async_script(_IMAGES_JS)
    time.sleep(0.2)  # let scripts run that the load event started
    report.console_errors, report.offline_errors = read_console(driver, origin)
    for image in images:
        if image["decodeError"] or not image["naturalWidth"]:
            report.image_problems.append(f"broken image {image['src']!r} ({image['decodeError'] or 'no pixels'})")
        if not (image["alt"] or "").strip():
            report.image_problems.append(f"image {image['src']!r} has no alt text")
    return report


def _displayed(elements):
    return any(element.is_displayed() for element in elements)


def solution_toggles(driver):
    """(solution element, its toggle, its content elements) for every collapsible solution on the page.

    sphinx-exercise solutions with `:class: dropdown` become sphinx-togglebutton toggles
    (the admonition title is the button); sphinx-design dropdowns are <details>.
    """
    from selenium.webdriver.common.by import By

    found = []
    for solution in driver.find_elements(By.CSS_SELECTOR, ".solution.dropdown, .admonition.toggle, details.dropdown"):
        if solution.tag_name == "details":
            toggle = solution.find_element(By.CSS_SELECTOR, ":scope > summary")
            content = solution.find_elements(By.CSS_SELECTOR, ":scope > :not(summary)")
        else:
            # The title of a sphinx-exercise solution is mostly a link to its exercise;
            # the chevron button that sphinx-togglebutton adds is what opens it.
            wait_until(lambda: solution.find_elements(By.CSS_SELECTOR, "button.toggle-button"), timeout=10)
            toggle = solution.find_element(By.CSS_SELECTOR, ":scope > .admonition-title button.toggle-button")
            content = solution.find_elements(By.CSS_SELECTOR, ":scope > :not(.admonition-title):not(button)")
        found.append((solution, toggle, content))
    return found


def check_solutions(driver):
    """Problems with the page's solutions: each must be hidden, then shown after one click."""
    from selenium.webdriver.common.by import By

    problems = []
    for solution in driver.find_elements(By.CSS_SELECTOR, ".solution:not(.dropdown)"):
        name = solution.get_attribute("id") or solution.text[:40]
        problems.append(f"solution {name!r} is not collapsible (add `:class: dropdown`)")
    for solution, toggle, content in solution_toggles(driver):
        name = solution.get_attribute("id") or solution.text[:40]
        if not content:
            problems.append(f"solution {name!r} has no content")
            continue
        if _displayed(content):
            problems.append(f"solution {name!r} is visible before a click")
            continue
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", toggle)
        toggle.click()
        if not wait_until(lambda: _displayed(content), timeout=5):
            problems.append(f"solution {name!r} stays hidden after a click")
    return problems


# How a page may offer the learner/instructor switch: a control that names the instructor view.
_VIEW_SWITCH_JS = """
const controls = Array.from(document.querySelectorAll(
  '[data-lesson-view], [data-view], .view-switch, #view-switch, .instructor-view-switch, ' +
  'button, a[role="button"], input[type="checkbox"], input[type="radio"], select, label'));
const names = element => [element.textContent, element.getAttribute('aria-label'),
  element.getAttribute('title'), element.getAttribute('data-view'),
  element.getAttribute('data-lesson-view'), element.id, element.className]
  .filter(Boolean).join(' ').toLowerCase();
const pick = word => controls.find(element => names(element).includes(word) &&
  names(element).match(/view|mode|switch|toggle/) && !element.closest('.admonition'));
return [pick('instructor'), pick('learner')];
"""


def view_switch(driver):
    """(control for the instructor view, control for the learner view or None), or None without a switch."""
    instructor, learner = driver.execute_script(_VIEW_SWITCH_JS)
    return None if instructor is None else (instructor, learner)


def instructor_notes(driver):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, ".admonition.instructor")


def choose_view(driver, control, view):
    """Operate a switch control: select an option, tick a box or click a button."""
    from selenium.webdriver.support.ui import Select

    if control.tag_name == "select":
        select = Select(control)
        for option in select.options:
            if view in option.text.lower() or view in (option.get_attribute("value") or "").lower():
                select.select_by_visible_text(option.text)
                return
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", control)
    driver.execute_script("arguments[0].click();", control)


def check_instructor_view(driver):
    """Problems with the page's learner/instructor switch: notes hidden, shown, hidden again."""
    switch = view_switch(driver)
    if switch is None:
        return ["the page has instructor notes but no learner/instructor view switch"]
    notes = instructor_notes(driver)
    problems = []
    if any(note.is_displayed() for note in notes):
        problems.append("instructor notes are visible in the learner view")
    choose_view(driver, switch[0], "instructor")
    if not wait_until(lambda: all(note.is_displayed() for note in notes), timeout=5):
        problems.append("instructor notes stay hidden in the instructor view")
    switch = view_switch(driver) or switch  # a switch may re-render itself
    choose_view(driver, switch[1] if switch[1] is not None else switch[0], "learner")
    if not wait_until(lambda: not any(note.is_displayed() for note in notes), timeout=5):
        problems.append("instructor notes stay visible after switching back to the learner view")
    return problems


def set_viewport(driver, width, height, mobile):
    """Emulate a device's viewport exactly (the window's size would include nothing else, but be explicit)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


def horizontal_overflow(driver, width=None):
    """How many CSS pixels the page is wider than the viewport (0 when it fits).

    A phone (mobile emulation) widens its viewport to content that overflows, so
    window.innerWidth grows with the page: pass the device's width to compare with.
    """
    return driver.execute_script(
        "const width = Math.min(window.innerWidth, arguments[0] || Infinity);"
        "return Math.max(0, document.documentElement.scrollWidth - width - 1);",
        width,
    )


def widest_elements(driver, width, limit=5):
    """The elements that stick out to the right of the viewport, to explain an overflow."""
    return driver.execute_script(
        """
        const width = arguments[1];
        return Array.from(document.querySelectorAll('body *'))
          .filter(e => e.getBoundingClientRect().right > width + 1 && e.offsetParent !== null)
          .slice(-arguments[0])
          .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
               (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
               ' right=' + Math.round(e.getBoundingClientRect().right));
        """,
        limit,
        width,
    )


def save_full_page_screenshot(driver, path):
    """A PNG of the whole page at the current viewport width."""
    import base64

    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    Path(path).write_bytes(base64.b64decode(shot["data"]))


def toc_pages(book):
    """The HTML paths of every page in _toc.yml, in reading order."""
    from lesson.sources import toc_files

    return [f"{name}.html" for name in toc_files(Path(book) / "_toc.yml")]


def notebook_has_outputs(body):
    notebook = json.loads(body)
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    return not code or any(cell.get("outputs") for cell in code)
