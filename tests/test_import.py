"""Bulk import (`kg add` with many files, folders, JSON Lines and CSV), near-duplicates, and what
an article's own text says about its title, date and outlet.

Real articles are read from /work/shared at test time (never copied into the project); the files
imported are built from them in tmp_path. Sentences in the table-driven tests are invented.
"""

from __future__ import annotations

import csv
import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.corpus import SIDECAR_MIN_ARTICLES, add_article, iter_corpus, normalised_text_key, parse_corpus_file
from kg.errors import NearDuplicateError
from kg.importer import field_mapping, import_articles
from kg.model import Article
from kg.neardup import SIDECAR, load_sidecar, shingles, signature
from kg.textio import clean_article_text, header_facts, split_site_name
from paths import DEV_CORPUS, SHARED

FINNSP = SHARED / "datasets" / "finnsp" / "texts.jsonl"
needs_dev = pytest.mark.skipif(not DEV_CORPUS.is_dir(), reason="development corpus not available")
needs_finnsp = pytest.mark.skipif(not FINNSP.is_file(), reason="FinNSP texts not available")


def eval_files(n: int, *, min_chars: int = 0) -> list[Path]:
    """Dev articles of the eval split (no two of them near-duplicates), in name order."""
    files = [p for p in sorted(DEV_CORPUS.glob("finnsp-eval-*.txt"))
             if len(p.read_text(encoding="utf-8")) >= min_chars]
    return files[:n]


def finnsp_records(n: int) -> list[dict]:
    """Long FinNSP eval records with a title (long ones: short texts are often near-duplicates)."""
    out = []
    with open(FINNSP, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["split"] == "eval" and len(record["text"]) >= 400 and record["title"]:
                out.append(record)
                if len(out) == n:
                    break
    return out


def corpus_articles(corpus: Path) -> list[Article]:
    items = list(iter_corpus(corpus))
    assert all(isinstance(item, Article) for item in items), items
    return items


def shingle_jaccard(a: str, b: str) -> float:
    """Jaccard of 5-character pieces of the normalised texts, computed here without kg.neardup."""
    sa, sb = ({k[i:i + 5] for i in range(len(k) - 4)} for k in (normalised_text_key(a), normalised_text_key(b)))
    return len(sa & sb) / len(sa | sb)


def repost(body_file: Path, header_file: Path, footer_file: Path, tmp: Path) -> Path:
    """The body article re-posted elsewhere: another site's header and footer (bits of other real
    articles, each a seventh of the body's length) around it, under another file name."""
    body = body_file.read_text(encoding="utf-8")
    size = len(body) // 7
    header = header_file.read_text(encoding="utf-8").rstrip().split("\n")[-1][:size]
    footer = footer_file.read_text(encoding="utf-8").rstrip().split("\n")[-1][-size:]
    path = tmp / f"repost-of-{body_file.stem}.txt"
    path.write_text(f"{body.split(chr(10))[0]}\n{header}\n{body}\n{footer}\n", encoding="utf-8")
    return path


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):
        return CliRunner().invoke(main, ["add", "--corpus", str(tmp_path / "corpus"), *args], catch_exceptions=False)

    return invoke


# --- what the text says: table-driven, invented sentences ---------------------------------------


@pytest.mark.parametrize(("title", "clean", "site"), [
    ("快手小贷完成增资_新浪财经", "快手小贷完成增资", "新浪财经"),
    ("网贷平台数量继续下降 - 网贷之家", "网贷平台数量继续下降", "网贷之家"),
    ("某平台宣布良性退出|和讯网", "某平台宣布良性退出", "和讯网"),
    ("某平台宣布良性退出｜example.com.cn", "某平台宣布良性退出", "example.com.cn"),
    ("某平台宣布良性退出_财经频道_凤凰网", "某平台宣布良性退出", "凤凰网"),  # a channel, then the site
    ("报道_财经频道_凤凰网", "报道_财经频道", "凤凰网"),  # 报道 alone would be too short a title
    ("某某案新进展：三人被起诉-天眼原创-网贷天眼", "某某案新进展：三人被起诉-天眼原创", "网贷天眼"),
    ("白条申请条件_白条申请需要哪些条件", "白条申请条件_白条申请需要哪些条件", None),  # a second headline
    ("某平台停业了_网贷预警", "某平台停业了_网贷预警", None),  # a column, not a site
    ("P2P-平台名称", "P2P-平台名称", None),
    ("短_新浪财经", "短_新浪财经", None),  # nothing would be left of the title
    ("某平台停业_这不是网站，而是网", "某平台停业_这不是网站，而是网", None),  # a sentence, not a name
    ("没有分隔符的标题", "没有分隔符的标题", None),
])
def test_a_site_name_after_the_title_separator_is_split_off(title, clean, site):
    assert split_site_name(title) == (clean, site)


