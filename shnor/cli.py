"""``shnor``: what a data engineer runs by hand.

    shnor demo                        sample region → full DAG run on the embedded default
    shnor sample-region               write the demo region's landing files
    shnor run [--monitoring ID]       one window through the DAGs: ingest → marts → reports
    shnor check-submission PATH       read one workbook without loading it
    shnor check-results PATH          read one context, results, list, roadmap or registry file without loading it
    shnor templates [--monitoring ID] blank templates of a window, one per municipality
    shnor calendar show [--region R] [--year Y] [--event E] [--file F] [--json]   the DAGs and runs a calendar yields
    shnor backfill --year Y [--region R]                  every window of a year again, from the archive
    shnor build                       dbt build on the warehouse
    shnor report [--monitoring ID]    rebuild the cycle's reports from the marts (notes, workbooks)
    shnor benchmark [--airflow] [--regions 1 4 16] [--national] [--runs N] [--output BENCHMARKS.md]
    shnor users add LOGIN --municipality ОКТМО|--region   accounts of the upload page (disable, list)
    shnor serve [--host 127.0.0.1] [--port 8081] [--demo] the upload page
    shnor airflow [--port 8080]       the Airflow UI on the home (airflow standalone), login printed
    shnor region init CODE --municipalities FILE [--name N --oktmo-prefix P --institution I] [--registry F]
                      [--year Y] [--project DIR]   a region's seeds rows, calendar skeleton, registry (docs/regions.md)
    shnor region show CODE [--json]   what a region has in the reference (seeds, calendar, forms, texts) and lacks
    shnor review [--all] [--json]     names waiting for a person, with candidates and what is at stake
    shnor review confirm|reject ID [--code C] [--by WHO]; review map ID CODE|--not-ours; review export FILE
    shnor explain REF | MART COL=VALUE… | --school CODE [--municipality OKTMO] [--json]   a figure back to its cells

Defaults that name the demo region (docs/regions.md): ``--monitoring`` is ``mph-2025``, the demo's window, for the
commands that take one window.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ingestion.detect import read_summary
from ingestion.infer import infer_layout
from ingestion.layout_spec import load_layouts
from reports.templates import templates_folder
from shnor import cli_russian
from shnor.airflow_local import DEFAULT_PORT, run_cycle, serve_airflow
from shnor.checker import check_file, identity_by_municipality
from shnor.cycle import build_reports, issue_templates
from shnor.dbt_runner import dbt_build
from shnor.docs_site import build_docs
from shnor.explain import add_explain_command
from shnor.regions import Reference, RegionError, init_lines, init_region, overview_lines, region_overview
from shnor.review import decide, export_crosswalk, item_lines, items_json, review_items
from shnor.run_lock import LOCK_FILE, HomeBusy, run_lock
from shnor.run_report import cycle_summary, print_progress, print_summary
from shnor.web.commands import add_web_commands
from shnor.windows import DAG_START, REMINDER_DAYS, CalendarPlan, calendar_plan
from shnor_core import warehouse
from shnor_core.reference import get_monitoring, load_calendar, shown_indicator
from shnor_core.safety import UnsafeWorkbook
from shnor_core.settings import PROJECT_ROOT, DataHome
from shnor_core.sources import SOURCE_KINDS, SUBMISSION
from shnor_core.text import typed_number

DEFAULT_MONITORING = "mph-2025"


def _home(args) -> DataHome:
    return DataHome(Path(args.home).resolve()) if args.home else DataHome.from_env()


def cmd_sample_region(args) -> int:
    """The demo generator runs as its own script (python -m sample_region): the command line composes it without
    importing demo data into orchestration (tests/test_layers.py)."""
    return subprocess.call([sys.executable, "-m", "sample_region", "--home", str(_home(args).root),
                            "--monitoring", args.monitoring, "--seed", str(args.seed)])


def cmd_run(args) -> int:
    home = _home(args)
    get_monitoring(args.monitoring)  # a wrong id is answered at once, with the valid ones
    warehouse.ensure_writable(home.warehouse)  # a file held by another process is named before Airflow starts
    print(f"Цикл мониторинга {args.monitoring}: приём → витрины → отчёты (DAG Airflow на SQLite)", file=sys.stderr,
          flush=True)
    started = time.monotonic()

    def done(log: Path) -> None:  # the reports are written: the summary now, the documentation after it
        print_summary(cycle_summary(home, args.monitoring, time.monotonic() - started, log), args.json)
        sys.stdout.flush()

    run_cycle(home, args.monitoring, progress=print_progress, done=done)
    return 0


def cmd_demo(args) -> int:
    home = _home(args)
    for entry in home.root.iterdir() if home.root.exists() else []:  # the demo home holds demo data only:
        if entry.name != LOCK_FILE:  # each demo starts clean (the run lock it holds stays)
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    generated = cmd_sample_region(args)
    return generated if generated else cmd_run(args)


def _not_read_lines(not_read: list[dict]) -> list[str]:
    return [f"  НЕ ПРОЧИТАНО лист «{n['sheet']}»" + (f", {n['cell']}" if n["cell"] else "")
            + f" [{shown_indicator(n['indicator'])}]: {n['rule']}" for n in not_read]


def _error_lines(errors: list[dict]) -> list[str]:
    return [f"  ОШИБКА {e['cell'] or '—'} [{shown_indicator(e['indicator'])}] «{e['value']}»: {e['rule']}"
            for e in errors]


JSON_ROWS = 10_000  # rows a check prints with --json; rows_total counts them all


def _outcome(verdict) -> tuple[str, int]:
    """A check's status and exit code: 0 accepted, 1 refused or held for review, 2 could not be read."""
    if verdict.accepted:
        return "accepted", 0
    if verdict.read.unreadable:
        return "unreadable", EXIT_ERROR
    return ("held_for_review" if verdict.read.held_reason else "refused"), EXIT_REFUSED


