"""Deterministic synthetic AetherMart sources with every kind of dirt, and an answer key."""

from aethermart.generate.config import Counts, FaultRates, GeneratorConfig
from aethermart.generate.run import ANSWER_KEY, GenerateResult, generate

__all__ = ["ANSWER_KEY", "Counts", "FaultRates", "GenerateResult", "GeneratorConfig", "generate"]
