"""Extraction time grows linearly with the text, also for text without sentence punctuation (a
scraped table, a page without 。): such text is read in bounded segments, and no stage scans the
whole text once per name. The time ratio (3× the text in ≈ 3× the time) is measured in
bench/bench_bounded.py: a timing ratio is no test on a shared machine."""

from __future__ import annotations

from kg.extract.context import MAX_SENTENCE, split_sentences

CLAUSES = ("广州快手小额贷款有限公司贷款余额{n}亿元", "同比增长{m}%", "青禾贷平台上线浙商银行存管", "董事长王青松表示",
           "上海青禾网络科技有限公司持有青禾小贷{m}%的股份", "《网络小额贷款业务管理暂行办法》发布",
           "{y}年{mo}月深圳星河网络小额贷款有限公司获批", "快手旗下快手月付上线", "网贷平台青禾贷发布公告")


def unpunctuated(size: int) -> str:
    """Clauses full of names and figures, joined by commas only: no sentence ends anywhere."""
    parts: list[str] = []
    length, i = 0, 0
    while length < size:
        parts.append(CLAUSES[i % len(CLAUSES)].format(n=i % 97 + 1, m=i % 60 + 1, y=2015 + i % 9, mo=i % 12 + 1))
        length += len(parts[-1]) + 1
        i += 1
    return "，".join(parts)[:size]


def test_text_without_sentence_punctuation_is_cut_into_bounded_segments():
    text = unpunctuated(10_000)
    spans = split_sentences(text)
    assert len(spans) > 1 and all(end - start <= MAX_SENTENCE for start, end, _ in spans)
    assert all(text[end - 1] == "，" for _, end, _ in spans[:-1])  # cut after a comma, not inside a name
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
