"""Conditions and effects, by the names the YAML uses: one registry entry per key.

Each condition key of :class:`~game.engine.model.Condition` has one entry in :data:`CONDITIONS`
and each field of :class:`~game.engine.model.Effects` one in :data:`EFFECTS` (a test keeps them in
step with the model). An entry holds every meaning of its key, so the loader, the linter and the
graph never spell it out again:

- ``compile``: the key as a plain function of the run state (conditions compile once, so the
  engine evaluates them without looking at the YAML model again);
- ``check``: the ids it names, for the loader's cross-reference checks;
- ``explain``: whether it can hold at all, with the reason, for the linter;
- ``draw``: the node it links from, for the graph;
- ``apply`` (effects only): what it does to a run, for the engine (:func:`apply_effects`).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from game.engine.model import Condition, Effects, InjectAfter, format_duration

if TYPE_CHECKING:
    from game.engine.state import RunState

Check = Callable[["RunState"], bool]
Where = tuple[str | int, ...]
Truth = bool | None
"""True: always holds; False: never holds; None: depends on the run."""

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


# --- what the readers of a key offer it ----------------------------------------------------


class References(Protocol):
    """The loader's cross-reference checks: each reports an unknown id at ``path``."""

    def metric(self, name: str, path: Where) -> None: ...

    def decision(self, decision: str, path: Where) -> bool: ...

    def option(self, decision: str, option: str, path: Where) -> None: ...

    def event(self, item: str, path: Where) -> None: ...

    def inject(self, inject: str, path: Where) -> None: ...

    def flag(self, flag: str, path: Where) -> None: ...


class Reasoner(Protocol):
    """What the linter knows of every run: which flags something sets, which items can happen."""

    @property
    def duration(self) -> int:
        """The case's length in simulated seconds."""

    def sets_flag(self, flag: str) -> bool: ...

    def can_happen(self, item: str) -> bool: ...

    def truth(self, condition: Condition) -> tuple[Truth, str]: ...


@dataclass(frozen=True, slots=True)
class Source:
    """Where a graph edge into a condition's owner starts: a node (made if new) and the edge's words."""

    key: str
    kind: str
    label: str
    edge: str


@dataclass(frozen=True, slots=True)
class ConditionKey:
    """Every meaning of one condition key (see the module docstring)."""

    compile: Callable[[Any], Check]
    check: Callable[[Any, References, Where], None]
    explain: Callable[[Any, Reasoner], tuple[Truth, str]]
    draw: Callable[[Any], Source] | None = None
    children: Callable[[Any], list[Condition]] | None = None
    """For ``all``, ``any`` and ``not``: the conditions inside."""
    negates: bool = False
    help: str = ""


# --- the keys ------------------------------------------------------------------------------


def _metric(expr: str) -> Check:
    name, op, number = parse_metric(expr)
    # One lambda per operator: the most frequent test of a run, without a call to operator.*.
    if op == "<":
        return lambda s: s.metrics[name] < number
    if op == "<=":
        return lambda s: s.metrics[name] <= number
    if op == ">":
        return lambda s: s.metrics[name] > number
    if op == ">=":
        return lambda s: s.metrics[name] >= number
    compare = _COMPARE[op]
    return lambda s: compare(s.metrics[name], number)


def _metric_truth(expr: str, _: Reasoner) -> tuple[Truth, str]:
    name, op, n = parse_metric(expr)
    always = {"<": n > 100, "<=": n >= 100, ">": n < 0, ">=": n <= 0, "==": False, "!=": not 0 <= n <= 100}[op]
    never = {"<": n <= 0, "<=": n < 0, ">": n >= 100, ">=": n > 100, "==": not 0 <= n <= 100, "!=": False}[op]
    if always:
        return True, f"{name} always stays between 0 and 100"
    if never:
        return False, f"{name} always stays between 0 and 100"
    return None, ""


def _chose(ref: str) -> Check:
    decision, option = ref.split(".", 1)
    return lambda s: s.choices.get(decision) == option


def _check_chose(ref: str, refs: References, path: Where) -> None:
    decision, option = ref.split(".", 1)
    if refs.decision(decision, path):
        refs.option(decision, option, path)


def _check_decision(decision: str, refs: References, path: Where) -> None:
    refs.decision(decision, path)


def _happens(item: str, reasoner: Reasoner) -> tuple[Truth, str]:
    item = item.split(".", 1)[0]
    return (None, "") if reasoner.can_happen(item) else (False, f"{item!r} can never happen")


def _flag_truth(flag: str, reasoner: Reasoner) -> tuple[Truth, str]:
    return (None, "") if reasoner.sets_flag(flag) else (False, f"nothing sets flag {flag!r}")


