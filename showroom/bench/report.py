"""The bench's results: a table for the screen and the same figures as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from .measure import LIST_TARGET_MS, LOOKUP_TARGET_MS

TARGETS_TEXT = {
    "lists_and_workbench_p95_ms": LIST_TARGET_MS,
    "lookups_p95_ms": LOOKUP_TARGET_MS,
    "query_counts": "constant in the number of rows",
    "applies_to": "SQLite at the default size (1,000,000 customers and leads, 5,000,000 activities)",
}


def _num(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _target(result: dict) -> str:
    parts = []
    if result.get("target_p95_ms") is not None:
        parts.append(f"p95 ≤ {result['target_p95_ms']:.0f} ms")
    if result.get("queries_small") is not None:
        parts.append("queries constant")
    return ", ".join(parts) or "—"


def _generation(meta: dict) -> str:
    if meta["generated"]:
        return f"generated in {_num(meta['generation_wall_seconds'])} s (wall, with migrate)"
    if meta.get("generation_seconds") is not None:
        return f"reused (generated {meta.get('generated_at', '')} in {_num(meta['generation_seconds'])} s)"
    return "reused"


def table(meta: dict, results: dict) -> str:
    """The readable table, then the misses with their plans, the import and the memory."""
    lines = [
        f"Showroom bench — {meta['database']['vendor']} {meta['database']['name']}, size {meta['size']:,} "
        f"({meta['rows'].get('customers_customer', 0):,} customers, {meta['rows'].get('leads_lead', 0):,} leads, "
        f"{meta['rows'].get('followups_activity', 0):,} activities); {meta['repeat']} runs after {meta['warmup']} warm-up",
        f"Planner statistics: {meta['planner_statistics']}",
        f"Data set: {_generation(meta)}; "
        f"load average {meta['load_average_start']} → {meta['load_average_end']} on {meta['cpus']} CPUs",
        "",
    ]
    head = f"{'Measurement':<52} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'few rows':>8} {'raw p50':>8} {'raw p95':>8}  {'target':<28} result"
    lines += [head, "-" * len(head)]
    for key, r in results.items():
        if key.startswith("peak_memory") or key in ("import_sheet", "quote_calc") or key.startswith("race_"):
            continue
        if r["status"] != "ok":
            verdict = f"  {r['verdict']}" if r.get("verdict") else ""
            lines.append(f"{r['title']:<52} {r['status'].upper()}: {r.get('note', '')}{verdict}")
            continue
        raw = r.get("raw_sql") or {}
        queries = str(r["queries"]) if r["queries_min"] == r["queries_max"] else f"{r['queries_min']}-{r['queries_max']}"
        lines.append(
            f"{r['title']:<52} {r['n']:>4} {_num(r['p50_ms']):>8} {_num(r['p95_ms']):>8} {queries:>7} "
            f"{_num(r['queries_small'], 0) if r['queries_small'] is not None else '—':>8} "
            f"{_num(raw.get('p50_ms'), 2):>8} {_num(raw.get('p95_ms'), 2):>8}  {_target(r):<28} {r['verdict']}"
        )
    lines.append("")
    imp = results.get("import_sheet")
    if imp:
        if imp["status"] == "ok":
            rep = imp["report"]
            lines.append(
                f"{imp['title']}: {imp['seconds']:,.1f} s, {imp['rows_per_second']:,.0f} rows/s, {imp['queries']:,} queries; "
                f"{rep['created']:,} new, {rep['attached']:,} attached to known customers, {rep['existing']:,} existing "
                f"({rep['duplicates_in_sheet']:,} repeated in the sheet); sheet mix {imp['sheet_mix']}"
            )
        else:
            lines.append(f"{imp['title']}: {imp['status'].upper()}: {imp.get('note', '')}")
    if "quote_calc" in results:
        lines.append(f"{results['quote_calc']['title']}: {results['quote_calc']['per_second']:,} per second")
    for key, r in results.items():
        if not key.startswith("race_"):
            continue
        if r["status"] != "ok":
            lines.append(f"Race: {r['title']}: {r['status'].upper()}: {r.get('note', '')}")
        else:
            errors = f", {len(r['errors'])} other errors ({r['errors'][0]})" if r["errors"] else ""
            lines.append(f"Race: {r['title']}: {r['succeeded']} succeeded, {r['conflicts']} refused with a conflict"
                         f"{errors} — {r['verdict']} (exactly one must win)")
    for key in ("peak_memory_requests", "peak_memory"):
        if key in results:
            lines.append(f"{results[key]['title']}: {results[key]['max_rss_mb']:,.0f} MB (ru_maxrss)")
    lines.append("")
    lines.append("What was measured:")
    for key, r in results.items():
        lines.append(f"  {key}: {r.get('via', '')}")
    misses = {k: r for k, r in results.items() if r.get("verdict") == "MISS"}
    if misses:
        lines += ["", "Misses (the main query is the slowest SELECT of the request, re-run raw above):"]
        for key, r in misses.items():
            lines.append(f"  {key}: {'; '.join(r['misses'])}")
            raw = r.get("raw_sql") or {}
            if raw:
                lines.append(f"    main query (#{raw['query_position']}): {raw['sql'][:400]}")
                lines += [f"      {step}" for step in raw.get("plan", [])]
    return "\n".join(lines)


def write_json(path: Path, meta: dict, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"meta": meta, "targets": TARGETS_TEXT, "measurements": results}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
