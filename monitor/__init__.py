"""monitor: follow one story across many news feeds and get told when the numbers disagree."""

__version__ = "0.1.0"
