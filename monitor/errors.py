"""One exception tree for everything the monitor reports to a user.

    MonitorError            root: the CLI prints str(exc) on one line, exit code 1
    ├── ConfigError         feeds.yaml or a secret is wrong (names field and line)
    ├── FetchError          a feed could not be fetched (network, HTTP status, size cap)
    ├── ParseError          a feed or article could not be read at all
    ├── StoreError          the state directory or database is unusable
    └── DeliveryError       an alert channel refused or failed a delivery

Adapters translate third-party exceptions at the boundary (`raise FetchError(...) from exc`)
so that no httpx, feedparser or sqlite3 exception reaches the user.
"""


class MonitorError(Exception):
    """Root of every error the monitor reports to a user."""


class ConfigError(MonitorError):
    """The configuration is invalid; the message names the field and the line."""


class FetchError(MonitorError):
    """A feed could not be fetched."""


class ParseError(MonitorError):
    """A feed or article could not be parsed at all."""


class StoreError(MonitorError):
    """The state directory or database cannot be used."""


class DeliveryError(MonitorError):
    """An alert channel refused or failed a delivery."""
