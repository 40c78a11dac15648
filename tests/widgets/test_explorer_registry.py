"""The registry is complete: every module that defines an explorer is listed and registers,
and no module of the machinery is taken for an explorer module."""

import ast
import pkgutil
from pathlib import Path

import pytest

from course_lib import widgets

PACKAGE = Path(widgets.__file__).parent


def _registers(path: Path) -> bool:
    """Whether a module's source decorates a function with ``@register(...)``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "register"
               for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
               for decorator in node.decorator_list)


MODULES = sorted(info.name for info in pkgutil.iter_modules([str(PACKAGE)]))
LISTED = {module.__name__.rsplit(".", 1)[1] for module in widgets.EXPLORER_MODULES}


def test_every_module_that_defines_an_explorer_is_listed_and_no_other():
    defining = {name for name in MODULES if _registers(PACKAGE / f"{name}.py")}
    assert defining, "no module of course_lib.widgets registers an explorer"
    assert LISTED == defining
    # The machinery the explorers are built from, clicks and playback included, is not listed.
    assert {"canvas", "clicks", "controls", "explorer", "landscapes", "panels", "playback",
            "sweep"} <= set(MODULES) - LISTED


@pytest.mark.parametrize("module", widgets.EXPLORER_MODULES, ids=lambda module: module.__name__)
def test_every_listed_module_registers_what_it_defines(module):
    registered = {name for name, factory in widgets.EXPLORERS.items()
                  if factory.__module__ == module.__name__}
    assert registered, f"{module.__name__} registered no explorer"


def test_every_registered_explorer_comes_from_a_listed_module():
    sources = {factory.__module__ for factory in widgets.EXPLORERS.values()}
    assert sources == {module.__name__ for module in widgets.EXPLORER_MODULES}


def test_show_names_the_allowed_explorers_when_the_name_is_wrong():
    with pytest.raises(ValueError, match=r"name must be one of \[.*'momentum'.*\], got 'momentun'"):
        widgets.show("momentun")
