from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def number(value):
    """A count as people read it: 100000 → "100,000"."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value
