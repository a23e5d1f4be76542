"""One error tree (helpline_tui/errors.py): every exception class helpline and its importers define
derives from HelplineError, sits on the branch that gives its exit code, and is named in the tree
the module's docstring draws."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil

import helpline_tui
import importers
from helpline_tui import errors
from helpline_tui.errors import Failure, HelplineError, Signal, UsageError, UserError


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined at the top of a module of helpline_tui or importers, by
    'module.Class' (the interface modules too: the walk imports every module but __main__)."""
    found = {}
    for package in (helpline_tui, importers):
        for module_info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            if module_info.name.endswith(".__main__"):  # importing it runs the command
                continue
            module = importlib.import_module(module_info.name)
            for name, value in vars(module).items():
                if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == module.__name__:
                    found[f"{module.__name__}.{name}"] = value
    return found


def test_every_exception_class_derives_from_helpline_error():
    classes = _exception_classes()
    outside = sorted(name for name, cls in classes.items() if not issubclass(cls, HelplineError))
    assert len(classes) > 20, sorted(classes)  # the walk reached the modules that define them
    assert not outside, f"exception classes outside the error tree (helpline_tui/errors.py): {outside}"


def test_each_class_is_on_one_branch_and_named_in_the_drawn_tree():
    branches = (UserError, Signal)
    tree = errors.__doc__ or ""
    for name, cls in _exception_classes().items():
        if cls.__module__ == errors.__name__:
            continue
        assert sum(issubclass(cls, branch) for branch in branches) == 1, f"{name} is on no branch, or on both"
        assert f"── {cls.__name__} " in tree, f"{name} is not drawn in helpline_tui/errors.py's docstring"


def test_the_branches_give_the_exit_codes():
    assert Failure("x").usage is False and UsageError("x").usage is True
    from helpline_tui.core.search import FilterError

    assert FilterError("unknown need", usage=True).usage and not FilterError("no such place").usage


def test_the_error_module_imports_nothing():
    """Core, importers and the interfaces all import it: an import here could make a cycle or load
    more than an exception class needs."""
    tree = ast.parse(open(errors.__file__, encoding="utf-8").read())
    imported = [ast.unparse(node) for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert imported == ["from __future__ import annotations"], imported
