"""Features → the probability that a candidate answers its question: one logistic function
whose weights come from the fitted settings."""

from __future__ import annotations

import math
from dataclasses import dataclass

from qa.analyze import Question
from qa.evidence import Candidate
from qa.features import Features, row
from qa.settings import Settings


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    features: Features
    probability: float


def probability(question: Question, features: Features, settings: Settings) -> float:
    z = settings.intercept
    for x, mean, scale, weight in zip(row(question, features), settings.means, settings.scales, settings.weights):
        z += weight * (x - mean) / scale
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))
