"""Modules loaded on first use: a rebuild that finds its PDFs in the cache never needs
pikepdf or fontTools' subsetter, and importing them is a tenth of a warm rebuild."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """`name` as a module whose first attribute access imports it (importlib's
    LazyLoader recipe); the real module if it is imported already."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