def _after_truth(t: int, reasoner: Reasoner) -> tuple[Truth, str]:
    if t <= 0:
        return True, "the clock is always past 00:00:00"
    return (False, f"the case ends at {format_duration(reasoner.duration)}") if t > reasoner.duration else (None, "")


def _before_truth(t: int, reasoner: Reasoner) -> tuple[Truth, str]:
    if t <= 0:
        return False, "the clock is never before 00:00:00"
    return (True, f"the case ends at {format_duration(reasoner.duration)}") if t > reasoner.duration else (None, "")


def _all_of(results: list[tuple[Truth, str]]) -> tuple[Truth, str]:
    """Several tests that must all hold."""
    for truth, why in results:
        if truth is False:
            return False, why
    if all(truth for truth, _ in results):
        return True, "; ".join(why for _, why in results if why)
    return None, ""


def _any_of(results: list[tuple[Truth, str]]) -> tuple[Truth, str]:
    """Several tests of which one must hold."""
    for truth, why in results:
        if truth is True:
            return True, why
    if all(truth is False for truth, _ in results):
        return False, "; ".join(why for _, why in results if why)
    return None, ""


def _negated(result: tuple[Truth, str]) -> tuple[Truth, str]:
    truth, why = result
    return (None if truth is None else not truth), why


def _nothing(value: Any, refs: References, path: Where) -> None:
    """Keys that name no id (the clock, the combinators: their children are walked)."""


def _event(edge: str) -> Callable[[str], Source]:
    return lambda item: Source(f"e:{item}", "", "", edge)


CONDITIONS: dict[str, ConditionKey] = {
    "all": ConditionKey(
        lambda items: _every([compile_condition(c) for c in items]), _nothing,
        lambda items, r: _all_of([r.truth(c) for c in items]), children=list, help="every condition in the list holds",
    ),
    "any": ConditionKey(
        lambda items: _some([compile_condition(c) for c in items]), _nothing,
        lambda items, r: _any_of([r.truth(c) for c in items]), children=list, help="one of them holds",
    ),
    "not": ConditionKey(
        lambda item: _inverse(compile_condition(item)), _nothing,
        lambda item, r: _negated(r.truth(item)), children=lambda item: [item], negates=True,
        help="the condition does not hold",
    ),
    "flag": ConditionKey(
        lambda name: lambda s: name in s.flags, lambda name, refs, path: refs.flag(name, path), _flag_truth,
        lambda name: Source(f"f:{name}", "flag", name, "flag"), help="the flag is set",
    ),
    "metric": ConditionKey(
        _metric, lambda expr, refs, path: refs.metric(parse_metric(expr)[0], path), _metric_truth,
        lambda expr: Source(f"m:{expr}", "metric", expr, ""), help="a metric compares as written with a number",
    ),
    "chose": ConditionKey(
        _chose, _check_chose, _happens, lambda ref: Source(f"o:{ref}", "", "", "chosen"),
        help="this option of this decision was chosen",
    ),
    "decided": ConditionKey(
        lambda d: lambda s: s.choices.get(d) is not None, _check_decision,
        _happens, _event("decided"), help="the decision was answered in time",
    ),
    "timed_out": ConditionKey(
        lambda d: lambda s: d in s.choices and s.choices[d] is None,
        _check_decision, _happens, _event("timed out"),
        help="the decision ran out of time",
    ),
    "fired": ConditionKey(
        lambda i: lambda s: i in s.fired, lambda i, refs, path: refs.event(i, path), _happens, _event("fired"),
        help="the inject or decision has appeared",
    ),
    "flagged": ConditionKey(
        lambda i: lambda s: i in s.flagged, lambda i, refs, path: refs.inject(i, path), _happens, _event("flagged"),
        help="the trainee flagged the inject's post",
    ),
    "answered": ConditionKey(
        lambda i: lambda s: i in s.answered, lambda i, refs, path: refs.inject(i, path), _happens, _event("answered"),
        help="the trainee answered the inject's post",
    ),
    "after": ConditionKey(
        lambda t: lambda s: s.t >= t, _nothing, _after_truth,
        lambda t: Source("start", "", "", f"after {format_duration(t)}"), help="the clock has reached the time",
    ),
    "before": ConditionKey(
        lambda t: lambda s: s.t < t, _nothing, _before_truth,
        lambda t: Source("start", "", "", f"before {format_duration(t)}"), help="the clock has not reached the time",
    ),
}


# Conditions are looked at after every event of a run: two or three tests are joined without a
# generator (each test gives a bool, so ``and``/``or`` give the same answer as all()/any()).


