"""Read the figures a news text reports: numbers, ranges, hedges, what they count, who says so.

Being split into one module per idea; this package re-exports the public names.
"""

from monitor.figures.context import extract
from monitor.figures.deployment import DEPLOYMENT
from monitor.figures.lexicon import CLAIM_LABELS, CLAIM_TERMS, LANGS
from monitor.figures.numbers import parse_number_words
from monitor.types import Figure

__all__ = [
    "CLAIM_LABELS",
    "CLAIM_TERMS",
    "DEPLOYMENT",
    "Figure",
    "LANGS",
    "extract",
    "parse_number_words",
]
