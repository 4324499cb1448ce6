"""Primary suppression: which cells are sensitive, by which rule, and how much protection each
needs.

Why a protection and not just a flag: suppressing a sensitive cell is not enough when the
margins let a reader bound it tightly. Each rule says how wide the interval a reader can derive
must be, and the secondary suppression and the audit both work from that:

- minimum frequency (fewer than n units, n = 3 by default): the interval must be at least n
  wide, so that a small count cannot be told apart from its neighbours;
- p% rule with total X and largest contributions x1, x2: the second largest contributor, who
  knows their own value, must not estimate x1 closer than p %:
  UPL = max(0, p/100 * x1 - (X - x1 - x2)), and the interval must reach X - UPL and X + UPL;
- (n,k)-dominance: the n largest units may not make up more than k % of the cell:
  UPL = max(0, 100/k * (x1 + ... + xn) - X), the same two-sided requirement;
- (p,q) prior-posterior rule (off unless chosen): a reader who knows every contribution to
  within q % beforehand must still not estimate x1 closer than p % (q > p): sensitive when
  q/100 * (X - x1 - x2) < p/100 * x1, UPL = p/100 * x1 - q/100 * (X - x1 - x2). The p% rule
  is its q = 100 case;
- optionally empty (zero) cells, which reveal that nobody has that combination.

The defaults come from ``forms/anonymisation.yaml`` (``parameters``), so an organisation
changes them in one place; a table may override them.

The rules judge the respondents (a cell's ``basis``: its unweighted total, its respondents and
their unweighted contributions, by holding when a holding is given), while the secondary
suppression and the audit work on the published values (weighted by a survey's sampling
weights). A protection found on the basis is therefore carried to the published scale by the
cell's own ratio of published value to basis (its mean weight), as tau-Argus and sdcTable do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hrk_workbench.disclosure.tables.cells import Table
    from hrk_workbench.forms.loader import Forms

RULE_FREQUENCY = "frequency"
RULE_P_PERCENT = "p_percent"
RULE_PQ = "pq"
RULE_ZERO = "zero"


def dominance_rule(n: int, k: float) -> str:
    """The name a dominance rule is recorded under, e.g. ``dominance_1_80``."""
    return f"dominance_{n}_{k:g}"


@dataclass(frozen=True)
class Rules:
    """The primary rules of one table; a rule that is 0 or empty is not applied."""

    min_frequency: int = 3
    dominance: tuple[tuple[int, float], ...] = ((1, 80.0),)
    p_percent: float = 10.0
    protect_zeros: bool = False
    pq: tuple[float, float] | None = None  # (p, q) of the prior-posterior rule; None: off

    @classmethod
    def from_forms(cls, forms: Forms, **overrides: Any) -> Rules:
        """Defaults from ``forms/anonymisation.yaml``; keyword arguments override them."""
        form = forms.anonymisation
        base = cls(
            min_frequency=int(form.number("min_frequency", 3)),
            dominance=((int(form.number("dominance_n", 1)),
                        float(form.number("dominance_k", 80))),),
            p_percent=float(form.number("p_percent", 10)),
            protect_zeros=bool(form.number("protect_zeros", 0)),
            pq=forms_pq(forms) if form.number("pq_rule", 0) else None,
        )
        values = {k: v for k, v in overrides.items() if v is not None}
        if "dominance" in values:
            values["dominance"] = tuple((int(n), float(k)) for n, k in values["dominance"])
        if values.get("pq"):
            values["pq"] = (float(values["pq"][0]), float(values["pq"][1]))
        elif "pq" in values:  # an empty pair: the rule switched off
            values["pq"] = None
        return cls(**{**base.__dict__, **values})

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"min_frequency": self.min_frequency,
                               "dominance": [[n, k] for n, k in self.dominance],
                               "p_percent": self.p_percent, "protect_zeros": self.protect_zeros}
        if self.pq:  # only when chosen: results saved before the rule existed stay alike
            out["pq"] = [self.pq[0], self.pq[1]]
        return out


def forms_pq(forms: Forms) -> tuple[float, float]:
    """The (p, q) of ``forms/anonymisation.yaml`` (``pq_p``, ``pq_q``)."""
    form = forms.anonymisation
    return float(form.number("pq_p", 10)), float(form.number("pq_q", 50))


@dataclass(frozen=True)
class MinFrequency:
    """The minimum frequency a table uses and where it comes from.

    Why recorded: the assessment's anonymisation advice derives the threshold (3, 10 for
    special-category data, 50 for grid data, ...; ``disclosure/need.py``), and a steward may
    set another one. A threshold below the advice must stay visible in the saved result and
    the memo, so the choice carries the advised value and whether it was overridden.
    """

    value: int
    advised: int | None = None  # None: no assessment, or its advice names no threshold
    overridden: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The ``TableLabResult`` fields (and the ``tables --json`` keys) of this choice."""
        return {"min_frequency": self.value, "min_frequency_advised": self.advised,
                "min_frequency_overridden": self.overridden}


def advised_min_frequency(assessment: Any, forms: Forms) -> int | None:
    """The threshold the anonymisation advice derives for this assessment (None if none)."""
    from hrk_workbench.disclosure.need import advise_anonymisation

    return advise_anonymisation(assessment, forms).min_frequency


