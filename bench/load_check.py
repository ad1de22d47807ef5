"""After the load test: is every acknowledged write in the database? Prints the result table.

    DJANGO_SETTINGS_MODULE=intro_sodertorn.settings python bench/load_check.py WRITES.jsonl SUMMARY.json START_ISO

Reads the writes recorded by bench/load_mixed.py (kind, user, unique marker) and looks each one
up through the ORM; exports are counted per user against the jobs created since the start.
Exit status 1 when a write is missing or a response was >= 500.
"""

import collections
import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")

import django  # noqa: E402

django.setup()

from insatsbasen.models import InsatsChange  # noqa: E402
from intro_sodertorn.models import ExportJob  # noqa: E402
from natverk.models import Contact  # noqa: E402
from uppdrag.models import ActionPoint, JournalNote  # noqa: E402

LOOKUPS = {
    "journal_note": lambda mark: JournalNote.objects.filter(text__contains=mark).exists(),
    "action_point": lambda mark: ActionPoint.objects.filter(title__contains=mark).exists(),
    "contact": lambda mark: Contact.objects.filter(name__contains=mark).exists(),
    # Every edit leaves its change rows, even when a later edit replaced the text.
    "insats_edit": lambda mark: InsatsChange.objects.filter(
        new_value__contains=mark, field="short_description"
    ).exists(),
}


def main(writes_path, summary_path, start_iso):
    start = datetime.datetime.fromisoformat(start_iso)
    writes = [json.loads(line) for line in Path(writes_path).read_text().splitlines() if line.strip()]
    summary = json.loads(Path(summary_path).read_text())
    acknowledged = collections.Counter()
    found = collections.Counter()
    missing = []
    exports_asked = collections.Counter()
    for write in writes:
        kind = write["kind"]
        if kind == "export":
            exports_asked[write["user"]] += 1
            continue
        if kind not in LOOKUPS:
            continue
        acknowledged[kind] += 1
        if LOOKUPS[kind](write["marker"]):
            found[kind] += 1
        else:
            missing.append(write)
    jobs = ExportJob.objects.filter(created_at__gte=start)
    for user, asked in exports_asked.items():
        acknowledged["export"] += asked
        recorded = jobs.filter(user__username=user).count()
        found["export"] += min(asked, recorded)
        if recorded < asked:
            missing.append({"kind": "export", "user": user, "asked": asked, "recorded": recorded})
    refused = sum(1 for write in writes if write["kind"] == "insats_edit_refused")

    rows = [
        ("requests", summary["requests"]),
        ("failures (locust: status >= 400 or no answer)", summary["failures"]),
        ("responses >= 500", summary["server_errors"]),
        ("throughput (requests/s)", summary["rps"]),
        ("p50 (ms)", summary["p50_ms"]),
        ("p95 (ms)", summary["p95_ms"]),
        ("writes acknowledged", sum(acknowledged.values())),
        ("writes found afterwards", sum(found.values())),
    ]
    rows += [
        (f"  {kind}: acknowledged / found", f"{acknowledged[kind]} / {found[kind]}") for kind in sorted(acknowledged)
    ]
    rows += [
        ("insats edits refused by the version lock (not acknowledged)", refused),
        ("export jobs done / failed / still queued or running", _export_states(jobs)),
    ]
    width = max(len(name) for name, _value in rows)
    print()
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    for error in summary.get("errors", []):
        print(f"  error: {error}")
    for example in summary.get("server_error_examples", []):
        print(f"  5xx: {example}")
    for write in missing[:20]:
        print(f"  MISSING: {write}")
    passed = not missing and summary["server_errors"] == 0 and sum(acknowledged.values()) > 0
    print(f"\n{'PASS' if passed else 'FAIL'}: 0 responses >= 500 and every acknowledged write present")
    return 0 if passed else 1


def _export_states(jobs):
    counts = collections.Counter(jobs.values_list("status", flat=True))
    waiting = counts[ExportJob.Status.QUEUED] + counts[ExportJob.Status.RUNNING]
    return f"{counts[ExportJob.Status.DONE]} / {counts[ExportJob.Status.FAILED]} / {waiting}"


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
