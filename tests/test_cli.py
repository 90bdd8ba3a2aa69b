"""The CLI in-process: clean messages and exit codes for bad input, nothing lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from paths import CORPUS, DEV_CORPUS, SEED_TEXT
from kg.cli import main


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_STORE", raising=False)
    shutil.copytree(CORPUS, tmp_path / "corpus")

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_extract_prints_the_contract_json(cli):
    result = cli("extract", str(SEED_TEXT), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {"article", "entities", "relations", "observations", "events"} <= set(data)
    assert any(e["name"] == "广州快手小额贷款有限公司" for e in data["entities"])


def test_extract_jsonl_keeps_input_order(cli):
    files = [str(p) for p in sorted(DEV_CORPUS.glob("finnsp-eval-00*.txt"))[:3]]
    result = cli("extract", *files, "--format", "jsonl")
    assert result.exit_code == 0
    ids = [json.loads(line)["article"]["id"] for line in result.output.splitlines()]
    assert ids == [Path(f).stem for f in files]


def test_undecodable_bytes_get_a_clear_message(cli, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x80\x81\xfe\xff\x00abc")
    result = cli("extract", str(bad))
    assert result.exit_code == 1
    assert result.output.startswith("kg: ") and "decode" in result.output.lower()
    assert "Traceback" not in result.output


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_an_empty_file_extracts_to_a_valid_empty_result_with_a_warning(tmp_path, content):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(content)
    result = CliRunner().invoke(main, ["extract", str(empty)])  # click >= 8.2 keeps stderr apart
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["entities"] == [] and data["relations"] == [] and data["events"] == []
    assert "empty" in result.stderr


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_add_refuses_an_empty_file(cli, tmp_path, content):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(content)
    before = sorted(p.name for p in (tmp_path / "corpus").iterdir())
    result = cli("add", str(empty))
    assert result.exit_code == 1 and "empty" in result.output
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == before


def test_gbk_text_is_read(cli, tmp_path):
    article = tmp_path / "gbk.txt"
    article.write_bytes(SEED_TEXT.read_text(encoding="utf-8").encode("gb18030"))
    result = cli("extract", str(article))
    assert result.exit_code == 0
    assert any(e["name"] == "快手" for e in json.loads(result.output)["entities"])


def test_add_refuses_a_duplicate_and_names_it(cli, tmp_path):
    before = sorted(p.name for p in (tmp_path / "corpus").iterdir())
    result = cli("add", str(SEED_TEXT))
    assert result.exit_code == 1
    assert "kuaishou-microloan-guangzhou-top10.md" in result.output
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == before


def test_add_then_build_then_query(cli, tmp_path):
    dev = sorted(DEV_CORPUS.glob("finnsp-train-0*.txt"))[0]
    added = cli("add", str(dev), "--published", "2019-03-01", "--outlet", "test")
    assert added.exit_code == 0, added.output
    built = cli("build", "--no-infer", "--no-pages")
    assert built.exit_code == 0, built.output
    assert "2 built" in built.output and "entities" in built.output
    rows = cli("query", "entities", "--format", "json")
    assert rows.exit_code == 0
    assert json.loads(rows.output)["results"]["bindings"]


def test_malformed_front_matter_fails_the_build_cleanly(cli, tmp_path):
    (tmp_path / "corpus" / "broken.md").write_text("---\nid: broken\ntitle: [oops\n---\n正文。", encoding="utf-8")
    result = cli("build", "--no-infer", "--no-pages")
    assert result.exit_code == 1
    assert "failed" in result.output and "broken.md" in result.output
    assert "1 built" in result.output  # the good article was built all the same


def test_malformed_sparql_gets_its_position_and_exit_code_2(cli):
    assert cli("build", "--no-infer", "--no-pages").exit_code == 0
    result = cli("query", "SELECT ?x WHERE { ?x ?p }")
    assert result.exit_code == 2
    assert "malformed SPARQL" in result.output and "1:" in result.output


@pytest.mark.parametrize("fmt, check", [
    ("csv", lambda out: out.splitlines()[0].startswith("ownerName,companyName")),
    ("tsv", lambda out: "\t" in out.splitlines()[0]),
    ("json", lambda out: json.loads(out)["head"]["vars"][0] == "ownerName"),
    # the article's one ownership link and the registry's curated ones
    ("table", lambda out: "广州快手小额贷款有限公司" in out and "curated, extracted" in out and " rows)" in out),
])
def test_query_output_formats(cli, fmt, check):
    assert cli("build", "--no-infer", "--no-pages").exit_code == 0
    result = cli("query", "ownership-tree", "--format", fmt)
    assert result.exit_code == 0 and check(result.output)


def test_construct_gives_turtle(cli):
    assert cli("build", "--no-infer", "--no-pages").exit_code == 0
    result = cli("query", "PREFIX kg: <https://w3id.org/fintech-kg/ontology#> "
                          "CONSTRUCT { ?a kg:subsidiaryOf ?b } WHERE { ?a kg:subsidiaryOf ?b }")
    assert result.exit_code == 0 and "subsidiaryOf" in result.output


def test_query_without_a_store_says_build_first(cli):
    result = cli("query", "entities")
    assert result.exit_code == 1 and "kg build" in result.output


def test_export_trig_and_nquads(cli, tmp_path):
    assert cli("build", "--no-infer", "--no-pages").exit_code == 0
    out = tmp_path / "all.nq"
    assert cli("export", "--format", "nquads", "-o", str(out)).exit_code == 0
    assert "graph/article/kuaishou" in out.read_text(encoding="utf-8")
    one = cli("export", "--article", "kuaishou-microloan-guangzhou-top10")
    assert one.exit_code == 0 and "快手" in one.output
    missing = cli("export", "--article", "nope")
    assert missing.exit_code == 1 and "no graph" in missing.output


def test_validate_reports_conformance(cli):
    assert cli("build", "--no-infer", "--no-pages").exit_code == 0
    result = cli("validate")
    assert result.exit_code == 0 and "conforms" in result.output


def test_build_writes_the_pages_and_viz_rewrites_them(cli, tmp_path):
    built = cli("build", "--no-infer")
    assert built.exit_code == 0 and "pages:" in built.output
    assert (tmp_path / "output" / "index.html").is_file()
    result = cli("viz", "-o", str(tmp_path / "site"))
    assert result.exit_code == 0 and (tmp_path / "site" / "network.html").is_file()
    query = cli("viz", "--query", "PREFIX kg: <https://w3id.org/fintech-kg/ontology#> "
                "CONSTRUCT { ?a kg:subsidiaryOf ?b } WHERE { ?a kg:subsidiaryOf ?b }", "-o", str(tmp_path / "q.html"))
    assert query.exit_code == 0 and (tmp_path / "q.html").is_file()


def test_query_list_shows_each_parameter_with_its_allowed_values(cli):
    out = cli("query", "--list").output
    assert "-p category=…" in out and "one of Lender, Platform" in out
    assert "-p min_confidence=…  (decimal)" in out


def test_a_wrong_parameter_value_is_refused_before_any_store_is_opened(cli):
    result = CliRunner().invoke(main, ["query", "entities", "-p", "category=bank"])
    assert result.exit_code == 2
    assert "choose one of Lender" in result.output and "no store" not in result.output


SUBSIDIARY_OF = ("PREFIX kg: <https://w3id.org/fintech-kg/ontology#> "
                 "CONSTRUCT { ?a kg:subsidiaryOf ?b } WHERE { ?a kg:subsidiaryOf ?b }")


def test_viz_o_names_a_folder_with_query_too(cli, tmp_path):
    assert cli("build", "--no-infer", "--no-pages").exit_code == 0
    page = cli("viz", "--query", SUBSIDIARY_OF, "-o", str(tmp_path / "pages"))
    assert page.exit_code == 0 and (tmp_path / "pages" / "query.html").is_file()
    assert "subsidiaryOf" in (tmp_path / "pages" / "query.html").read_text(encoding="utf-8")
    (tmp_path / "notes.txt").write_text("keep", encoding="utf-8")
    for args in (("--query", SUBSIDIARY_OF), ()):
        refused = cli("viz", *args, "-o", str(tmp_path / "notes.txt"))
        assert refused.exit_code == 2 and "-o names a folder" in refused.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep"


def test_export_o_names_a_folder_or_the_one_file(cli, tmp_path):
    import networkx as nx

    assert cli("build", "--no-infer", "--no-pages").exit_code == 0
    nodes = {n for n, _ in nx.parse_graphml(cli("export", "--format", "graphml").stdout).nodes(data=True)}
    assert len(nodes) > 3  # stdout without -o
    assert cli("export", "--format", "gexf", "-o", str(tmp_path / "net")).exit_code == 0
    assert set(nx.read_gexf(tmp_path / "net" / "graph.gexf").nodes) == nodes
    assert cli("export", "--format", "graphml", "-o", str(tmp_path / "mine.graphml")).exit_code == 0
    assert set(nx.read_graphml(tmp_path / "mine.graphml").nodes) == nodes
    assert cli("export", "--format", "csv", "-o", str(tmp_path / "tables")).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["edges.csv", "nodes.csv"]
    assert cli("export", "--article", "kuaishou-microloan-guangzhou-top10", "-o", str(tmp_path / "rdf")).exit_code == 0
    assert "快手" in (tmp_path / "rdf" / "kuaishou-microloan-guangzhou-top10.trig").read_text(encoding="utf-8")
    no_folder = cli("export", "--format", "csv")
    assert no_folder.exit_code == 2 and "-o FOLDER" in no_folder.output
