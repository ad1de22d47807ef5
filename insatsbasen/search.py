"""Free-text search with Swedish stemming, ranked the same way on PostgreSQL and on SQLite.

Every insats keeps a ``search_document``: its searchable words stemmed with the Swedish Snowball
stemmer, in four weighted sections separated by ``|`` (name; summary, category, target groups;
description and eligibility; provider, municipality, places and languages). Compounds are split
with a word list (``search_words.py``) and their parts stored beside them, so "jobb" finds
"Sommarjobb" and "cyklar" finds "Cykelskola"; a query compound ("svenskundervisning") finds the
documents holding all its parts.

The database keeps its own index of the document, written by the database itself on every write of
``search_document`` (``services.insats_refresh_derived`` is the one place that writes it, and the
bulk loaders write it in the same insert), so no code path can leave the index behind:

- PostgreSQL: the generated column ``search_vector`` (each section with its weight A–D) with a GIN
  index, ranked by ``ts_rank``; the words of the catalogue in ``insatsbasen_search_term`` with a
  pg_trgm index for "Menade du …?" (migration 0010).
- SQLite (``make run``): an FTS5 table kept by triggers, ranked by ``bm25`` with the same weights;
  the words for suggestions come from its ``fts5vocab`` table through a small trigram index in the
  process. A SQLite table rebuild (Django remakes a table to alter it) drops triggers, so
  ``ensure_index`` re-creates them after every ``migrate``.

A query is parsed once (``parse``) into the same match on both databases: every query word must
match (AND), as the prefix of a document term, as the stem one letter shorter, or through all of its
compound parts. Only when that finds nothing may any word or part match (OR), ranked the same way.
"""

import re
import time
from functools import lru_cache

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, Expression, F, FloatField, Value, Window
from django.db.models.expressions import RawSQL, RowRange
from django.utils import translation

from .search_words import WORDS

_STEMMER = snowballstemmer.stemmer("swedish")
_WORD = re.compile(r"\w+", re.UNICODE)
SEPARATOR = "|"
# Section weights, name first: PostgreSQL's ts_rank takes them as {D, C, B, A}, FTS5's bm25 per column.
WEIGHTS = (1.0, 0.4, 0.2, 0.1)
# ts_rank divided by 1 + log(document length), as bm25 weighs long documents down: with it both databases put
# the same kind of insats first for 96 % of the relevance set (tests/insatsbasen/test_search_relevance.py).
TS_RANK_NORMALIZATION = 1
# Compound parts are at least this long ("bil", "tid", "dag").
MIN_PART = 3
# Nor is the stem one letter shorter used below this: "i" and "en" are in every document.
MIN_SHORTER_STEM = 3
# Words that carry no meaning in a search ("kurser i svenska för vuxna" asks for kurs, svensk, vuxen).
STOPWORDS = frozenset(
    {
        "och",
        "i",
        "på",
        "för",
        "med",
        "att",
        "en",
        "ett",
        "som",
        "av",
        "till",
        "om",
        "är",
        "det",
        "den",
        "de",
        "vi",
        "du",
        "jag",
        "hur",
        "var",
        "vad",
        "kan",
        "vill",
        "min",
        "mitt",
        "mina",
        "sig",
        "där",
        "eller",
        "från",
        "efter",
        "vid",
        "inom",
        "mot",
        "utan",
        "hos",
        "så",
        "har",
        "ska",
        "man",
        "när",
        "alla",
        "någon",
        "något",
    }
)
# Abbreviations a case officer uses for what the catalogue also writes out.
SYNONYMS = {
    "sfi": "svenska för invandrare svenskundervisning",
    "so": "samhällsorientering",
}
VOWELS = "aeiouyåäö"
FTS_TABLE = "insatsbasen_insats_fts"
FTS_VOCAB = "insatsbasen_insats_fts_vocab"
TERM_TABLE = "insatsbasen_search_term"


def words(text):
    return [word.lower() for word in _WORD.findall(text or "") if not word.isdigit() or len(word) > 1]


def _drop_e(text):
    """cykel → cykl, förälder → föräldr, vuxen → vuxn: the form Swedish inflection leaves ("cyklar")."""
    if len(text) >= 4 and text[-2] == "e" and text[-1] in "lnr" and text[-3] not in VOWELS:
        return text[:-2] + text[-1]
    return text


