"""One base exception for everything the library refuses; the CLI turns it into a message."""

from __future__ import annotations


class KgError(Exception):
    """Base class: a clear message for the user, and an exit code for the CLI."""

    exit_code = 1


class CorpusError(KgError):
    """An article cannot be read or added (encoding, empty, malformed front matter)."""


class EmptyArticleError(CorpusError):
    """The article has no text: refused by the corpus, an empty result for extraction."""


class ArticleTooLongError(CorpusError):
    """The article is longer than the corpus's ceiling (kg.corpus.MAX_ARTICLE_CHARS characters)."""


class DuplicateArticleError(CorpusError):
    """The article is already in the corpus (same normalised text)."""

    def __init__(self, message: str, existing: str, existing_id: str | None = None) -> None:
        super().__init__(message)
        self.existing = existing
        self.existing_id = existing_id


class NearDuplicateError(DuplicateArticleError):
    """The corpus has the same story in another wrapping (a re-post): `similarity` says how alike."""

    def __init__(self, message: str, existing: str, existing_id: str, similarity: float) -> None:
        super().__init__(message, existing, existing_id)
        self.similarity = similarity


class ExtractionError(KgError):
    """The extractor failed on one article."""


class StoreError(KgError):
    """The store cannot be opened, read or written (disk, lock, remote server)."""


class QueryError(KgError):
    """A SPARQL query is malformed, unknown, or misses a parameter."""

    exit_code = 2


class ValidationFailed(KgError):
    """SHACL validation found violations."""
