"""What a pattern's matches must hold, read from the compiled pattern itself.

``required`` gives literal strings one of which each match of a pattern holds, and
``may_match`` turns them into a quick test that lets a search over a text be skipped when
none is there; both compare as the pattern's IGNORECASE would, through ``fold``.
``search_end`` searches with a pattern that ends in "$" only over as many words at the end
of the text as a match of it can hold: the same match, without trying every position
before. Where a pattern is beyond what they can read (a Python whose ``re`` internals
differ, a construct they do not know), they answer that it may match anywhere, so the
result is always that of the plain search.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from typing import Any

_CHOICES = 64  # the most strings a literal run with character classes expands to
_IN_TESTS = 24  # the most strings ``Literals`` tests one by one rather than as a tree


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - another Python's internals
        return None


_PARSER = _module("re._parser")
_CODES = _module("re._constants")
_CASEFIX = _module("re._casefix")


def required(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains (as IGNORECASE compares
    them), or None when the pattern gives none."""
    if _PARSER is None or _CODES is None:
        return None
    try:
        return _sequence(_PARSER.parse(pattern.pattern, pattern.flags))
    except Exception:  # pragma: no cover - a construct of another Python's parser
        return None


def required_all(pattern: re.Pattern[str]) -> list[frozenset[str]] | None:
    """Sets of strings such that every match of ``pattern`` contains one of each set (one
    set for each part of its top-level sequence that requires any), best first; None when
    the pattern gives none. ``required`` is the first of them."""
    if _PARSER is None or _CODES is None:
        return None
    try:
        found = _candidates(_PARSER.parse(pattern.pattern, pattern.flags))
    except Exception:  # pragma: no cover - a construct of another Python's parser
        return None
    return [strings for _, strings in sorted(found, key=lambda kv: kv[0], reverse=True)] or None