@lru_cache(maxsize=1)
def _forms():
    """Every form of a word of the word list (its stem, as written, without the e of -el/-en/-er, without
    a final vowel as in "skol-"), mapped to the word's stem: the one term its parts are stored as."""
    forms = {}
    for word in WORDS.split():
        canonical = _STEMMER.stemWord(word)
        for form in (canonical, word, _drop_e(word), _drop_e(canonical), word.rstrip(VOWELS)):
            if len(form) >= MIN_PART:
                forms.setdefault(form, canonical)
    return forms


# Kept: Snowball costs ~90 µs a word, and the words of insatser repeat (an import of 5,000 rows stems ~200,000).
@lru_cache(maxsize=65536)
def stem(word):
    """The Snowball stem, the same term for every form of a word of the word list ("cyklar", "cykel")."""
    stemmed = _STEMMER.stemWord(word)
    return _forms().get(stemmed, stemmed)


def stems(text):
    return [stem(word) for word in words(text)]


def _head(text, depth):
    """The parts of the first part of a compound, allowing the linking s and vowel (arbets-, hälso-)."""
    forms = _forms()
    for variant in dict.fromkeys((text, text[:-1] if text.endswith("s") else text)):
        for candidate in dict.fromkeys((variant, variant.rstrip(VOWELS) if len(variant) > MIN_PART else variant)):
            if candidate in forms:
                return [forms[candidate]]
            if depth and (parts := _split(candidate, depth - 1)):
                return parts
    return []


def _split(term, depth=2):
    forms = _forms()
    for cut in range(MIN_PART, len(term) - MIN_PART + 1):
        tail = term[cut:]
        if tail in forms and (head := _head(term[:cut], depth)):
            return [*head, forms[tail]]
    return []


@lru_cache(maxsize=4096)
def compound_parts(term):
    """The parts of a compound stem by the word list: sommarjobb → [somm, jobb], cykelskol → [cykel, skol],
    svenskundervisning → [svensk, undervisning]; [] for a word that is not such a compound."""
    if len(term) < 2 * MIN_PART:
        return ()
    return tuple(part for part in _split(term) if part != term)


def _section_terms(text):
    terms = []
    for word in words(text):
        if word in STOPWORDS:
            continue
        term = stem(word)
        terms.append(term)
        terms.extend(compound_parts(term))
        if word in SYNONYMS:
            terms.extend(_section_terms(SYNONYMS[word]))
    return terms


def build_document(insats, groups=None, places=None):
    """The stemmed search text of an insats in its four weighted sections (see the module docstring).

    Reads only fields and relations, so a data migration can call it with a historical model. Swedish as
    language of instruction is left out: nearly every insats has it, and "svenska" would then match all
    (the language filter finds it). ``groups`` and ``places``, when the caller has them at hand (the target
    groups a form has just saved, no places for a new insats), spare their queries.
    """
    from .models import LANGUAGE_NAMES

    with translation.override("sv"):
        languages = [str(LANGUAGE_NAMES.get(code, code)) for code in insats.languages or [] if code != "sv"]
    if groups is None:
        groups = insats.target_groups.all() if insats.pk else []
    if places is None:
        places = insats.places.all() if insats.pk else []
    groups = [group.name for group in groups]
    places = [f"{place.name} {place.city}" for place in places]
    sections = [
        [insats.name],
        [insats.short_description, insats.category.name if insats.category_id else "", *groups],
        [insats.description, insats.eligibility],
        [
            insats.provider.name if insats.provider_id else "",
            insats.owner_municipality.name if insats.owner_municipality_id else "",
            *places,
            *languages,
        ],
    ]
    return SEPARATOR.join(" ".join(_section_terms(" ".join(part or "" for part in section))) for section in sections)


# --- Queries -------------------------------------------------------------------------------------


def parse(query):
    """The query as (term, compound parts) per meaningful word; stopwords only count in a query of nothing else."""
    found = words(query)
    meaningful = [word for word in found if word not in STOPWORDS] or found
    terms = dict.fromkeys(stem(word) for word in meaningful)
    return [(term, compound_parts(term)) for term in terms]


def _alternatives(term, parts, relaxed, prefix, exact, all_of, any_of):
    options = [prefix(term)]
    if len(term) > MIN_SHORTER_STEM:
        options.append(exact(term[:-1]))
    if parts:
        options.append((any_of if relaxed else all_of)([exact(part) for part in parts]))
    return any_of(options)


def tsquery(groups, relaxed=False):
    """The PostgreSQL tsquery (raw syntax) of parsed groups."""

    def quote(term):
        return "'" + term.replace("'", "") + "'"

    return (" | " if relaxed else " & ").join(
        _alternatives(
            term,
            parts,
            relaxed,
            prefix=lambda t: f"{quote(t)}:*",
            exact=quote,
            all_of=lambda items: "(" + " & ".join(items) + ")",
            any_of=lambda items: "(" + " | ".join(items) + ")",
        )
        for term, parts in groups
    )


