"""The policy's text is Markdown (headings, lists, links); shown as HTML, raw HTML escaped."""

import re

from django import template
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

register = template.Library()
# CommonMark with raw HTML off: a version's text cannot inject markup or scripts, and
# markdown-it refuses javascript: and other unsafe link targets.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


# The 2018 text was pasted from a word processor: its bullets are U+F0B7, a private-use
# character (Symbol font) that renders as a box. Shown as Markdown list items instead; the
# stored text, what users were told, is left as it is.
_SYMBOL_BULLET = re.compile(r"^[ \t\u00a0]*\uf0b7[ \t\u00a0]*(.*?)[ \t]*$", re.MULTILINE)


def symbol_bullets_as_list(text: str) -> str:
    return _SYMBOL_BULLET.sub(r"- \1", text)


@register.filter
def markdown(text: str) -> str:
    rendered = _MARKDOWN.render(symbol_bullets_as_list(text or ""))
    return mark_safe(rendered)  # noqa: S308 - rendered with HTML escaped
