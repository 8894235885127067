"""Domain rules for evaluation packages (the tables of docs/evaluation-contract.md).

They apply to a package with an ``evaluations`` resource and read the typed rows of its tables.
Codes (each stable; layer "domain"):

    evaluation-cost-sum-mismatch            the programs' amounts do not add up to the printed policy
                                            amount for one (fiscal_year, stage, category) — checked where
                                            the sheet prints both (清瀬 総事業費, 江東 施策コスト) (error;
                                            a warning when some program prints no figure for that key)
    evaluation-cost-breakdown-mismatch      total ≠ business + personnel for one program or the policy,
                                            one (fiscal_year, stage), where all three are printed (error)
    evaluation-funding-sum-mismatch         the funding sources (national_subsidy, prefectural_subsidy,
                                            local_bond, other_revenue, general_revenue) do not add up to
                                            business for one program or the policy, one (fiscal_year,
                                            stage): an error where business and all five are printed; a
                                            warning where only some are printed and they already exceed
                                            business (the missing ones cannot make up for it; a smaller sum
                                            is not flagged, the missing ones may hold the rest)
    evaluation-achievement-rate-mismatch    the printed achievement_rate is not actual ÷ target × 100
                                            (target ÷ actual × 100 for lower_is_better; either for unknown)
                                            rounded to one decimal, beyond one unit of its last printed
                                            decimal (at least ±0.1); skipped where a figure is empty (error)
    evaluation-fiscal-year-label-mismatch   fiscal_year_label names another year than fiscal_year (error);
                                            evaluation-fiscal-year-label-unreadable when it names none (warning)
    evaluation-grade-unknown                grade is neither empty nor a word of the scale in force: the
                                            evaluations schema's grade ``categories`` when it has them (a
                                            publisher's or layout's scale, e.g. A / B / C / D), else
                                            順調 / 維持 / 停滞 (error; the message lists the scale)
    evaluation-municipality-code            municipality_code is not a valid 全国地方公共団体コード (error)
    evaluation-reference-mismatch           a row points at a program or indicator of another evaluation,
                                            which foreign keys cannot see (error)

Rules are pure and never raise on bad data: a cell the data layer could not type arrives as None
and is skipped here (its error is the data layer's).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ..findings import Finding, Layer, Location, Severity
from ..japan.lgcode import lg_code_problem
from ..japan.wareki import parse_bare_fiscal_year, parse_fiscal_year
from ..records.model import FUNDING_SOURCES, GRADES
from .rules import PackageView, rule

__all__: list[str] = []

_STAGE_JA = {"budget": "予算", "settlement": "決算", "preliminary_settlement": "決算(速報値)"}
_CATEGORY_JA = {"total": "総額", "business": "事業費", "personnel": "人件費"}
_FUNDING_JA = {
    "national_subsidy": "国庫支出金",
    "prefectural_subsidy": "都道府県支出金",
    "local_bond": "地方債",
    "other_revenue": "その他",
    "general_revenue": "一般財源",
}
_FUNDING = tuple(c.value for c in FUNDING_SOURCES)


def _applies(view: PackageView) -> bool:
    return view.has("evaluations")


def _rows(view: PackageView, resource: str) -> list[dict[str, Any]]:
    return view.rows(resource) if view.has(resource) else []


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def _dec(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip().rstrip("%"))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _yen(amount: int) -> str:
    return f"{amount:,}円"


def _finding(
    view: PackageView,
    resource: str,
    row: Mapping[str, Any],
    field: str,
    code: str,
    message: str,
    severity: Severity = Severity.ERROR,
    **params: Any,
) -> Finding:
    return Finding(
        code=code,
        message=message,
        severity=severity,
        where=Location(file=view.file(resource), row=row.get("__row__"), field=field),
        layer=Layer.DOMAIN,
        resource=resource,
        params=params,
    )


# --------------------------------------------------------------------------------------------------
# (a) costs


@rule("evaluation-cost-sum-mismatch", applies=_applies)
def check_cost_sum(view: PackageView) -> Iterator[Finding]:
    """The programs' amounts add up to the printed policy amount (per year, stage and category)."""
    costs = _rows(view, "costs")
    policy: dict[tuple[str, int, str, str], dict[str, Any]] = {}
    by_program: dict[tuple[str, int, str, str], dict[str, int]] = defaultdict(dict)
    programs_with_costs: dict[str, set[str]] = defaultdict(set)
    for row in costs:
        eid, year, stage, category = _str(row.get("evaluation_id")), _int(row.get("fiscal_year")), \
            _str(row.get("stage")), _str(row.get("category"))
        amount = _int(row.get("amount_jpy"))
        if eid is None or year is None or stage is None or category is None or amount is None:
            continue
        key = (eid, year, stage, category)
        program = _str(row.get("program_id"))
        if program is None:
            policy.setdefault(key, row)
        else:
            by_program[key][program] = by_program[key].get(program, 0) + amount
            programs_with_costs[eid].add(program)
    for key, row in policy.items():
        eid, year, stage, category = key
        amounts = by_program.get(key)
        if not amounts:
            continue  # the sheet prints only the policy figure: nothing to add up
        total = _int(row.get("amount_jpy"))
        programs_sum = sum(amounts.values())
        if total is None or total == programs_sum:
            continue
        # A program that prints no figure here ("—") may be inside the total or not: then the
        # mismatch is a warning to look at, not an error.
        missing = sorted(programs_with_costs[eid] - set(amounts))
        note = f"、この年度の金額がない事業 {len(missing)}件" if missing else ""
        yield _finding(
            view,
            "costs",
            row,
            "amount_jpy",
            "evaluation-cost-sum-mismatch",
            f"{eid} の{year}年度{_STAGE_JA.get(stage, stage)}の{_CATEGORY_JA.get(category, category)}: "
            f"施策の合計 {_yen(total)} と事業の合計 {_yen(programs_sum)} が一致しません"
            f"（差 {_yen(total - programs_sum)}、{len(amounts)}事業{note}）",
            Severity.WARNING if missing else Severity.ERROR,
            evaluation_id=eid,
            fiscal_year=year,
            stage=stage,
            category=category,
            policy_total=total,
            programs_sum=programs_sum,
            difference=total - programs_sum,
            programs=len(amounts),
            programs_without_amount=missing,
        )


