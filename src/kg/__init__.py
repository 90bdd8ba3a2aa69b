"""fintech-kg: a knowledge graph of China's lenders, platforms and regulation from news articles.

The Python API (kg.api) is re-exported here: `kg.connect(...)`, `kg.KnowledgeGraph`. It is
imported on first use, so that `kg --help` does not load the store and networkx."""

__version__ = "0.1.0"

__all__ = ["KnowledgeGraph", "connect", "__version__"]

_API = ("KnowledgeGraph", "connect")


def __getattr__(name: str):
    if name in _API:
        from kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