def fts5_query(groups, relaxed=False):
    """The SQLite FTS5 MATCH expression of parsed groups (the same match as ``tsquery``)."""

    def quote(term):
        return '"' + term.replace('"', "") + '"'

    return (" OR " if relaxed else " AND ").join(
        _alternatives(
            term,
            parts,
            relaxed,
            prefix=lambda t: f"{quote(t)}*",
            exact=quote,
            all_of=lambda items: "(" + " AND ".join(items) + ")",
            any_of=lambda items: "(" + " OR ".join(items) + ")",
        )
        for term, parts in groups
    )


def search(queryset, query):
    """Filter and rank ``queryset`` by the free-text query; returns the queryset annotated with ``rank``.

    Every word must match, and a compound query word ("svenskundervisning") through all its parts. Only if
    that finds nothing does any word or part match, ranked by how much of the query an insats holds ("läsa
    och skriva analfabeter" finds SFI by "läsa" and "analfabeter"). That costs one EXISTS query, and only for
    a query of several words or with a compound word.
    """
    groups = parse(query)
    if not groups:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    ranked = _match(queryset, groups)
    if (len(groups) > 1 or any(parts for _term, parts in groups)) and not ranked.exists():
        ranked = _match(queryset, groups, relaxed=True)
    return ranked


def _match(queryset, groups, relaxed=False):
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        search_query = SearchQuery(tsquery(groups, relaxed), config="simple", search_type="raw")
        return (
            queryset.alias(search_vector=StoredSearchVector())
            .filter(search_vector=search_query)
            .annotate(
                rank=SearchRank(
                    F("search_vector"),
                    search_query,
                    weights=list(reversed(WEIGHTS)),
                    normalization=Value(TS_RANK_NORMALIZATION),
                )
            )
        )
    expression = fts5_query(groups, relaxed)
    return queryset.filter(
        pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression])
    ).annotate(rank=Fts5Rank(expression))


class StoredSearchVector(Expression):
    """The stored tsvector of ``search_document`` (PostgreSQL only): the generated column ``search_vector``
    with its GIN index (migration 0010). Not a model field; the alias is the query's own, so this also
    works when the search is a subquery."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name('search_vector')}", []


class Fts5Rank(Expression):
    """SQLite: the insats's bm25 score for the MATCH expression (higher is better), with the section weights."""

    output_field = FloatField()

    def __init__(self, expression):
        super().__init__()
        self.expression = expression

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        weights = ", ".join(str(weight * 10) for weight in WEIGHTS)
        sql = (
            f"(SELECT -bm25({FTS_TABLE}, {weights}) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = {alias}.id)"
        )
        return sql, [self.expression]


# --- "Menade du …?" --------------------------------------------------------------------------------


def trigrams(text):
    """The trigrams of a word as pg_trgm forms them ("  ord "), so both databases compare words alike."""
    grams = set()
    for word in words(text):
        padded = f"  {word} "
        grams.update(padded[index : index + 3] for index in range(len(padded) - 2))
    return grams


def similarity(first, second):
    a, b = trigrams(first), trigrams(second)
    return len(a & b) / len(a | b) if a and b else 0.0


SIMILARITY_THRESHOLD = 0.3  # pg_trgm's default for the % operator
_SQLITE_TERMS = {}  # database alias → (read at, terms, trigram → terms)
_SQLITE_TERMS_SECONDS = 60


def _sqlite_term_index(alias):
    """The catalogue's terms from FTS5's vocabulary, indexed by trigram in the process (kept for a minute)."""
    cached = _SQLITE_TERMS.get(alias)
    if cached and time.monotonic() - cached[0] < _SQLITE_TERMS_SECONDS:
        return cached[1]
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT term FROM {FTS_VOCAB}")
        terms = [row[0] for row in cursor.fetchall()]
    index = {}
    for term in terms:
        for gram in trigrams(term):
            index.setdefault(gram, []).append(term)
    _SQLITE_TERMS[alias] = (time.monotonic(), index)
    return index


