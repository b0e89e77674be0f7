"""The read models' questions (查询), asked the same way by the HTTP API and the CLI.

Who may ask which question is the entry point's concern (the HTTP guards and scopes); what the answer
is, is decided here once: the period and the day are checked, the projection is caught up, and the
rows are read and summed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any

from domain.actor import SHANGHAI, check_supported
from projections.case_index import case_facts, list_cases, register_lines
from projections.case_register import REGISTER_LIMITS, TOTALS, register_totals
from projections.complaints import complaint_figures
from projections.consultations import consultation_figures, consultations_by_day
from projections.deadlines import DeadlineRow, read_rows, rows_of_cases, rule_description, summarise
from projections.institution_ledger import cost_attribution, institution_ledger, statistics
from projections.periods import parse_period
from projections.quality import quality_figures
from projections.reconciliation import check_payments, read_payments
from projections.registry import ReadModels

Seen = Callable[[frozenset[str]], bool]  # may the asker see the applicant of a case with these institutions?
_WORKLIST_ORDER = {"overdue": 0, "due_soon": 1, "provisional": 2, "open": 3}


def period_bounds(period: str | None) -> tuple[str | None, str | None]:
    """The period's first day and the first day after it, as ISO dates (None, None for all time)."""
    if not period:
        return None, None
    start, end = parse_period(period)
    return start.isoformat(), end.isoformat()


def _today(on: date | None) -> date:
    if on is not None:
        check_supported(on)
    return on or datetime.now(SHANGHAI).date()


