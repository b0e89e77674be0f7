"""The printable audit report (审计报告) of a case's bundle, in Chinese and English: each check and its result, then
the case's records in words (who did what, when, with which document or amount), every failure marked where it
is. One page, its style inline, so it prints (or saves as PDF from the browser) with nothing else: the same HTML
from `tongban audit verify --html` on an auditor's own machine and from the auditor's page."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.words import field_word, word
from domain.errors import DomainError
from infrastructure.formats import BUNDLE_FORMAT
from verifier.audit_verifier import RecordCheck, Report, verify_bundle

TEMPLATES = Path(__file__).parent / "web" / "templates"
_ENVIRONMENT = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))

_LEFT_OUT = {"originator_topic"}
_FLAGS = {"complex_case", "emergency", "group_case", "possible_life_or_death"}  # said only when they hold


def names_in(bundle: dict[str, Any]) -> dict[str, str]:
    """Institution names from the bundle's own network records (an auditor's machine has no database)."""
    names = {}
    for entry in bundle.get("records", []):
        if entry.get("stream") == bundle.get("network_id"):
            try:
                body = json.loads(entry["record"])["body"]
            except (ValueError, KeyError, TypeError):
                continue
            if body.get("type") == "Network.InstitutionRegistered":
                names[body["payload"]["institution_id"]] = body["payload"]["name"]
    return names


def _value(key: str, value: Any, names: dict[str, str]) -> str:
    if key.endswith("_fen") and isinstance(value, int):
        return f"{value / 100:,.2f} 元"
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if key == "applicant" and isinstance(value, dict):
        return "个人信息已加密 personal data sealed" if "sealed" in value else "个人信息已删除 erased"
    if key == "lawyer" and isinstance(value, dict):
        return f"{value.get('name', '')}（{value.get('firm', '')}，执业证号 {value.get('licence_number', '')}）"
    if key == "assignment" and isinstance(value, dict):
        return str(value.get("reason") or word(value.get("method")))
    if key == "authority" and isinstance(value, dict):
        return str(value.get("name", ""))
    if isinstance(value, dict):
        return "；".join(f"{field_word(k)}: {_value(k, v, names)}" for k, v in value.items() if v not in (None, "", [], {}))
    if isinstance(value, list):
        return "、".join(_value(key, v, names) for v in value)
    text = str(value)
    return names.get(text) or word(text)


def record_details(payload: dict[str, Any], names: dict[str, str]) -> list[tuple[str, str]]:
    """What a record says, field by field, in words."""
    return [
        (field_word(key), _value(key, value, names))
        for key, value in payload.items()
        if key not in _LEFT_OUT and value not in (None, "", [], {}) and not (key in _FLAGS and value is False)
    ]


def _record(record: RecordCheck, names: dict[str, str]) -> dict[str, Any]:
    body = record.body
    action = str(body.get("type", "?")).removeprefix("Case.")
    return {
        "version": record.version,
        "leaf_index": record.leaf_index,
        "ok": not record.problems,
        "problems": record.problems,
        "occurred_at": str(body.get("occurred_at", ""))[:16].replace("T", " "),
        "action": word(action),
        "type": action,
        "institution": names.get(str(body.get("institution")), str(body.get("institution", ""))),
        "person": body.get("person", ""),
        "details": record_details(body.get("payload") or {}, names),
    }


def read_and_verify(content: bytes, source: str, root_key_hex: str) -> tuple[dict[str, Any], Report]:
    """A bundle file as an auditor was sent it, checked with the root key: NOT_A_BUNDLE for any other file,
    MALFORMED_BUNDLE for one whose structure is damaged past checking."""
    key = root_key_hex.strip()
    if not re.fullmatch(r"[0-9a-fA-F]{64}", key):
        raise DomainError(
            "INVALID_ROOT_KEY", "根公钥应为 64 位十六进制，或存放它的文件 (the root key must be 64 hex digits, or a file holding them)."
        )
    not_a_bundle = DomainError(
        "NOT_A_BUNDLE", f"{source} 不是 tongban 审计包 (not a tongban audit bundle: export one with `tongban audit export`)."
    )
    try:
        bundle = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise not_a_bundle from None
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        raise not_a_bundle
    try:
        return bundle, verify_bundle(bundle, bytes.fromhex(key))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        raise DomainError(
            "MALFORMED_BUNDLE", f"{source} 结构不完整，无法核验 (the bundle's structure is damaged; it cannot be checked)."
        ) from None


def audit_report_html(bundle: dict[str, Any], report: Report, root_key_hex: str, made_at: datetime) -> str:
    names = names_in(bundle)
    return _ENVIRONMENT.get_template("audit_report.html").render(
        case_id=report.case_id,
        ok=report.ok,
        findings=report.findings,
        records=[_record(r, names) for r in report.records],
        exported_at=str(bundle.get("exported_at", ""))[:19].replace("T", " "),
        made_at=made_at.strftime("%Y-%m-%d %H:%M"),
        root_key=root_key_hex,
    )
