"""What a cycle did, in words an operator reads: each task as it finishes, then what was accepted,
refused (with where the file and its reasons are), late and missing. The same as JSON for machines."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from shnor.accounting import KindAccount, accounting_lines, not_in_marts, row_accounting
from shnor.airflow_local import TaskDone
from shnor.archive import quarantine_folder
from shnor.identity import identity_summary
from shnor.windows import dag_id
from shnor_core import warehouse
from shnor_core.settings import DataHome

TASK_TITLES = {
    "resolve_monitoring": "мониторинг запуска определён",
    "load_reference": "справочники форм и календарь загружены",
    "ingest_submissions": "формы МО приняты в архив и прочитаны",
    "ingest_context": "ОО-1 прочитаны",
    "ingest_school_data": "реестр школ, результаты, списки и кураторы прочитаны",
    "validate_new_files": "проверки Great Expectations выполнены",
    "dbt_build": "витрины построены и проверены (dbt build)",
    "publish_marts": "витрины опубликованы для BI",
    "build_docs": "документация dbt и GX собрана",
    "build_reports": "отчёты сформированы",
}
STAGES = {"shnor_build_marts": "витрины", "shnor_publish_reports": "отчёты", "shnor_build_docs": "документация"}  # and a window's close DAG: «приём»
STATE_RU = {"success": "готово", "failed": "ОШИБКА", "skipped": "пропущено", "upstream_failed": "не выполнено"}


def print_progress(task: TaskDone, stream=sys.stderr) -> None:
    stage = "приём" if task.dag_id.startswith(dag_id("close", "")) else STAGES.get(task.dag_id, task.dag_id)
    print(f"  [{stage}] {TASK_TITLES.get(task.task_id, task.task_id)} — {STATE_RU.get(task.state, task.state)}, "
          f"{task.seconds:.1f} с", file=stream, flush=True)


def cycle_summary(home: DataHome, monitoring_id: str, seconds: float, log: Path) -> dict:
    """Accepted, refused (file, quarantine folder, first reasons), late and missing forms of the cycle,
    and the other files the run took in."""
    status = warehouse.query(home.warehouse, "select municipality_name, submission_status, is_late, current_file "
                                             "from marts.mart_submission_status where monitoring_id = ? "
                                             "order by municipality_name", [monitoring_id])
    refused = warehouse.query(home.warehouse, f"""
        select f.source_file, f.source_kind, f.source_sha256,
               list(e.rule order by e.stage, e.cell)[1:3] as rules, count(e.rule) as errors
        from {warehouse.FILES_TABLE} f left join {warehouse.ERRORS_TABLE} e
          on e.source_sha256 = f.source_sha256 and e.stage <> 'not_read'
        where f.status = 'rejected' and (f.monitoring_id = ? or f.source_kind <> 'submission')
        group by all order by f.source_kind, f.source_file""", [monitoring_id])
    held_elsewhere = warehouse.query(home.warehouse, f"""
        select source_file, source_kind, source_sha256, taken_in, taken_file,
               list(rule order by sheet, cell)[1:3] as rules, count(*) as errors
        from {warehouse.WINDOW_ARRIVALS_TABLE} where monitoring_id = ? and outcome = 'held_for_another_window'
        group by all order by source_file""", [monitoring_id])
    files = warehouse.query(home.warehouse, f"select source_kind, status, count(*) as n from {warehouse.FILES_TABLE} "
                                            "group by all order by 1, 2")
    unreadable = warehouse.query(home.warehouse, f"""
        select source_kind, entry_path, reason from {warehouse.UNREADABLE_TABLE}
        where monitoring_id = ? or source_kind <> 'submission' order by source_kind, entry_path""", [monitoring_id])
    return {
        "monitoring_id": monitoring_id, "seconds": round(seconds, 1),
        "accepted": list(status.loc[status["submission_status"] == "accepted", "municipality_name"]),
        "late": list(status.loc[status["is_late"].astype(bool), "municipality_name"]),
        "missing": list(status.loc[status["submission_status"] == "missing", "municipality_name"]),
        "refused": [{"file": r.source_file, "kind": r.source_kind, "errors": int(r.errors),
                     "first_reasons": [rule for rule in r.rules if rule],
                     "quarantine": str(quarantine_folder(home, r.source_sha256))} for r in refused.itertuples()]
        + [{"file": r.source_file, "kind": r.source_kind, "errors": int(r.errors), "first_reasons": list(r.rules),
            "held_for": {"window": r.taken_in, "file": r.taken_file},
            "quarantine": str(quarantine_folder(home, r.source_sha256, monitoring_id))}
           for r in held_elsewhere.itertuples()],
        "window_files": window_files(home, monitoring_id),
        "unreadable": [{"entry": r.entry_path, "kind": r.source_kind, "reason": r.reason}
                       for r in unreadable.itertuples()],
        "versions": version_history(home, monitoring_id),
        "files": {f"{r.source_kind}:{r.status}": int(r.n) for r in files.itertuples()},
        "school_names": identity_summary(home),
        "rows": [account.as_dict() for account in row_accounting(home.warehouse)],
        "warehouse": str(home.warehouse), "reports": str(home.reports / monitoring_id),
        "validation": str(home.validation), "log": str(log),
    }


def window_files(home: DataHome, monitoring_id: str) -> list[dict]:
    """Every form handed in to the window, by arrival, and what became of it: taken (accepted), refused, refused
    for this window because the same bytes are held for another, or the same bytes as a file the window already
    has, under another name (``audit.window_arrivals``)."""
    rows = warehouse.query(home.warehouse, f"""
        select source_file, received_at, status, null as held from {warehouse.FILES_TABLE}
        where source_kind = 'submission' and monitoring_id = ?
        union all
        select distinct source_file, received_at, outcome,
               case outcome when 'same_in_window' then taken_file else taken_in end
        from {warehouse.WINDOW_ARRIVALS_TABLE} where monitoring_id = ?
        order by received_at, source_file""", [monitoring_id, monitoring_id])
    return [{"file": r.source_file, "received_at": r.received_at.isoformat(), "status": r.status,
             "outcome": FILE_OUTCOMES[r.status].format(held=r.held)} for r in rows.itertuples()]


FILE_OUTCOMES = {
    "accepted": "принят в окно",
    "rejected": "отклонён проверкой",
    "read": "прочитан, ещё не проверен",
    "held_for_another_window": "отклонён: тот же файл (побайтно) уже поступил в окно «{held}»",
    "same_in_window": "тот же файл (побайтно), что «{held}», уже сдан в это окно: ничего не меняет",
}


def version_history(home: DataHome, monitoring_id: str) -> list[dict]:
    """Each municipality that sent more than one version of its form: every version by arrival, the current
    one (the marts' ``current_sha256``: the latest accepted by arrival) and why each other one is not."""
    rows = warehouse.query(home.warehouse, f"""
        select s.municipality_name, f.source_file, f.source_sha256, f.received_at, f.status,
               s.current_sha256, s.current_file
        from {warehouse.FILES_TABLE} f
        join marts.mart_submission_status s
          on s.monitoring_id = f.monitoring_id and s.municipality_oktmo = f.municipality_oktmo
        where f.source_kind = 'submission' and f.monitoring_id = ? and f.school_code is null
          and s.versions_received > 1
        order by s.municipality_name, f.received_at, f.source_file""", [monitoring_id])
    history: dict[str, list[dict]] = {}
    for row in rows.itertuples():
        if row.source_sha256 == row.current_sha256:
            why = "действующая: последняя принятая по времени поступления"
        elif row.status == "rejected":
            why = "отклонена проверкой" + (f"; действует «{row.current_file}»" if row.current_file else "")
        elif row.status != "accepted":
            why = "ещё не проверена"
        else:
            why = f"заменена: позже поступила «{row.current_file}»"
        history.setdefault(row.municipality_name, []).append({
            "file": row.source_file, "received_at": row.received_at.isoformat(), "status": row.status,
            "current": row.source_sha256 == row.current_sha256, "why": why})
    return [{"municipality": name, "versions": versions} for name, versions in history.items()]


def print_summary(summary: dict, as_json: bool = False) -> None:
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        return
    names = lambda items: ", ".join(items) if items else "—"  # noqa: E731
    accounts = [KindAccount(**row) for row in summary.get("rows", [])]
    in_review, dropped = not_in_marts(accounts)
    parked = (f"; не все строки файлов в витринах: ждут проверки названий {in_review}, отброшено {dropped} "
              "(сколько и почему — ниже)") if in_review or dropped else ""
    print(f"Цикл мониторинга {summary['monitoring_id']} выполнен за {summary['seconds']:.0f} с{parked}")
    print(f"  формы МО: принято {len(summary['accepted'])}, отклонено "
          f"{sum(1 for r in summary['refused'] if r['kind'] == 'submission')}, с опозданием {len(summary['late'])} "
          f"({names(summary['late'])}), не сдано {len(summary['missing'])} ({names(summary['missing'])})")
    outcomes = Counter(entry["status"] for entry in summary.get("window_files", []))
    if outcomes:
        print(f"  файлы окна: всего {outcomes.total()}, приняты {outcomes['accepted']}, отклонены проверкой "
              f"{outcomes['rejected']}, тот же файл, что в другом окне, — {outcomes['held_for_another_window']}, "
              f"тот же файл, что уже сдан в это окно, — {outcomes['same_in_window']}"
              + (f", ещё не проверены {outcomes['read']}" if outcomes["read"] else ""))
    for refused in summary["refused"]:
        reasons = "; ".join(refused["first_reasons"])
        more = f" (всего ошибок: {refused['errors']})" if refused["errors"] > len(refused["first_reasons"]) else ""
        print(f"  ОТКЛОНЁН {refused['file']}: {reasons}{more}\n    карантин: {refused['quarantine']}")
    school_names = summary.get("school_names") or {}
    if school_names:
        count = lambda status, what: school_names.get(status, {}).get(what, 0)  # noqa: E731
        print(f"  школы в результатах: по реестру {count('registered', 'names')}, незарегистрированных "
              f"{count('unregistered', 'names')} (в витринах), ждут решения {count('review', 'names')} — строк "
              f"{count('review', 'rows')}, участников {count('review', 'participants')} (shnor review)"
              + (f", не наши {count('not_ours', 'names')}" if "not_ours" in school_names else ""))
    for entry in summary["unreadable"]:
        print(f"  НЕ ПРИНЯТ {entry['entry']}: {entry['reason']}")
    for municipality in summary.get("versions", []):
        print(f"  версии формы, {municipality['municipality']}:")
        for version in municipality["versions"]:
            mark = "→" if version["current"] else " "
            print(f"    {mark} {version['file']}, поступила {version['received_at'][:16].replace('T', ' ')} UTC: "
                  f"{version['why']}")
    for line in accounting_lines(accounts):
        print(line)
    print(f"  хранилище (DuckDB): {summary['warehouse']}")
    print(f"  отчёты:             {summary['reports']} (справка .docx и .pdf, справки МО, книги Excel)")
    print(f"  проверки GX:        {summary['validation']}")
    print(f"  журнал Airflow:     {summary['log']}")
