"""Load and validate content directories into `models.Content`.

Problems are collected, never raised: `study content check` prints them all.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from study import cloze
from study.discovery import KATA_FILES, ContentFile, discover
from study.models import (
    CARD_TYPES,
    Card,
    Content,
    Kata,
    Milestone,
    Problem,
    SourceRef,
    Stretch,
    StudyPlan,
    Tickable,
    Topic,
    Track,
)
from study.render import stray_dollar
from study.yamlnodes import (
    BOOL,
    INT,
    Reporter,
    check_keys,
    compose_file,
    describe,
    mapping_items,
    read_id,
    read_int,
    read_list,
    read_number,
    read_text,
)

NORMALIZE_RULES = ("case", "whitespace", "punctuation", "unicode")
DEVICES = ("cpu", "cuda")

TRACK_KEYS = frozenset({"id", "title", "title_zh", "description", "topics"})
TOPIC_KEYS = frozenset({"id", "title", "title_zh", "description", "prerequisites"})
CARD_COMMON = frozenset(
    {"id", "type", "topic", "tags", "source", "explain", "front_zh", "back_zh"}
)
CARD_KEYS = {
    "basic": CARD_COMMON | {"front", "back"},
    "cloze": CARD_COMMON | {"text", "back"},
    "mcq": CARD_COMMON | {"question", "choices", "answer", "explanation"},
    "typed": CARD_COMMON | {"question", "answers", "normalize", "any_order", "ignore_words"},
}
CARD_REQUIRED = {
    "basic": {"front", "back"},
    "cloze": {"text"},
    "mcq": {"question", "choices", "answer", "explanation"},
    "typed": {"question", "answers"},
}
KATA_KEYS = frozenset(
    {
        "id", "title", "topic", "also_topics", "difficulty", "function", "signature",
        "prompt", "hints", "time_budget_min", "timeout_s", "banned", "devices",
        "source", "tags",
    }
)
KATA_REQUIRED = frozenset(
    {"id", "title", "topic", "difficulty", "function", "signature", "prompt", "hints", "source"}
)


PLAN_KEYS = frozenset({"id", "title", "title_zh", "pace", "source", "description",
                       "stretches", "papers", "milestones"})
STRETCH_KEYS = frozenset({"id", "title", "title_zh", "description", "days", "weeks", "topics",
                          "projects", "papers"})
MILESTONE_KEYS = frozenset({"id", "title", "title_zh", "after_day", "after_week", "checks"})
TICK_KEYS = {"project": frozenset({"id", "title", "title_zh", "note"}),
             "paper": frozenset({"id", "title", "title_zh", "stars", "note"}),
             "check": frozenset({"id", "title", "title_zh", "topics", "katas"})}
MAX_PLAN_DAYS = 3660  # ten years


@dataclass
class LoadResult:
    content: Content
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- per-file parsing ---------------------------------------------------------


class _Builder:
    """Accumulates content from files, remembering where each id was defined."""

    def __init__(self) -> None:
        self.content = Content()
        self.problems: list[Problem] = []
        self.defined: dict[str, tuple[SourceRef, str]] = {}  # id -> (where, origin)
        self.topic_defs: dict[str, tuple[SourceRef, str]] = {}
        self.track_defs: dict[str, tuple[SourceRef, str]] = {}
        self.prereq_nodes: list[tuple[Reporter, yaml.Node, str, str]] = []
        self.topic_refs: list[tuple[Reporter, yaml.Node, str]] = []
        self.kata_refs: list[tuple[Reporter, yaml.Node, str]] = []
        self.plan_defs: dict[str, tuple[SourceRef, str]] = {}
        self.topic_count = 0
        self.track_count = 0
        self.card_count = 0

    def _claim(
        self, table: dict[str, tuple[SourceRef, str]], ident: str, ref: SourceRef, origin: str,
        report: Reporter, node: yaml.Node, what: str,
    ) -> bool:
        if ident in table:
            first, first_origin = table[ident]
            if origin == "user" and first_origin == "bundled":
                report.at(node, f"{what} id {ident!r} is already used by bundled content "
                          f"({first}); choose another id")
            else:
                report.at(node, f"duplicate {what} id {ident!r} (first defined at {first})")
            return False
        table[ident] = (ref, origin)
        return True

    def ref(self, report: Reporter, node: yaml.Node) -> SourceRef:
        m = node.start_mark
        return SourceRef(report.path, m.line + 1, m.column + 1)

    # curriculum ---------------------------------------------------------------

    def curriculum(self, f: ContentFile, root: yaml.Node | None, report: Reporter) -> None:
        if root is None:
            return
        top = mapping_items(root, report, "curriculum")
        if top is None:
            return
        check_keys(top, {"tracks"}, {"tracks"}, report, root, "curriculum")
        if "tracks" not in top:
            return
        for track_node in _children(top["tracks"][1], report, "tracks"):
            self._track(f, track_node, report)

    def _track(self, f: ContentFile, node: yaml.Node, report: Reporter) -> None:
        items = mapping_items(node, report, "track")
        if items is None:
            return
        check_keys(items, TRACK_KEYS, {"id", "title", "topics"}, report, node, "track")
        ident = _opt(items, "id", read_id, report)
        title = _opt(items, "title", read_text, report)
        title_zh = _opt(items, "title_zh", read_text, report)
        desc = _opt(items, "description", read_text, report)
        track: Track | None = None
        if ident is not None and self._claim(
            self.track_defs, ident, self.ref(report, items["id"][1]), f.origin, report,
            items["id"][1], "track",
        ):
            track = Track(ident, title or ident, title_zh or "", self.track_count,
                          description=desc or "", ref=self.ref(report, node))
            self.track_count += 1
            self.content.tracks[ident] = track
        if "topics" not in items:
            return
        for topic_node in _children(items["topics"][1], report, "topics"):
            self._topic(f, topic_node, report, track)

    def _topic(
        self, f: ContentFile, node: yaml.Node, report: Reporter, track: Track | None
    ) -> None:
        items = mapping_items(node, report, "topic")
        if items is None:
            return
        check_keys(items, TOPIC_KEYS, {"id", "title"}, report, node, "topic")
        ident = _opt(items, "id", read_id, report)
        title = _opt(items, "title", read_text, report)
        title_zh = _opt(items, "title_zh", read_text, report)
        desc = _opt(items, "description", read_text, report)
        prereqs: list[str] = []
        if "prerequisites" in items:
            pnode = items["prerequisites"][1]
            prereqs = read_list(pnode, report, "prerequisites", read_id) or []
            if isinstance(pnode, yaml.SequenceNode) and ident is not None:
                for child in pnode.value:
                    if isinstance(child, yaml.ScalarNode):
                        self.prereq_nodes.append((report, child, child.value, ident))
        if ident is None or not self._claim(
            self.topic_defs, ident, self.ref(report, items["id"][1]), f.origin, report,
            items["id"][1], "topic",
        ):
            return
        if ident in prereqs:
            report.at(items["prerequisites"][1], f"topic {ident!r} lists itself as a prerequisite")
        topic = Topic(ident, title or ident, title_zh or "", track.id if track else "",
                      prereqs, self.topic_count, description=desc or "",
                      ref=self.ref(report, node))
        self.topic_count += 1
        self.content.topics[ident] = topic
        if track is not None:
            track.topics.append(ident)

    # cards --------------------------------------------------------------------

    def cards(self, f: ContentFile, root: yaml.Node | None, report: Reporter) -> None:
        if root is None:
            return
        top = mapping_items(root, report, "card file")
        if top is None:
            return
        if "plans" in top and "cards" not in top:  # a plan file outside a plans/ folder
            self.plans(f, root, report)
            return
        check_keys(top, {"topic", "cards"}, {"cards"}, report, root, "card file")
        file_topic: str | None = None
        if "topic" in top:
            tnode = top["topic"][1]
            file_topic = read_id(tnode, report, "topic")
            if file_topic is not None:
                self.topic_refs.append((report, tnode, file_topic))
        if "cards" not in top:
            return
        for node in _children(top["cards"][1], report, "cards"):
            self.card_count += 1  # file order across the whole load: the curriculum order
            card = self._card(f, node, report, file_topic, self.card_count)
            if card is not None:
                self.content.cards[card.id] = card

    def _card(
        self, f: ContentFile, node: yaml.Node, report: Reporter, file_topic: str | None, order: int
    ) -> Card | None:
        items = mapping_items(node, report, "card")
        if items is None:
            return None
        ok = True
        ctype = None
        if "type" not in items:
            report.at(node, f"card is missing required key 'type' (one of {', '.join(CARD_TYPES)})")
            ok = False
        else:
            tnode = items["type"][1]
            ctype = read_text(tnode, report, "type")
            if ctype not in CARD_TYPES:
                if ctype is not None:
                    known = ", ".join(CARD_TYPES)
                    report.at(tnode, f"unknown card type {ctype!r} (one of {known})")
                ok = False
        if ctype in CARD_TYPES:
            required = {"id", "source", "tags"} | CARD_REQUIRED[ctype]
            check_keys(items, CARD_KEYS[ctype], required, report, node, f"{ctype} card")
        else:
            return None

        def text(key: str) -> str:
            nonlocal ok
            if key not in items:
                return ""
            value = read_text(items[key][1], report, key)
            if value is None:
                ok = False
            return value or ""

        ident = read_id(items["id"][1], report, "card id") if "id" in items else None
        if ident is None:
            ok = False
        topic = file_topic
        if "topic" in items:
            tnode = items["topic"][1]
            topic = read_id(tnode, report, "topic")
            if topic is not None:
                self.topic_refs.append((report, tnode, topic))
        if topic is None:
            report.at(node, "card has no topic (set `topic:` on the card or atop the file)")
            ok = False
        tags: list[str] = []
        if "tags" in items:
            tags = read_list(items["tags"][1], report, "tags", _read_tag) or []
        card = Card(
            id=ident or "", type=ctype, topic=topic or "", tags=tags, source=text("source"),
            explain=text("explain"), front=text("front"), back=text("back"), text=text("text"),
            question=text("question"), explanation=text("explanation"),
            front_zh=text("front_zh"), back_zh=text("back_zh"),
            ref=self.ref(report, node), order=order,
        )
        for key in ("front", "back", "text", "question", "explanation", "explain"):
            value = getattr(card, key)
            if value and "$" in value and stray_dollar(value):
                report.at(items[key][1], f"{key}: a '$' that opens or closes no math; inline "
                          "math is $...$ with no space just inside the dollars (write \\$ "
                          "for a dollar sign)")
                ok = False
        if ctype == "cloze" and "text" in items and card.text:
            deletions, problems = cloze.parse(card.text)
            for message in problems:
                report.at(items["text"][1], message)
                ok = False
            card.deletions = cloze.numbers(deletions)
        if ctype == "mcq":
            ok &= self._mcq(card, items, report)
        if ctype == "typed":
            ok &= self._typed(card, items, report)
        if ident is not None and not self._claim(
            self.defined, ident, self.ref(report, items["id"][1]), f.origin, report,
            items["id"][1], "card",
        ):
            return None
        return card if ok else None

    def _mcq(self, card: Card, items: dict, report: Reporter) -> bool:
        ok = True
        if "choices" in items:
            cnode = items["choices"][1]
            choices = read_list(cnode, report, "choices", read_text, min_len=2, max_len=6)
            if choices is None or not 2 <= len(choices) <= 6:
                ok = False
            else:
                card.choices = choices
                if len(set(choices)) != len(choices):
                    report.at(cnode, "choices must be distinct")
                    ok = False
        if "answer" in items:
            anode = items["answer"][1]
            n = len(card.choices)
            if isinstance(anode, yaml.SequenceNode):
                idx = read_list(anode, report, "answer", lambda nd, r, w: read_int(nd, r, w, 0, 99),
                                min_len=1)
            elif isinstance(anode, yaml.ScalarNode) and anode.tag == INT:
                one = read_int(anode, report, "answer", 0, 99)
                idx = None if one is None else [one]
            else:
                report.at(anode, f"answer must be a choice index (0-based) or a list of them, "
                          f"got {describe(anode)}")
                idx = None
            if idx is None:
                ok = False
            else:
                for i in idx:
                    if n and not 0 <= i < n:
                        report.at(anode, f"mcq answer index {i} is out of range: "
                                  f"there are {n} choices (0-{n - 1})")
                        ok = False
                if len(set(idx)) != len(idx):
                    report.at(anode, "answer lists the same index twice")
                    ok = False
                card.answer = sorted(set(idx))
        return ok

    def _typed(self, card: Card, items: dict, report: Reporter) -> bool:
        ok = True
        if "answers" in items:
            answers = read_list(items["answers"][1], report, "answers", read_text, min_len=1)
            if not answers:
                ok = False
            else:
                card.answers = answers
        if "normalize" in items:
            nnode = items["normalize"][1]
            rules = read_list(nnode, report, "normalize", read_text)
            if rules is None:
                ok = False
            else:
                bad = [r for r in rules if r not in NORMALIZE_RULES]
                if bad:
                    report.at(nnode, f"unknown normalize rule(s) {', '.join(map(repr, bad))} "
                              f"(known: {', '.join(NORMALIZE_RULES)})")
                    ok = False
                card.normalize = rules
        if "any_order" in items:
            onode = items["any_order"][1]
            if isinstance(onode, yaml.ScalarNode) and onode.tag == BOOL:
                card.any_order = bool(yaml.safe_load(onode.value))
            else:
                report.at(onode, f"any_order must be true or false, got {describe(onode)}")
                ok = False
        if "ignore_words" in items:
            words = read_list(items["ignore_words"][1], report, "ignore_words", read_text,
                              min_len=1)
            if words is None:
                ok = False
            else:
                card.ignore_words = tuple(w.strip() for w in words)
                clash = [w for w in words if any(w.casefold() == a.strip().casefold()
                                                 for a in card.answers)]
                if clash:
                    # Ignoring a whole accepted answer would accept an empty reply.
                    report.at(items["ignore_words"][1], f"ignore_words {clash} "
                              "is an accepted answer itself")
                    ok = False
        return ok

    # katas --------------------------------------------------------------------

    def kata(self, f: ContentFile, root: yaml.Node | None, report: Reporter) -> None:
        if root is None:
            return
        items = mapping_items(root, report, "kata")
        if items is None:
            return
        check_keys(items, KATA_KEYS, KATA_REQUIRED, report, root, "kata")
        ok = all(k in items for k in KATA_REQUIRED)

        def get(key: str, reader, *args):  # type: ignore[no-untyped-def]
            nonlocal ok
            if key not in items:
                return None
            value = reader(items[key][1], report, key, *args)
            if value is None:
                ok = False
            return value

        ident = get("id", read_id)
        folder = f.path.parent
        if ident is not None and folder.name != ident:
            report.at(items["id"][1], f"kata id {ident!r} must match its folder {folder.name!r}")
            ok = False
        function = get("function", read_text)
        if function is not None and (not function.isidentifier() or keyword.iskeyword(function)):
            report.at(items["function"][1], f"function {function!r} is not a Python identifier")
            ok = False
        topic = get("topic", read_id)
        if topic is not None:
            self.topic_refs.append((report, items["topic"][1], topic))
        also = get("also_topics", lambda n, r, w: read_list(n, r, w, read_id)) or []
        if "also_topics" in items and isinstance(items["also_topics"][1], yaml.SequenceNode):
            for child in items["also_topics"][1].value:
                if isinstance(child, yaml.ScalarNode):
                    self.topic_refs.append((report, child, child.value))
        hints = get("hints", lambda n, r, w: read_list(n, r, w, read_text, min_len=2))
        for key in ("prompt", "hints"):
            node = items.get(key, (None, None))[1]
            texts = [c.value for c in node.value if isinstance(c, yaml.ScalarNode)] \
                if isinstance(node, yaml.SequenceNode) else \
                [node.value] if isinstance(node, yaml.ScalarNode) else []
            if any("$" in t and stray_dollar(t) for t in texts):
                report.at(node, f"{key}: a '$' that opens or closes no math; inline math is "
                          "$...$ with no space just inside the dollars (write \\$ for a dollar "
                          "sign)")
                ok = False
        if hints is not None and len(hints) < 2:
            ok = False
        devices = get("devices", lambda n, r, w: read_list(n, r, w, read_text, min_len=1))
        if devices is not None:
            bad = [d for d in devices if d not in DEVICES]
            if bad:
                report.at(items["devices"][1], f"unknown device(s) {bad} (known: cpu, cuda)")
                ok = False
        for name in KATA_FILES:
            if not (folder / name).is_file():
                report.at(root, f"kata folder {folder.name!r} is missing {name}")
                ok = False
        kata = Kata(
            id=ident or "",
            title=get("title", read_text) or "",
            topic=topic or "",
            difficulty=get("difficulty", read_int, 1, 5) or 1,
            function=function or "",
            signature=get("signature", read_text) or "",
            prompt=get("prompt", read_text) or "",
            hints=hints or [],
            source=get("source", read_text) or "",
            also_topics=also,
            time_budget_min=get("time_budget_min", read_int, 1, 600) or 20,
            timeout_s=get("timeout_s", read_number, 1.0) or 20.0,
            banned=get("banned", lambda n, r, w: read_list(n, r, w, read_text)) or [],
            devices=devices or ["cpu", "cuda"],
            tags=get("tags", lambda n, r, w: read_list(n, r, w, _read_tag)) or [],
            folder=folder,
            ref=SourceRef(f.path, 1, 1),
        )
        if ident is not None and not self._claim(
            self.defined, ident, self.ref(report, items["id"][1]), f.origin, report,
            items["id"][1], "kata",
        ):
            return
        if ok:
            self.content.katas[kata.id] = kata

    # plans --------------------------------------------------------------------

    def plans(self, f: ContentFile, root: yaml.Node | None, report: Reporter) -> None:
        if root is None:
            return
        top = mapping_items(root, report, "plan file")
        if top is None:
            return
        check_keys(top, {"plans"}, {"plans"}, report, root, "plan file")
        if "plans" in top:
            for node in _children(top["plans"][1], report, "plans"):
                self._plan(f, node, report)

    def _plan(self, f: ContentFile, node: yaml.Node, report: Reporter) -> None:
        items = mapping_items(node, report, "plan")
        if items is None:
            return
        check_keys(items, PLAN_KEYS, {"id", "title", "stretches"}, report, node, "plan")
        ident = _opt(items, "id", read_id, report)
        plan = StudyPlan(ident or "", _opt(items, "title", read_text, report) or "",
                         _opt(items, "title_zh", read_text, report) or "",
                         _opt(items, "pace", read_text, report) or "",
                         _opt(items, "source", read_text, report) or "",
                         ref=self.ref(report, node))
        _opt(items, "description", read_text, report)
        ok = ident is not None and "stretches" in items
        tick_ids: dict[str, yaml.Node] = {}
        topic_home: dict[str, str] = {}
        previous: Stretch | None = None
        for snode in _children(items["stretches"][1], report, "stretches") \
                if "stretches" in items else []:
            stretch = self._stretch(snode, report, tick_ids, topic_home)
            if stretch is None:
                ok = False
                continue
            if previous is not None and stretch.first_day <= previous.last_day:
                report.at(snode, f"stretch {stretch.id!r} (days {stretch.first_day}-"
                          f"{stretch.last_day}) "
                          + ("overlaps" if stretch.last_day >= previous.first_day
                             else "comes before")
                          + f" stretch {previous.id!r} (days {previous.first_day}-"
                          f"{previous.last_day}); stretches run in order and do not overlap")
                ok = False
            plan.stretches.append(stretch)
            previous = stretch
        if "stretches" in items and not plan.stretches and ok:
            report.at(items["stretches"][1], "a plan needs at least one stretch")
            ok = False
        if "papers" in items:
            plan.papers = self._ticks(items["papers"][1], report, "paper", tick_ids)
        for mnode in _children(items["milestones"][1], report, "milestones") \
                if "milestones" in items else []:
            milestone = self._milestone(mnode, report, tick_ids)
            if milestone is None:
                ok = False
            else:
                plan.milestones.append(milestone)
        if ident is None or not self._claim(self.plan_defs, ident,
                                            self.ref(report, items["id"][1]), f.origin, report,
                                            items["id"][1], "plan"):
            return
        if ok:
            self.content.plans[ident] = plan

    def _span(self, items: dict, report: Reporter, node: yaml.Node,
              what: str) -> tuple[int, int] | None:
        """`days: [first, last]` or `weeks: [first, last]` (1-based, inclusive) as days."""
        keys = [k for k in ("days", "weeks") if k in items]
        if len(keys) != 1:
            report.at(node, f"{what} needs exactly one of 'days' or 'weeks' ([first, last], "
                      "1-based)")
            return None
        key = keys[0]
        vnode = items[key][1]
        limit = MAX_PLAN_DAYS if key == "days" else MAX_PLAN_DAYS // 7
        pair = read_list(vnode, report, key, lambda n, r, w: read_int(n, r, w, 1, limit),
                         min_len=2, max_len=2)
        if pair is None or len(pair) != 2:
            return None
        first, last = pair
        if first > last:
            report.at(vnode, f"{key} [{first}, {last}] ends before it starts")
            return None
        return (first, last) if key == "days" else ((first - 1) * 7 + 1, last * 7)

    def _stretch(self, node: yaml.Node, report: Reporter, tick_ids: dict[str, yaml.Node],
                 topic_home: dict[str, str]) -> Stretch | None:
        items = mapping_items(node, report, "stretch")
        if items is None:
            return None
        check_keys(items, STRETCH_KEYS, {"id", "title", "topics"}, report, node, "stretch")
        ident = _opt(items, "id", read_id, report)
        title = _opt(items, "title", read_text, report)
        title_zh = _opt(items, "title_zh", read_text, report)
        _opt(items, "description", read_text, report)
        span = self._span(items, report, node, "stretch")
        topics: list[str] = []
        ok = ident is not None and title is not None and span is not None
        if "topics" in items:
            tnode = items["topics"][1]
            read = read_list(tnode, report, "topics", read_id)
            if read is None:
                ok = False
            else:
                for child, tid in zip(tnode.value, read, strict=False):
                    if tid in topic_home:
                        report.at(child, f"topic {tid!r} is already in stretch "
                                  f"{topic_home[tid]!r}; a topic belongs to one stretch")
                        ok = False
                        continue
                    topic_home[tid] = ident or "?"
                    self.topic_refs.append((report, child, tid))
                    topics.append(tid)
        projects = self._ticks(items["projects"][1], report, "project", tick_ids) \
            if "projects" in items else []
        papers = self._ticks(items["papers"][1], report, "paper", tick_ids) \
            if "papers" in items else []
        if not ok or span is None:
            return None
        return Stretch(ident or "", title or "", title_zh or "", span[0], span[1], topics,
                       projects, papers)

    def _milestone(self, node: yaml.Node, report: Reporter,
                   tick_ids: dict[str, yaml.Node]) -> Milestone | None:
        items = mapping_items(node, report, "milestone")
        if items is None:
            return None
        check_keys(items, MILESTONE_KEYS, {"id", "title", "checks"}, report, node, "milestone")
        ident = _opt(items, "id", read_id, report)
        title = _opt(items, "title", read_text, report)
        title_zh = _opt(items, "title_zh", read_text, report)
        keys = [k for k in ("after_day", "after_week") if k in items]
        after: int | None = None
        if len(keys) != 1:
            report.at(node, "milestone needs exactly one of 'after_day' or 'after_week'")
        else:
            limit = MAX_PLAN_DAYS if keys[0] == "after_day" else MAX_PLAN_DAYS // 7
            n = read_int(items[keys[0]][1], report, keys[0], 1, limit)
            if n is not None:
                after = n if keys[0] == "after_day" else n * 7
        checks = self._ticks(items["checks"][1], report, "check", tick_ids) \
            if "checks" in items else []
        if ident is None or title is None or after is None:
            return None
        return Milestone(ident, title, title_zh or "", after, checks)

    def _ticks(self, node: yaml.Node, report: Reporter, what: str,
               tick_ids: dict[str, yaml.Node]) -> list[Tickable]:
        out: list[Tickable] = []
        for child in _children(node, report, f"{what}s"):
            items = mapping_items(child, report, what)
            if items is None:
                continue
            check_keys(items, TICK_KEYS[what], {"id", "title"}, report, child, what)
            ident = _opt(items, "id", read_id, report)
            title = _opt(items, "title", read_text, report)
            tick = Tickable(ident or "", title or "",
                            _opt(items, "title_zh", read_text, report) or "")
            _opt(items, "note", read_text, report)
            if "stars" in items:
                tick.stars = read_int(items["stars"][1], report, "stars", 1, 5) or 0
            for key, refs in (("topics", self.topic_refs), ("katas", self.kata_refs)):
                if key in items:
                    lnode = items[key][1]
                    values = read_list(lnode, report, key, read_id) or []
                    setattr(tick, key, values)
                    if isinstance(lnode, yaml.SequenceNode):
                        refs += [(report, c, c.value) for c in lnode.value
                                 if isinstance(c, yaml.ScalarNode)]
            if ident is not None and ident in tick_ids:
                first = tick_ids[ident].start_mark
                report.at(items["id"][1], f"duplicate id {ident!r} in this plan (first at "
                          f"line {first.line + 1})")
                continue
            if ident is not None:
                tick_ids[ident] = items["id"][1]
            if ident is not None and title is not None:
                out.append(tick)
        return out

    # cross-file checks --------------------------------------------------------

    def finish(self) -> None:
        topics = self.content.topics
        for report, node, ident in self.topic_refs:
            if ident not in topics:
                report.at(node, f"unknown topic {ident!r}{_suggest(ident, topics)}")
        for report, node, ident in self.kata_refs:
            if ident not in self.content.katas:
                report.at(node, f"unknown kata {ident!r}{_suggest(ident, self.content.katas)}")
        for report, node, ident, owner in self.prereq_nodes:
            if ident not in topics and ident != owner:
                report.at(node, f"unknown prerequisite topic {ident!r}{_suggest(ident, topics)}")
        for cycle in _cycles(topics):
            first = topics[cycle[0]]
            where = first.ref or SourceRef(Path("?"), 1, 1)
            self.problems.append(Problem(
                str(where.path), where.line, where.col,
                "prerequisite cycle: " + " -> ".join(cycle + [cycle[0]]),
            ))
        # Cards and katas whose topic is unknown are dropped so the rest can run.
        for cid in [c.id for c in self.content.cards.values() if c.topic not in topics]:
            del self.content.cards[cid]
        for kid in [k.id for k in self.content.katas.values() if k.topic not in topics]:
            del self.content.katas[kid]
        for plan in self.content.plans.values():  # an unknown topic was reported above
            for stretch in plan.stretches:
                stretch.topics = [t for t in stretch.topics if t in topics]


def _children(node: yaml.Node, report: Reporter, what: str) -> list[yaml.Node]:
    """A list's entries; anything else is reported and yields nothing."""
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    report.at(node, f"{what} must be a list, got {describe(node)}")
    return []


