"""The package's shape, read from the source with `ast` (nothing here imports tipframe).

1. the model is the ground floor; 2. layers point down; 3. no import cycles; 4. package faces
only re-export; 5. modules and functions stay small; 6. every public name is in the API
reference. Each rule is a function that lists its offenders as ``module:line ...``; the tests
assert the lists are empty for the real tree, and `test_each_rule_catches_its_offenders` plants
offenders in a small made-up tree to show that every rule can fail.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
import yaml

from .conftest import ROOT

PACKAGE = "tipframe"

#: module prefix -> layer (the longest prefix that matches decides); a module may import only
#: from its own layer or a lower one. The package face `tipframe` sits above them all.
LAYERS: dict[str, int] = {
    "tipframe.model": 0,
    "tipframe.io": 1,
    "tipframe.tables": 1,
    "tipframe.schema": 1,
    "tipframe.privacy": 1,
    "tipframe.progress": 1,
    "tipframe.version": 1,
    "tipframe.bundle": 2,
    "tipframe.checks": 3,
    "tipframe.reach": 3,
    "tipframe.network": 3,
    "tipframe.graphs": 3,
    "tipframe.calibrate": 3,
    "tipframe.planning": 3,
    "tipframe.needs": 3,
    "tipframe.report": 4,
    "tipframe.plots": 4,
    "tipframe.cli": 5,
    "tipframe.__main__": 5,
}

#: Names a module may take from the bare package `tipframe`: none. The face imports nearly
#: everything, so nothing below it imports the face back; the version, the one thing modules
#: once read from it, lives in `tipframe.version` (layer 1), which the face re-exports.
FROM_FACE: frozenset[str] = frozenset()

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
#: a comment that excuses a long function: ``# long: one table of every field, read top to bottom``
LONG_MARK = re.compile(r"#.*\blong:\s*\S")
#: the one statement, besides imports and constants, the top-level face may run
NULL_HANDLER = "logging.getLogger(__name__).addHandler(logging.NullHandler())"


# -- the source as modules ------------------------------------------------------------------


def internal(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def is_type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:``."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@dataclass(frozen=True)
class Import:
    importer: str
    line: int
    #: the tipframe module named, or the top-level name of an outside package ("numpy")
    target: str
    #: names taken from ``target`` by ``from target import a, b`` (a submodule is a target of its own)
    names: tuple[str, ...]
    in_function: bool
    type_checking: bool

    def __str__(self) -> str:
        taken = f" ({', '.join(self.names)})" if self.names else ""
        where = " in a function" if self.in_function else ""
        return f"{self.importer}:{self.line} imports {self.target}{taken}{where}"


class Codebase:
    """The modules under ``root/src/tipframe`` and the API pages under ``root/docs``, as syntax trees."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.src = root / "src"
        self.modules = {self.module_name(path): path for path in sorted((self.src / PACKAGE).rglob("*.py"))}
        self._trees: dict[str, ast.Module] = {}
        self._imports: dict[str, tuple[Import, ...]] = {}

    def module_name(self, path: Path) -> str:
        """``src/tipframe/io/text.py`` -> ``tipframe.io.text``; a package's ``__init__.py`` is the package."""
        parts = path.relative_to(self.src).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def is_package(self, module: str) -> bool:
        return self.modules[module].name == "__init__.py"

    def source(self, module: str) -> str:
        return self.modules[module].read_text(encoding="utf-8")

    def tree(self, module: str) -> ast.Module:
        if module not in self._trees:
            self._trees[module] = ast.parse(self.source(module), filename=str(self.modules[module]))
        return self._trees[module]

    def resolve(self, dotted: str) -> str:
        """The tipframe module a dotted name names (its longest existing prefix), else the outside top-level name."""
        if not internal(dotted):
            return dotted.partition(".")[0]
        name = dotted
        while name not in self.modules and "." in name:
            name = name.rpartition(".")[0]
        return name if name in self.modules else dotted

    def base(self, module: str, node: ast.ImportFrom) -> str:
        """The module a ``from ... import`` reads from, its leading dots resolved against ``module``."""
        if not node.level:
            return node.module or ""
        package = module if self.is_package(module) else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        return f"{package}.{node.module}" if node.module else package

    def imports(self, module: str) -> tuple[Import, ...]:
        """Every import in a module, at any depth: statements, and ``import_module("literal")`` calls."""
        if module not in self._imports:
            finder = _ImportFinder(self, module)
            finder.visit(self.tree(module))
            self._imports[module] = tuple(finder.found)
        return self._imports[module]

    def all_imports(self) -> Iterator[Import]:
        for module in self.modules:
            yield from self.imports(module)