# (evaluation_id, program_id or None for the policy, fiscal_year, stage): one printed cost breakdown
_CostKey = tuple[str, str | None, int, str]


def _typed_costs(view: PackageView) -> Iterator[tuple[_CostKey, str, int, dict[str, Any]]]:
    """(key, category, amount, row) of each cost row whose key and amount the data layer could type."""
    for row in _rows(view, "costs"):
        eid, year, stage, category = _str(row.get("evaluation_id")), _int(row.get("fiscal_year")), \
            _str(row.get("stage")), _str(row.get("category"))
        amount = _int(row.get("amount_jpy"))
        if eid is None or year is None or stage is None or category is None or amount is None:
            continue
        yield (eid, _str(row.get("program_id")), year, stage), category, amount, row


@rule("evaluation-cost-breakdown-mismatch", applies=_applies)
def check_cost_breakdown(view: PackageView) -> Iterator[Finding]:
    """total = business + personnel for each program and the policy, where all three are printed."""
    groups: dict[_CostKey, dict[str, tuple[int, dict[str, Any]]]] = defaultdict(dict)
    for key, category, amount, row in _typed_costs(view):
        groups[key].setdefault(category, (amount, row))
    for (eid, program, year, stage), parts in groups.items():
        if not {"total", "business", "personnel"} <= set(parts):
            continue
        total, row = parts["total"]
        business, personnel = parts["business"][0], parts["personnel"][0]
        if total == business + personnel:
            continue
        scope = f"事業 {program} " if program else f"{eid} の施策全体"
        yield _finding(
            view,
            "costs",
            row,
            "amount_jpy",
            "evaluation-cost-breakdown-mismatch",
            f"{scope}の{year}年度{_STAGE_JA.get(stage, stage)}: 総額 {_yen(total)} が事業費 {_yen(business)} と"
            f"人件費 {_yen(personnel)} の和 {_yen(business + personnel)} と一致しません",
            evaluation_id=eid,
            program_id=program,
            fiscal_year=year,
            stage=stage,
            total=total,
            business=business,
            personnel=personnel,
            difference=total - business - personnel,
        )