def _opt(items: dict, key: str, reader, report: Reporter, *args):  # type: ignore[no-untyped-def]
    return reader(items[key][1], report, key, *args) if key in items else None


def _read_tag(node: yaml.Node, report: Reporter, what: str) -> str | None:
    value = read_text(node, report, what)
    if value is not None and any(ch.isspace() for ch in value):
        report.at(node, f"{what} {value!r} must not contain spaces (use '-')")
        return None
    return value


def _suggest(ident: str, known: dict) -> str:
    import difflib

    close = difflib.get_close_matches(ident, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _cycles(topics: dict[str, Topic]) -> list[list[str]]:
    """Each prerequisite cycle once (iterative DFS, three colours)."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(topics, white)
    cycles: list[list[str]] = []
    for start in topics:
        if colour[start] != white:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        colour[start] = grey
        path.append(start)
        while stack:
            node, i = stack[-1]
            prereqs = [p for p in topics[node].prerequisites if p in topics and p != node]
            if i < len(prereqs):
                stack[-1] = (node, i + 1)
                nxt = prereqs[i]
                if colour[nxt] == white:
                    colour[nxt] = grey
                    path.append(nxt)
                    stack.append((nxt, 0))
                elif colour[nxt] == grey:
                    cycles.append(path[path.index(nxt):])
            else:
                colour[node] = black
                path.pop()
                stack.pop()
    return cycles


def load_files(files: list[ContentFile]) -> LoadResult:
    builder = _Builder()
    seen: set[Path] = set()
    unique = []
    for f in files:
        if f.path not in seen:
            seen.add(f.path)
            unique.append(f)
    # Curricula first so topic order does not depend on file order.
    unique.sort(key=lambda f: (f.origin != "bundled", f.kind != "curriculum"))
    for f in unique:
        report = Reporter(f.path, builder.problems)
        root = compose_file(f.path, report)
        if root is None and not any(p.path == str(f.path) for p in builder.problems):
            continue  # an empty file: nothing to load
        getattr(builder, {"curriculum": "curriculum", "cards": "cards", "kata": "kata",
                          "plans": "plans"}[f.kind])(
            f, root, report
        )
    builder.finish()
    builder.problems.sort()
    return LoadResult(builder.content, builder.problems)


def load(roots: list[tuple[Path, str]]) -> LoadResult:
    """Load content roots, each `(path, origin)` with origin "bundled" or "user"."""
    files: list[ContentFile] = []
    missing: list[Problem] = []
    for path, origin in roots:
        if not path.exists():
            missing.append(Problem(str(path), 1, 1, "content path does not exist"))
            continue
        files += discover(path, origin)
    result = load_files(files)
    result.problems[:0] = missing
    return result
