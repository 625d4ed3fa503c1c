"""Rasa NLU component: the message text through bot.nlu.normalize before the tokenizer (first in config.yml).

Traditional characters, full-width letters, emoji, mixed-in English and typos of key terms: see bot/nlu/normalize.py.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalize import normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class TextNormalizer(GraphComponent):
    """Rewrites the message text in place."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TextNormalizer":
        return cls()

    @staticmethod
    def required_packages() -> List[Text]:
        return ["opencc"]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: Optional[str] = message.get(TEXT)
            if text:
                message.set(TEXT, normalize(text))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # An example with entities keeps its text unless the length is kept (the offsets must stay right).
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if not text:
                continue
            normalized = normalize(text)
            if not example.get(ENTITIES) or len(normalized) == len(text):
                example.set(TEXT, normalized)
        return training_data