def _funding_finding(
    view: PackageView, key: _CostKey, business: tuple[int, dict[str, Any]],
    sources: dict[str, int],
) -> Finding | None:
    (eid, program, year, stage), (amount, row) = key, business
    summed = sum(sources.values())
    complete = set(_FUNDING) <= set(sources)
    if summed == amount or (not complete and summed < amount):
        return None
    missing = [_FUNDING_JA[c] for c in _FUNDING if c not in sources]
    scope = f"事業 {program} " if program else f"{eid} の施策全体"
    printed = "、".join(f"{_FUNDING_JA[c]} {_yen(sources[c])}" for c in _FUNDING if c in sources)
    note = "" if complete else f"（記載のない財源: {'、'.join(missing)}）"
    return _finding(
        view, "costs", row, "amount_jpy", "evaluation-funding-sum-mismatch",
        f"{scope}の{year}年度{_STAGE_JA.get(stage, stage)}: 事業費 {_yen(amount)} と財源の合計 {_yen(summed)}"
        f"（{printed}）が一致しません{note}",
        Severity.ERROR if complete else Severity.WARNING,
        evaluation_id=eid, program_id=program, fiscal_year=year, stage=stage, business=amount,
        funding_sum=summed, difference=amount - summed, funding_missing=[c for c in _FUNDING if c not in sources],
    )


@rule("evaluation-funding-sum-mismatch", applies=_applies)
def check_funding_sum(view: PackageView) -> Iterator[Finding]:
    """The funding sources add up to the business cost (per program or policy, year and stage)."""
    business: dict[_CostKey, tuple[int, dict[str, Any]]] = {}
    sources: dict[_CostKey, dict[str, int]] = defaultdict(dict)
    for key, category, amount, row in _typed_costs(view):
        if category == "business":
            business.setdefault(key, (amount, row))
        elif category in _FUNDING:
            sources[key].setdefault(category, amount)
    for key, printed in business.items():
        if sources.get(key):  # no funding source printed: nothing to add up
            finding = _funding_finding(view, key, printed, sources[key])
            if finding is not None:
                yield finding


# --------------------------------------------------------------------------------------------------
# (b) achievement rates

_ONE_DECIMAL = Decimal("0.1")


def _tolerance(printed: Decimal) -> Decimal:
    exponent = printed.as_tuple().exponent
    unit = Decimal(1).scaleb(exponent) if isinstance(exponent, int) else _ONE_DECIMAL
    return max(unit, _ONE_DECIMAL)


@rule("evaluation-achievement-rate-mismatch", applies=_applies)
def check_achievement_rate(view: PackageView) -> Iterator[Finding]:
    """achievement_rate = actual ÷ target × 100 (inverse for lower_is_better), one decimal."""
    directions = {
        _str(r.get("indicator_id")): _str(r.get("direction")) or "unknown" for r in _rows(view, "indicators")
    }
    for row in _rows(view, "indicator_values"):
        target, actual, printed = _dec(row.get("target")), _dec(row.get("actual")), _dec(row.get("achievement_rate"))
        if target is None or actual is None or printed is None:
            continue
        direction = directions.get(_str(row.get("indicator_id")), "unknown")
        candidates: list[Decimal] = []
        if direction in ("higher_is_better", "unknown") and target != 0:
            candidates.append(actual / target * 100)
        if direction in ("lower_is_better", "unknown") and actual != 0:
            candidates.append(target / actual * 100)
        if not candidates:
            continue
        expected = [c.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP) for c in candidates]
        tolerance = _tolerance(printed)
        if any(abs(printed - e) <= tolerance for e in expected):
            continue
        formula = "目標値÷実績値" if direction == "lower_is_better" else "実績値÷目標値"
        yield _finding(
            view,
            "indicator_values",
            row,
            "achievement_rate",
            "evaluation-achievement-rate-mismatch",
            f"指標 {row.get('indicator_id')} の{row.get('fiscal_year')}年度: 達成率 {printed}% が "
            f"{formula}×100 = {expected[0]}% と一致しません（実績値 {actual}、目標値 {target}）",
            indicator_id=row.get("indicator_id"),
            fiscal_year=row.get("fiscal_year"),
            printed=str(printed),
            expected=str(expected[0]),
            target=str(target),
            actual=str(actual),
            direction=direction,
        )


# --------------------------------------------------------------------------------------------------
# (c)–(e) evaluations