class _ImportFinder(ast.NodeVisitor):
    def __init__(self, code: Codebase, module: str) -> None:
        self.code = code
        self.module = module
        self.found: list[Import] = []
        self.depth = 0
        self.type_checking = False

    def _add(self, node: ast.stmt | ast.expr, target: str, names: tuple[str, ...] = ()) -> None:
        self.found.append(Import(self.module, node.lineno, target, names, self.depth > 0, self.type_checking))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if not is_type_checking(node.test):
            self.generic_visit(node)
            return
        outer, self.type_checking = self.type_checking, True
        for statement in node.body:
            self.visit(statement)
        self.type_checking = outer
        for statement in node.orelse:
            self.visit(statement)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, self.code.resolve(alias.name))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self.code.base(self.module, node)
        names = []
        for alias in node.names:
            if internal(base) and f"{base}.{alias.name}" in self.code.modules:
                self._add(node, f"{base}.{alias.name}")
            else:
                names.append(alias.name)
        if names:
            self._add(node, self.code.resolve(base), tuple(names))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        first = node.args[0] if node.args else None
        if called == "import_module" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            self._add(node, self.code.resolve(first.value))
        self.generic_visit(node)


def layer(module: str) -> int | None:
    matches = [prefix for prefix in LAYERS if within(module, prefix)]
    return LAYERS[max(matches, key=len)] if matches else None


def listing(offenders: list[str]) -> str:
    return "\n  " + "\n  ".join(offenders)


# -- 1. the model is the ground floor -------------------------------------------------------


def model_offenders(code: Codebase) -> list[str]:
    """Imports from tipframe.model, at any depth and under TYPE_CHECKING too, of tipframe outside it or numpy."""
    return [
        str(found)
        for found in code.all_imports()
        if within(found.importer, "tipframe.model")
        and ((internal(found.target) and not within(found.target, "tipframe.model")) or found.target == "numpy")
    ]


# -- 2. layers point down -------------------------------------------------------------------


def unplaced_modules(code: Codebase) -> list[str]:
    return [module for module in code.modules if module != PACKAGE and layer(module) is None]


def layer_offenders(code: Codebase) -> list[str]:
    """Imports (in functions too; not under TYPE_CHECKING) that go up a layer, or take from the bare package."""
    offenders = []
    for found in code.all_imports():
        if found.type_checking or found.importer == PACKAGE or not internal(found.target):
            continue
        if found.target == PACKAGE:
            if not found.names or set(found.names) - FROM_FACE:
                offenders.append(f"{found}: nothing below the face imports the bare package")
            continue
        low, high = layer(found.importer), layer(found.target)
        if low is not None and high is not None and high > low:
            offenders.append(f"{found}: layer {low} -> {high}")
    return offenders


# -- 3. no import cycles --------------------------------------------------------------------


