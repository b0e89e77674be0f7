"""The pages (网页) under /app: sign in, the worklist (待办), a case (its timeline, each record's verification and the
actions as forms) and the register (台账明细) with its downloads. Each page asks the same services as the API, as
the person signed in, so a page shows nothing the API would not show that person."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any
from uuid import UUID

import anyio.to_thread
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.di import Provide
from litestar.enums import MediaType
from litestar.exceptions import NotFoundException, ValidationException
from litestar.response import Redirect, Template

from api.audit_report import audit_report_html, read_and_verify
from api.case_views import case_state, case_timeline
from api.controllers.reports import Format, download
from api.http_security import Services, scope_institution
from api.problems import http_error_handler, invalid_request, status_for
from api.replica_reads import WRITES
from api.report_tables import register_sheets
from api.sheets import shown_name
from api.web.charts import OUTCOMES, month_bars
from api.web.forms import FORMS, NEXT_STEPS, RECEIVE_FORM, Form, command_from, parsed
from api.web.session import APP, SignInNeeded, provide_viewer, signed_in, signed_out, to_sign_in
from api.words import field_word, word
from domain.actor import SHANGHAI
from domain.commands import CASE_COMMANDS, ReceiveApplication
from domain.errors import DomainError
from domain.vocabulary import Role
from infrastructure.audit import export_bundle
from infrastructure.principals import Principal
from projections.deadlines import rule_description
from service.cases import CaseService
from verifier.audit_verifier import verify_bundle

NO_VALUES = FormMultiDict()  # a form shown empty


def page(name: str, viewer: Principal | None, services: Services, status_code: int = 200, **context: Any) -> Template:
    """A page with what every page needs: who is signed in, and words and names for codes."""
    return Template(
        template_name=name,
        context={
            "viewer": viewer,
            "word": word,
            "field_word": field_word,
            "name": partial(shown_name, services.queries.name_of),
            "roles": Role,
            "no_values": NO_VALUES,
            **context,
        },
        status_code=status_code,
    )


class SignInPages(Controller):
    path = APP
    include_in_schema = False

    @get("/sign-in")
    async def sign_in_form(self, services: Services) -> Template:
        return page("sign_in.html", None, services)

    @post("/sign-in")
    async def sign_in(self, request: Request[Any, Any, Any], services: Services) -> Template | Redirect:
        """The token a principal was issued (tongban principals add); a wrong one is said so, and nothing is kept."""
        token = str((await request.form()).get("token", "")).strip()
        principal = await anyio.to_thread.run_sync(services.principals.authenticate, token) if token else None
        if principal is None:
            refusal = DomainError("UNAUTHENTICATED", "令牌无效或已吊销 (the token is unknown or revoked).")
            return page("sign_in.html", None, services, status_code=401, refusal=refusal)
        return signed_in(token, secure=request.url.scheme == "https")

    @post("/sign-out")
    async def sign_out(self) -> Redirect:
        return signed_out()


def refused_page(request: Request[Any, Any, Any], error: DomainError) -> Template:
    """A refusal on a page: its code and reason, in Chinese and English, with the status the API would answer."""
    return page("refused.html", None, request.app.state.services, status_for(error), refusal=error)


def not_found(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
    """An address no route has: a page under /app (a mistyped or cut link), a problem elsewhere."""
    if not request.url.path.startswith(f"{APP}/"):
        return http_error_handler(request, exc)
    refusal = DomainError("NOT_FOUND", "没有这个页面，请从待办或案件列表进入 (no such page: start from the worklist).")
    return page("refused.html", None, request.app.state.services, 404, refusal=refusal)


def invalid_page(request: Request[Any, Any, Any], exc: ValidationException) -> Template:
    """A query value the page cannot read (on=2026-02-30): said on a page, as the API would say it."""
    detail, _ = invalid_request(request, exc)
    return page("refused.html", None, request.app.state.services, 422, refusal=DomainError("INVALID_REQUEST", detail))


class SignedInPages(Controller):
    """Pages for a signed-in person (the viewer); a refusal or a value the page cannot read is said on a page."""

    path = APP
    include_in_schema = False
    dependencies = {"viewer": Provide(provide_viewer)}  # noqa: RUF012 - Litestar's declaration
    exception_handlers = {SignInNeeded: to_sign_in, DomainError: refused_page, ValidationException: invalid_page}  # noqa: RUF012


class WorkPages(SignedInPages):
    @get("/", sync_to_thread=True)
    def worklist(self, viewer: Principal, services: Services, on: date | None = None) -> Template:
        """待办: the limits the signed-in person's institution answers for, overdue first."""
        work = services.queries.worklist(viewer.institution_id, on, partial(CaseService.may_see_personal_data, viewer))
        return page("worklist.html", viewer, services, work=work)

    @get("/receive", sync_to_thread=True)
    def receive_form(self, viewer: Principal, services: Services) -> Template:
        """受理: an application (or an authority's notice), filled in at the window."""
        return page("receive.html", viewer, services, form=RECEIVE_FORM, values=NO_VALUES)

    @post("/receive")
    async def receive(self, request: Request[Any, Any, Any], viewer: Principal, services: Services) -> Redirect | Template:
        """Received: to the new case's page. Refused: the form again with what was typed and why, nothing recorded."""
        form = await request.form()

        def run() -> Redirect | Template:
            try:
                command = parsed(ReceiveApplication, RECEIVE_FORM, form)
                case_id = services.cases.receive(viewer, command, datetime.now(SHANGHAI)).body["case_id"]
            except DomainError as error:
                return page("receive.html", viewer, services, status_for(error), form=RECEIVE_FORM, values=form, refusal=error)
            return Redirect(f"{APP}/cases/{case_id}", status_code=303)

        return await anyio.to_thread.run_sync(run)

    @get("/cases/{case_id:uuid}", sync_to_thread=True)
    def case(self, case_id: UUID, viewer: Principal, services: Services) -> Template:
        return self._case_page(case_id, viewer, services)

    @post("/cases/{case_id:uuid}/{action:str}")
    async def act(self, request: Request[Any, Any, Any], case_id: UUID, action: str, viewer: Principal, services: Services) -> Any:
        """An action recorded through its form; refused, the page says why and nothing is recorded. The form names the
        version it was shown at: if the case moved on meanwhile, the action is refused (PRECONDITION_FAILED)."""
        form = await request.form()

        def run() -> Redirect | Template:
            try:
                version, command = _version(form), command_from(action, form)
                services.cases.act(viewer, case_id, command, datetime.now(SHANGHAI), expected_version=version)
            except DomainError as error:
                return self._case_page(case_id, viewer, services, error, action, form)
            return Redirect(f"{APP}/cases/{case_id}#timeline", status_code=303)

        return await anyio.to_thread.run_sync(run)

    @staticmethod
    def _case_page(
        case_id: UUID,
        viewer: Principal,
        services: Services,
        refusal: DomainError | None = None,
        action: str = "",
        values: FormMultiDict = NO_VALUES,
    ) -> Template:
        case = services.cases.case_for(viewer, case_id)  # NOT_YOUR_CASE for another institution's case
        personal = CaseService.may_see_personal_data(viewer, case.involved_institutions)
        timeline, _ = case_timeline(services.ledger, case_id)
        forms = _forms_for(viewer, case.status.value)
        held = services.cases.refusals_now(viewer, case, (CASE_COMMANDS[f.path] for f in forms), datetime.now(SHANGHAI))
        status = status_for(refusal) if refusal else 200
        return page(
            "case.html",
            viewer,
            services,
            status,
            case=case_state(case, personal),
            timeline=timeline,
            forms=[f for f in forms if f.path not in held],
            held=[(f, held[f.path]) for f in forms if f.path in held],  # refused now whatever is typed, and why
            next_steps=NEXT_STEPS.get(case.status.value, ()),
            refusal=refusal,
            action=action,
            values=values,  # what the refused form held, offered again
            verified=all(r["verified"] for r in timeline),
        )

    @get("/cases/{case_id:uuid}/audit-bundle.json", sync_to_thread=True, opt=WRITES)
    def audit_bundle(self, case_id: UUID, viewer: Principal, services: Services) -> Response[dict[str, Any]]:
        """审计包: the case's records with their proofs, for `tongban verify-bundle` or the standalone verifier."""
        services.cases.case_for(viewer, case_id)
        bundle = export_bundle(services.ledger, services.log, case_id, datetime.now(SHANGHAI))
        return Response(bundle, headers={"Content-Disposition": f'attachment; filename="case-{case_id}.bundle.json"'})

    @get("/compliance", sync_to_thread=True)
    def compliance(
        self, viewer: Principal, services: Services, period: str | None = None, institution: str | None = None, on: date | None = None
    ) -> Template:
        """期限合规趋势: month by month, how the limits that fell due ended; the bureau and auditors choose the institution."""
        scope = scope_institution(viewer, services, institution or None)
        result = services.queries.compliance_by_month(scope, period or None, on)
        rules = sorted({rule for month in result["months"] for rule in month["rules"]})
        descriptions = {rule: rule_description(services.ledger.policy, rule) for rule in rules}
        return page(
            "compliance.html",
            viewer,
            services,
            result=result,
            chart=month_bars(result["months"]),
            outcomes=OUTCOMES,
            rules=descriptions,
            period=period or "",
            institution=institution or "",
        )

    @get("/cases/{case_id:uuid}/audit-report", sync_to_thread=True)
    def audit_report(self, case_id: UUID, viewer: Principal, services: Services) -> Response[str]:
        """审计报告: the case's bundle as exported now, checked with this ledger's root key, ready to print."""
        services.cases.case_for(viewer, case_id)
        now = datetime.now(SHANGHAI)
        bundle = export_bundle(services.ledger, services.log, case_id, now)
        key = services.ledger.keystore.root_public_key_hex()
        return Response(audit_report_html(bundle, verify_bundle(bundle, bytes.fromhex(key)), key, now), media_type=MediaType.HTML)

    @get("/audit", sync_to_thread=True)
    def audit_form(self, viewer: Principal, services: Services) -> Template:
        """核验审计包: check a bundle file someone was sent, with the root key the auditor holds."""
        return page("audit.html", viewer, services, root_key=services.ledger.keystore.root_public_key_hex())

    @post("/audit", status_code=200)
    async def audit_upload(self, request: Request[Any, Any, Any], viewer: Principal, services: Services) -> Response[str]:
        form = await request.form()
        upload, key = form.get("bundle"), str(form.get("root_key", ""))
        if not isinstance(upload, UploadFile):
            raise DomainError("NOT_A_BUNDLE", "请选择审计包文件 (choose the bundle file to check).")
        content = await upload.read()
        bundle, report = await anyio.to_thread.run_sync(read_and_verify, content, upload.filename or "the file", key)
        return Response(audit_report_html(bundle, report, key.strip(), datetime.now(SHANGHAI)), media_type=MediaType.HTML)

    @get("/register", sync_to_thread=True)
    def register(self, viewer: Principal, services: Services, period: str | None = None, institution: str | None = None) -> Template:
        """台账明细 with its totals; the bureau and auditors may choose the institution."""
        result = _register(viewer, services, period, institution)
        return page("register.html", viewer, services, result=result, period=period or "", institution=institution or "")

    @get("/register/{fmt:str}", sync_to_thread=True)
    def register_download(
        self, fmt: str, viewer: Principal, services: Services, period: str | None = None, institution: str | None = None
    ) -> Response[Any]:
        if fmt not in ("xlsx", "csv"):
            raise DomainError("INVALID_FORMAT", "下载格式应为 xlsx 或 csv (a download is xlsx or csv).")
        result = _register(viewer, services, period, institution)
        return download(register_sheets(result), Format(fmt), f"register-{period or 'all'}", result, services)


def _register(viewer: Principal, services: Services, period: str | None, institution: str | None) -> dict[str, Any]:
    """The register the viewer may read; the filter form sends empty fields for "any"."""
    return services.queries.register(scope_institution(viewer, services, institution or None), period or None)


def _version(form: Any) -> int:
    try:
        return int(str(form.get("version", "")))
    except ValueError:
        raise DomainError("INVALID_FORM", "表单缺少案件版本 (the form does not say which version of the case it was filled on).") from None


def _may_take(viewer: Principal, form: Form) -> bool:
    if form.for_bureau:
        return viewer.has(Role.BUREAU)
    if form.for_head:
        return viewer.has(Role.HEAD)
    return viewer.has(Role.STAFF, Role.HEAD)


def _forms_for(viewer: Principal, status: str) -> list[Form]:
    """The actions this person's roles may take, what usually comes next at this status first."""
    next_steps = NEXT_STEPS.get(status, ())
    allowed = [f for f in FORMS.values() if _may_take(viewer, f)]
    return sorted(allowed, key=lambda f: next_steps.index(f.path) if f.path in next_steps else len(next_steps))
