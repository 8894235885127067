"""The evaluation section of a dataset page: what the 行政評価 says, not only which files hold it.

For a package with an ``evaluations`` resource (docs/evaluation-contract.md), each evaluation shows
its grade and the reason, each indicator as a table (year × target / actual / achievement rate) with
a line chart, the costs per year and stage as a table with a bar chart, the programs with their
amounts, the challenges and every narrative. The tables are the charts' text alternative, so every
value is in the text; the charts carry the same values as printed in the CSV (``svgchart``).

Read from the CSV files themselves (``csvtable``) by the contract's column names: the site shows
what a reuser downloads, and a package that lacks a table simply shows less.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from .csvtable import CsvTable
from .html import esc, paragraphs, scroller
from .svgchart import Series, bar_chart, line_chart, number

__all__ = ["STAGE_LABELS", "evaluation_section", "has_evaluations"]

Row = dict[str, str]

STAGE_LABELS = {"budget": "予算", "settlement": "決算", "preliminary_settlement": "決算（速報値）"}
_CATEGORY_LABELS = {"total": "総額（トータルコスト）", "business": "事業費", "personnel": "人件費",
                    "national_subsidy": "国庫支出金", "prefectural_subsidy": "都道府県支出金",
                    "local_bond": "地方債", "other_revenue": "その他の特定財源", "general_revenue": "一般財源"}


def has_evaluations(tables: Mapping[str, CsvTable]) -> bool:
    return "evaluations" in tables and bool(tables["evaluations"].rows)


def _rows(tables: Mapping[str, CsvTable], name: str, evaluation_id: str) -> list[Row]:
    table = tables.get(name)
    return [r for r in table.records() if r.get("evaluation_id") == evaluation_id] if table else []


def _yen(text: str) -> str:
    value = number(text)
    return "—" if value is None else f"{value:,.0f} 円"


def _cell(text: str, suffix: str = "") -> str:
    return esc(text + suffix) if text.strip() else "—"


# ---------------------------------------------------------------------------------------------
# indicators


def _indicator_table(caption: str, unit: str, values: Sequence[Row]) -> str:
    rows = "\n".join(
        f'<tr><th scope="row">{esc(v.get("fiscal_year"))}年度</th><td class="num">{_cell(v.get("target", ""))}</td>'
        f'<td class="num">{_cell(v.get("actual", ""))}</td>'
        f'<td class="num">{_cell(v.get("achievement_rate", ""), "%")}</td><td>{esc(v.get("note", ""))}</td></tr>'
        for v in values)
    u = f"（{esc(unit)}）" if unit else ""
    return (scroller(caption) + f'<table class="indicator">\n<caption>{esc(caption)}</caption>\n'
            f'<thead><tr><th scope="col">年度</th><th scope="col" class="num">目標値{u}</th>'
            f'<th scope="col" class="num">実績値{u}</th><th scope="col" class="num">達成率</th>'
            '<th scope="col">備考</th></tr></thead>\n<tbody>\n' + rows + "\n</tbody></table></div>\n")


def _series(key: str, label: str, values: Sequence[Row], column: str) -> Series:
    points = {}
    for v in values:
        n = number(v.get(column))
        if n is not None:
            points[v.get("fiscal_year", "")] = (n, v.get(column, "").strip())
    return Series(key, label, points)


def _indicator_chart(chart_id: str, name: str, unit: str, values: Sequence[Row]) -> str:
    series = [s for s in (_series("target", "目標値", values, "target"), _series("actual", "実績値", values, "actual"))
              if s.values]
    if not series:
        return '<p class="note">数値の記載がないため、グラフはありません。</p>\n'
    years = [v.get("fiscal_year", "") for v in values]
    said = "と".join(s.label for s in series)
    desc = (f"{name}の{said}を年度ごとに示す折れ線グラフ。横軸は年度（{years[0]}〜{years[-1]}年度）、"
            f"縦軸は{unit or '値'}。数値はすぐ下の表にあります。")
    svg = line_chart(chart_id, title=f"{name}の推移", desc=desc, categories=years, series=series,
                     x_label="年度", y_label=f"値（{unit}）" if unit else "値")
    return f'<figure class="chart-figure">\n{svg}\n<figcaption>{esc(name)}の{esc(said)}（表と同じ値）</figcaption>\n</figure>\n'


def _indicators(tables: Mapping[str, CsvTable], evaluation_id: str) -> str:
    indicators = _rows(tables, "indicators", evaluation_id)
    if not indicators:
        return ""
    values: dict[str, list[Row]] = defaultdict(list)
    for v in tables["indicator_values"].records() if "indicator_values" in tables else ():
        values[v.get("indicator_id", "")].append(v)
    parts = []
    for ind in indicators:
        iid, name, unit = ind.get("indicator_id", ""), ind.get("name", ""), ind.get("unit", "")
        rows = sorted(values.get(iid, []), key=lambda v: number(v.get("fiscal_year")) or 0)
        method = f'<p class="small">把握の方法: {esc(ind["method"])}</p>\n' if ind.get("method") else ""
        body = (_indicator_chart(f"chart-{iid}", name, unit, rows) + _indicator_table(f"{name}の目標値と実績値", unit, rows)
                if rows else "<p>年度ごとの値は記載されていません。</p>\n")
        parts.append(f'<div class="indicator-block" data-indicator="{esc(iid)}">\n<h5>{esc(ind.get("indicator_no"))}. '
                     f'{esc(name)}{"（" + esc(unit) + "）" if unit else ""}</h5>\n{method}{body}</div>\n')
    return "<h4>指標</h4>\n" + "".join(parts)


# ---------------------------------------------------------------------------------------------
# costs and programs


def _costs(tables: Mapping[str, CsvTable], evaluation_id: str) -> str:
    costs = [c for c in _rows(tables, "costs", evaluation_id) if not c.get("program_id")]
    if not costs:
        return ""
    rows = "\n".join(
        f'<tr><th scope="row">{esc(c.get("fiscal_year"))}年度</th><td>{esc(STAGE_LABELS.get(c.get("stage", ""), c.get("stage")))}</td>'
        f'<td>{esc(_CATEGORY_LABELS.get(c.get("category", ""), c.get("category")))}</td>'
        f'<td class="num">{_yen(c.get("amount_jpy", ""))}</td></tr>' for c in costs)
    table = (scroller("施策全体の事業費") + '<table class="costs">\n<caption>施策全体の事業費（年度・段階別）</caption>\n'
             '<thead><tr><th scope="col">年度</th><th scope="col">段階</th><th scope="col">区分</th>'
             '<th scope="col" class="num">金額</th></tr></thead>\n<tbody>\n' + rows + "\n</tbody></table></div>\n")
    totals = [c for c in costs if c.get("category") == "total"]
    years = sorted({c.get("fiscal_year", "") for c in totals})
    series = [Series(stage, label, {c.get("fiscal_year", ""): (n, c.get("amount_jpy", "").strip())
                                    for c in totals if c.get("stage") == stage
                                    and (n := number(c.get("amount_jpy"))) is not None})
              for stage, label in STAGE_LABELS.items()]
    series = [s for s in series if s.values]
    chart = ""
    if series:
        svg = bar_chart(f"chart-{evaluation_id}-costs", title="施策全体の事業費（総額）",
                        desc="施策全体の事業費の総額を年度と段階（" + "・".join(s.label for s in series)
                        + "）ごとに示す棒グラフ。縦軸は千円。金額はすぐ下の表にあります。",
                        categories=years, series=series, x_label="年度", y_label="金額（千円）", scale=1000)
        chart = f'<figure class="chart-figure">\n{svg}\n<figcaption>施策全体の事業費の総額（表と同じ値）</figcaption>\n</figure>\n'
    return "<h4>事業費</h4>\n" + chart + table


def _program_amounts(costs: Sequence[Row]) -> str:
    bits = [f'{esc(c.get("fiscal_year"))}年度 {esc(STAGE_LABELS.get(c.get("stage", ""), c.get("stage")))} '
            f'{_yen(c.get("amount_jpy", ""))}' for c in costs if c.get("category") == "total"]
    return "<br>".join(bits) or "—"


def _programs(tables: Mapping[str, CsvTable], evaluation_id: str) -> str:
    programs = _rows(tables, "programs", evaluation_id)
    if not programs:
        return ""
    costs: dict[str, list[Row]] = defaultdict(list)
    for c in _rows(tables, "costs", evaluation_id):
        costs[c.get("program_id", "")].append(c)
    rows = "\n".join(
        f'<tr><th scope="row">{esc(p.get("program_name"))}</th><td>{esc(p.get("section") or "—")}</td>'
        f'<td class="num">{_program_amounts(costs.get(p.get("program_id", ""), []))}</td></tr>' for p in programs)
    return ("<h4>構成事業</h4>\n" + scroller("構成事業") + '<table class="programs">\n<caption>構成事業と金額（総額）</caption>\n'
            '<thead><tr><th scope="col">事業</th><th scope="col">担当</th><th scope="col" class="num">金額</th></tr></thead>\n'
            "<tbody>\n" + rows + "\n</tbody></table></div>\n")


# ---------------------------------------------------------------------------------------------
# texts and the whole section


def _challenges(tables: Mapping[str, CsvTable], evaluation_id: str) -> str:
    items = _rows(tables, "challenges", evaluation_id)
    if not items:
        return ""
    lis = "".join(f'<li><p>{esc(c.get("challenge"))}</p>'
                  + (f'<p class="next-action">取組: {esc(c["next_action"])}</p>' if c.get("next_action") else "")
                  + "</li>\n" for c in items)
    return f"<h4>課題と今後の取組</h4>\n<ol>\n{lis}</ol>\n"


def _narratives(tables: Mapping[str, CsvTable], evaluation_id: str) -> str:
    items = [n for n in _rows(tables, "narratives", evaluation_id) if n.get("text", "").strip()]
    if not items:
        return ""
    body = "".join(f'<dt>{esc(n.get("heading") or "（見出しなし）")}</dt><dd>{paragraphs(n.get("text"))}</dd>\n'
                   for n in items)
    return f'<h4>シートの記述</h4>\n<dl class="narratives">\n{body}</dl>\n'


def _grade(ev: Row) -> str:
    if not ev.get("grade"):
        return '<p class="grade">評価: 記載なし</p>\n'
    reason = f'<div class="grade-reason">{paragraphs(ev.get("grade_reason"))}</div>\n' if ev.get("grade_reason") else ""
    return f'<p class="grade">評価: <strong>{esc(ev["grade"])}</strong></p>\n{reason}'


def _evaluation(tables: Mapping[str, CsvTable], ev: Row) -> str:
    eid = ev.get("evaluation_id", "")
    what = ev.get("policy_name") or eid
    who = "・".join(x for x in (ev.get("municipality_name"), ev.get("lead_department"), ev.get("lead_section")) if x)
    return (f'<article class="evaluation" data-evaluation="{esc(eid)}" aria-labelledby="ev-{esc(eid)}">\n'
            f'<h3 id="ev-{esc(eid)}">{esc(what)}（{esc(ev.get("fiscal_year_label") or ev.get("fiscal_year"))}）</h3>\n'
            + (f'<p class="muted">{esc(who)}</p>\n' if who else "")
            + _grade(ev) + _indicators(tables, eid) + _costs(tables, eid) + _programs(tables, eid)
            + _challenges(tables, eid) + _narratives(tables, eid) + "</article>\n")


def evaluation_section(tables: Mapping[str, CsvTable]) -> str:
    """The section for a package's evaluations ("" when it has none)."""
    if not has_evaluations(tables):
        return ""
    articles = "".join(_evaluation(tables, ev) for ev in tables["evaluations"].records())
    return ('<section aria-labelledby="evaluation-heading" class="evaluations">\n'
            '<h2 id="evaluation-heading">評価の内容</h2>\n'
            "<p>このデータセットの CSV に収められた評価を、表とグラフで示します。グラフの値はすべて表にもあります。</p>\n"
            + articles + "</section>\n")
