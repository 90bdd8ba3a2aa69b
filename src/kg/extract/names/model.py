"""The trained recogniser as one more row of RECOGNISERS: the names it put in doc.ents where no
registry or rule name is (see kg.extract.trained for the model and its filters)."""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract.names.base import Context, Mention


def find_model_names(text: str, ctx: Context) -> Iterator[Mention]:
    doc = ctx.doc
    if doc is None or not doc.has_annotation("ENT_IOB"):  # rules alone: the model did not run
        return iter(())
    from kg.extract.trained import model_mentions

    return iter(model_mentions(doc, ctx.spans()))
