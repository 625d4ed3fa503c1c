"""Rasa input channels served by `rasa run`: website chat (web), hotline console (console)."""
