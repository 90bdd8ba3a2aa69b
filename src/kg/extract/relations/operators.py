"""Who runs a platform or belongs to whom: X隶属于Y, 由X运营, 运营方X, X（P运营公司）,
X公司（P平台）, and a platform introduced with its city (成都P2P平台优车行)."""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract.context import Sentence
from kg.extract.relations.common import COMPANY, LENDING, Scope, cue, entity, named_in, slot_ids
from kg.model import Relation


def belongs_to(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """X隶属于Y: a platform belongs to the company that runs it; a company to its parent."""
    masked, _ = sentence.masked()
    for m in cue("belongs_to").finditer(masked):
        part, whole = entity(sentence, m, 1), entity(sentence, m, 2)
        if part.id == whole.id or whole.category not in COMPANY:
            continue
        if part.kind in ("P2PLender",) or part.category == "Platform" and not part.name.endswith("公司"):
            yield Relation(whole.id, "operates", part.id, sentence.evidence)
        elif part.category in COMPANY:
            yield Relation(part.id, "subsidiaryOf", whole.id, sentence.evidence)


def run_by(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """由X运作/运营: X runs the platforms named before it."""
    masked, _ = sentence.masked()
    for m in cue("run_by").finditer(masked):
        operator = entity(sentence, m, 1)
        for i in slot_ids(masked[:m.start()]):
            p = sentence.slots[i].entity
            if p.id != operator.id and p.category in LENDING and not p.name.endswith(("公司", "银行")):
                yield Relation(operator.id, "operates", p.id, sentence.evidence)


def named_operators(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """平台运营方X / P的运营公司X / 运营主体为X / 运营主体与P均为X: X runs the platform(s) named before."""
    masked, _ = sentence.masked()
    for m in cue("operator_named").finditer(masked):
        operator = entity(sentence, m, 2)
        if operator.category not in COMPANY:
            continue
        platforms = named_in(sentence, masked[:m.start()], LENDING + ("Product",), media=True)
        both = "均为" in masked[m.start(): m.end()]
        named = [entity(sentence, m, 1)] if m.group(1) else []
        for p in (platforms[-2:] if both else platforms[-1:]) + named:
            if p.id != operator.id:
                yield Relation(operator.id, "operates", p.id, sentence.evidence)


def bracketed_operators(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """X（P运营公司）; 北京君安信科技有限公司（安心贷平台）/ 魔房宝平台（上海翔梓金融信息服务有限公司）:
    the company runs the platform, whichever of the two is in brackets."""
    masked, _ = sentence.masked()
    for m in cue("operator_bracket").finditer(masked):
        operator, platform = entity(sentence, m, 1), entity(sentence, m, 2)
        if operator.category in COMPANY and operator.id != platform.id:
            yield Relation(operator.id, "operates", platform.id, sentence.evidence)
    for m in cue("company_bracket").finditer(masked):
        operator, platform = entity(sentence, m, 1), entity(sentence, m, 2)
        if platform.name.endswith("公司") and not operator.name.endswith("公司"):
            operator, platform = platform, operator
        if operator.id != platform.id and operator.category in COMPANY and operator.name.endswith("公司") and \
                platform.category in LENDING and not platform.name.endswith(("公司", "银行")):
            yield Relation(operator.id, "operates", platform.id, sentence.evidence)


def named_platforms(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """X有限公司…属P2P平台公司，平台名称为P / 该公司以P为平台: the company named last before the cue, else
    the company the paragraph is about, runs the platform P."""
    masked, _ = sentence.masked()
    for m in cue("platform_named").finditer(masked):
        platform = entity(sentence, m, 1 if m.group(1) else 2)
        if platform.category not in LENDING + ("Product",) or platform.name.endswith(("公司", "银行")):
            continue
        companies = [e for e in named_in(sentence, masked[:m.start()]) if e.name.endswith("公司")]
        operator = companies[-1] if companies else scope.topic
        if operator is not None and operator.id != platform.id and operator.name.endswith("公司"):
            yield Relation(operator.id, "operates", platform.id, sentence.evidence)


def platform_cities(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """成都P2P平台优车行: a platform introduced with its city is located there."""
    masked, _ = sentence.masked()
    for m in cue("platform_city").finditer(masked):
        place, platform = entity(sentence, m, 1), entity(sentence, m, 2)
        if place.category == "Place" and platform.category in LENDING:
            yield Relation(platform.id, "locatedIn", place.id, sentence.evidence)