def import_graph(code: Codebase) -> nx.DiGraph[str]:
    """Modules and the imports between them, less TYPE_CHECKING ones and a package's of its own submodules."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(code.modules)
    for found in code.all_imports():
        own = code.is_package(found.importer) and found.target.startswith(found.importer + ".")
        if found.type_checking or own or found.target not in code.modules or found.target == found.importer:
            continue
        if not graph.has_edge(found.importer, found.target):
            graph.add_edge(found.importer, found.target, lines=[])
        graph.edges[found.importer, found.target]["lines"].append(found.line)
    return graph


def cycle_offenders(code: Codebase) -> list[str]:
    """Each cycle (a strongly connected component): its modules, then the imports inside it."""
    graph = import_graph(code)
    cycles = []
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            inside = graph.subgraph(component)
            edges = "; ".join(
                f"{a}:{','.join(map(str, inside.edges[a, b]['lines']))} -> {b}" for a, b in sorted(inside.edges)
            )
            cycles.append(f"{' <-> '.join(sorted(component))}: {edges}")
    return sorted(cycles)


# -- 4. package faces only re-export --------------------------------------------------------


def _constant_name(name: str) -> bool:
    return name.lstrip("_").isupper() or (name.startswith("__") and name.endswith("__"))


def _targets(statement: ast.Assign | ast.AnnAssign | ast.AugAssign) -> list[ast.expr]:
    return statement.targets if isinstance(statement, ast.Assign) else [statement.target]


def _extends_all(value: ast.expr) -> bool:
    """``__all__.extend(...)`` or ``__all__.append(...)``."""
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id == "__all__"
        and value.func.attr in {"extend", "append"}
    )


def _face_problems(module: str, statements: list[ast.stmt]) -> Iterator[str]:
    for statement in statements:
        where = f"{module}:{statement.lineno}"
        if isinstance(statement, ast.Import | ast.ImportFrom):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a docstring
        if isinstance(statement, ast.Expr) and _extends_all(statement.value):
            continue
        if module == PACKAGE and ast.unparse(statement) == NULL_HANDLER:
            continue  # the library logs through a NullHandler, set where the logging docs place it
        if isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
            names = [t.id if isinstance(t, ast.Name) else ast.unparse(t) for t in _targets(statement)]
            if isinstance(statement, ast.AugAssign) and names != ["__all__"]:
                yield f"{where}: changes {names[0]} (only __all__ may grow)"
            elif not all(_constant_name(name) for name in names):
                yield f"{where}: assigns {', '.join(names)} (only __all__ and CONSTANTS)"
            continue
        if isinstance(statement, ast.If) and is_type_checking(statement.test):
            yield from _face_problems(module, statement.body + statement.orelse)
            continue
        if module == PACKAGE and isinstance(statement, ast.FunctionDef) and statement.name == "__getattr__":
            continue  # lazy imports: the engines need numpy, which readers of documents never pay for
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            kind = "class" if isinstance(statement, ast.ClassDef) else "def"
            yield f"{where}: {kind} {statement.name}"
        else:
            yield f"{where}: a {type(statement).__name__} statement"


def face_offenders(code: Codebase) -> list[str]:
    """Statements in an ``__init__.py`` beyond imports, __all__, constants, docstrings and TYPE_CHECKING blocks."""
    return [
        problem
        for module in code.modules
        if code.is_package(module)
        for problem in _face_problems(module, code.tree(module).body)
    ]


# -- 5. small modules and functions ---------------------------------------------------------


def _functions(node: ast.AST, prefix: str) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield f"{prefix}{child.name}", child
            yield from _functions(child, f"{prefix}{child.name}.")
        elif isinstance(child, ast.ClassDef):
            yield from _functions(child, f"{prefix}{child.name}.")
        else:
            yield from _functions(child, prefix)


def _marked_long(lines: list[str], function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A ``# long: why`` comment on the line above the def, or above its first decorator."""
    top = min([decorator.lineno for decorator in function.decorator_list], default=function.lineno)
    above = {function.lineno - 1, top - 1}  # line numbers count from 1
    return any(0 < number <= len(lines) and LONG_MARK.match(lines[number - 1].strip()) for number in above)


def _length(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the def to the end, less the docstring: documentation is not length."""
    length = (function.end_lineno or function.lineno) - function.lineno + 1
    first = function.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        length -= (first.end_lineno or first.lineno) - first.lineno + 1
    return length


def size_offenders(code: Codebase) -> list[str]:
    offenders = []
    for module in code.modules:
        lines = code.source(module).splitlines()
        if len(lines) > MAX_MODULE_LINES:
            offenders.append(f"{module}: {len(lines)} lines (at most {MAX_MODULE_LINES})")
        for name, function in _functions(code.tree(module), ""):
            length = _length(function)
            if length > MAX_FUNCTION_LINES and not _marked_long(lines, function):
                offenders.append(
                    f"{module}:{function.lineno} {name}: {length} lines "
                    f"(at most {MAX_FUNCTION_LINES} without a '# long: why' comment above it)"
                )
    return offenders


# -- 6. the public face is documented -------------------------------------------------------


def literal_all(code: Codebase, module: str) -> list[str]:
    """A module's ``__all__``, which must be one literal list of strings."""
    for statement in code.tree(module).body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets
        ):
            literal = isinstance(statement.value, ast.List) and all(
                isinstance(item, ast.Constant) and isinstance(item.value, str) for item in statement.value.elts
            )
            assert literal, f"{module}:{statement.lineno}: __all__ is not a literal list of strings"
            names: list[str] = ast.literal_eval(statement.value)
            return names
    raise AssertionError(f"{module} has no __all__")


def _bound_modules(code: Codebase, module: str) -> dict[str, str]:
    """Top-level names bound to tipframe modules: ``from tipframe.model import arrays`` binds ``arrays``."""
    bound = {}
    for statement in code.tree(module).body:
        if isinstance(statement, ast.ImportFrom):
            base = code.base(module, statement)
            bound.update(
                {a.asname or a.name: f"{base}.{a.name}" for a in statement.names if f"{base}.{a.name}" in code.modules}
            )
        elif isinstance(statement, ast.Import):
            bound.update({a.asname: a.name for a in statement.names if a.asname and a.name in code.modules})
    return bound