class Queries:
    def __init__(self, models: ReadModels) -> None:
        self.models = models

    def name_of(self, code: str) -> str:
        """青山区法律援助中心 for baotou-qingshan, 青山区 for qingshan; an id the network does not know, as it is."""
        found = self.models.ledger.directory().institutions.get(code)
        return found.name if found else self.models.ledger.policy.district_names.get(code, code)

    def _known(self, institution: str | None) -> None:
        if institution is not None:
            self.models.ledger.directory().get(institution)  # UNKNOWN_INSTITUTION

    # ------------------------------------------------------------------ cases
    def cases(
        self, institution: str | None, status: str | None, matter_kind: str | None, period: str | None, page: int, page_size: int
    ) -> dict[str, Any]:
        """案件列表: newest first, filtered; `institution` None lists every case."""
        start, end = period_bounds(period)
        index = self.models.current("case_index")
        total, items = list_cases(
            self.models.store,
            index.current_table(),
            institution=institution,
            status=status,
            matter_kind=matter_kind,
            start=start,
            end=end,
            limit=page_size,
            offset=(page - 1) * page_size,
        )
        return {"page": page, "page_size": page_size, "total": total, "items": items}

    # ------------------------------------------------------------------ deadlines (期限)
    def worklist(self, institution: str, on: date | None = None, sees_applicant: Seen = lambda involved: False) -> dict[str, Any]:
        """待办: the institution's open limits as of the end of a day, overdue first, then due soonest; the applicant
        is named where `sees_applicant` allows it for the case's involved institutions."""
        today = _today(on)
        self._known(institution)
        runner = self.models.current("deadlines")
        end_of_today = f"{today.isoformat()}T23:59:59+08:00"
        rows = read_rows(self.models.store, runner.current_table(), "responsible = ? AND started_at <= ?", (institution, end_of_today))
        statuses = ((row.status(today, self.models.calendar), row) for row in rows)
        items = sorted(((s, r) for s, r in statuses if s in _WORKLIST_ORDER), key=lambda i: (_WORKLIST_ORDER[i[0]], i[1].due_day))
        facts = case_facts(self.models.store, self.models.current("case_index").current_table(), [r.case_id for _, r in items])
        listing = [self._work_item(s, r, facts.get(r.case_id), sees_applicant) for s, r in items]
        return {"institution": institution, "date": today.isoformat(), "items": listing}

    def _work_item(self, status: str, row: DeadlineRow, facts: dict[str, Any] | None, sees_applicant: Seen) -> dict[str, Any]:
        """A limit with what the caseworker knows the case by: the rule in words, the authority, the matter and, for
        those who may see it, the applicant's name. A complaint's limits name no case."""
        item = {"status": status, "rule": row.rule_id, "rule_description": rule_description(self.models.ledger.policy, row.rule_id)}
        item.update(_row_dict(row))
        if facts:
            item.update({k: facts[k] for k in ("case_status", "matter_kind", "authority_name")})
            if sees_applicant(facts["involved"]):
                applicant = facts["applicant"]
                sealed = applicant.get("sealed")
                item["applicant_name"] = (
                    self.models.ledger.vault.unseal(applicant["applicant_id"], sealed, ["name"])["name"]
                    if sealed
                    else applicant.get("name")
                )
        return item

    def compliance(self, institution: str | None, period: str | None, on: date | None = None) -> dict[str, Any]:
        """期限合规: per rule, the limits due in the period, met, missed, overdue, stopped and open."""
        today, rows = self._due_rows(institution, period, on)
        return {
            "institution": institution,
            "period": period,
            "as_of": today.isoformat(),
            "rules": summarise(rows, today, self.models.calendar),
        }

    def compliance_by_month(self, institution: str | None, period: str | None, on: date | None = None) -> dict[str, Any]:
        """期限合规趋势: the same counts for each month the limits fell due in, every rule together and per rule."""
        today, rows = self._due_rows(institution, period, on)
        by_month: dict[str, list[DeadlineRow]] = {}
        for row in rows:
            by_month.setdefault(row.due_day.isoformat()[:7], []).append(row)
        months = []
        for month, due in sorted(by_month.items()):
            rules = summarise(due, today, self.models.calendar)
            together = summarise([replace(row, rule_id="all") for row in due], today, self.models.calendar)["all"]
            months.append({"month": month, "all": together, "rules": rules})
        return {"institution": institution, "period": period, "as_of": today.isoformat(), "months": months}

    def _due_rows(self, institution: str | None, period: str | None, on: date | None) -> tuple[date, list[DeadlineRow]]:
        start, end = period_bounds(period)
        today = _today(on)
        self._known(institution)
        where, params = (["responsible = ?"], [institution]) if institution else ([], [])
        if start and end:
            where += ["due_day >= ?", "due_day < ?"]
            params += [start, end]
        return today, read_rows(self.models.store, self.models.current("deadlines").current_table(), " AND ".join(where), tuple(params))

    # ------------------------------------------------------------------ the ledger (台账), costs and subsidies
    def ledger(self, institution: str | None, period: str | None) -> dict[str, Any]:
        start, end = period_bounds(period)
        self._known(institution)
        runner = self.models.current("ledger")
        return {"period": period, "institutions": institution_ledger(self.models.store, runner.current_table(), institution, start, end)}

    def register(self, institution: str | None, period: str | None, on: date | None = None) -> dict[str, Any]:
        """台账明细: a line per case received in the period that `institution` has a part in (None: every case), with the
        limits it was held to as of the end of `on` (default today), and the totals per institution."""
        start, end = period_bounds(period)
        today = _today(on)
        self._known(institution)
        lines = register_lines(
            self.models.store, self.models.current("case_index").current_table(), institution=institution, start=start, end=end
        )
        limits = self._limits([line["case_id"] for line in lines], today)
        districts = {i: inst.district for i, inst in self.models.ledger.directory().institutions.items()}
        exemptions = self.models.ledger.policy.exemptions
        for line in lines:
            line["exemption"] = exemptions[line["exemption"]].description if line["exemption"] in exemptions else line["exemption"]
            line.update(receiving_district=districts.get(line["first_receiving"]), handling_district=districts.get(line["handling"]))
            line["cross_district"] = line["receiving_district"] != line["authority_district"]  # 通办: received away from the authority
            line.update(limits.get(line["case_id"], {}))
        totals = register_totals(lines)
        if institution is not None:  # its own part only: the others' parts in its cases are theirs to report
            totals = {institution: totals.get(institution, dict.fromkeys(TOTALS, 0))}
        return {"period": period, "institution": institution, "as_of": today.isoformat(), "cases": lines, "totals": totals}

    def _limits(self, case_ids: list[str], today: date) -> dict[str, dict[str, str]]:
        """Per case, the status of each limit the register shows (met, missed, overdue, stopped, open...)."""
        table = self.models.current("deadlines").current_table()
        found: dict[str, dict[str, str]] = {}
        for row in rows_of_cases(self.models.store, table, case_ids, tuple(REGISTER_LIMITS)):
            found.setdefault(row.case_id, {})[REGISTER_LIMITS[row.rule_id]] = row.status(today, self.models.calendar)
        return found

    def costs(self, institution: str | None, period: str | None) -> dict[str, Any]:
        """成本归属: what each first-receiving institution carried, and for whose work (`institution`: only its rows)."""
        start, end = period_bounds(period)
        self._known(institution)
        runner = self.models.current("ledger")
        result = cost_attribution(self.models.store, runner.current_table(), start, end)
        if institution is not None:
            result = {part: {i: v for i, v in rows.items() if i == institution} for part, rows in result.items()}
        return {"period": period, **result}

    def payments(self, institution: str | None, period: str | None) -> list[dict[str, Any]]:
        """补贴对账: each subsidy paid, checked against the policy's bands and approvals."""
        start, end = period_bounds(period)
        self._known(institution)
        runner = self.models.current("ledger")
        payments = read_payments(self.models.store, runner.current_table(), institution, start, end)
        return check_payments(payments, self.models.ledger.policy)

    def statistics(self, institution: str | None, period: str | None) -> dict[str, Any]:
        """统计: the figures the bureau publishes each year, city-wide or for what one institution did."""
        start, end = period_bounds(period)
        self._known(institution)
        runner = self.models.current("ledger")
        figures = statistics(self.models.store, runner.current_table(), institution, start, end)
        quality = quality_figures(self.models.store, self.models.current("quality").current_table(), institution, start, end)
        complaints = complaint_figures(self.models.store, self.models.current("complaints").current_table(), institution, start, end)
        consultations = consultation_figures(
            self.models.store, self.models.current("consultations").current_table(), institution, start, end
        )
        return {
            "period": period,
            "institution": institution,
            **figures,
            "quality": quality,
            "complaints": complaints,
            "consultations": consultations,
        }

    def consultations(self, institution: str | None, period: str | None) -> dict[str, Any]:
        """咨询统计: the period's figures and the counts per institution and day (newest first)."""
        start, end = period_bounds(period)
        self._known(institution)
        table = self.models.current("consultations").current_table()
        figures = consultation_figures(self.models.store, table, institution, start, end)
        days = consultations_by_day(self.models.store, table, institution, start, end)
        return {"period": period, "institution": institution, **figures, "days": days}


def _row_dict(row: DeadlineRow) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(row).items()}
