"""Rasa input channels served by `rasa run`: website chat (web), hotline console (console), WeCom (wecom)."""

from bot import rasa_patches

# Every deployment loads these channels into the Rasa server (credentials.yml): this is start-up.
# The one call that changes Rasa's internals; it logs what it did, or refuses on another Rasa version.
rasa_patches.apply()
