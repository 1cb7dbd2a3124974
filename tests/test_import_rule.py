"""Dependencies point one way: nothing in the core (jobs included) imports the web package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import stripstudio

PACKAGE = Path(stripstudio.__file__).parent
CORE = ["jobs", "domain", "prompting", "generation", "engines", "lettering", "layout", "export", "production", "script"]


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) of every import in ``source``, a module of ``package``; relative imports resolved,
    ``from a import b`` counted as both ``a`` and ``a.b``, imports inside functions included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found += [(node.lineno, module)] + [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def is_web(module: str) -> bool:
    return module == "stripstudio.web" or module.startswith("stripstudio.web.")


@pytest.mark.parametrize("package", CORE)
def test_no_core_module_imports_the_web_package(package):
    files = sorted((PACKAGE / package).rglob("*.py"))
    assert files, f"no sources found under stripstudio/{package}"
    offending = []
    for path in files:
        dotted = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
        for line, module in imported_modules(path.read_text(), dotted):
            if is_web(module):
                offending.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    assert offending == []


def test_the_rule_sees_absolute_relative_and_lazy_imports():
    source = (
        "from stripstudio.web.studio import models\ndef f():\n    import stripstudio.web.urls\nfrom ..web import api\n"
    )
    found = [module for _line, module in imported_modules(source, "stripstudio.jobs") if is_web(module)]
    assert found == [
        "stripstudio.web.studio",
        "stripstudio.web.studio.models",
        "stripstudio.web",
        "stripstudio.web.api",
        "stripstudio.web.urls",
    ]
