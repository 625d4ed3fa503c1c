"""Rasa input channels served by `rasa run`: website chat (web), hotline console (console), WeCom (wecom)."""

# Importing a channel changes nothing in Rasa: each channel's from_credentials, which the Rasa server
# calls once per channel of credentials.yml at start-up, calls bot.rasa_patches.apply() (idempotent,
# logged, refused on another Rasa version). The unit tests and the push CLI import channel modules
# without paying for Rasa's core and TensorFlow.
