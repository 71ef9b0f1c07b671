"""Imports between apps go one way (docs: STYLE.md, "Layout shows the architecture").

Every .py file of the project is parsed with `ast` (nothing is imported); each import of one of
our packages from another, at the top of a module or inside a function, is an edge of the
package graph. The packages stand in LAYERS, bottom first: a package imports only packages below
it, no two packages import each other (directly or round a longer cycle), and no import of another
package hides inside a function to dodge a cycle.

What counts:
- the app packages and their migrations: a migration is code that runs (`migrate`), and one that
  imported a higher app would tie the lower app's history to it;
- `import x`, `from x import y`, relative imports, and `importlib.import_module("x")` /
  `import_string("x...")` with a literal name (the same dependency, spelled as a string);
- not the tests (`tests/` folders and the test helpers in smsmotor/test.py): they sit above
  everything and may drive any app; nor bench/, scripts/ and manage.py, which are outside the
  packages. Django's string references (INSTALLED_APPS, "app.Model" foreign keys, URL includes,
  django-q task names) are not imports and are not counted.
"""

from __future__ import annotations

import ast
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent

# Bottom first. smsmotor/ is the ground (settings, crypto, fields, texts, logs, live tables...);
# shell/ is on top (toolbar, status bar, health, root URLs, admin site) and imports what it shows.
LAYERS = ("smsmotor", "accounts", "messaging", "modem", "credit", "loads", "api", "simulators", "shell")

# Test helpers that live in a package but are test code (see the module's docstring).
TEST_MODULES = {"smsmotor/test.py"}
LITERAL_IMPORTERS = ("import_module", "import_string", "__import__")
SKIPPED_DIRS = {".venv", ".git", "node_modules", "staticfiles", "media", "__pycache__", ".ruff_cache"}

# Imports of another package inside a function, (module, imported package) with the reason why:
# none.
ALLOWED_IN_FUNCTION: dict[tuple[str, str], str] = {}

# PENDING: edges that break the layering and can only be removed in files being changed elsewhere
# at the same time (issue 14). Each entry is (importing module, imported package); the test fails
# once the import is gone, so this list cannot outlive the edge.
PENDING: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    path: str
    line: int
    target: str  # the imported module, dotted
    in_function: bool

    @property
    def source_package(self) -> str:
        return self.module.split(".")[0]

    @property
    def target_package(self) -> str:
        return self.target.split(".")[0]

    def __str__(self) -> str:
        where = " (inside a function)" if self.in_function else ""
        return f"{self.path}:{self.line} {self.module} imports {self.target}{where}"


def module_name(path: str) -> tuple[str, bool]:
    """'credit/services.py' -> ('credit.services', False); 'credit/__init__.py' -> ('credit', True)."""
    parts = path[: -len(".py")].split("/")
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def imports_of(path: str, source: str) -> list[Import]:
    """Every import in one file, resolved to absolute dotted names."""
    module, is_package = module_name(path)
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[Import] = []

    def add(target: str, node: ast.AST, in_function: bool) -> None:
        found.append(Import(module, path, node.lineno, target, in_function))

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(alias.name, child, in_function)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[: len(package) - (child.level - 1)]
                    target = ".".join([*base, child.module] if child.module else base)
                else:
                    target = child.module or ""
                add(target, child, in_function)
            elif _literal_import(child):
                add(child.args[0].value, child, in_function)
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    visit(ast.parse(source, path), False)
    return found


def _literal_import(node: ast.AST) -> bool:
    """import_module("x"), import_string("x.y"), __import__("x"): an import by another name."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    argument = node.args[0]
    return name in LITERAL_IMPORTERS and isinstance(argument, ast.Constant) and isinstance(argument.value, str)


def project_sources() -> dict[str, str]:
    """The packages' files (relative path -> source), tests and tools left out."""
    sources = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS.intersection(relative.parts) or "tests" in relative.parts:
            continue
        name = relative.as_posix()
        if relative.parts[0] in LAYERS and name not in TEST_MODULES:
            sources[name] = path.read_text(encoding="utf-8")
    return sources


