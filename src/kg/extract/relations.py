"""Relations between entities, read from cue patterns over masked sentences (textacy-style
generators). Each rule names its predicate, which slot is the subject, and what categories fit."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kg.extract.context import SLOT, Sentence, is_media
from kg.model import Entity, Evidence, Relation

ORG = ("Lender", "Platform", "Organization", "Regulator")
ISSUERS = ("Regulator", "Organization")  # associations issue self-regulatory rules (倡议书, 风险提示)
COMPANY = ("Lender", "Platform", "Organization")
GAP = r"[^\ue000\ue001。；;！？]"  # text between two slots, within one clause
# penalties and formal supervisory measures (责令改正, 警示函) count alike
PENALTY = r"(?:罚款|处罚|罚没|警告|罚单|处以|责令改正|责令整改|监管措施|警示函|监管谈话|暂停业务)"


@dataclass(frozen=True)
class Rule:
    predicate: str
    pattern: re.Pattern[str]
    subject_group: int
    object_group: int
    subject_categories: tuple[str, ...]
    object_categories: tuple[str, ...]


def _rule(predicate: str, pattern: str, subject: int, obj: int, subj_cats=COMPANY, obj_cats=COMPANY) -> Rule:
    return Rule(predicate, re.compile(pattern.replace("E", SLOT)), subject, obj, subj_cats, obj_cats)


RULES: tuple[Rule, ...] = (
    # 快手旗下广州快手小额贷款有限公司 / X的全资子公司Y
    _rule("subsidiaryOf", rf"E(?:的)?旗下(?:的)?{GAP}{{0,8}}?E", 2, 1),
    _rule("subsidiaryOf", rf"E(?:的)?(?:全资|控股)?子公司(?:的)?{GAP}{{0,4}}?E", 2, 1),
    _rule("subsidiaryOf", rf"E(?:是|为|系|作为){GAP}{{0,2}}E(?:的)?(?:全资|控股)?子公司", 1, 2),
    _rule("subsidiaryOf", r"E(?:由|被)E(?:全资)?控股", 1, 2),
    # 唐小僧母公司资邦金服 / X的母公司为Y
    _rule("subsidiaryOf", rf"E(?:的)?(?:母公司|母集团|控股公司)(?:为|是)?{GAP}{{0,2}}?E", 1, 2, COMPANY + ("Product",)),
    # 金谷财行(原金联专享): the former name in brackets
    _rule("renamedTo", r"E[（(](?:原|原名|原称|曾用名|前身为?)[:：]?E[)）]", 2, 1, ORG + ("Product",), ORG + ("Product",)),
    # shareholdings
    _rule("shareholderOf", r"E(?:入股|参股|认购|增持)(?:了)?E", 1, 2),
    _rule("shareholderOf", r"E(?:持有|持股)(?:了)?E(?![^\ue000。；;]{0,4}\d)", 1, 2),  # with a stake: see list_relations
    _rule("shareholderOf", rf"E(?:的)?(?:第一大|大|主要|控股)?股东(?:包括|有|为|是){GAP}{{0,3}}E", 2, 1),
    # products
    _rule("operates", rf"E(?:的)?旗下(?:的)?(?:产品)?{GAP}{{0,6}}?E", 1, 2, COMPANY, ("Product",)),
    _rule("operates", rf"E(?:推出|上线|发布|运营|打造|开通)(?:了)?{GAP}{{0,8}}?E", 1, 2, COMPANY, ("Product",)),
    _rule("operates", r"E(?:是|为|系)E(?:的|旗下)", 2, 1, COMPANY, ("Product",)),
    # 蜂融网P2P理财是上海金椰金融信息服务有限公司旗下平台
    _rule("operates", rf"E{GAP}{{0,8}}?(?:是|为|系)E(?:的)?旗下(?:的)?(?:P2P|网贷|互金|理财|借贷)*平台", 2, 1,
          COMPANY, ("Lender", "Platform")),
    # partnerships
    _rule("partnerOf", rf"E(?:与|和|同|跟|携手|联合)E{GAP}{{0,12}}?(?:合作|签约|签署|签订|达成|携手|联合|共建|助贷)", 1, 2),
    _rule("partnerOf", r"E(?:携手|联合)E", 1, 2),
    # regulation
    _rule("issuedBy", rf"E{GAP}{{0,20}}?(?:发布|印发|出台|出炉|推出|下发|颁布|公布|制定|起草)(?:了)?{GAP}{{0,8}}?E", 2, 1,
          ("Regulation",), ISSUERS),
    _rule("issuedBy", rf"E(?:由)E{GAP}{{0,6}}?(?:发布|印发|出台|下发|颁布|制定)", 1, 2, ("Regulation",), ISSUERS),
    _rule("penalizedBy", rf"E(?:被|遭|遭到|收到)E{GAP}{{0,30}}?{PENALTY}", 1, 2, COMPANY, ("Regulator",)),
    _rule("penalizedBy", rf"E{GAP}{{0,10}}?(?:对|向)E{GAP}{{0,40}}?{PENALTY}", 2, 1, COMPANY, ("Regulator",)),
    # corporate changes
    _rule("acquired", r"E(?:收购|并购|全资收购)(?:了)?E", 1, 2),
    _rule("acquired", r"E(?:被)E(?:收购|并购)", 2, 1),
    _rule("renamedTo", rf"E{GAP}{{0,30}}?(?:已)?(?:正式)?(?:更名为|改名为|更名|改名)E", 1, 2, ORG + ("Product",), ORG + ("Product",)),
    # (认购位于山西省的X: after a verb that takes an object, 位于 describes that object, not the subject)
    _rule("locatedIn", rf"E(?:(?!认购|收购|投资|入股|参股|增持|购买|控股)[^\ue000\ue001。；;！？]){{0,20}}?"
                       r"(?:位于|注册于|注册在|落户|总部位于|总部设在|注册地(?:为|在|位于))E", 1, 2,
          COMPANY + ("Regulator",), ("Place",)),
    # 花财(华夏信财旗下): a product or company with its owner in brackets
    _rule("operates", r"E(?:APP|App|app)?[（(]E(?:旗下|的产品|出品)?[)）]", 2, 1, COMPANY, ("Product",)),
    _rule("subsidiaryOf", r"E[（(]E(?:旗下|的子公司|全资子公司|控股)[)）]", 1, 2),
)


def relations_in(sentence: Sentence) -> Iterator[Relation]:
    if len(sentence.slots) < 2:
        return
    masked, _ = sentence.masked()
    evidence = sentence.evidence
    for rule in RULES:
        for m in _overlapping(rule.pattern, masked):
            subj = sentence.slots[int(m.group(rule.subject_group))].entity
            obj = sentence.slots[int(m.group(rule.object_group))].entity
            if subj.id == obj.id:
                continue
            if subj.category in rule.subject_categories and obj.category in rule.object_categories:
                yield Relation(subj.id, rule.predicate, obj.id, evidence)


_STAKE = r"(?:\s*[（(](?:持股|占比|持有)?\s*\d+(?:\.\d+)?\s*[%％][)）])?"  # 林文洪(持股20%)
_LIST = rf"{SLOT}{_STAKE}(?:\s*(?:、|和|及|与|以及|,|，)\s*{SLOT}{_STAKE})*"
# X(的|目前的)控股股东(为|是)Y / 实际控制人为Y: Y controls X (a person holds shares in it)
_CONTROLLER = re.compile(
    rf"{SLOT}(?:[^\ue000\ue001。；;]{{0,6}}?)(?:的)?(?:目前的)?(?:控股股东|实际控制人|实控人|大股东)(?:为|是|系)?"
    rf"[^\ue000\ue001。；;]{{0,10}}?{SLOT}"
)
_CONTROLLER_FIRST = re.compile(
    rf"{SLOT}(?:为|是|系|成为)(?:了)?{SLOT}(?:的)?(?:控股股东|实际控制人|实控人|最终受益人|实际受益人|最终控制人|大股东)"
)
_SLOT_RE = re.compile(SLOT)
_HOLDER = re.compile(
    rf"(?:{SLOT}(?:的)?|(?:^|[，,；;：:])\s*(?:公司|其|该公司|平台|该平台)?(?:的)?)"
    rf"(?:(?P<control>控股股东|实际控制人|实控人)|第一大股东|大股东|股东)[:：]?{SLOT}"
)
_STAKE_AFTER = re.compile(r"[，,]?\s*(?:持有|持股|占股|占比)?(?:约)?(\d+(?:\.\d+)?)\s*[%％]")
_CUSTODY = re.compile(
    rf"(?:{SLOT}{GAP}{{0,16}}?(?:上线|对接|接入|接通|完成|签署|签订|达成|宣传|使用|选择|与|和)(?:了)?{GAP}{{0,4}}?"
    rf"|(?:资金|账户)(?:由|在|交由)|(?:上线|对接|接入|接通|宣传)(?:了)?){SLOT}(?:的)?(?:{GAP}{{0,6}}?)(?:资金)?存管"
)


_IMPLICIT_SUBJECT = re.compile(r"(?:称|表示|宣称|声称)?(?:该平台|平台|其|该公司)(?:已经|已|还|也|并|曾|正式|目前|此前|于[^\ue000\ue001，,]{0,12})*")


def _is_bank(entity: Entity) -> bool:
    return entity.kind == "Bank" or entity.category == "Lender" and entity.name.endswith(("银行", "银行股份有限公司"))
# a clause that opens with a name of its own before 是由/由 (国富人寿是由…): not about the paragraph's topic
_OWN_SUBJECT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,}(?:是|系|则|已|均)?$")


def _stakes(listed: str) -> dict[int, float]:
    """The stake written after each listed slot: 林文洪(持股20%) → {slot: 20.0}."""
    return {int(m.group(1)): float(m.group(2))
            for m in re.finditer(rf"{SLOT}\s*[（(](?:持股|占比|持有)?\s*(\d+(?:\.\d+)?)\s*[%％][)）]", listed)}


def _slots(text: str) -> list[int]:
    return [int(i) for i in _SLOT_RE.findall(text)]


# (pattern, role of the listed slots, predicate); the other party is found by _party
_LIST_RULES = (
    # 由蚂蚁金服和大钲资本领投，红杉资本、德邦证券跟投 / 由A、B、C三家股东共同出资
    (re.compile(rf"(?P<list>{_LIST})(?:等|三家|两家|四家|多家)?(?:机构|投资方)?(?:共同)?(?:领投|跟投|参投)"),
     "shareholderOf", "financed"),
    (re.compile(rf"由(?P<list>{_LIST})(?:等|三家|两家|四家|多家)?(?:股东|机构|投资方)?(?:共同)?(?:出资|注资|发起|战略投资|投资)"),
     "shareholderOf", "financed"),
    # X推出系列产品A、B / X产品分为A…、B…: the products listed belong to X
    (re.compile(rf"(?:推出(?:了)?(?:系列)?产品|产品(?:分为|包括|有|如)|旗下(?:的)?产品(?:有|包括)?)[:：]?(?P<list>(?:[^\ue000\ue001。；;]{{0,40}}?{SLOT})+)"),
     "operates", "owner"),
    # 华闻传媒旗下有《证券时报》《华商报》… / X旗下包括A、B
    (re.compile(rf"旗下(?:有|还有|包括|拥有|共有)(?P<list>(?:[《“]?{SLOT}[》”]?\s*[、和及与，,]?\s*)+)"), "subsidiaryOf", "owner"),
    # 集团以A、B、C等多个子公司形态存在 / 旗下有A、B等子公司
    (re.compile(rf"(?P<list>(?:{SLOT}(?:[（(]原{SLOT}[)）])?[、，,]?\s*)+)等(?:多个|多家|几家|[两三四五六七八九十\d]+家|[两三四五六七八九十\d]+个)?"
                rf"(?:全资|控股)?(?:子公司|关联公司)"), "subsidiaryOf", "owner"),
    # 新增A、B为股东 / 股东包括A、B
    (re.compile(rf"新增(?P<list>{_LIST})为(?:公司)?(?:新)?股东"), "shareholderOf", "financed"),
    (re.compile(rf"股东(?:包括|有)(?P<list>{_LIST})"), "shareholderOf", "nearest-before"),
    (re.compile(rf"股东(?:为|是)(?P<list>{_LIST})"), "shareholderOf", "sole-or-many"),
    # 其他投资者包括A、B / 投资方为A和B
    (re.compile(rf"(?:投资者|投资方|投资人|出资方)(?:包括|有|为|是)[^\ue000\ue001。；;]{{0,4}}?(?P<list>{_LIST})"),
     "shareholderOf", "financed"),
)
_FINANCED = re.compile(r"融资|投资|出资|注资|增资|股东")


_RAISED = re.compile(rf"{SLOT}(?:已|正式|宣布|近日|日前)?(?:完成|获得|获|拿到|宣布完成)[^。；;]{{0,16}}?融资")


def _party(sentence: Sentence, masked: str, at: int, how: str, exclude: set[int]) -> Entity | None:
    """The company the listed parties invest in: the one that raised money (X完成…融资), else the
    first company named before the list that is not itself an investor."""
    raised = _RAISED.search(masked)
    if how == "financed" and raised and int(raised.group(1)) not in exclude:
        return sentence.slots[int(raised.group(1))].entity
    investors = {int(i) for rule in _LIST_RULES for m in rule[0].finditer(masked) for i in _slots(m.group("list"))}
    before = [i for i in _slots(masked[:at]) if i not in exclude and i not in investors
              and sentence.slots[i].entity.category in COMPANY and not is_media(sentence.slots[i].entity)]
    if not before:
        return None
    return sentence.slots[before[0] if how == "financed" else before[-1]].entity


def _control(owner: Entity, owned: Entity, evidence: Evidence) -> Iterator[Relation]:
    """A person in control holds shares; a company in control is the parent."""
    if owned.id == owner.id or owned.category not in COMPANY:
        return
    if owner.category == "Person":
        yield Relation(owner.id, "shareholderOf", owned.id, evidence)
    elif owner.category in COMPANY:
        yield Relation(owned.id, "subsidiaryOf", owner.id, evidence)


def list_relations(sentence: Sentence, topic: Entity | None = None) -> Iterator[Relation]:
    """Relations with a list on one side: investors, shareholders, operators. `topic` is the
    company the paragraph is about, for 由A、B、C三家股东共同出资 with no company before the list."""
    if not sentence.slots or len(sentence.slots) < 2 and topic is None:
        return
    masked, _ = sentence.masked()
    evidence = sentence.evidence
    # X的控股股东为Y (the owned named first) / Y为X的实际控制人、最终受益人 (the owner named first)
    for pattern, owned_group in ((_CONTROLLER, 1), (_CONTROLLER_FIRST, 2)):
        for m in pattern.finditer(masked):
            owned = sentence.slots[int(m.group(owned_group))].entity
            owner = sentence.slots[int(m.group(3 - owned_group))].entity
            yield from _control(owner, owned, evidence)
    for pattern, predicate, how in _LIST_RULES:
        for m in pattern.finditer(masked):
            former = {int(i) for i in re.findall(rf"[（(]原{SLOT}", m.group("list"))}
            members = [i for i in _slots(m.group("list")) if i not in former]  # 金谷财行(原金联专享): one company
            if how == "owner":
                before = _slots(masked[:m.start()])
                if not before:
                    continue
                owner = sentence.slots[before[-1]].entity
                for i in members:
                    e = sentence.slots[i].entity
                    if e.id == owner.id:
                        continue
                    if e.category == "Product":
                        yield Relation(owner.id, "operates", e.id, evidence)
                    elif e.category in COMPANY and predicate == "subsidiaryOf":  # 旗下有…; not a product list
                        yield Relation(e.id, "subsidiaryOf", owner.id, evidence)
                continue
            target = _party(sentence, masked, m.start(), how, set(members))
            own = _OWN_SUBJECT.search(masked[:m.start()])
            if target is None and own and m.group(0).startswith("由") and not re.search(r"(?:该公司|公司|该平台|平台|该行|其|并|且|还|也)(?:是|系|则|已|均)?$",
                                                        own.group(0)):
                continue  # 国富人寿是由A发起: the sentence names its own (unrecognised) company
            target = target or topic
            if target is None or any(sentence.slots[i].entity.id == target.id for i in members):
                continue
            if how == "sole-or-many" and len(members) == 1 and sentence.slots[members[0]].entity.category in COMPANY:
                # a company's only shareholder controls it
                yield Relation(target.id, "subsidiaryOf", sentence.slots[members[0]].entity.id, evidence)
                continue
            stakes = _stakes(m.group("list"))
            for i in members:
                e = sentence.slots[i].entity
                if e.id == target.id or e.category not in COMPANY + ("Person",):
                    continue
                if e.category in COMPANY and stakes.get(i, 0) > 50:
                    yield Relation(target.id, "subsidiaryOf", e.id, evidence)  # a majority stake is control
                else:
                    yield Relation(e.id, predicate, target.id, evidence)
    # X持有Y 72.05%的股份 / X持有其…: a majority stake is control, a minority one a shareholding
    for m in re.finditer(rf"{SLOT}[）)]?(?:合计|共|直接)?持有(?:{SLOT}|其|该公司|公司)(?:约)?(\d+(?:\.\d+)?)\s*[%％]的?(?:股份|股权)", masked):
        holder = sentence.slots[int(m.group(1))].entity
        if m.group(2):
            held = sentence.slots[int(m.group(2))].entity
        else:  # 其: the company the sentence (else the paragraph) is about
            earlier = [sentence.slots[i].entity for i in _slots(masked[:m.start()])
                       if sentence.slots[i].entity.category in COMPANY]
            held = earlier[0] if earlier else topic
        if held is None or held.id == holder.id or held.category not in COMPANY:
            continue
        if holder.category in COMPANY and float(m.group(3)) > 50:
            yield Relation(held.id, "subsidiaryOf", holder.id, evidence)
        elif holder.category in COMPANY + ("Person",):
            yield Relation(holder.id, "shareholderOf", held.id, evidence)
    # X的股东Y / 大股东Y，持有90%股份: Y holds shares in the company named before (else the paragraph's);
    # a stake above half written after it is control
    for m in _HOLDER.finditer(masked):
        holder = sentence.slots[int(m.group(3))].entity  # groups: 1 the company, 2 control, 3 the holder
        held = sentence.slots[int(m.group(1))].entity if m.group(1) else None
        if held is None:
            earlier = [sentence.slots[i].entity for i in _slots(masked[:m.start()])
                       if sentence.slots[i].entity.category in COMPANY and not is_media(sentence.slots[i].entity)]
            held = earlier[-1] if earlier else topic
        if held is None or held.id == holder.id or held.category not in COMPANY or \
                holder.category not in COMPANY + ("Person",):
            continue
        stake = _STAKE_AFTER.match(masked, m.end())
        if m.group("control") or stake and float(stake.group(1)) > 50:
            yield from _control(holder, held, evidence)
        else:
            yield Relation(holder.id, "shareholderOf", held.id, evidence)
    # 主要投资者 / 领投方: one investor named as such
    for m in re.finditer(rf"{SLOT}(?:是|为|系|作为)(?:本轮|此次)?(?:主要|最大的)?(?:投资者|投资方|领投方)", masked):
        investor = sentence.slots[int(m.group(1))].entity
        target = _party(sentence, masked, m.start(), "financed", {int(m.group(1))}) or topic
        if target is not None and target.id != investor.id and investor.category in COMPANY:
            yield Relation(investor.id, "shareholderOf", target.id, evidence)
    # (同时)与X合作, with the company the paragraph is about as the other partner
    if topic is not None:
        for m in re.finditer(rf"(?:^|[，,；;])\s*(?:同时|并|还|也|此外)?(?:与|和|同)({SLOT}){GAP}{{0,14}}?(?:合作|签约|签署)", masked):
            partner = sentence.slots[int(m.group(2))].entity
            if partner.id != topic.id and partner.category in COMPANY:
                yield Relation(topic.id, "partnerOf", partner.id, evidence)
    # X隶属于Y: a platform belongs to the company that runs it; a company to its parent
    for m in re.finditer(rf"{SLOT}(?:隶属于|隶属|归属于)(?:上市公司)?{SLOT}", masked):
        part, whole = sentence.slots[int(m.group(1))].entity, sentence.slots[int(m.group(2))].entity
        if part.id == whole.id or whole.category not in COMPANY:
            continue
        if part.kind in ("P2PLender",) or part.category == "Platform" and not part.name.endswith("公司"):
            yield Relation(whole.id, "operates", part.id, evidence)
        elif part.category in COMPANY:
            yield Relation(part.id, "subsidiaryOf", whole.id, evidence)
    # X存在违规…，监管局对其处以罚款: 其 is the company named before the authority
    for m in re.finditer(rf"{SLOT}{GAP}{{0,10}}?(?:对|向)其{GAP}{{0,40}}?{PENALTY}", masked):
        regulator = sentence.slots[int(m.group(1))].entity
        if regulator.category != "Regulator":
            continue
        earlier = [sentence.slots[i].entity for i in _slots(masked[:m.start()])
                   if sentence.slots[i].entity.category in COMPANY and not is_media(sentence.slots[i].entity)]
        company = earlier[-1] if earlier else topic
        if company is not None and company.category in COMPANY:
            yield Relation(company.id, "penalizedBy", regulator.id, evidence)
    # 上线浙商银行存管 / 与江西银行签署资金存管协议 / 资金由浙商银行存管: a custody bank is a partner
    for m in _CUSTODY.finditer(masked):
        bank = sentence.slots[int(m.group(2))].entity
        if not _is_bank(bank):
            continue
        if m.group(1) is not None:
            platform = sentence.slots[int(m.group(1))].entity
        else:
            clause_start = max(masked.rfind(c, 0, m.start()) for c in "，,；;：:") + 1
            before = [sentence.slots[i].entity for i in _slots(masked[clause_start:m.start()])
                      if sentence.slots[i].entity.category in ("Lender", "Platform") and not _is_bank(sentence.slots[i].entity)]
            # the paragraph's platform only when nothing else can be the subject: 资金由X存管, or a clause
            # that names the platform as such (平台已上线X存管, 其已对接…); 已对接X存管 after an unknown name is not
            lead = masked[clause_start:m.start()].strip()
            implicit = m.group(0).startswith(("资金", "账户")) or bool(_IMPLICIT_SUBJECT.fullmatch(lead))
            earlier = [sentence.slots[i].entity for i in _slots(masked[:clause_start])
                       if sentence.slots[i].entity.category in ("Lender", "Platform") and not _is_bank(sentence.slots[i].entity)]
            platform = before[-1] if before else (earlier[-1] if earlier else topic) if implicit else None
        if platform is not None and platform.id != bank.id and platform.category in ("Lender", "Platform") \
                and not _is_bank(platform):
            yield Relation(platform.id, "partnerOf", bank.id, evidence)
    # 该平台隶属于Y: the platform the paragraph is about
    if topic is not None and topic.category in ("Lender", "Platform"):
        for m in re.finditer(rf"(?:该平台|平台|其)(?:隶属于|隶属|归属于|由){SLOT}(?:负责)?(?:运营|运作|经营)?", masked):
            whole = sentence.slots[int(m.group(1))].entity
            if whole.id != topic.id and whole.category in COMPANY and whole.name.endswith("公司") and \
                    (topic.kind == "P2PLender" or topic.category == "Platform"):
                yield Relation(whole.id, "operates", topic.id, evidence)
    # 由X运作/运营: X runs the platforms named before it
    for m in re.finditer(rf"由{SLOT}(?:负责)?(?:运营|运作|经营)", masked):
        operator = sentence.slots[int(m.group(1))].entity
        for i in _slots(masked[:m.start()]):
            p = sentence.slots[i].entity
            if p.id != operator.id and p.category in ("Lender", "Platform") and not p.name.endswith(("公司", "银行")):
                yield Relation(operator.id, "operates", p.id, evidence)
    # 平台运营方X / P的运营公司X / 运营主体为X / 运营主体与P均为X / X（P运营公司）
    for m in re.finditer(rf"(?:运营方|运营公司|运营主体|主体运营公司|运营商)(?:与{SLOT})?(?:为|是|均为|系)?{SLOT}", masked):
        operator = sentence.slots[int(m.group(2))].entity
        if operator.category not in COMPANY:
            continue
        platforms = [sentence.slots[i].entity for i in _slots(masked[:m.start()])
                     if sentence.slots[i].entity.category in ("Lender", "Platform", "Product")]
        both = "均为" in masked[m.start(): m.end()]
        named = [sentence.slots[int(m.group(1))].entity] if m.group(1) else []
        for p in (platforms[-2:] if both else platforms[-1:]) + named:
            if p.id != operator.id:
                yield Relation(operator.id, "operates", p.id, evidence)
    for m in re.finditer(rf"{SLOT}[（(]{SLOT}(?:的)?(?:运营公司|运营方|运营主体)[）)]", masked):
        operator, platform = sentence.slots[int(m.group(1))].entity, sentence.slots[int(m.group(2))].entity
        if operator.category in COMPANY and operator.id != platform.id:
            yield Relation(operator.id, "operates", platform.id, evidence)
    # 北京君安信科技有限公司（安心贷平台）/ 湖南省星展投资有限公司（58车贷）: the company runs the platform;
    # 魔房宝平台（上海翔梓金融信息服务有限公司）: the same, the other way round
    for m in re.finditer(rf"{SLOT}(?:平台)?[（(]{SLOT}(?:平台)?[）)]", masked):
        operator, platform = sentence.slots[int(m.group(1))].entity, sentence.slots[int(m.group(2))].entity
        if platform.name.endswith("公司") and not operator.name.endswith("公司"):
            operator, platform = platform, operator
        if operator.id != platform.id and operator.category in COMPANY and operator.name.endswith("公司") and \
                platform.category in ("Lender", "Platform") and not platform.name.endswith(("公司", "银行")):
            yield Relation(operator.id, "operates", platform.id, evidence)
    # 成都P2P平台优车行: a platform introduced with its city
    for m in re.finditer(rf"{SLOT}(?:的|本地|当地|最大的|知名|老牌|首家)*(?:P2P|网贷|互金|理财|借贷)*平台{SLOT}", masked):
        place, platform = sentence.slots[int(m.group(1))].entity, sentence.slots[int(m.group(2))].entity
        if place.category == "Place" and platform.category in ("Lender", "Platform"):
            yield Relation(platform.id, "locatedIn", place.id, evidence)


_PENALTY_RE = re.compile(PENALTY)
_RECEIVED = re.compile(rf"{SLOT}(?:共|也|还|亦|同时|均)?(?:收到|领到|领取|吃到|被罚|遭罚|被处以|被处罚)")


def carried_penalties(sentence: Sentence, previous: Sentence | None) -> Iterator[Relation]:
    """银保监会披露10张罚单。其中，民生银行共收到4张罚单: the authority named in the sentence before."""
    if previous is None or sentence.paragraph != previous.paragraph or sentence.slots_of("Regulator"):
        return
    regulators = previous.slots_of("Regulator")
    if not regulators or not _PENALTY_RE.search(previous.text) or not _PENALTY_RE.search(sentence.text):
        return
    masked, _ = sentence.masked()
    for m in _RECEIVED.finditer(masked):
        company = sentence.slots[int(m.group(1))].entity
        if company.category in COMPANY and not is_media(company):
            yield Relation(company.id, "penalizedBy", regulators[-1].entity.id, sentence.evidence)


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches that may share a slot: 'A旗下B旗下C' gives A–B and B–C."""
    pos = 0
    while True:
        m = pattern.search(text, pos)
        if m is None:
            return
        yield m
        pos = m.start() + 1


