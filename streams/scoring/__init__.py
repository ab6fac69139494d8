"""Scoring facade used by the Faust agents, ``sigap score`` and the benchmark."""

from streams.models.artifacts import ModelsMissingError, UntrustedArtifactError
from streams.scoring.scorer import BatchScores, Scorer, TextScores, make_claim_index

__all__ = ["Scorer", "TextScores", "BatchScores", "ModelsMissingError", "UntrustedArtifactError", "make_claim_index"]