def closest_terms(term, alias="default", limit=5):
    """The catalogue terms most like ``term`` by trigram similarity (pg_trgm on PostgreSQL), best first."""
    if connections[alias].vendor == "postgresql":
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f"SELECT term FROM {TERM_TABLE} WHERE term %% %s AND term <> %s "
                "ORDER BY similarity(term, %s) DESC, term LIMIT %s",
                [term, term, term, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    index = _sqlite_term_index(alias)
    candidates = {other for gram in trigrams(term) for other in index.get(gram, ())}
    scored = [(similarity(term, other), other) for other in candidates if other != term]
    scored = [(score, other) for score, other in scored if score >= SIMILARITY_THRESHOLD]
    return [other for _score, other in sorted(scored, key=lambda pair: (-pair[0], pair[1]))[:limit]]


def _surface_word(queryset, term):
    """A word as written in the catalogue whose stem is ``term`` (samhällsorienter → samhällsorientering)."""
    counts = {}
    for row in _match(queryset, [(term, ())]).values_list("name", "short_description", "description")[:10]:
        for word in words(" ".join(row)):
            if stem(word) == term:
                counts[word] = counts.get(word, 0) + 1
    if counts:
        return max(counts, key=lambda word: (counts[word], -len(word)))
    base = [word for word in WORDS.split() if _STEMMER.stemWord(word) == term]
    return base[0] if base else None


def suggest(queryset, query):
    """For a query without hits in ``queryset``: the query with its unknown words replaced by the closest words
    of the catalogue that give hits ("samhälsorientering" → "samhällsorientering"), or None."""
    found = [word for word in words(query) if word not in STOPWORDS]
    if not found or len(found) > 5:
        return None
    corrected, changed = list(found), False
    for index, word in enumerate(found):
        if search(queryset, word).exists():
            continue
        for candidate in closest_terms(stem(word), alias=queryset.db, limit=3):
            surface = _surface_word(queryset, candidate)
            if surface and search(queryset, surface).exists():
                corrected[index], changed = surface, True
                break
        else:
            return None
    text = " ".join(corrected)
    return text if changed and search(queryset, text).exists() else None


# --- The database's own index: installed by migration 0010, guarded after every migrate ----------


def _sqlite_section(column, number):
    """SQL for section ``number`` (1–4) of ``column`` split at SEPARATOR, without split_part in SQLite."""
    rest = column
    for _ in range(number - 1):
        rest = f"substr({rest}, instr({rest}, '{SEPARATOR}') + 1)"
    if number == 4:
        return rest
    return f"substr({rest}, 1, instr({rest} || '{SEPARATOR}', '{SEPARATOR}') - 1)"


def _sqlite_row(prefix):
    column = f"coalesce({prefix}search_document, '')"
    return ", ".join(_sqlite_section(column, number) for number in range(1, 5))


SQLITE_TRIGGERS = {
    "insatsbasen_insats_fts_insert": f"""
        CREATE TRIGGER insatsbasen_insats_fts_insert AFTER INSERT ON insatsbasen_insats BEGIN
            INSERT INTO {FTS_TABLE} (rowid, name, summary, body, extra) VALUES (new.id, {_sqlite_row("new.")});
        END""",
    "insatsbasen_insats_fts_update": f"""
        CREATE TRIGGER insatsbasen_insats_fts_update AFTER UPDATE OF search_document ON insatsbasen_insats BEGIN
            DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
            INSERT INTO {FTS_TABLE} (rowid, name, summary, body, extra) VALUES (new.id, {_sqlite_row("new.")});
        END""",
    "insatsbasen_insats_fts_delete": f"""
        CREATE TRIGGER insatsbasen_insats_fts_delete AFTER DELETE ON insatsbasen_insats BEGIN
            DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
        END""",
}


def sqlite_install(cursor):
    """The FTS5 table, its vocabulary and the triggers that keep it, filled from every insats (idempotent)."""
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "name, summary, body, extra, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4')"
    )
    cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_VOCAB} USING fts5vocab({FTS_TABLE}, 'row')")
    for name, sql in SQLITE_TRIGGERS.items():
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(sql)
    cursor.execute(f"DELETE FROM {FTS_TABLE}")
    cursor.execute(
        f"INSERT INTO {FTS_TABLE} (rowid, name, summary, body, extra) "
        f"SELECT id, {_sqlite_row('')} FROM insatsbasen_insats"
    )


def ensure_index(using="default", **kwargs):
    """After ``migrate`` on SQLite: re-create the FTS5 triggers (and refill) if a table rebuild dropped them."""
    connection_ = connections[using]
    if connection_.vendor != "sqlite":
        return
    with connection_.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE in present and not set(SQLITE_TRIGGERS) <= present:
            sqlite_install(cursor)


