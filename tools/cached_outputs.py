"""Sphinx extension: executed notebooks keep their outputs when the build reuses the cache.

With `execute_notebooks: cache`, myst-nb 1.4.0 renders the cached outputs into the
page but writes _build/jupyter_execute/<episode>.ipynb from the notebook as read,
without outputs (jupyter-cache merges the outputs into a copy). That file is the
page's .ipynb download (sphinx-book-theme copies it to _sources/) and what
`make test` gives nbval, so after any rebuild that hit the cache both lost every
output. After all pages are read, this merges the cached outputs back into each
such notebook.
"""

from pathlib import Path


def restore_cached_outputs(app, env):
    config = getattr(env, "mystnb_config", None)
    if config is None or config.execution_mode != "cache":
        return
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(config.execution_cache_path)
    folder = Path(config.output_folder)
    for docname in sorted(env.found_docs):
        path = folder.joinpath(*f"{docname}.ipynb".split("/"))
        if not path.exists():
            continue
        notebook = nbformat.read(path, as_version=4)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        if not code or any(cell.get("outputs") or cell.get("execution_count") for cell in code):
            continue  # nothing to run, or already executed
        try:
            _, merged = cache.merge_match_into_notebook(notebook)
        except KeyError:
            continue  # not in the cache: this build did not run it
        nbformat.write(merged, path)


def setup(app):
    app.connect("env-updated", restore_cached_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
