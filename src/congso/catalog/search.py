"""Vietnamese search over the procedure catalog, portable between SQLite and PostgreSQL.

Text is compared ASCII-folded (``fold``): lower case, diacritics removed, ``đ`` → ``d``. Each procedure
keeps two folded columns maintained on save (``Procedure.search_text``: name and codes;
``Procedure.search_extra``: papers, legal basis, field and result of the current version). Every process
holds an in-memory index built from those columns (words → procedure ids, trigrams of the vocabulary
for typo tolerance) and rebuilds it when the catalog's *stamp* changes: the number of procedures, the
newest ``updated_at`` and today's date (a version can come into force overnight). Checking the stamp is
one small aggregate query per search.

Ranking (``rank``): an exact code first; then names containing the whole query as a phrase; then by
how well each query word matches — whole word in the name above prefix or typo matches in the name,
all of them above matches only in papers or legal basis; shorter names first among equals. A query
word may have a typo: ``i``/``y`` are interchangeable (``ki``/``ky``), words of 3+ letters match at edit
distance 1 (2 for 7+ letters; in 3-letter words only a missing, extra or swapped letter), and a word is
also a prefix of longer words (``sin`` → ``sinh``). Results must match every query word (after dropping
filler such as "thủ tục" or "cho"); when nothing matches them all, the procedures matching the most
words are returned, flagged ``approximate``.

The index is a seam: ``rank`` is the one entry point, so a PostgreSQL trigram/full-text backend could
replace it without touching callers. Measured in ``bench/catalog_search.py``, the in-memory index serves
2,000 procedures well within the target on both databases, so there is no second backend.
"""

import bisect
import contextvars
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from congso.core.audit import current_context
from congso.core.text import fold

_NON_WORD = re.compile(r"[^a-z0-9]+")
_CODE_LIKE = re.compile(r"^(?:\d\.\d{1,6}|dp\.)[a-z0-9.]*$")

# Words that say nothing about which procedure is wanted ("thủ tục", "làm thế nào").
_STOP_PHRASES = ("thu tuc hanh chinh", "thu tuc", "lam the nao", "nhu the nao", "o dau", "can gi")
# Function words of a question ("làm giấy khai sinh cho con", "tôi muốn đăng ký…"); dropped unless the
# query has nothing else.
_STOP_WORDS = frozenset(
    "cho cua va voi toi muon lam o tai de can gi nhung cac mot nhu nao ve thi la ma duoc bi khi neu hay "
    "hoac".split()
)
# With fewer complete matches than this for a query of 3+ words, those missing one word follow them.
_FEW = 3


def _iy(word: str) -> str:
    return word.replace("y", "i")


def _trigrams(word: str) -> set[str]:
    padded = f"${word}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _distance_at_most(a: str, b: str, limit: int, *, substitution: bool = True) -> int | None:
    """Optimal-string-alignment distance between ``a`` and ``b`` if it is ≤ ``limit``, else None.
    Without ``substitution`` a changed letter costs two edits (only missing, extra and swapped letters)."""
    if abs(len(a) - len(b)) > limit:
        return None
    change = 1 if substitution else 2
    previous2 = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else change
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return None
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= limit else None


@dataclass
class _Doc:
    id: int
    code: str
    national_code: str
    name: str  # folded, padded with spaces for phrase checks
    name_words: tuple[str, ...]
    field_id: int
    level: str
    online_mode: str
    agency_ids: frozenset
    version_id: int
    display_code: str = ""  # as written, for lists built from the index (``services.procedure_choices``)
    title: str = ""  # the name as written


@dataclass
class RankResult:
    ids: list[int]
    approximate: bool = False


@dataclass
class _Index:
    stamp: tuple
    docs: dict[int, _Doc] = field(default_factory=dict)
    name_postings: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    extra_postings: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    vocab: list[str] = field(default_factory=list)
    by_iy: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_trigram: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    codes: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    alphabetical: list[int] = field(default_factory=list)
    agency_ids: frozenset = frozenset()
    expansions: dict[str, dict[str, float]] = field(default_factory=dict)

    def expand(self, token: str) -> dict[str, float]:
        """Vocabulary words a query word may stand for, with a weight: 1 exact, .9 i/y variant; only
        for a word the vocabulary lacks, .75 prefix and .6/.4 one/two typos."""
        cached = self.expansions.get(token)
        if cached is not None:
            return cached
        found: dict[str, float] = {}
        if token in self.name_postings or token in self.extra_postings:
            found[token] = 1.0
        for word in self.by_iy.get(_iy(token), ()):
            found.setdefault(word, 0.9)
        if found:
            # A word the catalog knows is taken as meant; widening it would flood the results
            # ("ho" would match "hôn", "hoà", "hợp"…).
            self._remember(token, found)
            return found
        if len(token) >= 2:
            start = bisect.bisect_left(self.vocab, token)
            for word in self.vocab[start : start + 200]:
                if not word.startswith(token):
                    break
                found.setdefault(word, 0.75)
        if len(token) >= 3 and not token.isdigit():
            limit = 2 if len(token) >= 7 else 1
            # In 3-letter words a changed letter usually makes another real syllable ("tam"/"tai"), so
            # only missing, extra or swapped letters count as typos there.
            substitution = len(token) >= 4
            candidates = set()
            for gram in _trigrams(token):
                candidates |= self.by_trigram.get(gram, set())
            for word in candidates:
                if word in found:
                    continue
                distance = _distance_at_most(token, word, limit, substitution=substitution)
                if distance is not None:
                    found[word] = 0.6 if distance == 1 else 0.4
        self._remember(token, found)
        return found

    def _remember(self, token: str, found: dict[str, float]) -> None:
        if len(self.expansions) > 5000:
            self.expansions.clear()
        self.expansions[token] = found


