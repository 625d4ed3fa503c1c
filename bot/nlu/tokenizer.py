"""JiebaTokenizer without whitespace tokens.

jieba keeps spaces as tokens in mixed Chinese/English text (「做 ITO 和 BPO」), which
misaligns entities and adds noise features (rasa#7910). Drop them.
"""
from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class CleanJiebaTokenizer(JiebaTokenizer):
    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        return [token for token in super().tokenize(message, attribute) if token.text.strip()]
