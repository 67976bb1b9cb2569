"""Sphinx extension: each page lists each of its scripts once.

With Jupyter Book 1.0.4 on Sphinx 7.4, the inline scripts that sphinx-thebe and
sphinx-togglebutton add (`const THEBE_JS_URL = ...`, `var togglebuttonSelector = ...`)
appear twice in every page, and the second `const` declaration is a console error
("Identifier 'THEBE_JS_URL' has already been declared"; tests/test_browser.py).
This drops repeated entries, keeping the first, just before the page is written.
"""


def _key(script):
    attributes = getattr(script, "attributes", {}) or {}
    # The same inline script comes once with filename None and once with "".
    return (getattr(script, "filename", script) or "", tuple(sorted((k, str(v)) for k, v in attributes.items())))


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
