"""The HTTP library the installed SDK speaks: httpx2 (anthropic 1.17 and later) or httpx."""

from __future__ import annotations

from types import ModuleType


def http_module() -> ModuleType:
    """The HTTP library the installed anthropic SDK is built on (httpx2, or httpx before 2.0)."""
    import anthropic._base_client as base

    module = getattr(base, "httpx2", None) or base.httpx  # type: ignore[attr-defined]
    assert isinstance(module, ModuleType)
    return module
