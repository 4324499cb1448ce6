"""Reading a small JSON file (a recipe, an assessment) so that no hostile file can hang the
reader, exhaust memory or end in "internal error".

Three things the json module does not guard: a path that is a pipe or a device (``/dev/zero``
is read forever), a number of more digits than Python converts (``ValueError`` since 3.11),
and nesting deeper than the interpreter's recursion limit (``RecursionError``). Each becomes a
problem naming the file, in the catalogues' words.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from typing import Any

from hrk_workbench.foundations.problems import InputError, Problem

#: a recipe is a list of steps; a few hundred kilobytes would already be absurd
MAX_RECIPE_BYTES = 4 * 1024 * 1024
#: a classification's code list (a hierarchy file): tens of thousands of codes at most
MAX_HIERARCHY_BYTES = 16 * 1024 * 1024
#: an assessment with its change log and data dictionary stays well below this
MAX_ASSESSMENT_BYTES = 64 * 1024 * 1024


def not_regular(source: str) -> InputError:
    return InputError(source, [Problem("$", "not a regular file but a pipe or a device",
                                       code="data_not_regular")])


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    The file is opened once and checked through its own handle, so it cannot be swapped for
    a pipe between the check and the read; at most ``limit + 1`` bytes are ever read (a file
    growing meanwhile is still bounded). ``OSError`` (not found, no permission) is the
    caller's to word.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise not_regular(str(path))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise too_large(str(path), max(info.st_size, len(data)), limit)
    return data


def too_large(source: str, size: int, limit: int) -> InputError:
    return InputError(source, [Problem("$", f"the file is {size} bytes; at most {limit}",
                                       code="file_too_large",
                                       params={"size": size, "limit": limit})])


def hostile_json(exc: ValueError | RecursionError, source: str,
                 code_deep: str) -> InputError | None:
    """The problem for what :func:`json.loads` raises beyond a syntax error: a number too
    long to convert, or nesting too deep (``code_deep`` names the document kind). None
    for any other error, which the caller words."""
    if isinstance(exc, RecursionError):
        return InputError(source, [Problem("$", "JSON nested too deeply", code=code_deep)])
    if "integer string conversion" in str(exc):
        limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
        return InputError(source, [Problem("$", "a number with too many digits",
                                           code="json_number_too_long",
                                           params={"limit": limit})])
    return None


def loads(text: str, source: str, code_deep: str, **options: Any) -> Any:
    """:func:`json.loads`, with a too-long number or too-deep nesting as an InputError
    (a syntax error stays :class:`json.JSONDecodeError`, for the caller's own wording)."""
    try:
        return json.loads(text, **options)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:
        problem = hostile_json(exc, source, code_deep)
        if problem is None:
            raise
        raise problem from None
