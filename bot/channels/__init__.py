"""Rasa input channels served by `rasa run`: website chat (web), hotline console (console)."""

from bot import rasa_speedups

from .failure import watch_action_failures

# Every deployment loads these channels into the Rasa server (credentials.yml): the place to hook into it.
rasa_speedups.apply()
watch_action_failures()
