"""Canned-query latency: embedded Oxigraph (pyoxigraph) vs rdflib's in-memory Dataset, on a
synthetic store of about 1,000,000 triples shaped like the real graph (one named graph per
article: article node, sentences, entities with zh labels / aliases / types / places /
subsidiaryOf edges, relation statements, observations with periods, events, mentions; plus the
ontology graph). Not a test: it prints a table and asserts nothing.

    .venv/bin/python -m bench.bench_store                 # 1,000,000 triples, rdflib capped at 60 s
    .venv/bin/python -m bench.bench_store --triples 100000 --cap 20

Each rdflib query runs in a forked child process (the dataset is loaded once, before the fork)
that is killed at the cap, reported as "> 60 s". Oxigraph runs each query `--repeat` times and
reports the median.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE = "https://w3id.org/fintech-kg/"
KG = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
XSD = "http://www.w3.org/2001/XMLSchema#"

LENDER_KINDS = ["OnlineMicroLender", "MicroLender", "ConsumerFinanceCompany", "Bank", "TrustCompany", "P2PLender"]
CATEGORIES = ["Lender"] * 6 + ["Platform"] * 3 + ["Organization"] * 4 + ["Regulator", "Regulation", "Product", "Person", "Market"]
METRICS = ["LoanBalance", "LoanIssuance", "Revenue", "NetProfit", "RegisteredCapital", "TotalAssets", "LoanBalanceRank", "GMV"]
UNITS = {"LoanBalance": "CNY", "LoanIssuance": "CNY", "Revenue": "CNY", "NetProfit": "CNY", "RegisteredCapital": "CNY",
         "TotalAssets": "CNY", "LoanBalanceRank": "Rank", "GMV": "CNY"}
EVENTS = ["LicenseGranted", "LicenseRevoked", "CapitalIncrease", "Penalty", "Acquisition", "Renaming"]
CITIES = ["广州", "深圳", "上海", "北京", "重庆", "杭州", "南京", "成都", "武汉", "天津", "厦门", "苏州"]
SYLLABLES = "快手京东百度美团腾讯阿里度小满马上消费招联中原兴业海尔滴滴携程小米字节平安微众网商新网捷信金美信".replace(" ", "")


def _iri(x: str) -> str:
    return f"<{x}>"


def _lit(text: str, lang: str | None = None, dt: str | None = None) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{text}"@{lang}'
    if dt:
        return f'"{text}"^^<{dt}>'
    return f'"{text}"'


class Generator:
    def __init__(self, seed: int = 7, n_entities: int = 20000) -> None:
        self.rng = random.Random(seed)
        self.places = [(f"{ID}place-{i}", c) for i, c in enumerate(CITIES)]
        self.entities = []
        for i in range(n_entities):
            cat = self.rng.choice(CATEGORIES)
            kind = self.rng.choice(LENDER_KINDS) if cat == "Lender" else None
            name = "".join(self.rng.choice(SYLLABLES) for _ in range(4)) + f"{i}号" + (
                "小额贷款有限公司" if cat == "Lender" else "科技有限公司" if cat == "Platform" else "")
            parent = None
            if i > 50 and self.rng.random() < 0.35:
                parent = self.rng.randrange(0, i)  # a forest: owners come earlier
            self.entities.append({"iri": f"{ID}e-{i}", "cat": cat, "kind": kind, "name": name,
                                  "aliases": [name[:4], name[:6] + "金融"], "place": self.rng.choice(self.places),
                                  "parent": parent})

    def entity_triples(self, e: dict, article: str) -> list[tuple[str, str, str]]:
        s = _iri(e["iri"])
        out = [(s, RDF_TYPE, _iri(KG + e["cat"])), (s, _iri(SKOS + "prefLabel"), _lit(e["name"], "zh")),
               (s, _iri(KG + "mentionedIn"), _iri(article))]
        if e["kind"]:
            out.append((s, RDF_TYPE, _iri(KG + e["kind"])))
        for a in e["aliases"]:
            out.append((s, _iri(SKOS + "altLabel"), _lit(a, "zh")))
        if e["cat"] in ("Lender", "Platform", "Organization"):
            out.append((s, _iri(KG + "locatedIn"), _iri(e["place"][0])))
        return out

    def article(self, n: int) -> list[str]:
        rng = self.rng
        aid = f"art-{n:06d}"
        art = f"{ID}article/{aid}"
        g = _iri(f"{GRAPH}article/{aid}")
        t: list[tuple[str, str, str]] = []
        a = _iri(art)
        t += [(a, RDF_TYPE, _iri(KG + "Article")), (a, _iri(DCT + "identifier"), _lit(aid)),
              (a, _iri(DCT + "title"), _lit(f"第{n}篇：网络小贷行业观察", "zh")), (a, _iri(DCT + "language"), _lit("zh")),
              (a, _iri(KG + "contentHash"), _lit(f"{n:064x}")), (a, _iri(KG + "extractorVersion"), _lit("bench"))]
        sentences = []
        for k in range(12):
            s = _iri(f"{ID}sentence/{aid}-{k}")
            sentences.append(s)
            t += [(s, RDF_TYPE, _iri(KG + "Sentence")), (s, _iri(KG + "text"), _lit(f"第{k}句，关于贷款余额与牌照的新闻。", "zh")),
                  (s, _iri(KG + "startOffset"), _lit(str(k * 40), dt=XSD + "integer")),
                  (s, _iri(KG + "endOffset"), _lit(str(k * 40 + 38), dt=XSD + "integer")), (s, _iri(KG + "inArticle"), a)]
        ents = rng.sample(self.entities, 10)
        for place_iri, city in {e["place"] for e in ents}:
            t += [(_iri(place_iri), RDF_TYPE, _iri(KG + "Place")), (_iri(place_iri), _iri(SKOS + "prefLabel"), _lit(city, "zh")),
                  (_iri(place_iri), _iri(SKOS + "altLabel"), _lit(city + "市", "zh")), (_iri(place_iri), _iri(KG + "mentionedIn"), a)]
        for e in ents:
            t += self.entity_triples(e, art)
            for m in range(2):
                mn = _iri(f"{ID}mention/{aid}-{e['iri'][-6:]}-{m}")
                t += [(mn, RDF_TYPE, _iri(KG + "Mention")), (mn, _iri(KG + "mentionOf"), _iri(e["iri"])),
                      (mn, _iri(KG + "inArticle"), a), (mn, _iri(KG + "startOffset"), _lit(str(m * 7), dt=XSD + "integer")),
                      (mn, _iri(KG + "endOffset"), _lit(str(m * 7 + 5), dt=XSD + "integer"))]
            if e["parent"] is not None and rng.random() < 0.5:
                owner = self.entities[e["parent"]]
                t += self.entity_triples(owner, art)
                st = _iri(f"{ID}statement/{aid}-{e['iri'][-6:]}")
                t += [(_iri(e["iri"]), _iri(KG + "subsidiaryOf"), _iri(owner["iri"])),
                      (st, RDF_TYPE, _iri(KG + "RelationStatement")), (st, _iri(RDF + "subject"), _iri(e["iri"])),
                      (st, _iri(RDF + "predicate"), _iri(KG + "subsidiaryOf")), (st, _iri(RDF + "object"), _iri(owner["iri"])),
                      (st, _iri(PROV + "wasDerivedFrom"), rng.choice(sentences))]
        for k in range(14):
            e = rng.choice(ents)
            metric = rng.choice(METRICS)
            year = rng.randrange(2018, 2026)
            ob = _iri(f"{ID}observation/{aid}-{k}")
            t += [(ob, RDF_TYPE, _iri(KG + "Observation")), (ob, _iri("http://purl.org/linked-data/cube#dataSet"), _iri(KG + "dataset")),
                  (ob, _iri(KG + "observedEntity"), _iri(e["iri"])), (ob, _iri(KG + "metric"), _iri(KG + metric)),
                  (ob, _iri(KG + "value"), _lit(f"{rng.uniform(1, 500):.2f}", dt=XSD + "decimal")),
                  (ob, _iri(KG + "unit"), _iri(KG + UNITS[metric])), (ob, _iri(KG + "period"), _lit(str(year))),
                  (ob, _iri(KG + "refPeriod"), _iri(f"{ID}period/{year}")), (ob, _iri(PROV + "wasDerivedFrom"), rng.choice(sentences))]
            if rng.random() < 0.3:
                t.append((ob, _iri(KG + "changeYoY"), _lit(f"{rng.uniform(-30, 30):.1f}", dt=XSD + "decimal")))
        for k in range(3):
            e = rng.choice(ents)
            year = rng.randrange(2018, 2026)
            ev = _iri(f"{ID}event/{aid}-{k}")
            period = _iri(f"{ID}period/{year}")
            t += [(ev, RDF_TYPE, _iri(KG + rng.choice(EVENTS))), (ev, _iri(KG + "eventSubject"), _iri(e["iri"])),
                  (ev, _iri(TIME + "hasTime"), period), (ev, _iri(PROV + "wasDerivedFrom"), rng.choice(sentences)),
                  (period, RDF_TYPE, _iri(TIME + "Interval")), (period, _iri(TIME + "hasBeginning"), _iri(f"{ID}period/{year}#begin")),
                  (_iri(f"{ID}period/{year}#begin"), _iri(TIME + "inXSDDate"), _lit(f"{year}-01-01", dt=XSD + "date"))]
        return [f"{s} {p} {o} {g} .\n" for s, p, o in dict.fromkeys(t)]


def generate(target: int, path: Path) -> int:
    """Write about `target` quads of kg-shaped data (plus the ontology) as N-Quads; the count."""
    from importlib.resources import files

    import pyoxigraph as ox

    gen = Generator()
    count = 0
    with path.open("w", encoding="utf-8") as out:
        onto = ox.parse((files("kg.ontology") / "kg.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(GRAPH + "ontology")) for t in onto]
        out.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8"))
        count += len(quads)
        n = 0
        while count < target:
            lines = gen.article(n)
            out.writelines(lines)
            count += len(lines)
            n += 1
    return count


def _rdflib_child(ds, query: str, repeat: int, conn) -> None:
    try:
        t0 = time.perf_counter()
        rows = len(list(ds.query(query)))
        conn.send((time.perf_counter() - t0, rows))
    except Exception as exc:  # noqa: BLE001 - rdflib fails on some queries
        conn.send((None, f"error: {type(exc).__name__}"))


def _oxigraph_child(location: str, query: str, repeat: int, union: bool, conn) -> None:
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(location)  # nobody writes it any more
        runs, rows = [], 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            rows = len(list(store.query(query, use_default_graph_as_union=union)))
            runs.append(time.perf_counter() - t0)
            if runs[-1] > 1.0:
                break  # slow enough: one run says it
        conn.send((statistics.median(runs), rows))
    except Exception as exc:  # noqa: BLE001
        conn.send((None, f"error: {type(exc).__name__}"))


def _capped(target, args: tuple, cap: float) -> tuple[float | None, int | None]:
    """Run target(*args, conn) in a forked child; (seconds, rows), or (None, None) past the cap."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=target, args=(*args, child))
    proc.start()
    answer = parent.recv() if parent.poll(cap) else (None, None)
    proc.kill()
    proc.join()
    return answer


