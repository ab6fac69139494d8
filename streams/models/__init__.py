"""Feature pipelines, training, evaluation and safe artifact storage for Sigap's models."""
