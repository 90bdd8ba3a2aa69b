"""Offline, injection-safe HTML pages of the knowledge graph.

The only place in the project that imports pyvis. Pages inline the vendored vis-network
(``assets/``, see ``scripts/vendor_assets.sh``), load nothing from the network, and treat
every string from the graph as untrusted text.
"""

from .article_page import write_article_page
from .network_page import build_network, write_network_page
from .pages import write_entity_page, write_index_page
from .timeline_page import write_timeline_page

__all__ = [
    "build_network",
    "write_article_page",
    "write_entity_page",
    "write_index_page",
    "write_network_page",
    "write_timeline_page",
]
