"""Alert delivery: the outbox and one module per channel.

message.py   an alert as subject, text and HTML (feed text cleaned and bounded)
channel.py   what a channel offers, and its two ways of failing
email.py     SMTP (STARTTLS / implicit TLS / login), multipart text + HTML
slack.py     Slack incoming webhook, Block Kit, escaping that defuses mentions
noise.py     per-channel topics, claims, digests, rate limit, quiet hours
outbox.py    the delivery loop over the store's outbox rows, with backoff
"""
