"""Free-text search with Swedish stemming, on PostgreSQL (full-text, ranked) and on SQLite (stems, simple rank).

Every insats keeps a ``search_document``: its searchable words stemmed with the Swedish Snowball
stemmer. A query is stemmed the same way; a query stem matches a document stem that equals it or
starts with it, and for compounds ("praktikplatser") also a document stem that the query stem
starts with ("praktik"), so parts of Swedish compound words are found.
"""

import re

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast

_STEMMER = snowballstemmer.stemmer("swedish")
_WORD = re.compile(r"\w+", re.UNICODE)
# Stems shorter than this are not used as compound parts: "in" must not match everything.
MIN_COMPOUND_PART = 4


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


def _compound_stems(query_stem, vocabulary):
    """Stems of the vocabulary that start the query stem: compound parts (praktikplats → praktik), and
    stems one letter shorter, since the stemmer cuts some words differently by form (kurser → kurs, kurs → kur)."""
    return {
        stem
        for stem in vocabulary
        if stem != query_stem
        and query_stem.startswith(stem)
        and (len(stem) >= MIN_COMPOUND_PART or len(query_stem) - len(stem) <= 1)
    }


def search(queryset, query):
    """Filter and rank ``queryset`` by the free-text query; returns the queryset annotated with ``rank``."""
    query_stems = list(dict.fromkeys(stems(query)))
    if not query_stems:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    # Each query word must match (AND); a word matches its stem as a prefix, or a compound part of it.
    vocabulary = _vocabulary(queryset)
    alternatives = []
    for stem in query_stems:
        alternatives.append([stem, *sorted(_compound_stems(stem, vocabulary))])
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, alternatives)
    return _search_simple(queryset, alternatives)


def _vocabulary(queryset):
    """Distinct stems of the candidate documents (for compound splitting); small for a catalogue."""
    vocabulary = set()
    for document in queryset.values_list("search_document", flat=True).iterator(chunk_size=2000):
        vocabulary.update(document.split())
    return vocabulary


def _search_postgres(queryset, alternatives):
    # The document is already stemmed; the 'simple' config keeps our stems as they are, and
    # ':*' prefix matching lets "kurs" find "kurser" stems too. Ranking by ts_rank.
    terms = [" | ".join(f"{_quote(alt)}:*" for alt in group) for group in alternatives]
    raw = " & ".join(f"({term})" for term in terms)
    search_query = SearchQuery(raw, config="simple", search_type="raw")
    vector = SearchVector("search_document", config="simple")
    return (
        queryset.annotate(search_vector=vector)
        .filter(search_vector=search_query)
        .annotate(rank=SearchRank(F("search_vector"), search_query))
    )


def _quote(stem):
    return "'" + stem.replace("'", "") + "'"


def _search_simple(queryset, alternatives):
    condition = Q()
    rank = Value(0, output_field=IntegerField())
    for group in alternatives:
        group_condition = Q()
        for alt in group:
            word_condition = Q(search_document__startswith=alt) | Q(search_document__contains=f" {alt}")
            group_condition |= word_condition
            rank = rank + Case(When(word_condition, then=Value(1)), default=Value(0), output_field=IntegerField())
        condition &= group_condition
    return queryset.filter(condition).annotate(rank=Cast(rank, FloatField()))
