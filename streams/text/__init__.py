"""Indonesian social-media text normalisation shared by every model and by claim matching."""

from streams.text.normalize import Normalizer, get_normalizer, normalize, normalize_batch, tokenize
from streams.text.stopwords import load_stopwords

__all__ = ["Normalizer", "get_normalizer", "normalize", "normalize_batch", "tokenize", "load_stopwords"]
