"""The HTTP API end to end, on SQLite and PostgreSQL: what institutions, finance and auditors call."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import threading
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar.testing import TestClient
from openpyxl import load_workbook

from api.http_app import create_app
from domain.commands import CASE_COMMANDS
from domain.vocabulary import Role
from infrastructure.bootstrap import build_transparency_log, principal_store
from infrastructure.config import Settings
from infrastructure.database import Database
from infrastructure.keystore import Keystore
from infrastructure.ledger import CaseLedger
from infrastructure.records import encode_record
from infrastructure.sql_store import SqlStore
from tests.http_client import APPLICATION, APPOINTMENT, WHOLE_LIFE, Api, received
from tests.raw_store import RawStore
from tests.walkthrough import APPLICANT, FIRST_RECEIVING, HANDLING
from verifier.audit_verifier import verify_bundle


def walk(api: Api, case_id: str, steps: list[tuple[str, str, dict[str, Any]]] = WHOLE_LIFE) -> None:
    for hour, (who, action, body) in enumerate(steps, start=1):
        at = f"2026-03-{2 + hour // 10:02d}T{8 + hour % 10:02d}:30:00+08:00"
        response = api.post(who, f"/cases/{case_id}/{action}", {**body, "at": at})
        assert response.status_code == 200, (action, response.text)


def test_a_case_walks_its_whole_life_across_two_institutions(api: Api) -> None:
    case_id = received(api)
    walk(api, case_id)

    state = api.get("kundulun_staff", f"/cases/{case_id}")
    assert state.status_code == 200
    assert state.headers["etag"] == '"14"'
    body = state.json()
    assert (body["status"], body["first_receiving_institution"], body["handling_institution"]) == ("archived", FIRST_RECEIVING, HANDLING)
    history = api.get("auditor", f"/cases/{case_id}/history").json()
    assert history["verified"] is True
    assert [e["type"] for e in history["timeline"]][:3] == ["ApplicationReceived", "TransferRequested", "MaterialsDispatched"]
    costs = api.get("kundulun_finance", "/costs").json()
    assert costs["by_first_receiving_institution"][FIRST_RECEIVING]["subsidy_fen"] == 150000
    assert api.get("bureau", "/ledger?period=2026").json()["institutions"][HANDLING]["totals"]["granted"] == 1
    csv_costs = api.get("kundulun_finance", "/costs?format=csv")
    assert csv_costs.headers["content-type"].startswith("text/csv")
    assert "昆都仑区法律援助中心,1,1500.00,1500.00,1" in csv_costs.text.splitlines()  # yuan, by name; for Qingshan's work
    xlsx = api.get("kundulun_finance", "/subsidies?format=xlsx")
    assert xlsx.status_code == 200
    payments = load_workbook(io.BytesIO(xlsx.content))["补贴支付 payments"]
    amount = payments.cell(row=2, column=4)
    assert (amount.value, amount.number_format) == (1500, "#,##0.00")
    statement = "日期,凭证号,收款人,金额\n2026-04-20,PAY-1,张律师,1500\n2026-04-21,PAY-1,张律师,1500\n".encode()
    reconciled = api.call("POST", "kundulun_finance", "/subsidies/reconciliation", content=statement, headers={"Content-Type": "text/csv"})
    assert reconciled.status_code == 200, reconciled.text
    assert [(m["reference"], m["date"]) for m in reconciled.json()["paid_twice"]] == [("PAY-1", "2026-04-21")]
    workbook = api.call(
        "POST", "kundulun_finance", "/subsidies/reconciliation?format=xlsx", content=statement, headers={"Content-Type": "text/csv"}
    )
    assert load_workbook(io.BytesIO(workbook.content))["重复支付 paid twice"]["A2"].value == "PAY-1"


def test_a_notified_defence_is_appointed_and_answered_without_review_or_decision(api: Api) -> None:
    notice = {
        **{k: v for k, v in APPLICATION.items() if k != "hardship"},
        "channel": "notified_by_court",
        "matter_kind": "criminal",
        "notice": {"ground": "death_sentence_review", "document_number": "青法通援〔2026〕7号"},
    }
    created = api.post("qingshan_staff", "/cases", notice)
    assert created.status_code == 201, created.text
    case_id = created.json()["case_id"]
    refused = api.post("qingshan_staff", f"/cases/{case_id}/grant", {"document_number": "D", "at": "2026-03-02T10:00:00+08:00"})
    assert (refused.status_code, refused.json()["code"]) == (422, "NOTIFIED_DEFENCE_NOT_REVIEWED")
    walk(api, case_id, [("qingshan_staff", "appointment", APPOINTMENT), ("qingshan_staff", "authority-reply", {"reference": "函3"})])
    state = api.get("qingshan_staff", f"/cases/{case_id}").json()
    assert (state["status"], state["decision"], state["authority_informed"]) == ("appointed", None, True)
    assert state["notice"]["legal_basis"] == "《法律援助法》第二十五条第一款第五项"
    assert api.get("bureau", "/ledger?period=2026").json()["institutions"][HANDLING]["totals"]["handled"] == 1

    means_tested = api.post("qingshan_staff", "/cases", {**notice, "hardship": APPLICATION["hardship"]})
    assert (means_tested.status_code, means_tested.json()["code"]) == (422, "NO_HARDSHIP_REVIEW_ON_NOTICE")


def test_every_case_action_has_its_own_documented_endpoint(api: Api) -> None:
    schema = api.client.get("/schema/openapi.json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values() if isinstance(op, dict)}
    assert {f"case_{command.name}" for command in CASE_COMMANDS.values()} <= operations
    assert "受理" in schema["paths"]["/cases"]["post"]["summary"]


# ------------------------------------------------------------------ who may do what
@pytest.mark.parametrize(
    ("who", "method", "path", "expected"),
    [
        ("kundulun_staff", "GET", "/cases/{case}", 200),
        ("qingshan_staff", "GET", "/cases/{case}", 200),  # the transfer target has a part in the case
        ("donghe_staff", "GET", "/cases/{case}", 403),  # no part in it
        ("bureau", "GET", "/cases/{case}", 200),
        ("auditor", "GET", "/cases/{case}/history", 200),
        ("donghe_staff", "GET", "/cases/{case}/history", 403),
        ("auditor", "POST", "/cases/{case}/materials-dispatch", 403),  # auditors read, they do not act
        ("kundulun_finance", "POST", "/cases/{case}/materials-dispatch", 403),
        ("donghe_staff", "POST", "/cases/{case}/materials-dispatch", 403),
        ("kundulun_staff", "POST", "/cases/{case}/materials-dispatch", 200),
        ("kundulun_staff", "GET", "/costs", 403),  # staff do not see costs
        ("kundulun_finance", "GET", "/costs", 200),
        ("kundulun_finance", "GET", "/subsidies", 200),
        ("kundulun_staff", "GET", "/verification", 403),
        ("auditor", "GET", "/verification", 200),
        ("bureau", "GET", "/verification", 200),
        ("kundulun_staff", "GET", f"/ledger?institution={HANDLING}", 403),  # another institution's ledger
        ("kundulun_staff", "GET", f"/ledger?institution={FIRST_RECEIVING}", 200),
        ("bureau", "GET", f"/ledger?institution={HANDLING}", 200),
        ("kundulun_staff", "GET", "/worklist", 200),
        ("qingshan_staff", "GET", f"/compliance?institution={FIRST_RECEIVING}", 403),
        ("auditor", "GET", "/compliance", 200),
        ("", "GET", "/cases", 401),
        ("", "GET", "/health", 200),
    ],
)
def test_each_role_reaches_what_it_should_and_nothing_else(api: Api, who: str, method: str, path: str, expected: int) -> None:
    case_id = received(api)
    api.post("kundulun_staff", f"/cases/{case_id}/transfer", {"to_institution": HANDLING, "applicant_consent": True})
    body = {"method": "courier", "reference": "SF1"} if "dispatch" in path else None
    response = api.call(method, who, path.format(case=case_id), **({"json": body} if method == "POST" else {}))
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"]


def test_personal_data_is_shown_only_to_the_institutions_involved_and_to_auditors(api: Api) -> None:
    case_id = received(api)
    assert api.get("kundulun_staff", f"/cases/{case_id}").json()["applicant"]["name"] == APPLICANT["name"]
    assert api.get("auditor", f"/cases/{case_id}").json()["applicant"]["name"] == APPLICANT["name"]
    hidden = api.get("bureau", f"/cases/{case_id}").json()["applicant"]
    assert hidden["name"] == "[hidden]" and hidden["applicant_id"] == APPLICANT["applicant_id"]


def test_a_case_list_shows_only_the_cases_an_institution_has_a_part_in(api: Api) -> None:
    mine = received(api)
    assert [c["case_id"] for c in api.get("kundulun_staff", "/cases").json()["items"]] == [mine]
    assert api.get("donghe_staff", "/cases").json()["total"] == 0
    assert api.get("auditor", "/cases?status=received&matter_kind=civil&period=2026-03").json()["total"] == 1
    assert api.get("auditor", "/cases?period=2026-04").json()["total"] == 0


# ------------------------------------------------------------------ errors
def test_an_unknown_or_revoked_token_gets_401(api: Api, ledger: CaseLedger, settings: Settings) -> None:
    assert api.client.get("/cases", headers={"Authorization": "Bearer tb_not_a_token"}).status_code == 401
    principals = principal_store(ledger, settings)
    principal, token = principals.add("temporary", FIRST_RECEIVING, {Role.STAFF})
    assert api.client.get("/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    principals.revoke(principal.principal_id)
    revoked = api.client.get("/cases", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401 and revoked.json()["code"] == "UNAUTHENTICATED"


def forged_network_record(ledger: CaseLedger, raw: RawStore, payload: dict[str, Any], type_: str) -> None:
    """Someone with write access to the event table appends a network record: well formed and chained, but
    signed with a key of their own, since the root key is not in the database."""
    version = ledger.recorder.select_events(ledger.network_id, desc=True, limit=1)[0].originator_version
    last = raw.state(ledger.network_id, version)
    body = {
        **json.loads(last)["body"],
        "version": version + 1,
        "prev": hashlib.sha256(last).hexdigest(),
        "type": type_,
        "payload": payload,
    }
    raw.insert(ledger.network_id, version + 1, f"domain.network:{type_}", encode_record(body, "root", Ed25519PrivateKey.generate()))


def test_a_principal_an_intruder_writes_into_the_database_authenticates_nobody(
    api: Api, ledger: CaseLedger, settings: Settings, database_url: str
) -> None:
    """Even knowing the keystore's token key, whoever can write to the database cannot issue a principal:
    only network records signed by the root key make one, and a record that is not fails authentication closed."""
    token = "tb_" + "intruder" * 5
    key = Keystore(settings.keys, settings.key_passphrase).principal_token_key()
    digest = hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
    raw = RawStore(database_url)
    forged_network_record(
        ledger,
        raw,
        {
            "principal_id": "intruder0001",
            "name": "intruder",
            "institution_id": "baotou-bureau",
            "roles": ["auditor", "bureau"],
            "token_digest": digest,
        },
        "Network.PrincipalIssued",
    )
    raw.close()

    minted = api.client.get("/cases", headers={"Authorization": f"Bearer {token}"})
    genuine = api.get("auditor", "/cases")

    assert minted.status_code != 200 and minted.json()["code"] in ("UNAUTHENTICATED", "NETWORK_STREAM_BROKEN")
    assert (genuine.status_code, genuine.json()["code"]) == (503, "NETWORK_STREAM_BROKEN")  # fail closed until repaired


def test_a_revocation_deleted_from_the_network_revives_no_one(api: Api, ledger: CaseLedger, settings: Settings, database_url: str) -> None:
    principals = principal_store(ledger, settings)
    revoked, token = principals.add("temporary", FIRST_RECEIVING, {Role.STAFF})
    principals.revoke(revoked.principal_id)
    principals.add("later", FIRST_RECEIVING, {Role.STAFF})  # the revocation is not the stream's last record
    revocation = ledger.recorder.select_events(ledger.network_id, desc=True, limit=2)[1].originator_version
    raw = RawStore(database_url)
    raw.delete(ledger.network_id, revocation)
    raw.close()

    response = api.client.get("/cases", headers={"Authorization": f"Bearer {token}"})

    assert (response.status_code, response.json()["code"]) == (503, "NETWORK_STREAM_BROKEN")


def test_a_last_revocation_cut_off_the_network_stream_revives_no_one_once_the_log_holds_it(
    api: Api, ledger: CaseLedger, settings: Settings, database_url: str
) -> None:
    principals = principal_store(ledger, settings)
    revoked, token = principals.add("temporary", FIRST_RECEIVING, {Role.STAFF})
    principals.revoke(revoked.principal_id)  # the stream's last record
    build_transparency_log(ledger, SqlStore(Database(database_url))).integrate()  # as serve does twice a second
    assert api.client.get("/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    raw = RawStore(database_url)
    raw.delete(ledger.network_id, ledger.recorder.select_events(ledger.network_id, desc=True, limit=1)[0].originator_version)
    raw.close()

    response = api.client.get("/cases", headers={"Authorization": f"Bearer {token}"})

    assert (response.status_code, response.json()["code"]) == (503, "NETWORK_STREAM_BROKEN")


def test_who_could_act_and_when_is_listed_from_the_signed_records(ledger: CaseLedger, settings: Settings) -> None:
    principals = principal_store(ledger, settings)
    first, _ = principals.add("王芳", FIRST_RECEIVING, {Role.STAFF, Role.HEAD})
    principals.revoke(first.principal_id)

    listed = {p.principal_id: p for p in principals.list()}

    assert listed[first.principal_id].roles == {Role.STAFF, Role.HEAD}
    assert listed[first.principal_id].issued_at and listed[first.principal_id].revoked_at
    issued = [json.loads(n.state)["body"] for n in ledger.all_records() if n.topic.endswith("PrincipalIssued")]
    assert issued[-1]["payload"]["name"] == "王芳" and issued[-1]["institution"] == "baotou-bureau"


def test_an_unknown_case_is_404(api: Api) -> None:
    response = api.get("auditor", "/cases/00000000-0000-4000-8000-000000000000")
    assert (response.status_code, response.json()["code"]) == (404, "CASE_NOT_FOUND")


def test_invalid_input_is_422_and_names_the_fields(api: Api) -> None:
    response = api.post("kundulun_staff", "/cases", {**APPLICATION, "matter_kind": "tax", "hardship": {"basis": "rich"}})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert any("matter_kind" in f for f in fields) and any("basis" in f for f in fields)


def test_a_refusal_is_422_with_the_domain_code_and_records_nothing(api: Api, ledger: CaseLedger) -> None:
    case_id = received(api)
    response = api.post("kundulun_staff", f"/cases/{case_id}/appointment", APPOINTMENT)
    assert response.status_code == 422
    assert response.json()["code"] == "NOT_GRANTED"
    assert "指派" in response.json()["detail"]
    assert api.get("kundulun_staff", f"/cases/{case_id}").headers["etag"] == '"1"'


def test_a_stale_if_match_is_412_and_records_nothing(api: Api) -> None:
    case_id = received(api)
    assert (
        api.post(
            "kundulun_staff", f"/cases/{case_id}/missing-materials-notice", {"items": ["户口簿"]}, headers={"If-Match": '"1"'}
        ).status_code
        == 200
    )
    stale = api.post("kundulun_staff", f"/cases/{case_id}/withdrawal", {"reason": "撤回"}, headers={"If-Match": '"1"'})
    assert (stale.status_code, stale.json()["code"]) == (412, "PRECONDITION_FAILED")
    assert api.get("kundulun_staff", f"/cases/{case_id}").json()["status"] == "awaiting_materials"


# ------------------------------------------------------------------ retries and races
def test_a_retried_command_with_the_same_idempotency_key_is_recorded_once(api: Api, settings: Settings, ledger: CaseLedger) -> None:
    headers = {"Idempotency-Key": "apply-0001"}
    first = api.post("kundulun_staff", "/cases", APPLICATION, headers=headers)
    again = api.post("kundulun_staff", "/cases", APPLICATION, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert first.headers["location"] == again.headers["location"] == f"/cases/{first.json()['case_id']}"
    assert api.get("kundulun_staff", first.headers["location"]).json()["case_id"] == first.json()["case_id"]
    assert again.headers["idempotent-replayed"] == "true"

    with TestClient(create_app(settings, background=False)) as restarted:  # also after a restart
        token = api.tokens["kundulun_staff"]
        after_restart = restarted.post("/cases", json=APPLICATION, headers={**headers, "Authorization": f"Bearer {token}"})
    assert after_restart.json() == first.json()
    assert api.get("auditor", "/cases").json()["total"] == 1

    reused = api.post("kundulun_staff", "/cases", {**APPLICATION, "summary": "another"}, headers=headers)
    assert (reused.status_code, reused.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")


def test_the_same_request_sent_eight_times_at_once_is_recorded_once_and_all_get_its_answer(api: Api) -> None:
    answers: list[Any] = []

    def send() -> None:
        answers.append(api.post("kundulun_staff", "/cases", APPLICATION, headers={"Idempotency-Key": "double-click"}))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["case_id"] for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replayed") != "true" for a in answers) == 1
    assert api.get("auditor", "/cases").json()["total"] == 1


def test_an_idempotency_key_that_is_not_printable_ascii_is_refused(api: Api) -> None:
    response = api.post("kundulun_staff", "/cases", APPLICATION, headers={"Idempotency-Key": "x" * 300})
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_IDEMPOTENCY_KEY")
    assert api.get("auditor", "/cases").json()["total"] == 0


def test_concurrent_commands_on_one_case_exactly_one_wins_per_version(api: Api) -> None:
    case_id = received(api)
    results: list[int] = []

    def clerk(n: int) -> None:
        response = api.post(
            "kundulun_staff", f"/cases/{case_id}/missing-materials-notice", {"items": [f"材料{n}"]}, headers={"If-Match": '"1"'}
        )
        results.append(response.status_code)

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(results) == [200] + [412] * 5  # each named version 1, which only one of them could still find
    history = api.get("auditor", f"/cases/{case_id}/history").json()
    assert len(history["timeline"]) == 2 and history["verified"]


def test_an_auditor_takes_a_checkpoint_and_a_bundle_that_verifies_offline(api: Api, ledger: CaseLedger) -> None:
    case_id = received(api)
    assert api.get("auditor", "/log/checkpoint").json()["code"] == "NO_CHECKPOINT"
    assert api.post("kundulun_staff", "/log/checkpoints").status_code == 403
    signed = api.post("auditor", "/log/checkpoints")
    assert signed.status_code == 201
    assert api.get("kundulun_staff", "/log/checkpoint").json()["note"] == signed.json()["note"]
    as_text = api.get("kundulun_staff", "/log/checkpoint", headers={"Accept": "text/plain"})
    assert as_text.headers["content-type"].startswith("text/plain") and as_text.text == signed.json()["note"]

    assert api.get("donghe_staff", f"/cases/{case_id}/audit-bundle").status_code == 403  # not its case
    bundle = api.get("auditor", f"/cases/{case_id}/audit-bundle")
    assert bundle.status_code == 200
    assert verify_bundle(bundle.json(), bytes.fromhex(ledger.keystore.root_public_key_hex())).ok
    size = signed.json()["tree_size"]
    proof = api.get("auditor", f"/log/consistency?old_size=1&new_size={size}").json()
    assert proof["new_root"] == signed.json()["root_hash"]
    assert api.get("auditor", f"/log/consistency?old_size=0&new_size={size}").json()["code"] == "BAD_TREE_SIZE"


def test_only_the_bureau_erases_personal_data(api: Api) -> None:
    case_id = received(api)
    refused = api.post("kundulun_head", f"/applicants/{APPLICANT['applicant_id']}/erasure", {"reason": "请求删除"})
    assert refused.status_code == 403
    assert api.get("kundulun_staff", f"/cases/{case_id}").json()["applicant"]["name"] == APPLICANT["name"]
    assert api.post("bureau", "/applicants/nobody/erasure", {"reason": "请求删除"}).status_code == 404

    erased = api.post("bureau", f"/applicants/{APPLICANT['applicant_id']}/erasure", {"reason": "请求删除"})

    assert erased.status_code == 200, erased.text
    assert erased.json()["cases"] == [case_id]
    assert api.get("kundulun_staff", f"/cases/{case_id}").json()["applicant"]["name"] == "[已删除 erased]"
    assert api.post("bureau", f"/applicants/{APPLICANT['applicant_id']}/erasure", {"reason": "请求删除"}).json()["code"] == "ALREADY_ERASED"
    returning = api.post("kundulun_staff", "/cases", APPLICATION)  # the id is retired: the caseworker is told to give a new one
    assert (returning.status_code, returning.json()["code"]) == (422, "APPLICANT_ERASED"), returning.text
    assert "另编申请人编号" in returning.json()["detail"]