def _every(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda s: a(s) and b(s)
    if len(checks) == 3:
        a, b, c = checks
        return lambda s: a(s) and b(s) and c(s)
    return lambda s: all(check(s) for check in checks)


def _some(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda s: a(s) or b(s)
    if len(checks) == 3:
        a, b, c = checks
        return lambda s: a(s) or b(s) or c(s)
    return lambda s: any(check(s) for check in checks)


def _inverse(check: Check) -> Check:
    return lambda s: not check(s)


# --- using a condition ---------------------------------------------------------------------


def condition_items(condition: Condition) -> Iterator[tuple[str, Any]]:
    """The tests a condition holds, as ``(key, value)`` by the YAML's key names, in key order."""
    keys = sorted((Condition.model_fields[name].alias or name, name) for name in condition.model_fields_set)
    for key, name in keys:
        yield key, getattr(condition, name)


def compile_condition(condition: Condition) -> Check:
    """Turn a condition into a function of the run state; several keys must all hold."""
    checks = [CONDITIONS[key].compile(value) for key, value in condition_items(condition)]
    if len(checks) == 1:
        return checks[0]
    return _every(checks)


def check_condition(condition: Condition, refs: References, path: Where) -> None:
    """Report every id the condition names that the case lacks (through ``refs``)."""
    for key, value, here in walk(condition, path):
        CONDITIONS[key].check(value, refs, here)


def explain(condition: Condition, reasoner: Reasoner) -> tuple[Truth, str]:
    """Whether a condition always, never or sometimes holds, with the reason when it is settled."""
    return _all_of([CONDITIONS[key].explain(value, reasoner) for key, value in condition_items(condition)])


def sources(condition: Condition, negated: bool = False) -> Iterator[tuple[Source, bool]]:
    """Where the graph's edges into the condition's owner start, each with whether it is negated."""
    for key, value in condition_items(condition):
        entry = CONDITIONS[key]
        if entry.children is not None:
            for child in entry.children(value):
                yield from sources(child, negated != entry.negates)
        elif entry.draw is not None:
            yield entry.draw(value), negated


def walk(condition: Condition, path: Where) -> Iterator[tuple[str, Any, Where]]:
    """Every leaf test in a condition as ``(key, value, path)``, for the cross-reference checks."""
    for key, value in condition_items(condition):
        here = (*path, key)
        entry = CONDITIONS[key]
        if entry.children is None:
            yield key, value, here
        elif entry.negates:
            yield from walk(value, here)
        else:
            for i, item in enumerate(value):
                yield from walk(item, (*here, i))


# --- effects -------------------------------------------------------------------------------


class EffectReferences(Protocol):
    """The loader's checks for the ids an effect names."""

    def metric(self, name: str, path: Where) -> None: ...

    def event(self, item: str, path: Where) -> None: ...


@dataclass(frozen=True, slots=True)
class EffectHooks:
    """The session's own ways of changing a run, for the effects that need more than the run
    state: built once by each session from its bound methods; no front end ever sees them (every
    change to a run goes through a logged input)."""

    clamp: Callable[[], None]
    """Bring the metrics back into 0..100."""
    set_spread: Callable[[float], None]
    """Set the story's contagiousness multiplier (and what follows from it)."""
    heat: Callable[[float], None]
    """A burst of story activity (positive) or a cool-down (negative), now."""
    fire: Callable[[str], object]
    """Bring an inject or decision in now (nothing if it was cancelled or already happened)."""
    schedule: Callable[[int, str, Any], None]
    """Queue ``(t, kind, payload)``: ``kind`` ``"fire"`` brings ``payload`` in at ``t``."""


@dataclass(frozen=True, slots=True)
class EffectKey:
    """Every meaning of one field of ``effects``.

    ``check`` reports the ids it names; ``explain`` says in words what it does (the linter's
    comparisons, the graph's labels); ``draw`` gives the graph's edges out of its owner as
    ``(target key, target kind, target label, edge words, dashed)``; ``apply`` changes a run
    (its state and the session's hooks) as the engine does when the effects happen.
    """

    check: Callable[[Any, EffectReferences, Where], None]
    explain: Callable[[Any], str]
    draw: Callable[[Any], list[tuple[str, str, str, str, bool]]]
    apply: Callable[[Any, RunState, EffectHooks], None]


def _trigger_target(item: str | InjectAfter) -> tuple[str, int | None]:
    return (item, None) if isinstance(item, str) else (item.inject, item.after)


def _check_metrics(metrics: dict[str, float], refs: EffectReferences, path: Where) -> None:
    for name in metrics:
        refs.metric(name, (*path, name))


def _check_events(items: list[Any], refs: EffectReferences, path: Where) -> None:
    for i, item in enumerate(items):
        refs.event(_trigger_target(item)[0], (*path, i))


def _no_ids(value: Any, refs: EffectReferences, path: Where) -> None:
    """Fields that name no id."""


def _signed(metrics: dict[str, float]) -> str:
    return ", ".join(f"{name} {delta:+g}" for name, delta in metrics.items())


def _trigger_edges(items: list[Any]) -> list[tuple[str, str, str, str, bool]]:
    edges = []
    for item in items:
        target, delay = _trigger_target(item)
        edges.append((f"e:{target}", "", "", "triggers" + (f" +{format_duration(delay)}" if delay else ""), False))
    return edges


def _add_metrics(metrics: dict[str, float], state: RunState, hooks: EffectHooks) -> None:
    for name, delta in metrics.items():
        state.metrics[name] += delta
    hooks.clamp()


def _set_flags(flags: list[str], state: RunState, hooks: EffectHooks) -> None:
    state.flags.update(flags)


def _clear_flags(flags: list[str], state: RunState, hooks: EffectHooks) -> None:
    state.flags.difference_update(flags)


def _multiply_spread(factor: float, state: RunState, hooks: EffectHooks) -> None:
    hooks.set_spread(min(4.0, max(0.1, state.spread * factor)))  # the multiplier stays within 0.1..4


def _add_heat(heat: float, state: RunState, hooks: EffectHooks) -> None:
    hooks.heat(heat)


def _cancel(items: list[str], state: RunState, hooks: EffectHooks) -> None:
    for item_id in items:
        state.cancelled.add(item_id)
        state.open.pop(item_id, None)  # an open decision closes without a choice or a timeout


def _bring_in(items: list[str | InjectAfter], state: RunState, hooks: EffectHooks) -> None:
    for item in items:
        if isinstance(item, InjectAfter):
            hooks.schedule(state.t + item.after, "fire", item.inject)
        else:
            hooks.fire(item)


#: In the order the engine applies them (a run's random draws, and so its log, depend on it):
#: metrics and flags first, then the story's spread and heat, then cancels before triggers.
EFFECTS: dict[str, EffectKey] = {
    "metrics": EffectKey(_check_metrics, _signed, lambda metrics: [], _add_metrics),
    "set_flags": EffectKey(
        _no_ids, lambda flags: "sets " + ", ".join(flags),
        lambda flags: [(f"f:{flag}", "flag", flag, "sets", False) for flag in flags], _set_flags,
    ),
    "clear_flags": EffectKey(
        _no_ids, lambda flags: "clears " + ", ".join(flags),
        lambda flags: [(f"f:{flag}", "flag", flag, "clears", True) for flag in flags], _clear_flags,
    ),
    "spread": EffectKey(_no_ids, lambda factor: f"spread ×{factor:g}", lambda factor: [], _multiply_spread),
    "heat": EffectKey(_no_ids, lambda heat: f"heat {heat:+g}", lambda heat: [], _add_heat),
    "cancel": EffectKey(
        _check_events, lambda items: "cancels " + ", ".join(items),
        lambda items: [(f"e:{item}", "", "", "cancels", True) for item in items], _cancel,
    ),
    "trigger": EffectKey(
        _check_events, lambda items: "brings in " + ", ".join(_trigger_target(i)[0] for i in items), _trigger_edges,
        _bring_in,
    ),
}


def _is_set(name: str, value: Any) -> bool:
    """Whether an effects field does something (not empty, not its default)."""
    return bool(value) or (name == "spread" and value is not None)


def effect_items(effects: Effects) -> Iterator[tuple[str, Any]]:
    """The fields an effects block sets (not empty, not default), in the model's order."""
    for name in Effects.model_fields:
        value = getattr(effects, name)
        if _is_set(name, value):
            yield name, value


def effect_steps(effects: Effects) -> list[tuple[Callable[[Any, RunState, EffectHooks], None], Any]]:
    """What :func:`apply_effects` does with an effects block, worked out ahead: each field that
    does something, by its entry's ``apply``, in :data:`EFFECTS`'s order (a run applies the same
    blocks again and again)."""
    return [(key.apply, value) for name, key in EFFECTS.items() if _is_set(name, value := getattr(effects, name))]


def apply_effects(effects: Effects, state: RunState, hooks: EffectHooks) -> None:
    """What an effects block does to a run, each field by its entry, in :data:`EFFECTS`'s order."""
    for name, key in EFFECTS.items():
        value = getattr(effects, name)
        if _is_set(name, value):
            key.apply(value, state, hooks)


def check_effects(effects: Effects, refs: EffectReferences, path: Where) -> None:
    """Report every id an effects block names that the case lacks."""
    for name, value in effect_items(effects):
        EFFECTS[name].check(value, refs, (*path, name))


def explain_effects(effects: Effects) -> str:
    """What an effects block does, in a few words (``"sentiment +12, trust +12; sets withdrawn"``)."""
    return "; ".join(EFFECTS[name].explain(value) for name, value in effect_items(effects))
