"""Find keys written twice in one JSON object of a hand-edited file.

``json.loads`` silently keeps the last of two equal keys, so a steward who pasted ``"G1"`` twice
would see one answer vanish. This scanner runs only when the parser saw a duplicate, and says
where each one is: the line, the key and the answer path of the object holding it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from hrk_workbench.foundations.problems import json_path


@dataclass(frozen=True)
class DuplicateKey:
    line: int
    key: str
    path: str  # of the object that holds the key twice


def find_duplicate_keys(text: str) -> list[DuplicateKey]:
    """Every key that repeats within its object, in document order (the later occurrences)."""
    found: list[DuplicateKey] = []
    # each frame: [kind, keys seen (objects) or index (arrays), its path parts]
    stack: list[list] = []
    line = 1
    i, n = 0, len(text)
    pending_key: str | None = None
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == '"':
            j = i + 1
            chars = []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    chars.append(text[j:j + 2])
                    j += 2
                    continue
                chars.append(text[j])
                j += 1
            raw = "".join(chars)
            k = j + 1
            while k < n and text[k] in " \t\r\n":
                k += 1
            if stack and stack[-1][0] == "obj" and k < n and text[k] == ":":
                key = json.loads(f'"{raw}"')
                if key in stack[-1][1]:
                    found.append(DuplicateKey(line, key, json_path(stack[-1][2])))
                stack[-1][1].add(key)
                pending_key = key
            line += raw.count("\n")
            i = j
        elif c in "{[":
            parts = list(stack[-1][2]) if stack else []
            if stack and stack[-1][0] == "obj" and pending_key is not None:
                parts.append(pending_key)
            elif stack and stack[-1][0] == "arr":
                parts.append(stack[-1][1])
            stack.append(["obj", set(), parts] if c == "{" else ["arr", 0, parts])
            pending_key = None
        elif c in "}]":
            if stack:
                stack.pop()
        elif c == "," and stack and stack[-1][0] == "arr":
            stack[-1][1] += 1
        i += 1
    return found
