"""How a drift check reads: a summary table, JSON for scripts, JUnit XML for CI dashboards.

Each call is one row (one JUnit test case): a breaking change is a
``<failure>``, a call that could not be checked an ``<error>``; compatible
and ignored changes are listed in the case's ``<system-out>``. Messages come
from the core's errors, which never hold secret values. Names, messages and
changes come from documents and servers: every one goes through
:func:`~.escaping.inert`, so the table cannot drive a terminal and the XML
stays well-formed (XML 1.0 cannot hold most control characters at all).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from designer.core.check.drift import CallResult, Severity
from designer.core.escaping import inert
from designer.core.inference.spec import summarize_departures
from designer.core.wording import plural

__all__ = [
    "OUTCOME_WORDS",
    "change_summary",
    "json_report",
    "junit_xml",
    "summary_line",
    "text_report",
]

_SEVERITIES: tuple[Severity, ...] = ("breaking", "compatible", "ignored")

#: How each outcome reads in the table and the app.
OUTCOME_WORDS = {
    "unchanged": "ok",
    "changed": "changed",
    "breaking": "BREAKING",
    "failed": "FAILED",
    "new": "new",
    "as-documented": "as documented",
    "departs": "DEPARTS",
    "undocumented": "no spec",
}


def change_summary(result: CallResult) -> str:
    """What a call's row says: its error, or how many changes of each severity."""
    if result.outcome == "failed":
        return inert(result.error or "failed")
    if result.outcome == "new":
        return "no stored structure yet"
    if result.outcome == "undocumented":
        return "no documented structure: import the call from an OpenAPI document"
    if result.outcome in ("as-documented", "departs"):
        return summarize_departures(result.departures)
    parts = []
    for severity in _SEVERITIES:
        n = result.count(severity)
        if n:
            parts.append(f"{n} {severity}")
    return ", ".join(parts) or "no changes"


def summary_line(results: Sequence[CallResult]) -> str:
    """``12 calls: 10 ok, 1 changed, 1 breaking`` — the last line of the report."""
    counts = []
    for outcome, word in OUTCOME_WORDS.items():
        n = sum(1 for r in results if r.outcome == outcome)
        if n:
            counts.append(f"{n} {word.lower()}")
    return f"{plural(len(results), 'call')}: {', '.join(counts)}"


def text_report(results: Sequence[CallResult]) -> str:
    """A table of the calls with their result, then each change of the calls that changed."""
    rows = [("CALL", "RESULT", "HTTP", "TIME", "CHANGES")]
    for r in results:
        http = str(r.status) if r.status is not None else "-"
        rows.append(
            (
                inert(r.name),
                OUTCOME_WORDS[r.outcome],
                http,
                f"{r.elapsed * 1000:.0f} ms",
                change_summary(r),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        for row in rows
    ]
    details = []
    for r in results:
        if r.findings:
            details.append(f"{inert(r.name)}:")
            details.extend(f"  {f.severity:<10}  {inert(str(f.change))}" for f in r.findings)
        if r.departures:
            details.append(f"{inert(r.name)}:")
            details.extend(f"  {d.kind:<12}  {inert(str(d))}" for d in r.departures)
    if details:
        lines += ["", *details]
    lines += ["", summary_line(results)]
    return "\n".join(lines) + "\n"


def json_report(results: Sequence[CallResult]) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "summary": {
            outcome: sum(1 for r in results if r.outcome == outcome) for outcome in OUTCOME_WORDS
        },
        "calls": [
            {
                "api": r.api.name,
                "call": r.call.name,
                "result": r.outcome,
                "status": r.status,
                "elapsed_ms": round(r.elapsed * 1000, 1),
                "error": r.error,
                "changes": [
                    {
                        "kind": f.change.kind,
                        "path": f.change.path,
                        "before": f.change.before,
                        "after": f.change.after,
                        "severity": f.severity,
                    }
                    for f in r.findings
                ],
                **(
                    {
                        "departures": [
                            {
                                "kind": d.kind,
                                "path": d.path,
                                "documented": d.documented,
                                "actual": d.actual,
                            }
                            for d in r.departures
                        ]
                    }
                    if r.outcome in ("as-documented", "departs")
                    else {}
                ),
            }
            for r in results
        ],
    }


def junit_xml(results: Sequence[CallResult], *, name: str = "connector-designer check") -> bytes:
    """JUnit XML with one test case per call (the API is its class name)."""
    failures = sum(1 for r in results if r.outcome in ("breaking", "departs"))
    errors = sum(1 for r in results if r.outcome == "failed")
    total = sum(r.elapsed for r in results)
    suites = ET.Element(
        "testsuites",
        name=name,
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        time=f"{total:.3f}",
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=name,
        tests=str(len(results)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=f"{total:.3f}",
    )
    for r in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=inert(r.api.name),
            name=inert(r.call.name),
            time=f"{r.elapsed:.3f}",
        )
        if r.outcome == "failed":
            message = inert(r.error or "failed")
            error = ET.SubElement(case, "error", message=message, type="call failed")
            error.text = message
        elif r.outcome == "breaking":
            breaking = [f for f in r.findings if f.severity == "breaking"]
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{plural(len(breaking), 'breaking change')}",
                type="breaking change",
            )
            failure.text = "\n".join(inert(str(f.change)) for f in breaking)
        elif r.outcome == "departs":
            failure = ET.SubElement(
                case,
                "failure",
                message=inert(summarize_departures(r.departures)),
                type="departs from the spec",
            )
            failure.text = "\n".join(inert(str(d)) for d in r.departures)
        others = [f for f in r.findings if f.severity != "breaking"]
        if others or r.outcome in ("new", "undocumented"):
            out = ET.SubElement(case, "system-out")
            lines = [f"{f.severity}: {inert(str(f.change))}" for f in others]
            if r.outcome == "new":
                lines.append("no stored structure yet: the structure was not compared")
            if r.outcome == "undocumented":
                lines.append("no documented structure: the answer was not compared")
            out.text = "\n".join(lines)
    ET.indent(suites)
    data: bytes = ET.tostring(suites, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
