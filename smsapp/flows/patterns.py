"""Regular expressions coordinators write, on RE2: matching takes time linear in the text.

Python's `re` backtracks: a route such as `(a+)+b` held a webhook worker for seconds on
a 28-character reply. RE2 has no backreferences or lookaround; a pattern it cannot
compile is a validation error when the flow is checked, never a failure at reply time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

MAX_PATTERN = 500  # characters; RE2 also caps the memory a compiled pattern may use
_MAX_MEM = 1 << 20


class PatternError(ValueError):
    """The pattern cannot be used (RE2 refuses it, or it is too long)."""


def _options() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # the pattern would be printed to stderr otherwise
    options.max_mem = _MAX_MEM
    return options


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Any:
    """The compiled pattern (case-insensitive), or PatternError saying why not."""
    if len(pattern) > MAX_PATTERN:
        raise PatternError(f"the pattern is longer than {MAX_PATTERN} characters")
    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise PatternError(f"invalid regular expression: {detail}") from None


def fullmatch(pattern: str, text: str) -> dict[str, str] | None:
    """The named groups when the whole `text` matches, else None."""
    found = compile_pattern(pattern).fullmatch(text)
    if found is None:
        return None
    return {k: v for k, v in found.groupdict().items() if v is not None}
