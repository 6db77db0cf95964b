"""Article ids that stay unique across one run, or across runs when saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class IdRegistry:
    """The ids handed out so far. The first holder of an id keeps it; later ones get ~2, ~3..."""

    used: set[str] = field(default_factory=set)
    # wanted id -> next suffix to try, so n collisions on one id cost O(n), not O(n^2)
    _next: dict[str, int] = field(default_factory=dict, repr=False)

    def claim(self, wanted: str) -> str:
        if wanted not in self.used:
            self.used.add(wanted)
            return wanted
        n = self._next.get(wanted, 2)
        while f"{wanted}~{n}" in self.used:
            n += 1
        self._next[wanted] = n + 1
        unique = f"{wanted}~{n}"
        self.used.add(unique)
        return unique

    def to_dict(self) -> dict[str, Any]:
        return {"used": sorted(self.used)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IdRegistry:
        return cls(used=set(data.get("used", [])))
