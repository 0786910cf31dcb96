"""Questions about the registry, shaped for the data map page and command."""

from dataclasses import dataclass

from privacy_office.purposes import PURPOSES
from privacy_office.registry import Category, DeclaredField, ExemptField, registry


@dataclass(frozen=True)
class CategoryGroup:
    code: str
    label: str
    rows: list[DeclaredField]


def datamap_rows(*, category: str | None = None) -> list[DeclaredField]:
    """Return every declared field, optionally of one category."""
    rows = registry.declared_fields()
    if category:
        rows = [row for row in rows if row.category == category]
    return rows


def datamap_by_category(*, category: str | None = None) -> list[CategoryGroup]:
    """Return the declared fields grouped by category, in the policy's order (A.2-A.6)."""
    rows = datamap_rows(category=category)
    return [
        CategoryGroup(code=code, label=str(label), rows=[r for r in rows if r.category == code])
        for code, label in Category.choices
        if any(row.category == code for row in rows)
    ]


def datamap_exempt() -> list[ExemptField]:
    return registry.exempt_fields()


def purposes_legend() -> list[tuple[str, str, str]]:
    return [(code, str(title), wording) for code, (title, wording) in PURPOSES.items()]
