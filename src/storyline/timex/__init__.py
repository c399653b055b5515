"""Time expressions: found in an article's sentences, resolved against the report's published time.

- ``recognise`` — the spans (``Mention``), with the rules of ``rules_en`` / ``rules_romance`` over
  the words of ``lexicon``;
- ``resolve`` — ``resolve_time_expression``: a TIMEX3 value, type, granularity, anchor and rule, or
  no value and the reason;
- ``stage`` — ``TimexStage``, which tags every new article and stores its expressions.
"""

from storyline.models import Granularity, TimeExpression, TimexType
from storyline.timex.recognise import recognise, tag
from storyline.timex.records import Mention, Tense
from storyline.timex.resolve import Discourse, resolve_time_expression

__all__ = [
    "Discourse",
    "Granularity",
    "Mention",
    "Tense",
    "TimeExpression",
    "TimexType",
    "recognise",
    "resolve_time_expression",
    "tag",
]
