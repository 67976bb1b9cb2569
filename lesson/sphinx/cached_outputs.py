"""Sphinx extension: executed notebooks hold the kernel's own outputs.

_build/jupyter_execute/<episode>.ipynb is the page's .ipynb download
(sphinx-book-theme copies it to _sources/) and what `make test` gives nbval.
myst-nb 1.4.0 writes it wrong in three ways: after a rebuild that hit the cache it
has no outputs at all (jupyter-cache merges the outputs into a copy); after an
execution, each cell's first stream holds the whole merged text while the later
pieces stay too, so every line after the first is there twice; and the glue
records are taken out, so nbval would see outputs the reference lacks. After all
pages are read, this replaces each notebook's outputs with the ones jupyter-cache
stored from the kernel, so the download, the page and nbval agree.
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
        if not any(cell.cell_type == "code" for cell in notebook.cells):
            continue  # nothing to run
        try:
            _, merged = cache.merge_match_into_notebook(notebook)
        except KeyError:
            continue  # not in the cache: this build did not run it
        nbformat.write(merged, path)


def setup(app):
    app.connect("env-updated", restore_cached_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
