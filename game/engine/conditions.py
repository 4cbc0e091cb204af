"""Conditions and effects, by the names the YAML uses.

Each condition key of :class:`~game.engine.model.Condition` has one entry in ``CONDITIONS``;
a test keeps the two in step. Conditions compile once into plain functions of the run state, so
the engine evaluates them without looking at the YAML model again.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from game.engine.model import Condition

if TYPE_CHECKING:
    from game.engine.state import RunState

Check = Callable[["RunState"], bool]

_COMPARE = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_METRIC_RE = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|<|>|==|!=)\s*(-?\d+(?:\.\d+)?)\s*$")


def parse_metric(expr: str) -> tuple[str, str, float]:
    """Split ``"sentiment < 30"`` into ``("sentiment", "<", 30.0)``."""
    match = _METRIC_RE.match(expr)
    if not match:
        raise ValueError(f"{expr!r} is not a comparison such as \"sentiment < 30\"")
    return match[1], match[2], float(match[3])


def _metric(expr: str) -> Check:
    name, op, number = parse_metric(expr)
    compare = _COMPARE[op]
    return lambda s: compare(s.metrics[name], number)


def _chose(ref: str) -> Check:
    decision, option = ref.split(".", 1)
    return lambda s: s.choices.get(decision) == option


def _all(items: list[Condition]) -> Check:
    checks = [compile_condition(c) for c in items]
    return lambda s: all(check(s) for check in checks)


def _any(items: list[Condition]) -> Check:
    checks = [compile_condition(c) for c in items]
    return lambda s: any(check(s) for check in checks)


def _not(item: Condition) -> Check:
    check = compile_condition(item)
    return lambda s: not check(s)


CONDITIONS: dict[str, Callable[[Any], Check]] = {
    "all": _all,
    "any": _any,
    "not": _not,
    "flag": lambda name: lambda s: name in s.flags,
    "metric": _metric,
    "chose": _chose,
    "decided": lambda d: lambda s: s.choices.get(d) is not None,
    "timed_out": lambda d: lambda s: d in s.choices and s.choices[d] is None,
    "fired": lambda i: lambda s: i in s.fired,
    "flagged": lambda i: lambda s: i in s.flagged,
    "answered": lambda i: lambda s: i in s.answered,
    "after": lambda t: lambda s: s.t >= t,
    "before": lambda t: lambda s: s.t < t,
}


def condition_items(condition: Condition) -> Iterator[tuple[str, Any]]:
    """The tests a condition holds, as ``(key, value)`` by the YAML's key names, in key order."""
    keys = sorted((Condition.model_fields[name].alias or name, name) for name in condition.model_fields_set)
    for key, name in keys:
        yield key, getattr(condition, name)


def compile_condition(condition: Condition) -> Check:
    """Turn a condition into a function of the run state; several keys must all hold."""
    checks = [CONDITIONS[key](value) for key, value in condition_items(condition)]
    if len(checks) == 1:
        return checks[0]
    return lambda s: all(check(s) for check in checks)


def walk(condition: Condition, path: tuple[str | int, ...]) -> Iterator[tuple[str, Any, tuple[str | int, ...]]]:
    """Every leaf test in a condition as ``(key, value, path)``, for the cross-reference checks."""
    for key, value in condition_items(condition):
        here = (*path, key)
        if key in ("all", "any"):
            for i, item in enumerate(value):
                yield from walk(item, (*here, i))
        elif key == "not":
            yield from walk(value, here)
        else:
            yield key, value, here
