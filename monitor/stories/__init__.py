"""Stories: which stored item a new one reprints (near-duplicate) and which story it
belongs to (``match``), the in-memory candidate index of recent items (``index``), and
one spelling per name across scripts (``aliases``). Pure: no I/O."""