POSTGRES_INSTALL = f"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DROP INDEX IF EXISTS insats_search_vector_gin;
ALTER TABLE insatsbasen_insats DROP COLUMN IF EXISTS search_vector;
ALTER TABLE insatsbasen_insats ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, split_part(COALESCE(search_document, ''), '{SEPARATOR}', 1)), 'A')
    || setweight(to_tsvector('simple'::regconfig, split_part(COALESCE(search_document, ''), '{SEPARATOR}', 2)), 'B')
    || setweight(to_tsvector('simple'::regconfig, split_part(COALESCE(search_document, ''), '{SEPARATOR}', 3)), 'C')
    || setweight(to_tsvector('simple'::regconfig, split_part(COALESCE(search_document, ''), '{SEPARATOR}', 4)), 'D')
) STORED;
CREATE INDEX insats_search_vector_gin ON insatsbasen_insats USING gin (search_vector);
CREATE TABLE IF NOT EXISTS {TERM_TABLE} (term text PRIMARY KEY);
CREATE INDEX IF NOT EXISTS insatsbasen_search_term_trgm ON {TERM_TABLE} USING gin (term gin_trgm_ops);
CREATE OR REPLACE FUNCTION insatsbasen_search_terms_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TERM_TABLE} (term)
    SELECT DISTINCT word FROM new_rows, unnest(tsvector_to_array(
        to_tsvector('simple'::regconfig, replace(new_rows.search_document, '{SEPARATOR}', ' '))
    )) AS word
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS insatsbasen_search_terms_insert ON insatsbasen_insats;
CREATE TRIGGER insatsbasen_search_terms_insert AFTER INSERT ON insatsbasen_insats
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insatsbasen_search_terms_add();
DROP TRIGGER IF EXISTS insatsbasen_search_terms_update ON insatsbasen_insats;
CREATE TRIGGER insatsbasen_search_terms_update AFTER UPDATE ON insatsbasen_insats
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insatsbasen_search_terms_add();
"""


def did_you_mean(queryset, query, params):
    """For a search page without hits: {"text", "querystring"} of the suggested search (the page's other
    parameters kept, page dropped), or None."""
    text = suggest(queryset, query)
    if not text:
        return None
    params = params.copy()
    params["q"] = text
    params.pop("page", None)
    return {"text": text, "querystring": params.urlencode()}


class CountingPaginator(Paginator):
    """A paginator that finds the page in one narrow query and counts in it (``COUNT(*) OVER ()``).

    A ranked search reads and ranks every hit before it knows the first page, so counting them there costs nothing,
    where a separate ``COUNT(*)`` repeats the whole match. That query selects only the key (the rank and the name
    stay in ORDER BY): with every column of every hit (and the joined names) the window buffered 6,700 wide rows
    for ``svenska`` at 20,000 insatser and spilled them to disk, about half the search's time. The page's rows are
    then read by their keys, with the list's joins, prefetches and annotations, and put in the page's order.

    Only a page without rows (no hits, or a page past the end) falls back to the plain count, and so does a
    DISTINCT list (a window counts the rows before DISTINCT removes duplicates).
    """

    def get_page(self, number):
        if self.object_list.query.distinct:
            return super().get_page(number)
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        ordering = tuple(self.object_list.query.order_by)
        keys_list = self.object_list
        if ordering:
            # The window sorts the hits in the page's order and counts them all (the whole frame): the rank is then
            # computed below the window and only (key, rank, name) pass through it, so it stays in memory, and the
            # page's ORDER BY is already satisfied. The key last, so pages of equal ranks and names do not overlap.
            ordering = (*ordering, "pk") if "pk" not in ordering and "-pk" not in ordering else ordering
            total = Window(Count("pk"), order_by=list(ordering), frame=RowRange(start=None, end=None))
            keys_list = keys_list.order_by(*ordering)
        else:
            total = Window(Count("pk"))
        page_keys = keys_list.annotate(total_count=total).values_list("pk", "total_count")[
            bottom : bottom + self.per_page
        ]
        # Ranking every hit is the search's cost (a third of the catalogue for a broad word): the page's keys and the
        # count are kept per state of the catalogue and per query, filter, scope and page (counts.per_state), as a
        # search engine keeps its result cache until the next commit; any change to the catalogue ranks anew.
        from . import counts

        keys = [tuple(key) for key in counts.per_state("ranked-page", page_keys, lambda: list(page_keys))]
        if not keys:
            return super().get_page(number)
        self.__dict__["count"] = keys[0][1]
        by_key = {row.pk: row for row in self.object_list.order_by().filter(pk__in=[key for key, _total in keys])}
        rows = [by_key[key] for key, _total in keys if key in by_key]
        return self._get_page(rows, number, self)