def cmd_check_submission(args) -> int:
    verdict = check_file(Path(args.path), SUBMISSION.name, args.monitoring,
                         registry=Path(args.registry) if args.registry else None, home=_home(args))
    read, indicators = verdict.read, verdict.indicators
    status, code = _outcome(verdict)
    report = {
        "file": str(args.path), "status": status, "exit_code": code,
        "municipality": read.municipality.name if read.municipality else None,
        "school_code": read.school_code,
        "layout": read.layout, "sheet": read.details.get("sheet"),
        "units": sorted(read.rows["unit_label"].unique().tolist()) if not read.rows.empty else [],
        "indicators": indicators, "not_read": verdict.not_read,
        "errors": [{k: e[k] for k in ("cell", "indicator", "value", "rule")} for e in verdict.errors],
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(f"Файл: {report['file']}\nМО: {report['municipality'] or 'не распознано'}")
        if read.details.get("school_text") is not None or read.school_code:
            print(f"ОО: {read.details.get('school_text') or '—'} (код {read.school_code or 'не распознан'}; "
                  f"реестр: {verdict.registry})")
        if report["sheet"]:
            print(f"Прочитано по каталогу формы ({read.layout}), лист «{report['sheet']}»; единицы оценки: "
                  f"{', '.join(report['units']) or '—'}")
        for item in indicators:
            maximum = f" из {item['max']}" if item["max"] is not None else ""
            print(f"  {shown_indicator(item['code'])}: {typed_number(item['score'])}{maximum}")
        for line in _not_read_lines(report["not_read"]):
            print(line)
        print("\n".join(_error_lines(report["errors"])))
        print({"accepted": "Форма принята", "unreadable": "Файл не прочитан"}.get(status, "Форма отклонена"))
    return code


def cmd_check_results(args) -> int:
    """What a context, results, list, roadmap (.docx or Excel), execution report or registry file would load,
    without loading it: with why its layout, procedure, subject, grade and year, and what was left unread."""
    verdict = check_file(Path(args.path), registry=Path(args.registry) if args.registry else None, home=_home(args))
    read = verdict.read
    status, code = _outcome(verdict)
    rows = json.loads(read.rows.head(JSON_ROWS).to_json(orient="records", force_ascii=False))
    report = {"file": str(args.path), "status": status, "exit_code": code, "kind": read.kind, "layout": read.layout,
              "detection": read.details.get("detection"), "evidence": read.evidence, "rows_total": len(read.rows),
              "rows_truncated": len(read.rows) > JSON_ROWS, "summary": read_summary(read),
              "registry": verdict.registry, "held_for_review": read.held_reason, "years": read.years, "rows": rows,
              "unmatched": read.unmatched, "notes": read.notes, "municipalities": _identity_json(verdict.identity),
              "not_read": verdict.not_read,
              "errors": [{k: e[k] for k in ("cell", "indicator", "value", "rule")} for e in verdict.errors]}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    else:
        print(f"Файл: {report['file']}\nВид: {SOURCE_KINDS[read.kind].title}; годы: "
              f"{', '.join(map(str, read.years)) or '—'}; строк: {len(read.rows)}")
        if report["detection"]:
            print(f"Макет: {report['detection']}")
        for line in dict.fromkeys(read.evidence):
            if line not in {e["rule"] for e in report["errors"]}:  # an ambiguous file's refusal says it already
                print(f"  ОСНОВАНИЕ {line}")
        print(f"Реестр школ: {verdict.registry}")
        for row in rows[:10]:
            print("  " + "; ".join(f"{k}={v}" for k, v in row.items() if v is not None and not k.startswith("source_")))
        if len(read.rows) > 10:
            print(f"  … ещё {len(read.rows) - 10}")
        for item in report["unmatched"]:
            print(f"  НЕ СОПОСТАВЛЕНО строка {item['source_row']}: «{item['written_name']}» — {item['reason']}")
        for note in read.notes:  # names that wait: counted, the rest of the file goes on
            print(f"  ЗАМЕЧАНИЕ: {note}")
        for line in _not_read_lines(report["not_read"]):
            print(line)
        print("\n".join(_identity_lines(report["municipalities"])))
        print("\n".join(_error_lines(report["errors"])))
        waiting = sum(item["review"] for item in report["municipalities"])
        accepted = "Файл принят" + (f"; ждут решения после загрузки (shnor review): школ — {waiting}, участников — "
                                    f"{sum(item['review_participants'] for item in report['municipalities']):g}"
                                    if waiting else "")
        print({"accepted": accepted, "unreadable": "Файл не прочитан",
               "held_for_review": f"Файл отложен для проверки человеком: {read.held_reason}"}.get(status, "Файл отклонён"))
    return code


def _identity_json(identity) -> list[dict]:
    return [] if identity is None else json.loads(identity_by_municipality(identity).to_json(orient="records",
                                                                                            force_ascii=False))


def _identity_lines(municipalities: list[dict]) -> list[str]:
    """Per municipality, what the next build will do with the file's names (the warehouse's own resolution)."""
    if not municipalities:
        return []
    lines = ["По МО (как сопоставит сборка хранилища; участники — сумма по предметам):"]
    for item in municipalities:
        lines.append(f"  {item['municipality']}: органов {item['bodies']}, школ {item['schools']}, участников "
                     f"{item['participants']:g}; в реестре {item['matched']} ({item['matched_participants']:g}), "
                     f"без реестра {item['unregistered']} ({item['unregistered_participants']:g}), ждут решения "
                     f"{item['review']} ({item['review_participants']:g})")
    return lines


def cmd_layouts_list(args) -> int:
    """Every known layout, by source kind."""
    for layout in sorted(load_layouts(), key=lambda layout: (layout.kind, layout.name)):
        print(f"  {layout.kind:20} {layout.name:28} {layout.title}")
    return 0


def cmd_layouts_infer(args) -> int:
    """A draft layout for an export no layout knows, for an operator to review and commit."""
    try:
        draft = infer_layout(Path(args.path), args.name)
    except (ValueError, UnsafeWorkbook) as error:
        print(f"shnor: {error}", file=sys.stderr)
        return 1
    if args.output:
        Path(args.output).write_text(draft, encoding="utf-8")
        print(f"Черновик макета записан в {args.output}: проверьте его (docs/layouts.md)")
    else:
        print(draft)
    return 0


def cmd_templates(args) -> int:
    paths = issue_templates(_home(args), args.monitoring)
    if not paths:
        print("Шаблонов нет: в реестре школ хранилища нет школ региона (загрузите реестр)", file=sys.stderr)
        return 1
    print(f"Шаблонов: {len(paths)} в {templates_folder(_home(args), args.monitoring)}")
    return 0


def cmd_backfill(args) -> int:
    """Every window of a year (of one region) again, each through the cycle's DAGs; files that are
    no longer in the landing folder are read back from the archive."""
    home = _home(args)
    windows = [m for m in load_calendar().values() if m.year == args.year
               and (args.region is None or m.region_code == args.region)]
    if not windows:
        print(f"В календаре нет окон за {args.year} год", file=sys.stderr)
        return 1
    for monitoring in sorted(windows, key=lambda m: (m.window_close, m.monitoring_id)):
        started = time.monotonic()
        run_cycle(home, monitoring.monitoring_id)
        print(f"{monitoring.monitoring_id}: пересобрано за {time.monotonic() - started:.0f} с")
    return 0


def calendar_runs(plan: CalendarPlan, region: str | None = None, year: int | None = None,
                  event: str | None = None) -> list[dict]:
    """Every run the calendar's DAGs get from the scheduler (with catchup: every window), in firing order."""
    from shnor.timetable import MonitoringCalendarTimetable, scheduled_runs  # noqa: PLC0415 - lazy: importing Airflow takes seconds

    runs = []
    for spec in plan.dags:
        if (event and spec.event != event) or (region and spec.first.region_code != region):
            continue
        timetable = MonitoringCalendarTimetable(spec.event, spec.windows, REMINDER_DAYS)
        windows = {w.monitoring_id: w for w in spec.windows}
        for run_id, info in scheduled_runs(timetable, DAG_START):
            monitoring = windows[timetable.window_of(info.data_interval).monitoring_id]
            if year is not None and monitoring.year != year:
                continue
            runs.append({
                "dag_id": spec.dag_id, "event": spec.event, "kind": monitoring.kind, "run_id": run_id,
                "monitoring_id": monitoring.monitoring_id, "region": monitoring.region_code, "track": monitoring.track,
                "title": monitoring.title, "form_id": monitoring.form_id or None,
                "logical_date": info.logical_date.isoformat(),
                "data_interval_start": info.data_interval.start.isoformat(),
                "data_interval_end": info.data_interval.end.isoformat(), "fires_at": info.run_after.isoformat(),
            })
    return sorted(runs, key=lambda r: (r["fires_at"], r["dag_id"]))


def windows_before_start(plan: CalendarPlan, runs: list[dict], region: str | None, year: int | None) -> list[str]:
    """Why a window of the calendar has no run: it opens before the DAGs' start date, which the scheduler never
    goes behind, so the window is run by hand (``shnor run``) or with its year (``shnor backfill``)."""
    scheduled = {run["monitoring_id"] for run in runs}
    windows = {w.monitoring_id: w for spec in plan.dags for w in spec.windows
               if (region is None or w.region_code == region) and (year is None or w.year == year)}
    return [f"  {w.monitoring_id}: окно {w.window_open} — {w.window_close} открывается раньше даты "
            f"начала расписания DAG ({DAG_START:%d.%m.%Y}): планировщик его не запустит. Загрузить историю: "
            f"shnor run --monitoring {w.monitoring_id} или shnor backfill --year {w.year}"
            for w in sorted(windows.values(), key=lambda w: w.window_open)
            if w.monitoring_id not in scheduled and w.window_open < DAG_START.date().isoformat()]


def cmd_calendar_show(args) -> int:
    """The runs a calendar yields, so an operator can check a calendar before deploying it: every DAG the
    calendar makes and each of its runs, and every row left out with its file, line and reason."""
    plan = calendar_plan(Path(args.file).resolve() if args.file else None)
    runs = calendar_runs(plan, args.region, args.year, args.event)
    for problem in plan.problems:
        print(f"Календарь с ошибкой: {problem} — строка не будет запланирована", file=sys.stderr)
    if args.json:
        print(json.dumps(runs, ensure_ascii=False, indent=1))
        return 1 if plan.problems else 0
    events = f" ({args.event})" if args.event else ""
    print(f"Запуски{events}: {len(runs)}")
    for line in windows_before_start(plan, runs, args.region, args.year):
        print(line)
    for run in runs:
        print(f"  {run['fires_at'][:16]}  {run['dag_id']:40} {run['monitoring_id']:28} окно "
              f"{run['data_interval_start'][:10]} — {run['data_interval_end'][:10]} (не включая)  трек {run['track']}  "
              f"{run['title']}")
    return 1 if plan.problems else 0


def cmd_region_init(args) -> int:
    """A region's rows in the seeds, its calendar skeleton and its school registry (docs/regions.md)."""
    try:
        reference = Reference.copy_at(Path(args.project)) if args.project else Reference.current()
        done = init_region(args.code, Path(args.municipalities), name=args.name, institution=args.institution,
                           prefix=args.oktmo_prefix, registry=Path(args.registry) if args.registry else None,
                           year=args.year, valid_from=args.valid_from, reference=reference, home=_home(args))
    except RegionError as error:
        print(f"shnor: регион {args.code} не настроен, ничего не записано:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_ERROR
    print("\n".join(init_lines(done)))
    return 0


def cmd_region_show(args) -> int:
    """What a region has in the reference the installation reads (and what it lacks: exit code 1)."""
    overview = region_overview(args.code, _home(args))
    if args.json:
        print(json.dumps(overview, ensure_ascii=False, indent=1))
    else:
        print("\n".join(overview_lines(overview)))
    return 1 if overview["problems"] else 0


def cmd_review(args) -> int:
    """Names the last build could not resolve with certainty (exit 1 while any waits), with what is at stake."""
    items = review_items(_home(args), show_all=args.all)
    if args.json:
        print(json.dumps(items_json(items), ensure_ascii=False, indent=1))
    else:
        print("\n".join(item_lines(items)))
    return 1 if any(item.status == "review" for item in items) else 0


def cmd_review_decide(args) -> int:
    """A person's decision on one name: stored in the crosswalk of the data home, applied on the next build."""
    decision = "not_ours" if getattr(args, "not_ours", False) else args.review_command
    print(decide(_home(args), args.name_id, decision, getattr(args, "code", None), args.by, args.note or ""))
    return 0


def cmd_review_export(args) -> int:
    count = export_crosswalk(_home(args), Path(args.path))
    print(f"Решений: {count} → {args.path}")
    return 0


def cmd_docs(args) -> int:
    built = build_docs(_home(args))
    built.pop("shown_files", None)
    for name, value in built.items():
        print(f"  {name}: {value}")
    return 0


def cmd_airflow(args) -> int:
    """The Airflow UI on the home (airflow standalone) until Ctrl+C."""
    return serve_airflow(_home(args), args.port)


def cmd_build(args) -> int:
    print(dbt_build(_home(args)))
    return 0


def cmd_report(args) -> int:
    """The cycle's reports, with a line per stage and per ten municipal notes, then what was written where."""
    if args.json:
        print(json.dumps(build_reports(_home(args), args.monitoring), ensure_ascii=False, default=str))
        return 0
    print(f"Отчёты окна {args.monitoring}:", flush=True)
    written = build_reports(_home(args), args.monitoring, progress=lambda line: print(f"  {line}", flush=True))
    files = [Path(value) for key, value in written.items() if isinstance(value, str) and key != "folder"]
    folder = files[0].parent if files else _home(args).reports / args.monitoring
    notes = written.get("municipal_notes")
    print(f"Готово, папка {folder}: " + ", ".join(path.name for path in files)
          + (f"; справок МО (.docx и PDF) — {notes}, в папке municipalities" if notes else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    cli_russian.install()
    parser = argparse.ArgumentParser(prog="shnor", description="Хранилище мониторингов ШНОР: приём форм и данных, "
                                     "проверки, витрины и отчёты. Коды выхода: 0 — готово (файл принят), "
                                     "1 — файл отклонён, 2 — ошибка или файл не прочитан, 3 — каталог данных занят "
                                     "другим прогоном.")
    parser.add_argument("--home", help="каталог данных (по умолчанию $SHNOR_HOME или ./var)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="КОМАНДА")

    def add(name, handler, help_text, container=commands):
        command = container.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    def monitoring(command):
        command.add_argument("--monitoring", default=DEFAULT_MONITORING,
                             help=f"идентификатор мониторинга из календаря (по умолчанию {DEFAULT_MONITORING})")

    def as_json(command, what: str = "итог"):
        command.add_argument("--json", action="store_true", help=f"{what} в формате JSON (для программ)")

    for name, handler, help_text in [
        ("demo", cmd_demo, "демонстрационный регион и полный прогон цикла через DAG Airflow"),
        ("sample-region", cmd_sample_region, "только создать файлы демонстрационного региона в landing/"),
    ]:
        command = add(name, handler, help_text)
        monitoring(command)
        command.add_argument("--seed", type=int, default=20250611, help="зерно генератора (те же файлы при том же)")
        if name == "demo":
            as_json(command, "итог прогона")
    run = add("run", cmd_run, "прогон одного окна через DAG цикла: приём → витрины → отчёты")
    monitoring(run)
    as_json(run, "итог прогона")
    check = add("check-submission", cmd_check_submission, "проверить одну форму МО или школы без загрузки (те же "
                "проверки, что в конвейере)")
    check.add_argument("path", metavar="ФАЙЛ", help="книга .xlsx или .xls")
    monitoring(check)
    check.add_argument("--registry", metavar="РЕЕСТР", help="школьная форма: реестр школ (CSV/xlsx); по умолчанию — "
                       "реестр хранилища")
    as_json(check, "результат проверки")
    results = add("check-results", cmd_check_results, "проверить файл ОО-1, результатов, списков, реестра, "
                  "кураторов, дорожную карту, отчёт о её исполнении или реестр людей без загрузки")
    results.add_argument("path", metavar="ФАЙЛ", help="книга или CSV")
    results.add_argument("--registry", metavar="РЕЕСТР", help="реестр школ (CSV/xlsx) для сопоставления названий; "
                         "по умолчанию — реестр хранилища")
    as_json(results, "результат проверки")
    layouts = commands.add_parser("layouts", help="макеты источников (docs/layouts.md)").add_subparsers(
        dest="layouts_command", required=True, metavar="ДЕЙСТВИЕ")
    add("list", cmd_layouts_list, "все известные макеты", layouts)
    infer = add("infer", cmd_layouts_infer, "черновик макета для незнакомой выгрузки", layouts)
    infer.add_argument("path", metavar="ФАЙЛ", help="выгрузка, для которой нужен макет")
    infer.add_argument("--name", help="имя макета (по умолчанию — по имени файла)")
    infer.add_argument("--output", metavar="YAML", help="записать черновик в файл, а не на экран")
    templates = add("templates", cmd_templates, "шаблоны формы окна: для каждого МО региона или для каждой школы "
                    "(школьная форма, по папкам МО)")
    monitoring(templates)
    backfill = add("backfill", cmd_backfill, "пересобрать все окна года (файлы, которых нет в landing, — из архива)")
    backfill.add_argument("--year", type=int, required=True, help="год окон")
    backfill.add_argument("--region", help="код региона (по умолчанию все)")
    calendar = commands.add_parser("calendar", help="календарь мониторингов").add_subparsers(
        dest="calendar_command", required=True, metavar="ДЕЙСТВИЕ")
    show = add("show", cmd_calendar_show, "какие запуски даст календарь", calendar)
    show.add_argument("--region", help="код региона (по умолчанию все)")
    show.add_argument("--year", type=int, help="год (по умолчанию все)")
    show.add_argument("--event", choices=["close", "open", "reminder"],
                      help="только одно событие окон: close — обработка окна, open — шаблоны, reminder — напоминание "
                           "(по умолчанию все)")
    show.add_argument("--file", help="проверить файл календаря до развёртывания")
    as_json(show, "запуски")
    region = commands.add_parser("region", help="свой регион: справочники, календарь, реестр (docs/regions.md)"
                                 ).add_subparsers(dest="region_command", required=True, metavar="ДЕЙСТВИЕ")
    init = add("init", cmd_region_init, "добавить регион: его строки в справочники dbt (ref_regions, "
               "ref_municipalities), заготовку календаря с примерами окон, проверенный реестр школ; повтор с теми же "
               "данными ничего не меняет", region)
    init.add_argument("code", metavar="КОД", help="код региона (субъекта РФ), 2 цифры")
    init.add_argument("--municipalities", required=True, metavar="ФАЙЛ",
                      help="CSV муниципальных образований: ОКТМО (8 цифр), наименование, вид (муниципальный район, "
                           "городской округ, муниципальный округ); необязательно — контрольное число, действует с")
    init.add_argument("--name", metavar="НАИМЕНОВАНИЕ", help="наименование региона (для нового региона обязательно)")
    init.add_argument("--oktmo-prefix", metavar="ПРЕФИКС",
                      help="первые 2 цифры кодов ОКТМО МО региона (для нового региона обязательно)")
    init.add_argument("--institution", metavar="УЧРЕЖДЕНИЕ", help="учреждение, которое ведёт мониторинги и выпускает справки — автор "
                      "документов и {institution} в письме (для нового региона обязательно)")
    init.add_argument("--registry", metavar="ФАЙЛ", help="реестр школ региона (CSV/xlsx): проверяется как в конвейере "
                      "и кладётся в landing/reference каталога данных")
    init.add_argument("--year", type=int, metavar="ГОД", help="год заготовки календаря calendars/<код>_<год>.csv (по умолчанию текущий)")
    init.add_argument("--valid-from", metavar="ГГГГ-ММ-ДД", help="с какой даты действуют наименования МО, если в файле "
                      "нет столбца «действует с» (по умолчанию 1 января года)")
    init.add_argument("--project", metavar="ПАПКА", help="записать в копию справочников проекта в этой папке (создаётся "
                      "при первом запуске), а не в сам проект; прогоны выбирают её переменными окружения")
    show_region = add("show", cmd_region_show, "что есть у региона в справочниках, календаре, формах и каталоге "
                      "данных и чего не хватает (код выхода 1)", region)
    show_region.add_argument("code", metavar="КОД", help="код региона")
    as_json(show_region, "сводка")
    review = add("review", cmd_review, "названия МО и школ, которые ждут решения человека: кандидаты, доводы, что "
                 "на кону (строк, участников, окон); решения хранятся в каталоге данных и применяются при сборке")
    review.add_argument("--all", action="store_true", help="все написанные названия, а не только ждущие решения")
    as_json(review, "список")
    decisions = review.add_subparsers(dest="review_command", metavar="РЕШЕНИЕ")
    for name, help_text in [("confirm", "подтвердить предложенное сопоставление (или первого кандидата)"),
                            ("reject", "отклонить предложенное сопоставление"),
                            ("map", "сопоставить с кодом (ОКТМО МО или код ОО) или отметить «не наше» (--not-ours)")]:
        decision = add(name, cmd_review_decide, help_text, decisions)
        decision.add_argument("name_id", metavar="НОМЕР", help="номер названия из списка shnor review")
        if name == "map":
            target = decision.add_mutually_exclusive_group(required=True)
            target.add_argument("code", nargs="?", metavar="КОД", help="ОКТМО МО или код ОО из реестра")
            target.add_argument("--not-ours", action="store_true", help="не наше МО / не наша школа: строки не идут "
                                "в витрины, причина сохраняется")
        else:
            decision.add_argument("--code", help="другой код вместо предложенного")
        decision.add_argument("--by", help="кто решил (по умолчанию — имя пользователя системы)")
        decision.add_argument("--note", help="пояснение к решению")
    export = add("export", cmd_review_export, "выгрузить все решения (CSV: кто и когда)", decisions)
    export.add_argument("path", metavar="ФАЙЛ", help="куда записать CSV")
    add("airflow", cmd_airflow, "веб-интерфейс Airflow на каталоге данных (airflow standalone)").add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"порт веб-интерфейса (по умолчанию {DEFAULT_PORT})")
    add("build", cmd_build, "dbt build по хранилищу")
    add("docs", cmd_docs, "документация: dbt docs и GX Data Docs")
    report = add("report", cmd_report, "пересобрать отчёты цикла по витринам: справки и книги Excel")
    monitoring(report)
    as_json(report, "что записано")
    # its options, --help too, are the benchmark script's own: passed on as they are
    commands.add_parser("benchmark", add_help=False, help="замеры этапов цикла на синтетических регионах и базовый "
                        "вариант (инструмент разработки из клона репозитория; параметры: shnor benchmark --help)"
                        ).set_defaults(handler=cmd_benchmark)
    add_web_commands(commands)
    add_explain_command(commands)
    return parser


def cmd_benchmark(args) -> int:
    """The benchmark is a development tool of the repository (``benchmarks/``: the harness and the pandas baseline),
    neither installed with the package nor imported by it: run as its own script from the clone, with the options
    that follow ``benchmark``."""
    if not (PROJECT_ROOT / "benchmarks" / "__main__.py").is_file():
        raise RuntimeError("замеры — инструмент разработки: запустите их из клона репозитория "
                           "(python -m benchmarks --help)")
    return subprocess.call([sys.executable, "-m", "benchmarks", *args.options], cwd=PROJECT_ROOT)


# Commands that write to the data home hold its run lock (shnor.run_lock): one at a time.
WRITING_COMMANDS = {"demo", "sample-region", "run", "backfill", "build", "report", "docs", "templates"}
# 3: another run holds the home (shnor.run_lock); 4: another process (an analyst's DuckDB session) holds the
# warehouse file, named with its PID and command line (shnor_core.warehouse.WarehouseBusy).
EXIT_REFUSED, EXIT_ERROR, EXIT_BUSY, EXIT_WAREHOUSE_BUSY = 1, 2, 3, 4


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, options = parser.parse_known_args(argv)
    if args.command == "benchmark":  # its options are the benchmark script's own (python -m benchmarks --help)
        args.options = options
    elif options:
        parser.error(f"неизвестные аргументы: {' '.join(options)}")
    try:
        if args.command in WRITING_COMMANDS:
            with run_lock(_home(args)):
                return args.handler(args)
        return args.handler(args)
    except HomeBusy as busy:
        print(f"shnor: {busy}", file=sys.stderr)
        return EXIT_BUSY
    except warehouse.WarehouseBusy as held:
        print(f"shnor: {held}", file=sys.stderr)
        return EXIT_WAREHOUSE_BUSY
    except (RuntimeError, KeyError, FileNotFoundError) as error:
        print(f"shnor: {error.args[0] if isinstance(error, KeyError) and error.args else error}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