def choose_min_frequency(forms: Forms, advised: int | None, given: int | None) -> MinFrequency:
    """``given`` (the steward's value) wins; else the advised one; else the forms default.

    A given value equal to the advice is not an override: nothing departs from the advice.
    """
    if given is not None:
        return MinFrequency(int(given), advised, advised is not None and given != advised)
    if advised is not None:
        return MinFrequency(int(advised), advised, False)
    return MinFrequency(int(forms.anonymisation.number("min_frequency", 3)), None, False)


@dataclass(frozen=True)
class Protection:
    """What one primary cell needs: an attacker's interval [lo, hi] must reach ``value -
    lower`` and ``value + upper`` and be at least ``width`` wide; ``rules`` says why."""

    rules: tuple[str, ...]
    value: float
    lower: float = 0.0
    upper: float = 0.0
    width: float = 0.0
    details: dict[str, Any] = field(default_factory=dict, compare=False)

    def sufficient(self) -> tuple[float, float]:
        """(lower, upper) distances that together also give the width.

        The width alone does not say where the interval lies, so it is split evenly
        around the value (never below zero, since values cannot be negative); reaching both
        distances then guarantees every requirement, which the secondary suppression needs.
        """
        lower = min(self.value, max(self.lower, self.width / 2))
        upper = max(self.upper, self.width - lower)
        return lower, upper

    def to_dict(self) -> dict[str, Any]:
        return {"rules": list(self.rules), "lower": self.lower, "upper": self.upper,
                "width": self.width}


def find_primary(table: Table, rules: Rules) -> dict[int, Protection]:
    """Every sensitive cell (margins included: a margin of two units is as revealing) with
    the rules that flagged it and the protection it needs, on the published scale."""
    out: dict[int, Protection] = {}
    basis = table.basis if table.basis is not None else table.values
    for i in range(len(table)):
        p = cell_protection(basis[i], table.counts[i], table.tops[i], table.magnitude, rules)
        if p is not None:
            out[i] = to_published(p, table.values[i], basis[i])
    return out


def to_published(p: Protection, published: float, basis: float) -> Protection:
    """A protection found on the respondents, carried to the published (weighted) value.

    Why scaled by the cell's own ratio: a weighted cell is its respondents' values times
    their weights, so an interval that hides the respondents' total by d hides the published
    value by d times the mean weight; a cell of two respondents of weight 80 needs an
    interval of 3 x 80 at threshold 3, not 3.
    """
    if published == basis:
        return p
    factor = published / basis if basis else 1.0
    return Protection(p.rules, published, min(p.lower * factor, published),
                      p.upper * factor, p.width * factor,
                      {**p.details, "basis": basis, "factor": factor})


def cell_protection(value: float, count: int | None, tops: tuple[float, ...], magnitude: bool,
                    rules: Rules) -> Protection | None:
    """The protection one cell needs, or None if no rule finds it sensitive."""
    flagged: list[str] = []
    lower = upper = width = 0.0
    details: dict[str, Any] = {}
    empty = (count == 0) if count is not None else (value == 0 and not tops)
    if empty:
        if rules.protect_zeros:
            flagged.append(RULE_ZERO)
            width = max(width, float(max(rules.min_frequency, 1)))
        return Protection(tuple(flagged), value, 0.0, 0.0, width) if flagged else None
    if count is not None and rules.min_frequency and count < rules.min_frequency:
        flagged.append(RULE_FREQUENCY)
        width = max(width, float(rules.min_frequency))
        details["count"] = count
    if magnitude and tops and value > 0:
        if rules.p_percent:
            x1 = tops[0]
            x2 = tops[1] if len(tops) > 1 else 0.0
            if count is not None and count < 2:  # one unit: nothing else hides it
                x2 = 0.0
            upl = max(0.0, rules.p_percent / 100.0 * x1 - (value - x1 - x2))
            if upl > 0:
                flagged.append(RULE_P_PERCENT)
                lower, upper = max(lower, min(upl, value)), max(upper, upl)
        if rules.pq:
            upl = pq_upper(value, count, tops, *rules.pq)
            if upl > 0:
                flagged.append(RULE_PQ)
                lower, upper = max(lower, min(upl, value)), max(upper, upl)
        for n, k in rules.dominance:
            if n <= 0 or not 0 < k <= 100:
                continue
            share = sum(tops[:n])
            upl = max(0.0, 100.0 / k * share - value)
            if share > k / 100.0 * value and upl > 0:
                flagged.append(dominance_rule(n, k))
                lower, upper = max(lower, min(upl, value)), max(upper, upl)
    if not flagged:
        return None
    return Protection(tuple(flagged), value, lower, upper, width, details)


def pq_upper(value: float, count: int | None, tops: tuple[float, ...], p: float,
             q: float) -> float:
    """The (p,q) rule's upper protection: p/100 * x1 - q/100 * (X - x1 - x2), or 0.

    The second largest contributor knows their own value and every other contribution to
    within q %, so their estimate of x1 is off by q/100 times the rest; the cell needs the
    difference to p % of x1 as protection (sensitive exactly when q/100 * rest < p/100 * x1).
    """
    if not tops or value <= 0:
        return 0.0
    x1 = tops[0]
    x2 = tops[1] if len(tops) > 1 and (count is None or count >= 2) else 0.0
    return max(0.0, p / 100.0 * x1 - q / 100.0 * (value - x1 - x2))