def _fmt(answer: tuple, cap: float) -> str:
    t, rows = answer
    if t is None:
        return rows if isinstance(rows, str) else f"> {cap:g} s"
    return f"{t:.3f} s"


def _ratio(slow: tuple, fast: tuple, cap: float) -> str:
    (st, sr), (ft, fr) = slow, fast
    if st is None and isinstance(sr, str):
        return "-"
    if ft is None and st is None:
        return "both capped"
    if ft is None:
        return f"< {st / cap:.2f}x" if not isinstance(fr, str) else "-"
    if st is None:
        return f"> {cap / ft:,.0f}x"
    return f"{st / ft:,.1f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--cap", type=float, default=60.0, help="seconds per query and engine")
    parser.add_argument("--repeat", type=int, default=5, help="Oxigraph runs per query (median)")
    parser.add_argument("--skip-rdflib", action="store_true")
    args = parser.parse_args(argv)

    import pyoxigraph as ox

    from kg.query import canned_queries

    queries = {name: q.sparql() for name, q in canned_queries().items()}
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        data = Path(tmp) / "data.nq"
        t0 = time.perf_counter()
        n = generate(args.triples, data)
        print(f"generated {n:,} quads ({data.stat().st_size / 1e6:.0f} MB N-Quads) in {time.perf_counter() - t0:.1f} s",
              flush=True)

        location = str(Path(tmp) / "oxigraph")
        t0 = time.perf_counter()
        store = ox.Store(location)
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        store.flush()
        print(f"oxigraph bulk_load on disk: {time.perf_counter() - t0:.1f} s, {len(store):,} quads", flush=True)
        del store
        # the same triples once each in the default graph: set semantics, as rdflib's union
        dedup = str(Path(tmp) / "oxigraph-dedup")
        t0 = time.perf_counter()
        store = ox.Store(dedup)
        store.bulk_extend((ox.Quad(q.subject, q.predicate, q.object)
                         for q in ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS)))
        store.flush()
        print(f"oxigraph deduplicated default graph: {len(store):,} triples ({time.perf_counter() - t0:.1f} s)",
              flush=True)
        del store
        ox_times, dd_times = {}, {}
        for name, q in queries.items():
            ox_times[name] = _capped(_oxigraph_child, (location, q, args.repeat, True), args.cap)
            print(f"  oxigraph {name}: {_fmt(ox_times[name], args.cap)}", flush=True)
            dd_times[name] = _capped(_oxigraph_child, (dedup, q, args.repeat, False), args.cap)
            print(f"  oxigraph dedup {name}: {_fmt(dd_times[name], args.cap)}", flush=True)

        rd_times: dict[str, tuple] = {}
        if not args.skip_rdflib:
            from rdflib import Dataset

            t0 = time.perf_counter()
            ds = Dataset(default_union=True)
            ds.parse(str(data), format="nquads")
            print(f"rdflib Dataset parse in memory: {time.perf_counter() - t0:.1f} s", flush=True)
            for name, q in queries.items():
                rd_times[name] = _capped(_rdflib_child, (ds, q, 1), args.cap)
                print(f"  rdflib {name}: {_fmt(rd_times[name], args.cap)}", flush=True)

        print()
        print("oxigraph = union default graph over the article graphs (how kg queries run; a bag: a triple")
        print("repeated in k article graphs is matched k times); ox-dedup = the same triples once each in")
        print("the default graph; rdflib = Dataset(default_union=True) (a set).")
        print(f"{'query':<18} {'rows':>6} {'oxigraph':>10} {'ox-dedup':>10} {'rdflib':>22} {'rdflib/ox':>10} {'rdflib/dedup':>12}")
        none = (None, "-")
        for name in queries:
            o, d, r = ox_times[name], dd_times[name], rd_times.get(name, none)
            rows = d[1] if d[0] is not None else "-"
            print(f"{name:<18} {rows:>6} {_fmt(o, args.cap):>10} {_fmt(d, args.cap):>10} {_fmt(r, args.cap):>22} "
                  f"{_ratio(r, o, args.cap):>10} {_ratio(r, d, args.cap):>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