def _names_in(code: Codebase, module: str, value: ast.expr) -> set[str]:
    """The names an expression adds to ``__all__``: literals, ``other.__all__``, and sums of them."""
    if isinstance(value, ast.List | ast.Tuple):
        return {item.value for item in value.elts if isinstance(item, ast.Constant) and isinstance(item.value, str)}
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return {value.value}
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return _names_in(code, module, value.left) | _names_in(code, module, value.right)
    if isinstance(value, ast.Attribute) and value.attr == "__all__" and isinstance(value.value, ast.Name):
        other = _bound_modules(code, module).get(value.value.id)
        found = exports(code, other) if other else None
        if found is not None:
            return found
    raise AssertionError(f"{module}:{value.lineno}: cannot read __all__ from {ast.unparse(value)}")


def exports(code: Codebase, module: str) -> set[str] | None:
    """What ``__all__`` holds, following ``+=``, ``.extend`` and other modules' ``__all__``; None without one."""
    names: set[str] | None = None
    for statement in code.tree(module).body:
        if isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign) and statement.value is not None:
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in _targets(statement)):
                added = _names_in(code, module, statement.value)
                names = (names or set()) | added if isinstance(statement, ast.AugAssign) else added
        elif (
            isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) and _extends_all(statement.value)
        ):
            names = (names or set()) | _names_in(code, module, statement.value.args[0])
    return names


def _public(name: str) -> bool:
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


def definitions(code: Codebase, module: str) -> set[str]:
    """Public names a module defines at its top level (not those it imports)."""
    names: set[str] = set()
    for statement in code.tree(module).body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(statement.name)
        elif isinstance(statement, ast.Assign | ast.AnnAssign):
            names.update(t.id for t in _targets(statement) if isinstance(t, ast.Name))
    return {name for name in names if _public(name)}


def imported_names(code: Codebase, module: str) -> set[str]:
    return {
        alias.asname or alias.name
        for statement in code.tree(module).body
        if isinstance(statement, ast.ImportFrom | ast.Import)
        for alias in statement.names
    }


def api_pages(code: Codebase) -> list[Path]:
    folder = code.root / "docs" / "api"
    return sorted(folder.rglob("*.md")) if folder.is_dir() else [code.root / "docs" / "api.md"]