def _sequence(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    """Every item of a sequence is matched, so any one's required strings do: the longest
    run of literals, or the sub-pattern whose shortest string is longest."""
    best: tuple[tuple[int, int], frozenset[str]] | None = None
    for key, strings in _candidates(items):
        if best is None or key > best[0]:
            best = (key, strings)
    return best[1] if best is not None else None


def _candidates(
    items: Iterable[tuple[Any, Any]],
) -> list[tuple[tuple[int, int], frozenset[str]]]:
    """The required strings of each part of a sequence (runs of literals, sub-patterns),
    each with its key: (shortest string's length, minus how many), larger is stronger."""
    c = _CODES
    found: list[tuple[tuple[int, int], frozenset[str]]] = []
    runs = {""}

    def consider(strings_found: Iterable[str] | None) -> None:
        if strings_found is None:
            return
        strings = frozenset(strings_found)
        if not strings or "" in strings:
            return
        found.append(((min(map(len, strings)), -len(strings)), strings))

    for op, av in items:
        if op is c.LITERAL:
            runs = {run + chr(av) for run in runs}
            continue
        if (
            op is c.IN
            and all(code is c.LITERAL for code, _ in av)
            and len(runs) * len(av) <= _CHOICES
        ):  # "다[쳤친치]"
            runs = {run + chr(char) for run in runs for _, char in av}
            continue
        if op is c.BRANCH and runs != {""}:  # "d" + "ozen|oz|z": "doz" or "dz"
            heads = [_leading_literals(alternative) for alternative in av[1]]
            if all(heads) and len(runs) * len(heads) <= _CHOICES:
                consider({run + head for run in runs for head in heads})
        consider(runs)
        runs = {""}
        consider(_item(op, av))
    consider(runs)
    return found


def _leading_literals(items: Any) -> str:
    """The literal characters a sequence starts with ("" when it starts otherwise)."""
    head = []
    for op, av in items:
        if op is not _CODES.LITERAL:
            break
        head.append(chr(av))
    return "".join(head)


def _item(op: Any, av: Any) -> frozenset[str] | None:
    c = _CODES
    if op is c.SUBPATTERN:
        return _sequence(av[3])
    if op is c.ATOMIC_GROUP:
        return _sequence(av)
    if op is c.BRANCH:  # one of the alternatives matches: the union of theirs
        found: set[str] = set()
        for alternative in av[1]:
            strings = _sequence(alternative)
            if strings is None:
                return None
            found |= strings
        return frozenset(found)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        least, _, body = av
        return _sequence(body) if least >= 1 else None
    return None  # a class, a look-around, an anchor: nothing required


def _fold_table() -> tuple[dict[int, int], re.Pattern[str]] | None:
    """Letters IGNORECASE takes for one another beyond lower case ("ſ" and "s", "ᲀ" and
    "в", "ς" and "σ"), each mapped to one of its class; and a pattern that finds them."""
    extra = getattr(_CASEFIX, "_EXTRA_CASES", None)
    if not isinstance(extra, dict):
        return None
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for char, others in extra.items():
        for other in others:
            a, b = root(char), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    table = {char: root(char) for char in parent if root(char) != char}
    odd = "".join(re.escape(chr(char)) for char in sorted(table))
    return table, re.compile(f"[{odd}]")


_FOLD = _fold_table()


def fold(text: str) -> str | None:
    """``text`` lower-cased, each letter IGNORECASE equates with others as one of them;
    None when that changes its length (positions would not hold) or cannot be done."""
    if _FOLD is None:
        return None
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    table, odd = _FOLD
    if lowered.isascii():  # the letters IGNORECASE equates are none of them ASCII
        return lowered
    return lowered.translate(table) if odd.search(lowered) else lowered


class Literals:
    """A quick test whether a text holds any of some strings, compared as IGNORECASE
    would compare them (``fold``), or exactly (``exact``): one search of a pattern built
    as a tree of the strings, so each position costs a character or two."""

    def __init__(self, strings: Iterable[str], *, exact: bool = False) -> None:
        self.exact = exact
        keys = set(strings) if exact else {fold(string) for string in strings}
        # a string that holds another adds nothing; no strings: nothing is ever found
        found = {k for k in keys if k is not None}
        self.always = None in keys or "" in found
        kept = [k for k in found if not any(o != k and o in k for o in found)]
        self.pattern = re.compile(_tree(sorted(kept)) if kept else "(?!)")
        # A few strings are found faster one by one (``in`` scans at memory speed; the
        # tree costs the regex engine a step per position): 4-5x on 2 KB texts.
        self.strings = tuple(sorted(kept)) if len(kept) <= _IN_TESTS else None

    def found_in(self, text: str, folded: str | None = None) -> bool:
        """Whether ``text`` holds one of the strings (True when that cannot be told);
        ``folded`` is ``fold(text)`` if known."""
        if self.always:
            return True
        if not self.exact:
            folded = folded if folded is not None else fold(text)
            if folded is None:
                return True
            text = folded
        if self.strings is not None:
            for string in self.strings:  # noqa: SIM110 (a generator costs more than ``in``)
                if string in text:
                    return True
            return False
        return self.pattern.search(text) is not None


def _tree(strings: list[str]) -> str:
    """A pattern of sorted, non-empty strings that shares their common beginnings."""
    groups: dict[str, list[str]] = {}
    for string in strings:
        groups.setdefault(string[0], []).append(string[1:])
    alternatives = []
    for first, rests in groups.items():
        if "" in rests:  # the string ends here: the longer ones hold it
            alternatives.append(re.escape(first))
        else:
            alternatives.append(re.escape(first) + _tree(rests))
    return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"


def may_match(pattern: re.Pattern[str], text: str, folded: str | None = None) -> bool:
    """False only when ``pattern`` cannot match anywhere in ``text`` (nor in any part of
    it): for one part of it that requires strings, none of them is there. ``folded`` is
    ``fold(text)`` if known."""
    every = _literals_of(pattern)
    if not every:
        return True
    if folded is None and not every[0].exact:
        folded = fold(text)
    for literals in every:  # noqa: SIM110 (hot: a generator costs more than the tests)
        if not literals.found_in(text, folded):
            return False
    return True


def literal_starts(patterns: Iterable[re.Pattern[str]], folded: str | None) -> list[int] | None:
    """Sorted positions in ``folded`` (``fold`` of a text) where a string starts that
    ``may_match`` requires of one of ``patterns``: a match of any of them in a part of the
    text holds one of these within that part. None when that cannot be told."""
    if folded is None:
        return None
    starts: list[int] = []
    for pattern in patterns:
        every = _literals_of(pattern)
        if not every or every[0].exact or every[0].always or every[0].strings is None:
            return None
        for string in every[0].strings:
            at = folded.find(string)
            while at >= 0:
                starts.append(at)
                at = folded.find(string, at + 1)
    return sorted(starts)


# What is read of each pattern, by its id and checked by identity (the entry holds the
# pattern, so its id is not reused): a Pattern's own hash reads its whole compiled code,
# ~7 µs for a long one, on every lookup.
_LITERALS: dict[int, tuple[re.Pattern[str], tuple[Literals, ...]]] = {}
# The most parts of a pattern ``may_match`` tests: "half" and "thousand" in "half a
# thousand" each rule out most texts; a third part rarely rules out more.
_PARTS_TESTED = 2


def _literals_of(pattern: re.Pattern[str]) -> tuple[Literals, ...]:
    found = _LITERALS.get(id(pattern))
    if found is not None and found[0] is pattern:
        return found[1]
    every = required_all(pattern) or []
    exact = not pattern.flags & re.IGNORECASE
    literals = tuple(Literals(strings, exact=exact) for strings in every[:_PARTS_TESTED])
    _LITERALS[id(pattern)] = (pattern, literals)
    return literals


def any_of(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One pattern that matches where one of ``patterns`` (all of the same flags, with no
    group names in common) would: one search or match instead of one each."""
    flags = {pattern.flags for pattern in patterns}
    if len(flags) != 1:
        raise ValueError("patterns of different flags")
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), flags.pop())


def search_end(
    pattern: re.Pattern[str], string: str, pos: int = 0, endpos: int | None = None
) -> re.Match[str] | None:
    """``pattern.search(string, pos, endpos)`` for a pattern whose matches end at the end
    ("$"): a match of at most k words (runs of non-space) starts after all but the last k
    words of the text, so the search starts there."""
    words = _words_at_most(pattern)
    end = len(string) if endpos is None else min(endpos, len(string))
    if words is not None and 0 <= pos < end:
        head = string[pos:end].rsplit(None, words)
        if len(head) > words:  # more words than a match holds: skip those before
            pos += len(head[0])
    if endpos is None:
        return pattern.search(string, pos)
    return pattern.search(string, pos, endpos)


_WORDS: dict[int, tuple[re.Pattern[str], int | None]] = {}  # by id, as ``_LITERALS``


def _words_at_most(pattern: re.Pattern[str]) -> int | None:
    """The most words a match of ``pattern`` holds, if every match ends at the end of the
    searched text; else None."""
    found = _WORDS.get(id(pattern))
    if found is not None and found[0] is pattern:
        return found[1]
    words = None
    if _PARSER is not None and _CODES is not None and not pattern.flags & re.MULTILINE:
        try:
            tree = _PARSER.parse(pattern.pattern, pattern.flags)
            if _ends_at_end(tree):
                shape = _shape(tree)
                words = shape[0] if shape is not None else None
        except Exception:  # pragma: no cover - a construct of another Python's parser
            words = None
    _WORDS[id(pattern)] = (pattern, words)
    return words


def _ends_at_end(items: Any) -> bool:
    c = _CODES
    items = list(items)
    if not items:
        return False
    op, av = items[-1]
    if op is c.AT:
        return av in (c.AT_END, c.AT_END_STRING)
    if op is c.SUBPATTERN:
        return _ends_at_end(av[3])
    if op is c.BRANCH:
        return all(_ends_at_end(alternative) for alternative in av[1])
    return False


# The shape of what a (sub)pattern matches, for counting words: (most words, every match
# starts with a non-space, every match ends with a non-space, every match is empty).
Shape = tuple[int, bool, bool, bool]


def _shape(items: Any) -> Shape | None:
    """The shape of a sequence: its items' words added up, less one where an item that
    always ends with a non-space meets one that always starts with one (a word goes on)."""
    words, starts, ends, empty = 0, False, False, True
    for op, av in items:
        shape = _item_shape(op, av)
        if shape is None:
            return None
        w, s, e, z = shape
        if z:  # a look-around, an anchor: takes no characters
            continue
        words += w - (1 if ends and s else 0)
        if empty:
            starts = s
        ends, empty = e, False
    return words, starts and not empty, ends and not empty, empty


def _item_shape(op: Any, av: Any) -> Shape | None:
    c = _CODES
    if op is c.LITERAL:
        space = chr(av).isspace()
        return (0, False, False, False) if space else (1, True, True, False)
    if op is c.IN:
        spaces, others = _class_matches(av)
        if not spaces:
            return 1, True, True, False
        return (0, False, False, False) if not others else (1, False, False, False)
    if op in (c.NOT_LITERAL, c.ANY):
        return 1, False, False, False
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return 0, False, False, True
    if op is c.SUBPATTERN:
        return _shape(av[3])
    if op is c.ATOMIC_GROUP:
        return _shape(av)
    if op is c.BRANCH:
        shapes = [_shape(alternative) for alternative in av[1]]
        if not shapes or any(shape is None for shape in shapes):
            return None
        known = [shape for shape in shapes if shape is not None]
        return (
            max(shape[0] for shape in known),
            all(shape[1] for shape in known),
            all(shape[2] for shape in known),
            all(shape[3] for shape in known),
        )
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        least, most, body = av
        shape = _shape(body)
        if shape is None:
            return None
        w, s, e, z = shape
        if z or w == 0:
            return 0, False, False, z
        if most == c.MAXREPEAT:
            if w == 1 and s and e:  # non-spaces only ("\w+"): one word, however long
                return 1, s and least > 0, e and least > 0, False
            return None
        merged = most * w - (most - 1 if s and e else 0)
        return merged, s and least > 0, e and least > 0, False
    return None


def _class_matches(items: Any) -> tuple[bool, bool]:
    """(may match a space, may match a non-space) for a character class."""
    c = _CODES
    negate = bool(items) and items[0][0] is c.NEGATE
    spaces = others = False
    covers_spaces = False  # (negated:) the class left out every space
    for op, av in items[1:] if negate else items:
        if op is c.LITERAL:
            space = chr(av).isspace()
            spaces, others = spaces or space, others or not space
        elif op is c.CATEGORY and av in (c.CATEGORY_SPACE,):
            spaces = covers_spaces = True
        elif op is c.CATEGORY and av in (c.CATEGORY_NOT_SPACE, c.CATEGORY_WORD, c.CATEGORY_DIGIT):
            others = True
        elif op is c.CATEGORY and av in (c.CATEGORY_NOT_WORD, c.CATEGORY_NOT_DIGIT):
            spaces = others = covers_spaces = True
        else:  # a range, another category: may be either
            spaces = others = True
    if negate:  # everything the items leave out
        return not covers_spaces, True
    return spaces, others
