"""Which cells a statistical release may publish (policy C.5), as a pure function.

A cell under the floor is left out (primary suppression). Leaving it out is not
enough when the recipient can subtract: a published row total minus the other
published cells of the row gives it back, and so does one release's total minus
another's. So further cells are left out (complementary suppression) until no
cell left out for being small — in this release or in any release the recipient
already holds — is an exact linear combination of the numbers the recipient
holds. The test is exact: rank over the rationals of the sums held.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import gcd

Key = tuple[str, ...]


@dataclass(frozen=True)
class HeldTable:
    """A table a recipient was given: its dimensions, the cells shown, the small cells hidden."""

    name: str
    dimensions: tuple[str, ...]
    published: frozenset[Key]
    primary: frozenset[Key]


@dataclass(frozen=True)
class SuppressedTable:
    """What a release publishes, and why each other cell was left out."""

    published: dict[Key, int]
    primary: frozenset[Key]
    complementary: frozenset[Key]
    clashes: tuple[str, ...]  # held tables whose small cells forced a complementary suppression


class _Span:
    """The sums a recipient can compute exactly: a row space over the rationals, in integers."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, list[int]]] = []  # (pivot, row), each row zero at earlier pivots

    def copy(self) -> _Span:
        span = _Span()
        span.rows = list(self.rows)
        return span

    def _reduce(self, vector: list[int]) -> list[int]:
        v = list(vector)
        for pivot, row in self.rows:
            if v[pivot]:
                a, b = row[pivot], v[pivot]
                v = [a * x - b * y for x, y in zip(v, row, strict=True)]
                divisor = 0
                for x in v:
                    divisor = gcd(divisor, x)
                if divisor > 1:
                    v = [x // divisor for x in v]
        return v

    def add(self, vector: list[int]) -> None:
        v = self._reduce(vector)
        pivot = next((i for i, x in enumerate(v) if x), None)
        if pivot is not None:
            self.rows.append((pivot, v))

    def contains(self, vector: list[int]) -> bool:
        return not any(self._reduce(vector))


@dataclass(frozen=True)
class _Target:
    vector: list[int]
    dimensions: tuple[str, ...]
    key: Key
    source: str | None  # the held table it came from; None for this release


def _agreement(target: _Target, dimensions: Sequence[str], key: Key) -> int:
    own = dict(zip(target.dimensions, target.key, strict=True))
    return sum(1 for d, value in zip(dimensions, key, strict=True) if own.get(d) == value)


def _culprits(exposed, held, vector, published_rows) -> list[str]:
    """Name the held tables without which the exposed cell could not be worked out."""
    if exposed.source is not None:
        return [exposed.source]
    names = []
    for table in held:
        span = _Span()
        for other in held:
            if other is not table:
                for key in sorted(other.published):
                    span.add(vector(other.dimensions, key))
        for row in published_rows:
            span.add(row)
        if not span.contains(exposed.vector) and table.name not in names:
            names.append(table.name)
    return names


def suppress(
    *,
    dimensions: Sequence[str],
    counts: Mapping[Key, int],
    floor: int,
    fine_dimensions: Sequence[str],
    support: frozenset[Key] | set[Key],
    held: Sequence[HeldTable] = (),
) -> SuppressedTable:
    """Return the cells of ``counts`` that may be published to a recipient holding ``held``.

    ``support`` lists the non-empty cells of the finest table, over ``fine_dimensions``
    (which include every dimension of this release and of the held tables); each cell of
    any release is the sum of the fine cells that project onto it. Treating every
    dimension as additive over-approximates what a recipient can derive, so it errs
    towards leaving more out.
    """
    fine = list(fine_dimensions)
    columns = sorted(support)
    width = len(columns)
    projections: dict[tuple[str, ...], dict[Key, list[int]]] = {}

    def vector(dims: Sequence[str], key: Key) -> list[int]:
        dims = tuple(dims)
        if dims not in projections:
            positions = [fine.index(d) for d in dims]
            groups: dict[Key, list[int]] = {}
            for i, fine_key in enumerate(columns):
                groups.setdefault(tuple(fine_key[p] for p in positions), []).append(i)
            projections[dims] = groups
        v = [0] * width
        for i in projections[dims].get(tuple(key), []):
            v[i] = 1
        return v

    baseline = _Span()
    for table in held:
        for key in sorted(table.published):
            baseline.add(vector(table.dimensions, key))

    primary = frozenset(key for key, people in counts.items() if people < floor)
    targets: list[_Target] = []
    for table in held:
        for key in sorted(table.primary):
            targets.append(
                _Target(vector(table.dimensions, key), table.dimensions, key, table.name)
            )
    for key in sorted(primary):
        targets.append(_Target(vector(dimensions, key), tuple(dimensions), key, None))
    # A cell that is about nobody now, or that the held tables already give away by
    # themselves, is not something this release can protect.
    targets = [t for t in targets if any(t.vector) and not baseline.contains(t.vector)]

    rows = {key: vector(dimensions, key) for key in counts}
    published = sorted((key for key in counts if key not in primary), key=lambda k: (counts[k], k))
    complementary: set[Key] = set()
    clashes: list[str] = []

    def span_of(keys: Sequence[Key]) -> _Span:
        span = baseline.copy()
        for key in keys:
            span.add(rows[key])
        return span

    while True:
        span = span_of(published)
        exposed = next((t for t in targets if span.contains(t.vector)), None)
        if exposed is None:
            break
        ranked = sorted(
            published,
            key=lambda k: (-_agreement(exposed, dimensions, k), counts[k], k),
        )
        chosen = next(
            (
                k
                for k in ranked
                if not span_of([p for p in published if p != k]).contains(exposed.vector)
            ),
            ranked[0],
        )
        published.remove(chosen)
        complementary.add(chosen)
        for name in _culprits(exposed, held, vector, [rows[k] for k in published]):
            if name not in clashes:
                clashes.append(name)

    return SuppressedTable(
        published={key: counts[key] for key in sorted(published)},
        primary=primary,
        complementary=frozenset(complementary),
        clashes=tuple(clashes),
    )
