"""精准推送: firms that asked to be told get the new or changed measures that fit their stored profile.

    store.py      subscriptions (consent, channel, profile, last evaluation), in PUSH_DB_URL
    diff.py       what is new or changed for one firm between its last evaluation and a catalogue
    text.py       the notification text (≤ 2,048 bytes, the WeCom limit)
    adapters.py   WeCom app, 微信客服 (inside its reply window), e-mail (SMTP), SMS (not configured)
    deliver.py    the outbox: rate limits, retries, audit; nothing undelivered is lost
    run.py        compare a catalogue directory with every subscriber, preview or send
    cli.py        python -m bot.push --catalogue DIR [--dry-run] [--json]
"""
