"""The apps depend one way: core ← cities ← forums ← commitments ← {portal, api, pages,
opendata}.

Every import statement of every module of the apps is read with ``ast`` (those inside
functions too, so a cycle cannot hide in one). A module may import its own app and the
apps below it, never one above it nor a sibling at the top.

One refinement: an app's *pages* (``views.py``, ``*_views.py``, ``urls.py``,
``*_urls.py``) stand above every domain app, since a city's page lists its
commitments; they may import any of core, cities, forums and commitments, never
portal, api, pages or opendata. Nothing imports a page module but a URLconf or an app
of the top layer (the feeds and the data dictionary read the lists' definitions), so
no lower module reaches a higher one through them. ``mayoralforum`` (settings, root
URLs) sits above them all and is not checked. ARCHITECTURE.md draws the picture.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The layer of each app: an app may import apps of a lower layer, and its own.
LAYERS = {
    "core": 0,
    "cities": 1,
    "forums": 2,
    "commitments": 3,
    "portal": 4,
    "api": 4,
    "pages": 4,
    "opendata": 4,
}


def imported_apps(source):
    """(line, app) for each of our apps a module's source imports, at any depth."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue  # relative imports stay inside their own app
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS:
                yield node.lineno, top


TOP = max(LAYERS.values())


def is_page_module(path):
    return path.stem in ("views", "urls") or path.stem.endswith(("_views", "_urls"))


def layer_of(app, path):
    """The layer a module stands on: its app's, or the top for an app's pages."""
    return TOP if is_page_module(path) else LAYERS[app]


def imported_modules(source):
    """(line, dotted name) of every absolute import, at any depth."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def violations(app, path, source):
    where = f"{path.relative_to(ROOT)}"
    for line, imported in imported_apps(source):
        if imported == app:
            continue
        if LAYERS[imported] >= TOP or LAYERS[imported] > layer_of(app, path):
            yield f"{where}:{line} ({app}) imports {imported}"
    if not path.stem.endswith("urls") and LAYERS[app] < TOP:
        for line, name in imported_modules(source):
            parts = name.split(".")
            if parts[0] in LAYERS and parts[0] != app and is_page_module(Path(parts[-1])):
                yield f"{where}:{line} imports the page module {name}"


def modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield app, path


def test_no_app_imports_an_app_above_it_or_beside_it():
    found = [
        message
        for app, path in modules()
        for message in violations(app, path, path.read_text(encoding="utf-8"))
    ]
    assert not found, "Imports against the layers:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("app", "source", "caught"),
    [
        ("core", "from cities.models import City", True),
        ("cities", "def f():\n    from forums.models import Forum\n", True),
        ("api", "import pages.views", True),
        ("commitments", "from cities.models import City\nimport core.text", False),
        ("forums", "from .models import Forum", False),
        ("cities", "from forums.filters import CityFilterSet", True),
        ("commitments", "from forums.practice_views import PRACTICES", True),
        ("opendata", "from forums.practice_views import PRACTICES", False),
        ("opendata", "import portal.forms", True),
    ],
)
def test_the_check_catches_an_import_upwards(app, source, caught):
    assert bool(list(violations(app, ROOT / app / "x.py", source))) is caught


@pytest.mark.parametrize(
    ("module", "source", "caught"),
    [
        ("cities/views.py", "from commitments.models import Commitment", False),
        ("forums/framework_views.py", "from commitments.coverage import STATUSES", False),
        ("cities/views.py", "from portal.forms import CommitmentForm", True),
        ("commitments/urls.py", "from . import views", False),
    ],
)
def test_an_apps_pages_may_show_the_records_of_the_apps_above(module, source, caught):
    app = module.split("/")[0]
    assert bool(list(violations(app, ROOT / module, source))) is caught


def private_imports(source):
    """(line, name) of each underscore-private name a module imports from another one."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    yield node.lineno, f"{node.module}.{alias.name}"


def test_no_app_module_imports_a_private_name_of_another():
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for _app, path in modules()
        for line, name in private_imports(path.read_text(encoding="utf-8"))
    ]
    assert not found, "A private name is used outside its module:\n" + "\n".join(found)


def test_the_check_catches_a_private_import():
    assert list(private_imports("from core.replica import _flag\n")) == [(1, "core.replica._flag")]
    assert list(private_imports("from django.utils.translation import gettext as _\n")) == []
