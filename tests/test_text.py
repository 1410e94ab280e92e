"""monitor.text: control characters and tracking parameters."""

from __future__ import annotations

from monitor.notify.message import http_url
from monitor.text import canonical_url, clean_text, strip_controls, without_tracking


def test_canonical_url() -> None:
    assert (
        canonical_url(
            "HTTPS://News.Example.DE:443/a/b?id=3&utm_source=x&UTM_Medium=y&fbclid=z#frag"
        )
        == "https://news.example.de/a/b?id=3"
    )
    assert canonical_url("http://example.org:8080") == "http://example.org:8080/"
    assert canonical_url("not a url") == "not a url"


def test_without_tracking_keeps_everything_else() -> None:
    assert (
        without_tracking("https://News.example/a?id=3&utm_source=rss&fbclid=z&q=x+y#top")
        == "https://News.example/a?id=3&q=x+y#top"
    )
    untouched = "https://news.example/a?q=%C3%BC%20b&id=7#frag"
    assert without_tracking(untouched) == untouched  # no tracking: not even re-encoded
    assert without_tracking("https://news.example/a?utm_medium=feed") == "https://news.example/a"


def test_alert_links_lose_tracking_parameters_and_other_schemes() -> None:
    assert http_url("https://news.example/a?utm_source=rss&id=1") == "https://news.example/a?id=1"
    assert http_url("javascript:alert(1)") is None
    assert http_url("https://news.example/a b") is None


def test_controls_and_escape_sequences_are_stripped() -> None:
    hostile = "Kursk\x1b[2J\x1b]0;pwned\x07 troops\x9b31m\x9d8;;https://evil\x9c\x00"
    assert strip_controls(hostile) == "Kursk troops"
    plain = "Kursk\ttroops\n"
    assert strip_controls(plain) is plain  # nothing to strip: the same string back
    assert clean_text("  a \r\n\r\n b\x1b[1m  c ") == "a\nb c"


def test_clean_drops_bidi_controls_that_would_reverse_a_line() -> None:
    from monitor.text import clean

    hostile = "Kursk \u202e000,01\u202c troops \u2066x\u2069 \u200fy\u200e"
    assert clean(hostile) == "Kursk 000,01 troops x y"
