"""fintech-kg: a knowledge graph of China's lenders, platforms and regulation from news articles."""

__version__ = "0.1.0"