FILLER = "网贷平台数量继续下降。" * 30  # 330 invented characters of body text


@pytest.mark.parametrize(("text", "published", "outlet"), [
    ("某平台宣布退出\n发布时间：2019-03-05 来源：网贷之家\n正文。", date(2019, 3, 5), "网贷之家"),
    ("某平台宣布退出 时间：2019-01-01 06:04 来源：某某日报 作者： 阅读： 次 正文", date(2019, 1, 1), "某某日报"),
    ("标题\n转载 某网 来源： 作者： 发表于： 2019/7/8 10:27:00 1次阅读", date(2019, 7, 8), None),
    ("标题 2018-12-21 20:51:02 来源： 某财经网 用微信扫描二维码", date(2018, 12, 21), "某财经网"),
    ("标题\n日期：2019年3月5日\n正文。", date(2019, 3, 5), None),
    ("标题\n来源:某某新闻 ?? 浏览： 0", None, "某某新闻"),
    ("标题\n公司成立日期：2014-06-23，注册资本1亿元。", None, None),  # 成立日期 is not the article's date
    ("标题\n报名截止时间2019年4月5日 23:59，名单下周公布。", None, None),  # a deadline, not a stamp
    ("标题\n正文。（来源：网贷天眼）下一则。", None, None),  # a quoted story's source
    ("标题\n来源：网络 正文。", None, None),  # 网络 names no outlet
    ("标题\n来源：微信公众号/某某内幕据投资人反映，正文。", None, None),  # no clean end to the name
    ("标题\n发布时间：2019-02-30\n正文。", None, None),  # no such day
    (f"标题\n{FILLER}\n发布时间：2019-03-05 来源：网贷之家", None, None),  # too far down to be its header
])
def test_date_and_outlet_are_read_from_the_top_of_the_text(text, published, outlet):
    assert header_facts(text) == (published, outlet)


@pytest.mark.parametrize(("pairs", "part", "fields"), [
    ((), "text", ("text", "content", "body")),
    ((), "published", ("published", "date", "time", "pubdate")),
    (("text=正文",), "text", ("正文",)),
    (("title = headline2",), "title", ("headline2",)),
])
def test_field_mapping_defaults_and_overrides(pairs, part, fields):
    assert field_mapping(pairs)[part] == fields


@pytest.mark.parametrize("pair", ["text", "body=", "summary=abstract", "=content"])
def test_a_malformed_field_mapping_is_refused(pair):
    with pytest.raises(ValueError, match="PART=FIELD"):
        field_mapping([pair])


# --- files and folders ------------------------------------------------------------------------


@needs_dev
def test_a_folder_is_imported_recursively_with_its_pages_and_without_hidden_or_other_files(tmp_path):
    """Other files: records in JSON, and the folder's own README and licence."""
    sources = eval_files(6)
    folder = tmp_path / "in"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    for i, src in enumerate(sources[:5]):
        target = folder / ("a" if i % 2 else "a/b") / src.name
        target.write_bytes(src.read_bytes())
    lines = [line for line in clean_article_text(sources[5].read_text(encoding="utf-8")).split("\n") if line]
    page = (f"<!DOCTYPE html><html><head><title>{lines[0]}_某某财经</title></head><body>"
            + "".join(f"<p>{line}</p>" for line in lines[1:]) + "</body></html>")
    (folder / "page.html").write_text(page, encoding="utf-8")
    (folder / ".hidden" / "skip.txt").write_bytes(sources[0].read_bytes())
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    (folder / "README.md").write_text("# 这些文章\n\n来自某某财经网站的存档，供研究使用。\n", encoding="utf-8")
    (folder / "a" / "License.txt").write_text("本文件夹中的文章版权归原作者所有。\n", encoding="utf-8")

    report = import_articles([folder], tmp_path / "corpus")

    assert (report.near_duplicates, report.duplicates, report.failed) == ([], [], [])
    articles = {a.id: a for a in corpus_articles(tmp_path / "corpus")}
    assert sorted(articles) == sorted([p.stem for p in sources[:5]] + ["page"])
    assert len(report.added) == 6
    for src in sources[:5]:
        assert articles[src.stem].text == clean_article_text(src.read_text(encoding="utf-8"))
    assert (articles["page"].title, articles["page"].outlet) == (lines[0], "某某财经")