_lock = threading.Lock()
_index: _Index | None = None
# (request context, index) of the last stamp check in this context: one check per request is enough.
_checked: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("catalog_index_checked", default=None)


def current_stamp() -> tuple:
    """What identifies the state of the catalog for the index: the number of procedures and the last
    change, as the database returns them (only compared for equality), and today. One aggregate,
    written out: it is asked on every page that searches or lists procedures."""
    from .models import Procedure

    table = Procedure._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(id), MAX(updated_at) FROM {table}")  # noqa: S608 (the model's table)
        count, last = cursor.fetchone()
    return (count, last, timezone.localdate())


def get_index() -> _Index:
    """The index of this process, rebuilt first if the catalog changed since it was built. Within one
    request the stamp is checked once (a write in this process forgets the index, see ``invalidate``)."""
    global _index
    request = current_context()
    checked = _checked.get()
    if request is not None and checked is not None and checked[0] is request and checked[1] is _index:
        return checked[1]
    stamp = current_stamp()
    index = _index
    if index is not None and index.stamp == stamp:
        if request is not None:
            _checked.set((request, index))
        return index
    with _lock:
        if _index is None or _index.stamp != stamp:
            _index = _build(stamp)
        index = _index
    if request is not None:
        _checked.set((request, index))
    return index


def invalidate() -> None:
    """Forget this process's index; called after each catalog write here (other processes notice the
    stamp)."""
    global _index
    with _lock:
        _index = None


def _build(stamp: tuple) -> _Index:
    from .models import Procedure
    from .services import current_version_map

    index = _Index(stamp=stamp)
    rows = list(
        Procedure.objects.filter(is_active=True).values_list(
            "id", "code", "national_code", "search_text", "search_extra", "field_id", "level", "name"
        )
    )
    versions = current_version_map([row[0] for row in rows], on=stamp[2])
    for pid, code, national_code, search_text, search_extra, field_id, level, title in rows:
        version = versions.get(pid)
        if version is None:
            continue  # nothing in force: not offered to citizens
        name_words = tuple(search_text.split())
        index.docs[pid] = _Doc(
            id=pid,
            code=code.lower(),
            national_code=national_code.lower(),
            name=f" {search_text} ",
            name_words=name_words,
            field_id=field_id,
            level=level,
            online_mode=version["online_mode"],
            agency_ids=frozenset(version["agency_ids"]),
            version_id=version["id"],
            display_code=code,
            title=title,
        )
        for word in name_words:
            index.name_postings[word].add(pid)
        for word in set(search_extra.split()):
            index.extra_postings[word].add(pid)
        index.codes[code.lower()].append(pid)
        if national_code and national_code.lower() != code.lower():
            index.codes[national_code.lower()].append(pid)
    index.name_postings = dict(index.name_postings)
    index.extra_postings = dict(index.extra_postings)
    index.vocab = sorted(set(index.name_postings) | set(index.extra_postings))
    for word in index.vocab:
        index.by_iy[_iy(word)].add(word)
        if len(word) >= 3 and not word.isdigit():
            for gram in _trigrams(word):
                index.by_trigram[gram].add(word)
    index.alphabetical = sorted(index.docs, key=lambda pid: (index.docs[pid].name, index.docs[pid].code))
    index.agency_ids = frozenset().union(*(doc.agency_ids for doc in index.docs.values()))
    return index


def current_versions(procedure_ids: list[int], index: "_Index | None" = None) -> dict[int, int]:
    """``{procedure_id: id of its version in force}`` as the index knows it (no query beyond the stamp)."""
    docs = (index or get_index()).docs
    return {pid: docs[pid].version_id for pid in procedure_ids if pid in docs}


def agency_ids() -> frozenset:
    """Ids of the agencies named by a version in force of an active procedure."""
    return get_index().agency_ids


@dataclass(frozen=True)
class Filters:
    field_id: int | None = None
    agency_id: int | None = None
    level: str | None = None
    online_mode: str | None = None

    def admits(self, doc: _Doc) -> bool:
        return (
            (self.field_id is None or doc.field_id == self.field_id)
            and (self.level is None or doc.level == self.level)
            and (self.online_mode is None or doc.online_mode == self.online_mode)
            and (self.agency_id is None or self.agency_id in doc.agency_ids)
        )