def cross_package_imports(sources: dict[str, str], layers: tuple[str, ...]) -> list[Import]:
    edges = []
    for path, source in sources.items():
        for found in imports_of(path, source):
            if found.target_package in layers and found.target_package != found.source_package:
                edges.append(found)
    return edges


def cycles(imports: list[Import]) -> list[list[str]]:
    """The packages' strongly connected components of more than one package (Tarjan)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for found in imports:
        graph[found.source_package].add(found.target_package)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(graph[node]):
            if neighbour not in index:
                connect(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return components


def problems(imports: list[Import], layers: tuple[str, ...], pending=(), allowed_in_function=()) -> list[str]:
    """What breaks the layering, one sentence per import (with file and line)."""
    counted = [found for found in imports if (found.module, found.target_package) not in pending]
    found_problems = []
    for component in cycles(counted):
        found_problems.append(f"cycle between {', '.join(component)}:")
        found_problems += [
            f"  {found}" for found in counted if {found.source_package, found.target_package} <= set(component)
        ]
    for found in counted:
        if layers.index(found.target_package) > layers.index(found.source_package):
            found_problems.append(f"upward import ({found.source_package} is below {found.target_package}): {found}")
        if found.in_function and (found.module, found.target_package) not in allowed_in_function:
            found_problems.append(f"import of another package inside a function: {found}")
    return found_problems


class LayersTestCase(SimpleTestCase):
    def test_it_declares_every_app_in_one_layer(self):
        ours = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
        self.assertEqual(ours, set(LAYERS))
        print("\nLayers, bottom first:", " < ".join(LAYERS))

    def test_it_finds_no_cycle_no_upward_and_no_hidden_import(self):
        imports = cross_package_imports(project_sources(), LAYERS)
        self.assertGreater(len(imports), 50)  # it does read the project
        self.assertEqual(problems(imports, LAYERS, PENDING, ALLOWED_IN_FUNCTION), [])

    def test_it_keeps_no_pending_edge_that_is_gone(self):
        imports = cross_package_imports(project_sources(), LAYERS)
        present = {(found.module, found.target_package) for found in imports}
        self.assertEqual([edge for edge in PENDING if edge not in present], [])
        self.assertEqual([edge for edge in ALLOWED_IN_FUNCTION if edge not in present], [])


class CheckerTestCase(SimpleTestCase):
    """The checker has teeth: synthetic packages a < b < c."""

    LAYERS = ("a", "b", "c")

    def check(self, sources: dict[str, str]) -> list[str]:
        sources = {path: textwrap.dedent(source) for path, source in sources.items()}
        return problems(cross_package_imports(sources, self.LAYERS), self.LAYERS)

    def test_it_passes_imports_that_go_down(self):
        self.assertEqual(
            self.check({"c/views.py": "from b.models import B\nimport a\n", "b/models.py": "import a.x"}), []
        )

    def test_it_names_a_cycle_round_three_packages(self):
        found = self.check(
            {
                "a/services.py": "from c.models import C\n",
                "b/services.py": "from a import services\n",
                "c/models.py": "from .x import y\nfrom b.services import z\n",
            }
        )
        self.assertEqual(found[0], "cycle between a, b, c:")
        self.assertIn("  a/services.py:1 a.services imports c.models", found)
        self.assertIn("  c/models.py:2 c.models imports b.services", found)
        self.assertIn("upward import (a is below c): a/services.py:1 a.services imports c.models", found)

    def test_it_finds_an_import_hidden_in_a_function(self):
        found = self.check(
            {
                "a/models.py": """
                    def label(self):
                        from c.models import Kind

                        return Kind(self.kind).label
                    """,
                "c/models.py": "import a.models\n",
            }
        )
        self.assertIn(
            "import of another package inside a function: a/models.py:3 a.models imports c.models (inside a function)",
            found,
        )
        self.assertIn("cycle between a, c:", found)

    def test_it_resolves_relative_imports_and_literal_import_module(self):
        found = self.check(
            {
                "b/sub/__init__.py": "from .. import models\n",  # b.models: the same package
                "b/sub/thing.py": "from ..models import B\nimport_module('c.services')\n",
            }
        )
        self.assertEqual(found, ["upward import (b is below c): b/sub/thing.py:2 b.sub.thing imports c.services"])
