"""What the readers take from the rest of vanban, in one place.

The pipeline package is being regrouped into layers (models under ``core``, encodings
under ``read``); importing either spelling here keeps the readers working on both sides of
that move, and leaves one file to touch when the old spelling goes.
"""
from __future__ import annotations

try:  # flat tree
    from pipeline.encodings import UndecodableText, decode_text
    from pipeline.models import Source, SourceFormat
except ImportError:  # layered tree
    from pipeline.core.models import Source, SourceFormat
    from pipeline.read.encodings import UndecodableText, decode_text

__all__ = ["Source", "SourceFormat", "UndecodableText", "decode_text"]
