"""Feeds in: polite conditional GET (``fetch``, bodies decoded by ``decoding``), where
fetches run (``fetcher``: this process or fetch workers), feed documents to Items
(``parse``, with the lxml fast path ``fastparse`` and JSON Feed's reader ``jsonfeed``,
pure; item dates by ``dates``, pure), and when each feed is polled next (``schedule``, pure)."""
