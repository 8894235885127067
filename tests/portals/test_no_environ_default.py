"""#9 item 16: no default argument holds the process environment (help()/pydoc would print it)."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import pydoc

import opendata_pub
from opendata_pub import actions
from opendata_pub.config import Secret
from opendata_pub.portals import resolve

SECRET = "odp-env-SECRET-5b1c0e"


def _callables():
    for info in pkgutil.walk_packages(opendata_pub.__path__, "opendata_pub."):
        if info.name.endswith("__main__"):  # runs the CLI when imported
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if getattr(obj, "__module__", None) != info.name:
                continue
            if inspect.isfunction(obj):
                yield obj
            elif inspect.isclass(obj):
                yield from (m for m in vars(obj).values() if inspect.isfunction(m))


def test_no_default_argument_is_the_environment():
    checked = 0
    for fn in _callables():
        for p in inspect.signature(fn).parameters.values():
            assert p.default is not os.environ, f"{fn.__module__}.{fn.__qualname__}({p.name}=os.environ)"
        checked += 1
    assert checked > 100  # the walk really covered the package


def test_help_does_not_print_the_environment(monkeypatch):
    monkeypatch.setenv("ODP_TEST_SECRET", SECRET)
    for obj in (actions.resolve_target, resolve.resolve_source, Secret.resolve):
        assert SECRET not in pydoc.render_doc(obj), obj


def test_the_environment_is_still_read_at_call_time(monkeypatch):
    monkeypatch.setenv("ODP_TEST_SECRET", SECRET)
    assert Secret(env="ODP_TEST_SECRET").resolve() == SECRET
    assert Secret(env="ODP_TEST_SECRET").resolve({"ODP_TEST_SECRET": "other"}) == "other"