@needs_dev
def test_two_pages_with_one_file_name_get_distinct_ids(tmp_path):
    first, second = eval_files(2)
    for folder, src in (("x", first), ("y", second)):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "index.txt").write_bytes(src.read_bytes())
    report = import_articles([tmp_path / "in"], tmp_path / "corpus")
    ids = sorted(a.id for a in corpus_articles(tmp_path / "corpus"))
    assert len(report.added) == 2
    assert ids[0] == "index" and re.fullmatch(r"index-[0-9a-f]{8}", ids[1])


@needs_dev
def test_title_date_and_outlet_come_from_the_text_when_not_given(tmp_path):
    src = eval_files(1, min_chars=1000)[0]
    title, _, body = src.read_text(encoding="utf-8").partition("\n")
    with_header = tmp_path / "with-header.txt"
    with_header.write_text(f"{title}_某某财经\n发布时间：2019-03-05 来源：某某之家\n{body}\n", encoding="utf-8")
    only_lines = tmp_path / "only-lines.txt"
    only_lines.write_text(f"{title}\n时间：2018-11-08 19:18 来源：某某日报 作者：\n{body}\n", encoding="utf-8")
    given = tmp_path / "given.txt"
    given.write_text(f"{title}_某某财经\n发布时间：2019-03-05 来源：某某之家\n{body}\n。", encoding="utf-8")

    a = parse_corpus_file(add_article(with_header, tmp_path / "c1"))
    b = parse_corpus_file(add_article(only_lines, tmp_path / "c2"))
    c = parse_corpus_file(add_article(given, tmp_path / "c3", title="给定标题", outlet="给定网", published="2020-01-02"))

    assert (a.title, a.outlet, a.published) == (title, "某某财经", date(2019, 3, 5))  # the title's site first
    assert (b.title, b.outlet, b.published) == (title, "某某日报", date(2018, 11, 8))
    assert (c.title, c.outlet, c.published) == ("给定标题", "给定网", date(2020, 1, 2))  # options win


# --- records ----------------------------------------------------------------------------------


@needs_finnsp
def test_json_lines_with_the_default_field_names(tmp_path):
    records = finnsp_records(4)
    source = tmp_path / "news.jsonl"
    with open(source, "w", encoding="utf-8") as fh:
        for i, r in enumerate(records):
            fh.write(json.dumps({"content": r["text"], "headline": r["title"], "link": f"https://example.com/{i}",
                                 "date": f"2019-04-{i + 1:02d} 08:00:00"}, ensure_ascii=False) + "\n")
            fh.write("\n")  # blank lines are no records

    report = import_articles([source], tmp_path / "corpus")

    assert (len(report.added), report.failed) == (4, [])
    articles = sorted(corpus_articles(tmp_path / "corpus"), key=lambda a: a.source_url)
    for i, (article, record) in enumerate(zip(articles, records)):
        assert article.id == f"news-{2 * i + 1}"  # file stem and line number: no id field
        assert article.text == clean_article_text(record["text"])
        assert article.title == " ".join(record["title"].split())
        assert article.published == date(2019, 4, i + 1)
    assert [src for src, _ in report.added] == [f"{source}:{2 * i + 1}" for i in range(4)]


@needs_finnsp
def test_csv_with_a_field_mapping_and_gbk_bytes(tmp_path, cli):
    records = finnsp_records(3)
    source = tmp_path / "news.csv"
    rows = [{"编号": r["id"], "标题": r["title"], "正文": r["text"], "日期": "2019年4月11日"} for r in records]
    with open(source, "w", encoding="gb18030", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["编号", "标题", "正文", "日期"])
        writer.writeheader()
        writer.writerows(rows)

    result = cli(str(source), "--field", "id=编号", "--field", "title=标题", "--field", "text=正文",
                 "--field", "published=日期", "--outlet", "某某网")

    assert result.exit_code == 0, result.output
    assert "added 3 " in result.stdout and "0 failed" in result.stdout
    articles = {a.id: a for a in corpus_articles(tmp_path / "corpus")}
    assert sorted(articles) == sorted(r["id"] for r in records)
    for r in records:
        assert articles[r["id"]].text == clean_article_text(r["text"])
        assert (articles[r["id"]].outlet, articles[r["id"]].published) == ("某某网", date(2019, 4, 11))