def _query_tokens(query: str) -> list[str]:
    folded = f" {fold(query)} "
    for phrase in _STOP_PHRASES:
        folded = folded.replace(f" {phrase} ", " ")
    tokens = list(dict.fromkeys(folded.split()))  # a repeated word counts once
    return [t for t in tokens if t not in _STOP_WORDS] or tokens


def rank(query: str, filters: Filters | None = None, index: _Index | None = None) -> RankResult:
    """Ids of active procedures with a version in force that match ``query`` and ``filters``, best first.

    An empty query lists everything the filters admit, by name. ``index`` defaults to ``get_index()``.
    """
    index = index or get_index()
    filters = filters or Filters()
    admitted = (
        {pid for pid, doc in index.docs.items() if filters.admits(doc)} if filters != Filters() else None
    )

    def ok(pid: int) -> bool:
        return admitted is None or pid in admitted

    raw = (query or "").strip().lower()
    code_hits = [pid for pid in index.codes.get(raw, []) if ok(pid)]
    if _CODE_LIKE.match(raw):
        prefix_hits = sorted(
            (pid for code, pids in index.codes.items() if code.startswith(raw) for pid in pids if ok(pid)),
            key=lambda pid: index.docs[pid].code,
        )
        return RankResult(list(dict.fromkeys(code_hits + prefix_hits)))
    tokens = _query_tokens(query)
    if not tokens:
        return RankResult([pid for pid in index.alphabetical if ok(pid)])
    return _rank_words(index, tokens, ok, code_hits)


def _rank_words(index: _Index, tokens: list[str], ok, code_hits: list[int]) -> RankResult:
    expansions = [index.expand(token) for token in tokens]
    required = [i for i, exp in enumerate(expansions) if exp]
    name_hits: list[dict[int, float]] = []
    extra_hits: list[dict[int, float]] = []
    for expansion in expansions:
        names: dict[int, float] = {}
        extras: dict[int, float] = {}
        for word, weight in expansion.items():
            for pid in index.name_postings.get(word, ()):
                if names.get(pid, 0) < weight:
                    names[pid] = weight
            for pid in index.extra_postings.get(word, ()):
                if extras.get(pid, 0) < weight:
                    extras[pid] = weight
        name_hits.append(names)
        extra_hits.append(extras)

    matched_count: dict[int, int] = defaultdict(int)
    score: dict[int, float] = defaultdict(float)
    for i in required:
        for pid in set(name_hits[i]) | set(extra_hits[i]):
            if not ok(pid):
                continue
            matched_count[pid] += 1
            in_name = name_hits[i].get(pid, 0.0)
            score[pid] += 10 * in_name if in_name else 2 * extra_hits[i][pid]

    phrase = " ".join(_best_word(tokens[i], expansions[i]) for i in range(len(tokens)) if expansions[i])
    pairs = [
        (_best_word(tokens[i], expansions[i]), _best_word(tokens[j], expansions[j]))
        for i, j in zip(required, required[1:], strict=False)
    ]
    # A word the catalog does not know at all makes every result partial (flagged approximate) rather than
    # being silently dropped: "giam ho" must not look like a precise answer listing every "hộ tịch" procedure.
    needed = len(tokens)
    complete = [pid for pid, n in matched_count.items() if n == needed]
    approximate = not complete
    if complete:
        candidates = complete
        if len(complete) < _FEW and needed >= 3:  # a long, wordy query: show the near misses after them
            candidates += [pid for pid, n in matched_count.items() if n == needed - 1]
    else:  # only the closest partial matches: those matching the most words
        best = max(matched_count.values(), default=0)
        candidates = [pid for pid, n in matched_count.items() if n == best]
    for pid in candidates:
        doc = index.docs[pid]
        if phrase and f" {phrase} " in doc.name:
            score[pid] += 50
            if doc.name.startswith(f" {phrase} "):
                score[pid] += 10
            if doc.name.strip() == phrase:
                score[pid] += 30
        score[pid] += sum(5 for a, b in pairs if f" {a} {b} " in doc.name)
        score[pid] -= 0.2 * len(doc.name_words)
    for pid in code_hits:
        score[pid] += 1000
    ordered = sorted(
        set(candidates) | set(code_hits),
        key=lambda pid: (
            -matched_count.get(pid, 0),
            -score[pid],
            index.docs[pid].name,
            index.docs[pid].code,
        ),
    )
    return RankResult(ordered, approximate=approximate and bool(ordered))


def _best_word(token: str, expansion: dict[str, float]) -> str:
    """The vocabulary word the user most likely meant, for the phrase bonus."""
    if token in expansion:
        return token
    return (
        max(expansion.items(), key=lambda item: (item[1], -abs(len(item[0]) - len(token)), item[0]))[0]
        if expansion
        else token
    )
