"""The policy's text is Markdown (headings, lists, links); shown as HTML, raw HTML escaped."""

from django import template
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

register = template.Library()
# CommonMark with raw HTML off: a version's text cannot inject markup or scripts, and
# markdown-it refuses javascript: and other unsafe link targets.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@register.filter
def markdown(text: str) -> str:
    return mark_safe(_MARKDOWN.render(text or ""))  # noqa: S308 - rendered with HTML escaped
