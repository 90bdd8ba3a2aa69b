"""Build the training corpora (DocBins) from the gold annotations, FinNER and FinRE.

    python -m train.build [--no-finner] [--no-finre] [--out train/corpus]

Dev corpora are the in-domain dev split only, so models are chosen on text like the
articles the project reads; the holdout is never read here.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from spacy.tokens import DocBin

from train import ner_data, rel_data
from train.texts import ROOT, gold_files

SEED = 7


def tokenizer():
    """The pipeline's own tokenizer (jieba with the registry as its user dictionary)."""
    from kg.nlp import load_pipeline

    return load_pipeline(models=False).make_doc


def save(docs, path: Path, shuffle: bool = True) -> Counter:
    docs = list(docs)
    if shuffle:
        random.Random(SEED).shuffle(docs)
    DocBin(docs=docs, store_user_data=False).to_disk(path)
    counts = Counter({"docs": len(docs)})
    for doc in docs:
        counts.update(e.label_ for e in doc.ents)
        if doc.cats:
            counts.update(c for c, v in doc.cats.items() if v)
    return counts


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=ROOT / "train" / "corpus")
    ap.add_argument("--no-finner", action="store_true")
    ap.add_argument("--no-finre", action="store_true")
    ap.add_argument("--gold-repeat", type=int, default=3, help="times in-domain examples are repeated")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    make_doc = tokenizer()
    train, dev = gold_files("train"), gold_files("dev")

    ner_train = list(ner_data.gold_docs(make_doc, train)) * args.gold_repeat
    if not args.no_finner:
        ner_train += list(ner_data.finner_docs(make_doc, "train"))
    print("ner-train", save(ner_train, args.out / "ner-train.spacy"))
    print("ner-dev", save(ner_data.gold_docs(make_doc, dev), args.out / "ner-dev.spacy", shuffle=False))
    print("ner-finner-eval", save(ner_data.finner_docs(make_doc, "eval"), args.out / "ner-finner-eval.spacy", False))

    rel_train = list(rel_data.gold_docs(make_doc, train)) * args.gold_repeat
    if not args.no_finre:
        rel_train += list(rel_data.finre_docs(make_doc, "train"))
    print("rel-train", save(rel_train, args.out / "rel-train.spacy"))
    print("rel-dev", save(rel_data.gold_docs(make_doc, dev), args.out / "rel-dev.spacy", shuffle=False))


if __name__ == "__main__":
    main()
