"""Read and validate ``feeds.yaml``: the package's public surface.

The reader is being split into one module per concern; until then it lives in
``sections.py`` and this module re-exports what the rest of ``monitor`` uses.
"""

from monitor.config.model import (
    AlertsConfig,
    ChannelRules,
    Config,
    EmailConfig,
    PollConfig,
    SlackConfig,
)
from monitor.config.sections import from_feeds, load

__all__ = [
    "AlertsConfig",
    "ChannelRules",
    "Config",
    "EmailConfig",
    "PollConfig",
    "SlackConfig",
    "from_feeds",
    "load",
]
