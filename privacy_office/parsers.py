"""How the API reads a JSON body."""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

TOO_DEEP = _("The JSON body nests lists or objects too deeply; send plain rows of values.")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 rather than failing when the nesting is deeper than
    Python's recursion limit (hundreds of thousands of ``[``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(TOO_DEEP) from error
