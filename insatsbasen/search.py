"""Free-text search with Swedish stemming, on PostgreSQL (full-text, ranked) and on SQLite (stems, simple rank).

Every insats keeps a ``search_document``: its searchable words stemmed with the Swedish Snowball
stemmer. A query is stemmed the same way; a query stem matches a document stem that equals it or
starts with it, and for compounds ("praktikplatser") also a document stem that the query stem
starts with ("praktik"), so parts of Swedish compound words are found. No search reads the
documents one by one: the compound parts come from the query itself (``candidate_parts``), and
PostgreSQL answers from a GIN index on the tsvector of ``search_document``.
"""

import re

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, Expression, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast

_STEMMER = snowballstemmer.stemmer("swedish")
_WORD = re.compile(r"\w+", re.UNICODE)
# Stems shorter than this are not used as compound parts: "in" must not match everything.
MIN_COMPOUND_PART = 4
# Nor is a stem one letter shorter than the query's below this: "i" and "en" are in every document.
MIN_SHORTER_STEM = 3


def words(text):
    return [word.lower() for word in _WORD.findall(text or "") if not word.isdigit() or len(word) > 1]


def stems(text):
    return [_STEMMER.stemWord(word) for word in words(text)]


def build_document(insats):
    """The stemmed search text of an insats (name weighs most: it is repeated)."""
    parts = [
        insats.name,
        insats.name,
        insats.short_description,
        insats.description,
        insats.eligibility,
        insats.category.name if insats.category_id else "",
        insats.provider.name if insats.provider_id else "",
        insats.owner_municipality.name if insats.owner_municipality_id else "",
        " ".join(insats.language_names()),
    ]
    if insats.pk:
        parts.extend(group.name for group in insats.target_groups.all())
    return " ".join(stems(" ".join(parts)))


def candidate_parts(query_stem):
    """What a query stem may be a compound of, without reading any document.

    Its own prefixes of at least MIN_COMPOUND_PART letters (praktikplats → praktik, praktikp ...), and
    the stem one letter shorter, since the stemmer cuts some words differently by form (kurser → kurs,
    kurs → kur). They are matched as whole stems: "prak" finds a document with the stem "prak" only.
    """
    parts = {query_stem[:length] for length in range(MIN_COMPOUND_PART, len(query_stem))}
    if len(query_stem) > MIN_SHORTER_STEM:
        parts.add(query_stem[:-1])
    return sorted(parts)


def search(queryset, query):
    """Filter and rank ``queryset`` by the free-text query; returns the queryset annotated with ``rank``.

    Each query word must match (AND): its stem as a prefix of a document stem, or one of its
    ``candidate_parts`` as a whole document stem. The work per search does not grow with the catalogue:
    on PostgreSQL the match is answered by the GIN index on the stored ``search_vector`` (migration 0006).
    """
    query_stems = list(dict.fromkeys(stems(query)))
    if not query_stems:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    groups = [(stem, candidate_parts(stem)) for stem in query_stems]
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, groups)
    return _search_simple(queryset, groups)


class StoredSearchVector(Expression):
    """The stored tsvector of ``search_document`` (PostgreSQL only): the generated column ``search_vector``
    with its GIN index (migration 0006). Not a model field; the alias is the query's own, so this also
    works when the search is a subquery."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name('search_vector')}", []


def _search_postgres(queryset, groups):
    # The document is already stemmed; the 'simple' config keeps our stems as they are, and
    # ':*' prefix matching lets "kurs" find "kurser" stems too. Ranking by ts_rank.
    terms = [" | ".join([f"{_quote(stem)}:*", *(_quote(part) for part in parts)]) for stem, parts in groups]
    raw = " & ".join(f"({term})" for term in terms)
    search_query = SearchQuery(raw, config="simple", search_type="raw")
    return (
        queryset.alias(search_vector=StoredSearchVector())
        .filter(search_vector=search_query)
        .annotate(rank=SearchRank(F("search_vector"), search_query))
    )


def _quote(stem):
    return "'" + stem.replace("'", "") + "'"


def _search_simple(queryset, groups):
    condition = Q()
    rank = Value(0, output_field=IntegerField())
    for stem, parts in groups:
        alternatives = [Q(search_document__startswith=stem) | Q(search_document__contains=f" {stem}")]
        alternatives += [
            Q(search_document=part)
            | Q(search_document__startswith=f"{part} ")
            | Q(search_document__contains=f" {part} ")
            | Q(search_document__endswith=f" {part}")
            for part in parts
        ]
        group_condition = Q()
        for word_condition in alternatives:
            group_condition |= word_condition
            rank = rank + Case(When(word_condition, then=Value(1)), default=Value(0), output_field=IntegerField())
        condition &= group_condition
    return queryset.filter(condition).annotate(rank=Cast(rank, FloatField()))