@rule("evaluation-fiscal-year-label-mismatch", applies=_applies)
def check_fiscal_year_label(view: PackageView) -> Iterator[Finding]:
    """fiscal_year_label names the same fiscal year as fiscal_year."""
    for row in _rows(view, "evaluations"):
        year, label = _int(row.get("fiscal_year")), _str(row.get("fiscal_year_label"))
        if year is None or label is None:
            continue
        named = parse_fiscal_year(label)
        if named is None:
            named = parse_bare_fiscal_year(label, year)
        if named is None:
            yield _finding(
                view, "evaluations", row, "fiscal_year_label", "evaluation-fiscal-year-label-unreadable",
                f"年度の表記「{label}」を年度として読めません", Severity.WARNING, label=label, fiscal_year=year,
            )
        elif named != year:
            yield _finding(
                view, "evaluations", row, "fiscal_year_label", "evaluation-fiscal-year-label-mismatch",
                f"年度の表記「{label}」は{named}年度ですが、fiscal_year は {year} です",
                label=label, label_year=named, fiscal_year=year,
            )


def _grade_scale(view: PackageView) -> tuple[str, ...]:
    """The grade field's Table Schema ``categories`` (strings or {value, label}), else GRADES."""
    fields = view.fields("evaluations")
    field = next((f for f in fields if isinstance(f, Mapping) and f.get("name") == "grade"), None)
    categories = field.get("categories") if field is not None else None
    if not isinstance(categories, list):
        return GRADES
    words = [c.get("value") if isinstance(c, Mapping) else c for c in categories]
    scale = tuple(w for w in words if isinstance(w, str) and w)
    return scale or GRADES


@rule("evaluation-grade-unknown", applies=_applies)
def check_grade(view: PackageView) -> Iterator[Finding]:
    """grade is empty or a word of the scale in force (the grade field's categories, else GRADES)."""
    scale = _grade_scale(view)
    for row in _rows(view, "evaluations"):
        grade = _str(row.get("grade"))
        if grade is not None and grade not in scale:
            yield _finding(
                view, "evaluations", row, "grade", "evaluation-grade-unknown",
                f"評価「{grade}」は {' / '.join(scale)} のいずれでもありません",
                grade=grade, allowed=list(scale),
            )


@rule("evaluation-municipality-code", applies=_applies)
def check_municipality_code(view: PackageView) -> Iterator[Finding]:
    """municipality_code is a 6-digit 全国地方公共団体コード with the right check digit."""
    for row in _rows(view, "evaluations"):
        code = _str(row.get("municipality_code"))
        if code is None:
            continue
        problem = lg_code_problem(code)
        if problem is not None:
            yield _finding(
                view, "evaluations", row, "municipality_code", "evaluation-municipality-code", problem,
                municipality_code=code,
            )


# --------------------------------------------------------------------------------------------------
# (f) references across evaluations


@rule("evaluation-reference-mismatch", applies=_applies)
def check_references(view: PackageView) -> Iterator[Finding]:
    """Rows point at programs and indicators of their own evaluation."""
    program_owner = {
        _str(r.get("program_id")): _str(r.get("evaluation_id")) for r in _rows(view, "programs")
    }
    indicator_owner = {
        _str(r.get("indicator_id")): _str(r.get("evaluation_id")) for r in _rows(view, "indicators")
    }
    for resource in ("costs", "indicators", "narratives"):
        for row in _rows(view, resource):
            program, eid = _str(row.get("program_id")), _str(row.get("evaluation_id"))
            owner = program_owner.get(program) if program else None
            if program and eid and owner and owner != eid:
                yield _finding(
                    view, resource, row, "program_id", "evaluation-reference-mismatch",
                    f"{resource} の行（評価 {eid}）が別の評価 {owner} の事業 {program} を指しています",
                    evaluation_id=eid, program_id=program, program_evaluation_id=owner,
                )
    for row in _rows(view, "indicator_values"):
        indicator, eid = _str(row.get("indicator_id")), _str(row.get("evaluation_id"))
        owner = indicator_owner.get(indicator) if indicator else None
        if eid and owner and owner != eid:
            yield _finding(
                view, "indicator_values", row, "evaluation_id", "evaluation-reference-mismatch",
                f"指標の値（評価 {eid}）が別の評価 {owner} の指標 {indicator} を指しています",
                evaluation_id=eid, indicator_id=indicator, indicator_evaluation_id=owner,
            )
