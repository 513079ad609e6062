"""Deterministic synthetic AetherMart sources with every kind of dirt, and an answer key."""

from generator.config import Counts, FaultRates, GeneratorConfig
from generator.run import ANSWER_KEY, GenerateResult, generate

__all__ = ["ANSWER_KEY", "Counts", "FaultRates", "GenerateResult", "GeneratorConfig", "generate"]
