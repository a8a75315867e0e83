"""Settings in the URL: typed parameters, parsed defensively (a bad value falls back to its default)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_TEXT_LENGTH = 64
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class Problem:
    """Why one query parameter was not used: 'unknown', 'too_long' or 'invalid'."""

    key: str
    reason: str


@dataclass(frozen=True)
class Param:
    """One setting that can travel in the URL."""

    key: str
    default: Any
    kind: str  # "choice", "bool", "int" or "float"
    options: tuple = ()  # the allowed values: strings for a choice, numbers for an int or float picked from a list
    low: float | None = None
    high: float | None = None

    def parse(self, text: str) -> Any:
        """The value for text, or ValueError when it is not one this parameter takes."""
        text = text.strip()
        if self.kind == "choice":
            if text not in self.options:
                raise ValueError(text)
            return text
        if self.kind == "bool":
            if text.lower() in TRUE_WORDS:
                return True
            if text.lower() in FALSE_WORDS:
                return False
            raise ValueError(text)
        number = int(text) if self.kind == "int" else float(text)
        if not math.isfinite(number):
            raise ValueError(text)
        if self.options:
            return self._option_for(number, text)
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            raise ValueError(text)
        return number

    def _option_for(self, number: float, text: str) -> Any:
        """The listed value equal to number (floats compared to 9 significant digits)."""
        for option in self.options:
            if math.isclose(number, option, rel_tol=1e-9, abs_tol=1e-12):
                return option
        raise ValueError(text)

    def accepts(self, value: Any) -> bool:
        """Whether value, written into the URL, would be read back."""
        try:
            self.parse(self.to_text(value))
        except (TypeError, ValueError):
            return False
        return True

    def to_text(self, value: Any) -> str:
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "float":
            return f"{value:.10g}"
        if self.kind == "int" and isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


def parse_query(
    query: Mapping[str, str], params: Sequence[Param], also_known: Sequence[str] = ()
) -> tuple[dict[str, Any], list[Problem]]:
    """Values for every param (defaults where absent or bad) and the problems found in query."""
    by_key = {param.key: param for param in params}
    values = {param.key: param.default for param in params}
    problems = []
    for key, text in query.items():
        if key not in by_key:
            if key not in also_known:
                problems.append(Problem(key[:MAX_TEXT_LENGTH], "unknown"))
            continue
        if len(text) > MAX_TEXT_LENGTH:
            problems.append(Problem(key, "too_long"))
            continue
        try:
            values[key] = by_key[key].parse(text)
        except ValueError:
            problems.append(Problem(key, "invalid"))
    return values, problems


def to_query(values: Mapping[str, Any], params: Sequence[Param]) -> dict[str, str]:
    """The query parameters for values, leaving out those at their default and those the URL could not carry."""
    return {
        param.key: param.to_text(values[param.key])
        for param in params
        if values.get(param.key) is not None and values[param.key] != param.default and param.accepts(values[param.key])
    }