def directives(page: Path) -> Iterator[tuple[str, dict[str, object]]]:
    """Each ``::: identifier`` of a page with its options (the indented YAML below it)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        found = re.match(r":::\s+(\S+)\s*$", line)
        if not found:
            continue
        block = []
        for following in lines[index + 1 :]:
            if following.strip() and not following[0].isspace():
                break
            block.append(following)
        config = yaml.safe_load("\n".join(block)) if "".join(block).strip() else None
        options = config.get("options") if isinstance(config, dict) else None
        yield found.group(1), options if isinstance(options, dict) else {}


def documented(code: Codebase, identifier: str, options: dict[str, object]) -> set[str]:
    """The names a directive renders: an object by its path, or a module's members.

    A module's members are its ``__all__`` (or, without one, its public top-level definitions),
    narrowed to the ``members`` option when that lists them.
    """
    if identifier in code.modules:
        declared = exports(code, identifier)
        available = declared if declared is not None else definitions(code, identifier)
        members = options.get("members", True)
        if isinstance(members, list):
            return {m for m in members if isinstance(m, str)} & (available | imported_names(code, identifier))
        return available if members is not False else set()
    module = code.resolve(identifier)
    rest = identifier[len(module) + 1 :]
    return {rest} if module in code.modules and rest and "." not in rest else set()


def undocumented(code: Codebase) -> list[str]:
    """Names in ``tipframe.__all__`` that no ``::: tipframe...`` directive of the API reference renders."""
    shown = {
        name
        for page in api_pages(code)
        if page.exists()
        for identifier, options in directives(page)
        for name in documented(code, identifier, options)
    }
    return [name for name in literal_all(code, PACKAGE) if name not in shown]


# -- the tests ------------------------------------------------------------------------------

CODE = Codebase(ROOT)


def test_the_model_imports_nothing_above_it_nor_numpy() -> None:
    offenders = model_offenders(CODE)
    assert not offenders, "tipframe.model imports tipframe outside the model, or numpy:" + listing(offenders)


def test_every_module_has_a_layer() -> None:
    unplaced = unplaced_modules(CODE)
    assert not unplaced, "modules missing from LAYERS in tests/test_architecture.py:" + listing(unplaced)


def test_imports_point_down_the_layers() -> None:
    offenders = layer_offenders(CODE)
    assert not offenders, "imports that point up the layers (see LAYERS):" + listing(offenders)


def test_no_import_cycles() -> None:
    cycles = cycle_offenders(CODE)
    assert not cycles, "import cycles (modules: the imports that close them):" + listing(cycles)


def test_package_faces_only_reexport() -> None:
    offenders = face_offenders(CODE)
    assert not offenders, "package __init__ files that do more than re-export:" + listing(offenders)


def test_modules_and_functions_are_small() -> None:
    offenders = size_offenders(CODE)
    assert not offenders, "modules or functions too long:" + listing(offenders)


def test_every_public_name_is_in_the_api_reference() -> None:
    missing = undocumented(CODE)
    pages = ", ".join(str(page.relative_to(ROOT)) for page in api_pages(CODE))
    assert not missing, f"names in tipframe.__all__ that no '::: tipframe...' directive in {pages} renders:" + listing(
        missing
    )


# -- every rule can fail --------------------------------------------------------------------

_LONG_BODY = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))

BAD_TREE = {
    "src/tipframe/__init__.py": '"""Face."""\nfrom tipframe.model import Thing\n\n__all__ = ["Thing", "hidden"]\n',
    "src/tipframe/model/__init__.py": (
        '"""Model."""\nfrom tipframe.model.thing import Thing as Thing\n\nhelper = 1\n\n\ndef build():\n    pass\n'
    ),
    "src/tipframe/model/thing.py": (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from tipframe.bundle import Bundle\n\n\n"
        "def f():\n    import numpy.random\n\n\nclass Thing:\n    pass\n"
    ),
    "src/tipframe/bundle.py": (
        "from tipframe import hidden\n\n\ndef g():\n    from tipframe.checks import engine\n"
        "    from tipframe.report.page import make\n"
    ),
    "src/tipframe/checks/__init__.py": "from .engine import run\n",
    "src/tipframe/checks/engine.py": (
        f"from ..reach import go\n\n\ndef run():\n{_LONG_BODY}\n\n# long: one table, read top to bottom\n"
        f"@staticmethod\ndef table():\n{_LONG_BODY}"
    ),
    "src/tipframe/reach/__init__.py": "def go():\n    from tipframe.checks.engine import run\n",
    "src/tipframe/report/page.py": "\n" * MAX_MODULE_LINES + "make = 1\n",
    "src/tipframe/stray.py": "",
    "docs/api.md": "# API\n\n::: tipframe.model\n    options:\n      members: [Thing, Nothing]\n",
}

EXPECTED: dict[str, tuple[Callable[[Codebase], list[str]], list[str]]] = {
    "model": (
        model_offenders,
        [
            "tipframe.model.thing:4 imports tipframe.bundle (Bundle)",
            "tipframe.model.thing:8 imports numpy in a function",
        ],
    ),
    "unplaced": (unplaced_modules, ["tipframe.stray"]),
    "layers": (
        layer_offenders,
        [
            "tipframe.bundle:1 imports tipframe (hidden): nothing below the face imports the bare package",
            "tipframe.bundle:5 imports tipframe.checks.engine in a function: layer 2 -> 3",
            "tipframe.bundle:6 imports tipframe.report.page (make) in a function: layer 2 -> 4",
        ],
    ),
    "cycles": (
        cycle_offenders,
        [
            "tipframe.checks.engine <-> tipframe.reach: tipframe.checks.engine:1 -> tipframe.reach; "
            "tipframe.reach:2 -> tipframe.checks.engine"
        ],
    ),
    "faces": (
        face_offenders,
        [
            "tipframe.model:4: assigns helper (only __all__ and CONSTANTS)",
            "tipframe.model:7: def build",
            "tipframe.reach:1: def go",
        ],
    ),
    "sizes": (
        size_offenders,
        [
            f"tipframe.checks.engine:4 run: {MAX_FUNCTION_LINES + 1} lines "
            f"(at most {MAX_FUNCTION_LINES} without a '# long: why' comment above it)",
            f"tipframe.report.page: {MAX_MODULE_LINES + 1} lines (at most {MAX_MODULE_LINES})",
        ],
    ),
    "documented": (undocumented, ["hidden"]),
}


@pytest.mark.parametrize("rule", EXPECTED)
def test_each_rule_catches_its_offenders(rule: str, tmp_path: Path) -> None:
    for name, text in BAD_TREE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    check, expected = EXPECTED[rule]
    assert sorted(check(Codebase(tmp_path))) == sorted(expected)
