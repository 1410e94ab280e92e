"""Feeds in: polite conditional GET (``fetch``), where fetches run (``fetcher``: this
process or fetch workers), feed documents to Items (``parse``, with the lxml fast path
``fastparse`` and item dates from ``dates``, pure), and when each feed is polled next
(``schedule``, pure)."""