def name_relations(entities: Iterable[Entity], first_evidence: dict[str, Evidence]) -> Iterator[Relation]:
    """What names say: a company named after a place the article mentions is located there;
    a product named after a brand is run by it (快手月付 → 快手)."""
    entities = list(entities)
    places = [e for e in entities if e.category == "Place"]
    brands = [e for e in entities if e.category in ("Platform", "Lender", "Organization")]
    for e in entities:
        evidence = first_evidence.get(e.id)
        if evidence is None:
            continue
        if e.category in ("Lender", "Organization", "Platform") and e.name[-2:] in ("公司", "银行"):
            for place in places:
                if place.name in _COUNTRIES:
                    continue  # 中国中信有限公司: a national prefix says nothing about where it is based
                # 广州快手小额贷款有限公司, or the place in brackets: 华夏信财互联网金融信息服务(上海)有限公司
                if any(e.name.startswith(n) or f"({n})" in e.name or f"（{n}）" in e.name
                       for n in (place.name, *place.aliases)):
                    yield Relation(e.id, "locatedIn", place.id, evidence)
                    break
        if e.category == "Product":
            owner = _brand_owner(e, brands)
            if owner is not None:
                yield Relation(owner.id, "operates", e.id, evidence)


_COUNTRIES = {"中国", "中华人民共和国"}


def _brand_owner(product: Entity, brands: list[Entity]) -> Entity | None:
    best: tuple[int, Entity] | None = None
    for brand in brands:
        for name in (brand.name, *brand.aliases):
            if len(name) >= 2 and product.name.startswith(name) and len(product.name) > len(name):
                # prefer the brand itself (a Platform) over its legal companies
                score = len(name) * 10 + (5 if brand.category == "Platform" else 0)
                if best is None or score > best[0]:
                    best = (score, brand)
    return best[1] if best else None


def unique_relations(relations: Iterable[Relation]) -> list[Relation]:
    seen: set[tuple[str, str, str]] = set()
    out: list[Relation] = []
    for r in relations:
        key = (r.subject, r.predicate, r.object)
        if r.predicate == "partnerOf":
            key = (min(r.subject, r.object), r.predicate, max(r.subject, r.object))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out
