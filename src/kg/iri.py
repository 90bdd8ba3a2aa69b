"""Where every resource of the graph lives: one place mints IRIs, so they stay stable."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

BASE = "https://w3id.org/fintech-kg/"
ONTOLOGY = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
ONTOLOGY_GRAPH = GRAPH + "ontology"
INFERRED_GRAPH = GRAPH + "inferred"
REGISTRY_GRAPH = GRAPH + "registry"  # the registry's curated relations (kg.curated)
ENTITIES_GRAPH = GRAPH + "entities"  # each entity described once: names, aliases, types (kg.describe)
# prefixes for every Turtle / TriG the project writes (export, CONSTRUCT results), so readers see kg:Lender
PREFIXES = {
    "kg": ONTOLOGY, "id": ID, "graph": GRAPH,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/", "qb": "http://purl.org/linked-data/cube#",
    "time": "http://www.w3.org/2006/time#",
}

_SPACES = re.compile(r"\s+")
_SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def normalise_name(name: str) -> str:
    """The form names are compared in: NFKC, no spaces or quotes, lower case."""
    name = unicodedata.normalize("NFKC", name)
    name = _SPACES.sub("", name)
    return name.strip("《》“”\"'‘’「」『』").lower()


def _digest(text: str, length: int = 16) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def entity_iri(*, registry_key: str | None = None, name: str | None = None) -> str:
    """Registry entities keep their curated key; others get a key derived from the normalised name."""
    if registry_key:
        if not _SAFE_KEY.match(registry_key):
            raise ValueError(f"registry key {registry_key!r} is not a safe IRI segment")
        return f"{ID}{registry_key}"
    if not name:
        raise ValueError("an entity needs a registry key or a name")
    return f"{ID}e-{_digest(normalise_name(name))}"


def article_iri(article_id: str) -> str:
    return f"{ID}article/{quote(article_id, safe='')}"


def article_graph(article_id: str) -> str:
    return f"{GRAPH}article/{quote(article_id, safe='')}"


def article_id_from_graph(graph: str) -> str | None:
    prefix = f"{GRAPH}article/"
    if not graph.startswith(prefix):
        return None
    from urllib.parse import unquote

    return unquote(graph[len(prefix):])


def period_iri(period: str) -> str:
    return f"{ID}period/{quote(period, safe='-')}"


def local_iri(article_id: str, kind: str, *parts: object) -> str:
    """A statement, observation, event, sentence or mention of one article: stable across rebuilds."""
    key = "|".join(str(p) for p in parts)
    return f"{ID}{kind}/{quote(article_id, safe='')}-{_digest(key, 12)}"


def slug(iri: str) -> str:
    """A file-name-safe name for an entity page."""
    tail = iri.rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]", "_", tail) or _digest(iri)
