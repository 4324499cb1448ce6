"""A reason is data: a stable code and the values behind it, rendered into text at the edge.

Rules return reasons instead of sentences so that one result reads correctly in en, fi and sv
(the templates live in ``forms/messages/``) and so that tests and scripts can check codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


def codes(reasons: list[Reason] | tuple[Reason, ...]) -> list[str]:
    return [r.code for r in reasons]
