"""List every external link of the built site, with the pages that use it, for an online check.

`make site` writes _build/external-links.md; `make check-external-links` hands it to lychee,
which needs internet (the tests check only the site's internal links and anchors, offline):

    python tools/build/external_links.py _build/html _build/external-links.md
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

# Attributes that hold a URL; srcset holds several.
URL_ATTRIBUTES = {"href", "src", "action", "poster", "data"}
EXTERNAL = ("http://", "https://")


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in URL_ATTRIBUTES:
                self.urls.append(value.strip())
            elif name == "srcset":
                self.urls += [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def site_pages(site: Path) -> list[Path]:
    """The site's HTML pages: every .html file but the theme's template fragments in _static/."""
    return sorted(path for path in site.rglob("*.html") if "_static" not in path.relative_to(site).parts)


def external_links(site: Path) -> dict[str, list[str]]:
    """Every http(s) URL of the site's pages, sorted, with the pages (relative to ``site``) that use it."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site} holds no built site (no index.html): run `make site` first")
    used_on: dict[str, set[str]] = defaultdict(set)
    for page in site_pages(site):
        collector = _LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        for url in collector.urls:
            if url.startswith(EXTERNAL):
                used_on[url].add(page.relative_to(site).as_posix())
    return {url: sorted(pages) for url, pages in sorted(used_on.items())}


def as_markdown(links: dict[str, list[str]]) -> str:
    lines = [
        "# The site's external links",
        "",
        "Written by `make site` (tools/build/external_links.py) from the built pages; "
        "`make check-external-links` checks them online with lychee.",
        "",
    ]
    lines += [f"- <{url}> used on: {', '.join(pages)}" for url, pages in links.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site, _build/html")
    parser.add_argument("output", type=Path, help="the Markdown list to write, _build/external-links.md")
    arguments = parser.parse_args(argv)
    try:
        links = external_links(arguments.site)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    arguments.output.write_text(as_markdown(links), encoding="utf-8")
    print(f"{arguments.output}: {len(links)} external links")
    return 0


if __name__ == "__main__":
    sys.exit(main())