@needs_finnsp
def test_bad_records_are_reported_and_the_others_added(tmp_path, cli):
    good = finnsp_records(3)
    source = tmp_path / "mixed.jsonl"
    lines = [json.dumps({"id": good[0]["id"], "text": good[0]["text"]}, ensure_ascii=False),
             '{"id": "broken", "text": "no closing brace"',
             json.dumps({"id": "no-text", "summary": good[1]["text"]}, ensure_ascii=False),
             json.dumps({"id": "bad-date", "text": good[1]["text"], "published": "last spring"}, ensure_ascii=False),
             json.dumps(["not", "an", "object"]),
             json.dumps({"id": "bad id!", "text": good[1]["text"]}, ensure_ascii=False),
             json.dumps({"id": good[2]["id"], "text": good[2]["text"]}, ensure_ascii=False)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = cli(str(source))

    assert result.exit_code == 1
    assert sorted(a.id for a in corpus_articles(tmp_path / "corpus")) == sorted([good[0]["id"], good[2]["id"]])
    assert "added 2 " in result.stdout and "5 failed" in result.stdout
    for line, reason in ((2, "not valid JSON"), (3, "no text in the record"), (4, "is not a date"),
                         (5, "must be a JSON object"), (6, "invalid id")):
        assert re.search(rf"failed: {re.escape(str(source))}:{line}: .*{reason}", result.stderr), (line, result.stderr)
    corpus = tmp_path / "corpus"
    assert not [p for p in corpus.iterdir() if p.name.endswith(".tmp")]  # nothing half-written


# --- near-duplicates --------------------------------------------------------------------------


@needs_dev
def test_a_repost_in_the_same_import_is_skipped_as_a_near_duplicate_with_its_similarity(tmp_path, cli):
    body, header, footer = eval_files(3, min_chars=1000)
    copy = tmp_path / body.name
    copy.write_bytes(body.read_bytes())
    again = repost(body, header, footer, tmp_path)
    expected = shingle_jaccard(clean_article_text(body.read_text(encoding="utf-8")),
                               clean_article_text(again.read_text(encoding="utf-8")))
    assert 0.7 <= expected < 1  # the re-post is a near-duplicate, not the same text

    result = cli(str(copy), str(again))

    assert result.exit_code == 0, result.output
    assert f"skipped {again}: near-duplicate of {body.stem} (similarity {expected:.2f})" in result.stderr
    assert "added 1 " in result.stdout and "skipped 1 near-duplicates and 0 exact duplicates" in result.stdout
    assert [a.id for a in corpus_articles(tmp_path / "corpus")] == [body.stem]


@needs_dev
def test_a_repost_of_an_article_already_in_the_corpus_is_refused_and_kept_when_asked(tmp_path):
    body, header, footer = eval_files(3, min_chars=1000)
    corpus = tmp_path / "corpus"
    existing = add_article(body, corpus, similarity=0.7)
    again = repost(body, header, footer, tmp_path)
    with pytest.raises(NearDuplicateError, match=rf"near-duplicate of {body.stem} \(similarity 0\.\d\d\)") as caught:
        add_article(again, corpus, similarity=0.7)
    assert caught.value.existing == str(existing)
    report = import_articles([again], corpus, keep_duplicates=True)
    assert [src for src, _ in report.added] == [str(again)]
    assert sorted(a.id for a in corpus_articles(corpus)) == sorted([body.stem, again.stem])


@needs_dev
@pytest.mark.parametrize(("similarity", "skipped"), [(0.7, True), (0.99, False)])
def test_the_similarity_threshold_decides(tmp_path, cli, similarity, skipped):
    body, header, footer = eval_files(3, min_chars=1000)
    again = repost(body, header, footer, tmp_path)
    result = cli(str(body), str(again), "--similarity", str(similarity))
    assert result.exit_code == 0
    assert len(corpus_articles(tmp_path / "corpus")) == (1 if skipped else 2)


@needs_dev
def test_the_same_text_twice_is_an_exact_duplicate_even_when_keeping_near_duplicates(tmp_path, cli):
    src = eval_files(1)[0]
    twin = tmp_path / "twin.txt"
    twin.write_bytes(src.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030"))
    result = cli(str(src), str(twin), "--keep-duplicates")
    assert result.exit_code == 0
    assert f"skipped {twin}: same text as {src.stem}" in result.stderr
    assert "skipped 0 near-duplicates and 1 exact duplicates" in result.stdout


# --- the signature cache ------------------------------------------------------------------------


@needs_dev
def test_the_signature_cache_matches_the_corpus_and_follows_its_changes(tmp_path):
    corpus = tmp_path / "corpus"
    sources = eval_files(SIDECAR_MIN_ARTICLES + 2)
    import_articles(sources[:-1], corpus)
    cached = load_sidecar(corpus)
    assert sorted(cached) == sorted(p.name for p in corpus.glob("*.md"))
    for name, entry in cached.items():
        article = parse_corpus_file(corpus / name)
        assert entry.id == article.id
        assert (entry.sig == signature(shingles(normalised_text_key(article.text)))).all()

    # a corpus file edited by hand now holds the last source's text: that one is a duplicate now
    victim = corpus / f"{sources[0].stem}.md"
    head, _, _ = victim.read_text(encoding="utf-8").partition("\n---\n")
    victim.write_text(f"{head}\n---\n{clean_article_text(sources[-1].read_text(encoding='utf-8'))}\n", encoding="utf-8")
    report = import_articles([sources[-1]], corpus)
    assert report.duplicates == [(str(sources[-1]), sources[0].stem)]

    # a damaged cache is rebuilt
    (corpus / SIDECAR).write_text("{not json", encoding="utf-8")
    report = import_articles([sources[1]], corpus)
    assert report.duplicates == [(str(sources[1]), sources[1].stem)]
    assert sorted(load_sidecar(corpus)) == sorted(p.name for p in corpus.glob("*.md"))


@needs_dev
def test_the_cache_is_trusted_while_a_file_keeps_its_size_and_mtime(tmp_path):
    """What makes an add cheap: unchanged files (same size and mtime) are not read again."""
    corpus = tmp_path / "corpus"
    sources = eval_files(SIDECAR_MIN_ARTICLES)
    import_articles(sources, corpus)
    victim = corpus / f"{sources[0].stem}.md"
    stat = victim.stat()
    content = victim.read_text(encoding="utf-8")
    body_start = content.index("\n---\n") + 5
    body = content[body_start:]
    swapped = content[:body_start] + body[len(body) // 2:] + body[:len(body) // 2]  # same bytes, other order
    assert swapped != content and len(swapped.encode()) == len(content.encode())
    victim.write_text(swapped, encoding="utf-8")
    os.utime(victim, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    report = import_articles([sources[0]], corpus)  # the cache still has the file's old text digest …
    assert report.duplicates == [(str(sources[0]), sources[0].stem)]
    victim.touch()  # … until the file's mtime changes
    report = import_articles([sources[0]], corpus)
    assert report.duplicates == [] and report.near_duplicates[0][1] == sources[0].stem


# --- the command ------------------------------------------------------------------------------


@needs_dev
@pytest.mark.parametrize("option", [("--id", "x"), ("--title", "某标题"), ("--url", "https://example.com/")])
def test_single_article_options_are_refused_for_several(cli, option):
    first, second = eval_files(2)
    result = cli(str(first), str(second), *option)
    assert result.exit_code == 2
    assert "name one article" in result.output
    assert not (Path("corpus")).exists()


@needs_dev
@pytest.mark.parametrize(("flag", "shown"), [(None, False), ("--progress", True), ("--no-progress", False)])
def test_the_progress_bar_is_drawn_on_stderr_only_when_asked_or_on_a_terminal(cli, flag, shown):
    files = [str(p) for p in eval_files(3)]
    result = cli(*files, *([flag] if flag else []))  # CliRunner's stderr is no terminal
    assert result.exit_code == 0
    assert ("adding" in result.stderr) == shown
    assert "adding" not in result.stdout


@needs_dev
def test_scanning_the_signatures_finds_the_same_candidates_as_the_lsh():
    """SignatureIndex answers its first queries by comparing bands directly, later ones from
    datasketch's MinHashLSH: scanning only, LSH only and a switch half-way find the same keys,
    queried and added in turn as an import does."""
    from kg.neardup import SignatureIndex

    texts = [normalised_text_key(clean_article_text(p.read_text(encoding="utf-8")))
             for p in sorted(DEV_CORPUS.glob("*.txt"))]
    indexes = [SignatureIndex(scan_queries=10**9), SignatureIndex(scan_queries=0),
               SignatureIndex(scan_queries=len(texts))]
    found = 0
    for n, text in enumerate(texts * 2):  # the second round queries texts already added
        query = signature(shingles(text[len(text) // 10:]))  # the article less its first tenth
        answers = [index.candidates(query) for index in indexes]
        assert answers[0] == answers[1] == answers[2]
        if n >= len(texts):
            found += str(n - len(texts)) in answers[0]
        else:
            for index in indexes:
                index.add(str(n), signature(shingles(text)))
    assert found >= 0.95 * len(texts)
