"""The names a code cell defines and the names it reads, found with Python's own parser.

The lesson checks use them (no learner code may need a name that only a hidden or optional
cell defines), and so do the handouts (each empty cell's prompt names what later cells need).
"""

from __future__ import annotations

import ast

SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
          ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _parse(code: str) -> ast.Module | None:
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(code))
    except SyntaxError:
        return None


def defined_names(code: str) -> set[str]:
    """Names a cell binds at the top level of the notebook (not inside functions)."""
    tree = _parse(code)
    names: set[str] = set()
    if tree is None:
        return names

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(child.name)
                continue
            if isinstance(child, SCOPES):
                continue
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in child.names)
            elif isinstance(child, ast.ExceptHandler) and child.name:
                names.add(child.name)
            visit(child)

    visit(tree)
    return names


def used_names(code: str) -> set[str]:
    """Global names a cell reads, inside its functions too (less what they bind themselves)."""
    tree = _parse(code)
    if tree is None:
        return set()
    local: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, SCOPES):
            for inner in ast.walk(node):
                if isinstance(inner, ast.arg):
                    local.add(inner.arg)
                elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store) and inner is not node:
                    local.add(inner.id)
    loads = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    return loads - (local - defined_names(code))


def assigned_names(code: str) -> list[str]:
    """Names a cell binds at the top level, less the modules it imports, in order of appearance."""
    tree = _parse(code)
    if tree is None:
        return []
    imported = {(alias.asname or alias.name).split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    found = defined_names(code) - imported
    places = sorted((node.lineno, node.col_offset, node.id if isinstance(node, ast.Name) else node.name)
                    for node in ast.walk(tree) if isinstance(node, (ast.Name, ast.FunctionDef, ast.ClassDef)))
    return list(dict.fromkeys(name for _, _, name in places if name in found))
