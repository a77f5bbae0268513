"""A region of one's own: ``shnor region init`` and ``shnor region show`` (docs/regions.md).

A region is not a folder of its own: each of its facts has one place, the place the rest of the system
already reads, keyed by the region's code —

| fact | where |
|---|---|
| name, ОКТМО prefix, institution (the reports' author, ``{institution}`` of the letter) | dbt seed ``ref_regions`` |
| municipalities | dbt seed ``ref_municipalities`` (the ОКТМО codes with the region's prefix) |
| calendar | ``calendars/<code>_<year>.csv`` |
| forms and their report wording | ``forms/<form_id>.csv``; seeds ``report_texts``, ``recommendation_*`` by form |
| school registry | the data home's ``landing/reference/`` |

``init`` checks a region's municipalities file (8-digit ОКТМО with the region's prefix and its control number,
names that the name matcher can tell apart, kinds the seed accepts), then adds the region's rows to the seeds —
a rerun with the same input changes nothing, a row that contradicts the seeds is refused —, writes a calendar
skeleton with one commented example window of each kind and lands a checked school registry. ``show`` lists
what a region has in the reference the installation reads now, and what it lacks. Both write or read the
project's reference, or a copy of it (``--project``), which a run then reads through
``shnor_core.settings.reference_environment``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from shnor.accounting import KindAccount, accounting_lines, not_in_marts, row_accounting
from shnor.checker import check_file
from shnor_core.names import municipality_identity
from shnor_core.reference import (
    CALENDAR_COLUMNS,
    SCHOOL_GROUPS,
    WINDOW_KINDS,
    check_calendar,
    load_form,
    load_municipalities,
    oktmo_control_digit,
    oktmo_prefix,
    region_institution,
    region_name,
)
from shnor_core.settings import DBT_PROJECT_DIR, FORMS_DIR, REFERENCE_FOLDERS, DataHome, calendars_dir
from shnor_core.sources import SCHOOL_REGISTRY, landing_folder

MUNICIPALITY_COLUMNS = ("oktmo8", "control_digit", "name", "kind", "valid_from", "valid_to")
REGION_COLUMNS = ("region_code", "region_name", "oktmo_prefix", "institution")
# How a municipalities file may name its columns: the seed's own names or the Russian ones people use.
COLUMN_ALIASES = {
    "oktmo8": ("oktmo8", "октмо", "код октмо", "октмо мо"),
    "name": ("name", "наименование", "наименование мо", "муниципальное образование"),
    "kind": ("kind", "вид", "вид мо"),
    "control_digit": ("control_digit", "контрольное число", "кч"),
    "valid_from": ("valid_from", "действует с"),
    "valid_to": ("valid_to", "действует по"),
}
LABELS = {"region_name": "наименование", "oktmo_prefix": "префикс ОКТМО", "institution": "учреждение",
          "name": "наименование", "kind": "вид", "control_digit": "контрольное число", "valid_from": "действует с",
          "valid_to": "действует по"}
KIND_TITLES = {"municipal_district": "муниципальный район", "city_okrug": "городской округ",
               "municipal_okrug": "муниципальный округ"}
_CODE = re.compile(r"^[0-9]{2}$")


class RegionError(ValueError):
    """What stops a region's setup: every problem found, each naming its file, line and rule."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Reference:
    """The reference folders a region's rows are written to: this project's, or those of a copy of it."""

    seeds: Path
    calendars: Path
    forms: Path
    copy_root: Path | None = None  # a copy made for (or by) ``--project``: runs select it by environment

    @classmethod
    def current(cls) -> "Reference":
        """The reference the installation reads now (this checkout, or the copy the environment names)."""
        return cls(DBT_PROJECT_DIR / "seeds", calendars_dir(), FORMS_DIR)

    @classmethod
    def copy_at(cls, root: Path) -> "Reference":
        """The copy of the project's reference at ``root`` (``dbt_project/``, ``calendars/``, ``forms/``), each
        folder copied from the current reference when it is not there yet."""
        root = Path(root).resolve()
        current = cls.current()
        sources = {"dbt_project": current.seeds.parent, "calendars": current.calendars, "forms": current.forms}
        for folder in REFERENCE_FOLDERS.values():
            if not (root / folder).is_dir():
                shutil.copytree(sources[folder], root / folder,
                                ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", ".user.yml"))
        return cls(root / "dbt_project" / "seeds", root / "calendars", root / "forms", root)


@dataclass
class RegionInit:
    """What ``init`` did: each line a reader needs, and the region's calendar file."""

    code: str
    name: str
    institution: str
    prefix: str
    reference: Reference
    region_added: bool = False
    municipalities_added: int = 0
    municipalities_known: int = 0
    calendar: Path | None = None
    calendar_created: bool = False
    registry: Path | None = None
    registry_schools: int = 0
    registry_landed: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.region_added or bool(self.municipalities_added) or self.calendar_created or self.registry_landed


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """A CSV file's header and rows with their line numbers: UTF-8 (with or without BOM) or Windows-1251 (as
    Excel saves it), comma or semicolon separated."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1251")
    first = text.splitlines()[0] if text else ""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    header = next(reader, [])
    rows = []
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows.append((reader.line_num, dict(zip(header, (cell.strip() for cell in cells)))))
    return header, rows


def accepted_kinds(seeds: Path) -> tuple[str, ...]:
    """The kinds of municipality the seed accepts: its ``accepted_values`` test in ``seeds/_seeds.yml``."""
    spec = yaml.safe_load((seeds / "_seeds.yml").read_text(encoding="utf-8"))
    seed = next(s for s in spec["seeds"] if s["name"] == "ref_municipalities")
    column = next(c for c in seed["columns"] if c["name"] == "kind")
    test = next(t["accepted_values"] for t in column["data_tests"] if isinstance(t, dict) and "accepted_values" in t)
    return tuple(test["arguments"]["values"])


def _iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def read_municipalities(path: Path, prefix: str, kinds: tuple[str, ...], valid_from: str) -> list[dict[str, str]]:
    """The region's municipalities from its file, as seed rows; RegionError with every problem (file, line, rule).

    A row: an 8-digit ОКТМО starting with the region's prefix, once; its control number if given (else computed);
    a name whose identity for the name matcher (``shnor_core.names.municipality_identity``: the core left when
    «район», «город», … are stripped, and city or not) no other row shares on a common day (else forms could not be
    told apart; a city and a district of one name are two municipalities — a written name that could be either
    waits in review, shnor.identity —, and a district and the okrug it was renamed to follow one another); a kind the seed accepts (its code or Russian name); dates as ГГГГ-ММ-ДД."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xls"):
        raise RegionError([f"{path.name}: нужен файл CSV (UTF-8); сохраните книгу как «CSV UTF-8»"])
    if not path.is_file():
        raise RegionError([f"{path}: файл не найден"])
    header, rows = _read_csv(path)
    columns = {}
    for field_name, aliases in COLUMN_ALIASES.items():
        found = [name for name in header if name.strip().lower() in aliases]
        if found:
            columns[field_name] = found[0]
    missing = [field_name for field_name in ("oktmo8", "name", "kind") if field_name not in columns]
    if missing:
        expected = "; ".join(f"{f} (или {', '.join(a for a in COLUMN_ALIASES[f][1:])})" for f in missing)
        raise RegionError([f"{path.name}, строка 1: в заголовке нет столбцов: {expected}"])
    if not rows:
        raise RegionError([f"{path.name}: нет ни одного муниципального образования"])
    kind_codes = {**{title: code for code, title in KIND_TITLES.items() if code in kinds}, **{k: k for k in kinds}}
    problems, result, seen, cores = [], [], {}, {}
    for line, row in rows:
        where = f"{path.name}, строка {line}"
        value = {f: row.get(columns[f], "") if f in columns else "" for f in COLUMN_ALIASES}
        oktmo, name = value["oktmo8"], " ".join(value["name"].split())
        if not re.fullmatch(r"[0-9]{8}", oktmo):
            hint = " (потерян ведущий ноль? сохраните столбец как текст)" if re.fullmatch(r"[0-9]{7}", oktmo) else ""
            problems.append(f"{where}: ОКТМО «{oktmo}» — должно быть 8 цифр{hint}")
        elif not oktmo.startswith(prefix):
            problems.append(f"{where}: ОКТМО «{oktmo}» не начинается с префикса ОКТМО региона «{prefix}»")
        elif oktmo in seen:
            problems.append(f"{where}: ОКТМО «{oktmo}» уже указан в строке {seen[oktmo]}")
        else:
            seen[oktmo] = line
            digit = value["control_digit"]
            if digit and digit != str(oktmo_control_digit(oktmo)):
                problems.append(f"{where}: контрольное число «{digit}» не сходится с кодом ОКТМО {oktmo} "
                                f"(по коду — {oktmo_control_digit(oktmo)})")
        if not name:
            problems.append(f"{where}: не указано наименование")
        kind = kind_codes.get(" ".join(value["kind"].lower().split()))
        since, until = value["valid_from"] or valid_from, value["valid_to"]
        if name:
            identity = municipality_identity(name, kind or "")
            for earlier_line, earlier_name, earlier_since, earlier_until in cores.get(identity, []):
                if _overlap((since, until), (earlier_since, earlier_until)):
                    problems.append(f"{where}: наименование «{name}» неотличимо при сопоставлении названий от "
                                    f"«{earlier_name}» (строка {earlier_line}): без слов «район», «город», «округ» "
                                    f"они совпадают, а сроки действия пересекаются")
            cores.setdefault(identity, []).append((line, name, since, until))
        if not kind:
            allowed = ", ".join(f"{k} ({KIND_TITLES[k]})" if k in KIND_TITLES else k for k in kinds)
            problems.append(f"{where}: вид МО «{value['kind']}» не из справочника: {allowed}")
        if not _iso_date(since):
            problems.append(f"{where}: дата начала действия «{since}» — не ГГГГ-ММ-ДД")
        if until and (not _iso_date(until) or (_iso_date(since) and until < since)):
            problems.append(f"{where}: дата окончания действия «{until}» — не ГГГГ-ММ-ДД или раньше начала")
        result.append({"oktmo8": oktmo, "control_digit": str(oktmo_control_digit(oktmo)) if oktmo.isdigit() else "",
                       "name": name, "kind": kind or "", "valid_from": since, "valid_to": until,
                       "_line": str(line), "_dated": "1" if value["valid_from"] else ""})
    if problems:
        raise RegionError(problems)
    return result


def _overlap(first: tuple[str, str], second: tuple[str, str]) -> bool:
    """Two validity periods (ISO dates, an empty end is open) share a day: a district and the okrug it was renamed
    to share a name's identity but never a day."""
    return (not first[1] or second[0] <= first[1]) and (not second[1] or first[0] <= second[1])


def _seed_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), [(reader.line_num, row) for row in reader]


def _append_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """Rows added at the end of a seed, its other bytes kept as they are."""
    text = path.read_text(encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, extrasaction="ignore", lineterminator="\n")
    writer.writerows(rows)
    path.write_text(text + ("" if text.endswith("\n") else "\n") + buffer.getvalue(), encoding="utf-8")


def _region_row(reference: Reference, code: str, name: str | None, prefix: str | None,
                institution: str | None) -> tuple[dict[str, str], bool]:
    """The region's row of ref_regions (existing or new) and whether it is new; RegionError on a conflict."""
    path = reference.seeds / "ref_regions.csv"
    _, rows = _seed_rows(path)
    given = {"region_name": name, "oktmo_prefix": prefix, "institution": institution}
    existing = next(((line, row) for line, row in rows if row["region_code"] == code), None)
    if existing:
        line, row = existing
        conflicts = [f"{LABELS[column]} «{row.get(column) or ''}», а задано «{value}»" for column, value in given.items()
                     if value is not None and value != (row.get(column) or "")]
        if conflicts:
            raise RegionError([f"{path.name}, строка {line}: регион {code} уже есть в справочнике с другими значениями: "
                               + "; ".join(conflicts) + ". Если регион переименован или сменилось учреждение, исправьте "
                               "строку в файле вручную"])
        return row, False
    missing = [option for option, value in (("--name", name), ("--oktmo-prefix", prefix), ("--institution", institution))
               if not value]
    if missing:
        raise RegionError([f"региона {code} нет в справочнике {path.name}: для нового региона укажите {', '.join(missing)}"])
    if not _CODE.fullmatch(prefix or ""):
        raise RegionError([f"префикс ОКТМО «{prefix}» — должно быть 2 цифры (первые цифры кодов ОКТМО МО региона)"])
    taken = next(((line, row) for line, row in rows if row.get("oktmo_prefix") == prefix), None)
    if taken:
        raise RegionError([f"{path.name}, строка {taken[0]}: префикс ОКТМО «{prefix}» уже у региона "
                           f"{taken[1]['region_code']} «{taken[1]['region_name']}»"])
    return {"region_code": code, "region_name": name, "oktmo_prefix": prefix, "institution": institution}, True


def _new_municipalities(reference: Reference, source: Path, rows: list[dict[str, str]], prefix: str,
                        warnings: list[str]) -> tuple[list[dict[str, str]], int]:
    """The file's municipalities not in the seed yet, and how many it already has; RegionError on a contradiction."""
    path = reference.seeds / "ref_municipalities.csv"
    _, seed = _seed_rows(path)
    known = {row["oktmo8"]: (line, row) for line, row in seed}
    problems, new = [], []
    for row in rows:
        if row["oktmo8"] not in known:
            new.append(row)
            continue
        line, existing = known[row["oktmo8"]]
        compared = ["name", "kind", "control_digit"] + (["valid_from", "valid_to"] if row["_dated"] else [])
        differ = [f"{LABELS[column]} «{existing.get(column) or ''}» — в файле «{row[column]}»" for column in compared
                  if (existing.get(column) or "") != row[column]]
        if differ:
            problems.append(f"{source.name}, строка {row['_line']}: ОКТМО {row['oktmo8']} уже есть в {path.name} "
                            f"(строка {line}) с другими значениями: {'; '.join(differ)}. Если МО переименовано или "
                            "преобразовано, исправьте справочник вручную (docs/regions.md)")
    if problems:
        raise RegionError(problems)
    listed = {row["oktmo8"] for row in rows}
    absent = sorted(oktmo for oktmo in known if oktmo.startswith(prefix) and oktmo not in listed)
    if absent:
        warnings.append(f"в {path.name} есть МО региона, которых нет в файле ({', '.join(absent)}): оставлены как есть")
    return sorted(new, key=lambda row: row["oktmo8"]), len(rows) - len(new)


EXAMPLES = {  # kind: (example id stem, track, school group, opens, closes, grace days) — dates as MM-DD
    "municipal_form": ("mo-form", "1", "", "06-01", "06-11", "3"),
    "school_form": ("school-form", "1", "all", "09-02", "09-13", "2"),
    "computed": ("computed", "1", "shnor", "10-07", "10-25", "2"),
    "municipal_two_year": ("mo-two-year", "3", "", "11-11", "12-16", "2"),
}
CALENDAR_HEADER = (*CALENDAR_COLUMNS, "submission_address")


def _example_forms(reference: Reference) -> dict[str, tuple[str, list[str]]]:
    """For each kind with a form: the form its example names (one the calendars already use for that kind, else
    the first of its level) and every form of that level."""
    levels: dict[str, list[str]] = {}
    for path in sorted(reference.forms.glob("*.csv")):
        try:
            levels.setdefault(load_form(path.stem, reference.forms).level, []).append(path.stem)
        except (KeyError, ValueError):
            continue
    used = Counter((w.kind, w.form_id) for w in check_calendar(reference.calendars, reference.forms).windows.values())
    chosen = {}
    for kind_name, kind in WINDOW_KINDS.items():
        forms = levels.get(kind.level, [])
        if kind.form and forms:
            preferred = sorted((-count, form) for (k, form), count in used.items() if k == kind_name and form in forms)
            chosen[kind_name] = (preferred[0][1] if preferred else forms[0], forms)
    return chosen


def calendar_skeleton(reference: Reference, code: str, name: str, year: int) -> str:
    """A region's calendar with its header and one commented example window of each kind (uncommented, each is a
    valid row: tests/test_regions.py)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CALENDAR_HEADER)
    lines = [buffer.getvalue().rstrip("\n"),
             f"# Календарь мониторингов: регион {code} «{name}», {year} год. Столбцы и виды окон — calendars/README.md.",
             "# Строки, начинающиеся с «#», — комментарии. Ниже — пример окна каждого вида: уберите «# » в начале строки,",
             "# впишите свои идентификатор, наименование, форму, даты и адрес приёма; ненужные примеры удалите.",
             f"# Проверка до развёртывания: shnor calendar show --file calendars/{code}_{year}.csv"]
    forms = _example_forms(reference)
    for kind_name, kind in WINDOW_KINDS.items():
        stem, track, group, opens, closes, grace = EXAMPLES[kind_name]
        lines.append(f"# {kind_name} — {kind.title}" + (f" (школы: {SCHOOL_GROUPS[group]})" if group else ""))
        if kind.form and kind_name not in forms:
            lines.append(f"#   в forms/ нет формы уровня «{kind.level}»: пример не приведён (forms/README.md)")
            continue
        form_id, level_forms = forms.get(kind_name, ("", []))
        if level_forms:
            lines.append(f"#   формы этого уровня: {', '.join(level_forms)}")
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow([
            f"{stem}-{code}-{year}", code, track, f"Пример: {kind.title} (замените наименованием мониторинга)",
            kind_name, form_id, group, f"{year}-{opens}", f"{year}-{closes}", grace, "", "",
            "страница приёма форм или адрес электронной почты" if kind.form else ""])
        lines.append(f"# {buffer.getvalue()}")
    return "\n".join(lines) + "\n"


def _check_registry(path: Path, prefix: str, municipalities: set[str]) -> tuple[int, int]:
    """The registry read and validated as the pipeline would (shnor.checker); every school of the region's ОКТМО
    prefix must be one of its municipalities. Returns the region's schools and the others'."""
    path = Path(path)
    verdict = check_file(path, SCHOOL_REGISTRY.name)
    problems = [f"реестр {path.name}, {e['cell'] or 'файл'}: «{e['value']}» — {e['rule']}" for e in verdict.errors]
    if not verdict.accepted and not problems:
        problems.append(f"реестр {path.name}: {verdict.read.held_reason or 'файл не принят проверкой'}")
    if problems:
        raise RegionError(problems)
    own = 0
    for row in verdict.read.rows.itertuples():
        oktmo = row.municipality_oktmo if isinstance(row.municipality_oktmo, str) else ""
        if oktmo.startswith(prefix):
            own += 1
            if oktmo not in municipalities:
                problems.append(f"реестр {path.name}, строка {row.source_row}: ОКТМО МО «{oktmo}» школы {row.school_code} — "
                                f"не муниципальное образование региона (файл муниципальных образований)")
    if not own:
        problems.append(f"реестр {path.name}: нет ни одной школы с ОКТМО региона (префикс «{prefix}»)")
    if problems:
        raise RegionError(problems)
    return own, len(verdict.read.rows) - own


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def init_region(code: str, municipalities_file: Path, *, name: str | None = None, institution: str | None = None,
                prefix: str | None = None, registry: Path | None = None, year: int | None = None,
                valid_from: str | None = None, reference: Reference | None = None,
                home: DataHome | None = None) -> RegionInit:
    """Set up (or check again) a region: everything is checked first, then written; a rerun with the same input
    changes nothing. RegionError lists what is wrong, each problem with its file, line and rule."""
    reference = reference or Reference.current()
    if not _CODE.fullmatch(code):
        raise RegionError([f"код региона «{code}» — должно быть 2 цифры (код субъекта РФ)"])
    year = year or date.today().year
    region, region_is_new = _region_row(reference, code, name, prefix, institution)
    done = RegionInit(code, region["region_name"], region.get("institution") or "", region["oktmo_prefix"], reference)
    if not done.institution:
        done.warnings.append(f"у региона {code} не указано учреждение (ref_regions.institution): справки будут без автора")
    default_since = valid_from or f"{year}-01-01"
    rows = read_municipalities(Path(municipalities_file), done.prefix, accepted_kinds(reference.seeds), default_since)
    if valid_from:
        for row in rows:
            row["_dated"] = "1"
    new_rows, done.municipalities_known = _new_municipalities(reference, Path(municipalities_file), rows, done.prefix,
                                                              done.warnings)
    if registry is not None:
        done.registry = Path(registry)
        done.registry_schools, others = _check_registry(done.registry, done.prefix, {r["oktmo8"] for r in rows})
        if others:
            done.warnings.append(f"в реестре ещё {others} школ других регионов: каталог данных берёт последний принятый "
                                 "реестр целиком, поэтому он должен перечислять школы всех регионов этого каталога")
    # everything is checked: write
    if region_is_new:
        header, _ = _seed_rows(reference.seeds / "ref_regions.csv")
        _append_rows(reference.seeds / "ref_regions.csv", header, [region])
        done.region_added = True
    if new_rows:
        header, _ = _seed_rows(reference.seeds / "ref_municipalities.csv")
        _append_rows(reference.seeds / "ref_municipalities.csv", header, new_rows)
        done.municipalities_added = len(new_rows)
    done.calendar = reference.calendars / f"{code}_{year}.csv"
    if not done.calendar.exists():
        done.calendar.parent.mkdir(parents=True, exist_ok=True)
        done.calendar.write_text(calendar_skeleton(reference, code, done.name, year), encoding="utf-8")
        done.calendar_created = True
    if done.registry is not None:
        home = home or DataHome.from_env()
        folder = landing_folder(home, SCHOOL_REGISTRY)
        target = folder / done.registry.name
        others = sorted(p.name for p in folder.glob("*") if p.is_file() and not p.name.startswith(".")
                        and p.name != target.name) if folder.is_dir() else []
        if others:
            done.warnings.append(f"в {folder} уже есть реестры ({', '.join(others)}): хранилище берёт последний "
                                 "принятый реестр целиком")
        if not target.exists() or _digest(target) != _digest(done.registry):
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(done.registry, target)
            done.registry_landed = True
        done.registry = target
    return done


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def init_lines(done: RegionInit) -> list[str]:
    """What ``shnor region init`` prints: what it did, then the next steps, in Russian."""
    ref = done.reference
    lines = [f"Регион {done.code} «{done.name}»: префикс ОКТМО {done.prefix}, учреждение — {done.institution or 'не указано'}",
             f"  справочник регионов {_shown(ref.seeds / 'ref_regions.csv')}: "
             + ("строка добавлена" if done.region_added else "без изменений"),
             f"  муниципальные образования {_shown(ref.seeds / 'ref_municipalities.csv')}: добавлено "
             f"{done.municipalities_added}, уже были {done.municipalities_known}",
             f"  календарь {_shown(done.calendar)}: " + ("создан, в нём закомментированные примеры окон каждого вида"
                                                         if done.calendar_created else "уже есть — не изменён")]
    if done.registry is not None:
        lines.append(f"  реестр школ: школ региона {done.registry_schools}, проверен; "
                     + (f"положен в {_shown(done.registry)}" if done.registry_landed else f"уже лежит в {_shown(done.registry)}"))
    if not done.changed:
        lines.append("  Ничего не изменилось: регион уже настроен так.")
    lines += [f"  ВНИМАНИЕ: {warning}" for warning in done.warnings]
    lines += ["Дальше:",
              f"  1. Календарь: в {_shown(done.calendar)} уберите «# » в строках нужных окон, впишите наименования, "
              f"формы и даты; проверьте: shnor calendar show --file {_shown(done.calendar)}",
              "  2. Формы: окно называет каталог forms/<form_id>.csv; своя версия формы — forms/README.md, "
              "«Новая версия формы».",
              "  3. Тексты справки: цель и источники — строки формы в seed report_texts; учреждение в письме и автор "
              "документов — ref_regions.institution (docs/regions.md).",
              "  4. Реестр школ (нужен школьным формам и школьным витринам): "
              + ("уже в каталоге данных." if done.registry is not None
                 else "shnor region init … --registry ФАЙЛ или положите его в landing/reference/ каталога данных."),
              f"  5. Проверка: shnor region show {done.code}; при открытии окна — shnor templates --monitoring <окно>, "
              "после закрытия — shnor run --monitoring <окно>."]
    if ref.copy_root is not None:
        variables = " ".join(f"{variable}={ref.copy_root / folder}" for variable, folder in REFERENCE_FOLDERS.items())
        lines.append(f"  6. Справочники записаны в копию проекта {ref.copy_root}: прогоны по ней — с переменными "
                     f"окружения {variables}")
    else:
        lines.append("  6. Справочники и календарь — данные проекта: закоммитьте их (git diff dbt_project/seeds calendars).")
    return lines


def region_overview(code: str, home: DataHome | None = None) -> dict:
    """What a region has in the reference the installation reads now, and what it lacks (``problems``)."""
    reference = Reference.current()
    prefix = oktmo_prefix(code)  # KeyError naming the reference for an unknown region
    municipalities = load_municipalities(code)
    calendar = check_calendar()
    windows = sorted((w for w in calendar.windows.values() if w.region_code == code),
                     key=lambda w: (w.window_open, w.monitoring_id))
    problems = [str(p) for p in calendar.problems if p.source_file.startswith(f"{code}_")]
    with open(reference.seeds / "report_texts.csv", encoding="utf-8", newline="") as handle:
        texts = {(row["form_id"], row["text_kind"]) for row in csv.DictReader(handle)}
    with open(reference.seeds / "recommendation_evidence.csv", encoding="utf-8", newline="") as handle:
        rules = Counter(row["form_id"] for row in {(r["rule_code"], r["form_id"]): r
                                                   for r in csv.DictReader(handle)}.values())
    forms = {}
    for window in windows:
        if not window.form_id or window.form_id in forms:
            continue
        municipal_reports = any(w.form_id == window.form_id and w.kind in ("municipal_form", "municipal_two_year")
                                for w in windows)
        missing_texts = [kind for kind in ("purpose", "method") if (window.form_id, kind) not in texts]
        forms[window.form_id] = {"level": load_form(window.form_id).level, "letter_rules": rules.get(window.form_id, 0),
                                 "report_texts_missing": missing_texts if municipal_reports else []}
        if municipal_reports and missing_texts:
            problems.append(f"у формы {window.form_id} нет текстов справки в seed report_texts ({', '.join(missing_texts)}): "
                            "разделы «Цель» и «Источники» справки будут без текста")
    if not municipalities:
        problems.append(f"в ref_municipalities нет МО с префиксом ОКТМО {prefix}")
    if not region_institution(code):
        problems.append("не указано учреждение (ref_regions.institution): справки без автора")
    registry = []
    if home is not None and landing_folder(home, SCHOOL_REGISTRY).is_dir():
        registry = sorted(p.name for p in landing_folder(home, SCHOOL_REGISTRY).iterdir()
                          if p.is_file() and not p.name.startswith("."))
    if not registry and any(w.level == "school" for w in windows):
        problems.append("у региона есть школьные окна, а в landing/reference каталога данных нет реестра школ")
    return {
        "region_code": code, "region_name": region_name(code), "oktmo_prefix": prefix,
        "institution": region_institution(code),
        "municipalities": len(municipalities), "municipality_kinds": dict(Counter(m.kind for m in municipalities)),
        "windows": [{"monitoring_id": w.monitoring_id, "kind": w.kind, "form_id": w.form_id or None,
                     "school_group": w.school_group or None, "window_open": w.window_open,
                     "window_close": w.window_close, "file": w.source_file, "line": w.source_line} for w in windows],
        "forms": forms, "registry_files": registry, "problems": problems,
        "rows": [account.as_dict() for account in row_accounting(home.warehouse, prefix)] if home is not None else [],
        "reference": {"seeds": str(reference.seeds), "calendars": str(reference.calendars), "forms": str(reference.forms)},
    }


def overview_lines(overview: dict) -> list[str]:
    kinds = ", ".join(f"{KIND_TITLES.get(kind, kind)} — {count}" for kind, count in overview["municipality_kinds"].items())
    lines = [f"Регион {overview['region_code']} «{overview['region_name']}»: префикс ОКТМО {overview['oktmo_prefix']}, "
             f"учреждение — {overview['institution'] or 'не указано'}",
             f"  муниципальные образования: {overview['municipalities']} ({kinds or '—'})",
             f"  окна календаря ({overview['reference']['calendars']}): {len(overview['windows'])}"]
    for window in overview["windows"]:
        what = window["form_id"] or SCHOOL_GROUPS.get(window["school_group"] or "", "")
        lines.append(f"    {window['monitoring_id']:28} {WINDOW_KINDS[window['kind']].title:38} {what:28} "
                     f"{window['window_open']} — {window['window_close']}  ({window['file']}, строка {window['line']})")
    for form_id, form in overview["forms"].items():
        texts = "нет" if form["report_texts_missing"] else "есть"
        lines.append(f"  форма {form_id} (уровень {form['level']}): правил письма {form['letter_rules']}, тексты справки — "
                     f"{texts if form['level'] == 'municipality' else 'не нужны'}")
    lines.append(f"  реестр школ в каталоге данных: {', '.join(overview['registry_files']) or 'нет'}")
    lines += [f"  ПРОБЛЕМА: {problem}" for problem in overview["problems"]]
    accounts = [KindAccount(**row) for row in overview.get("rows", [])]
    lines += accounting_lines(accounts)
    in_review, dropped = not_in_marts(accounts)
    if not overview["problems"]:
        lines.append(f"  Справочники на месте; строк файлов не в витринах: ждут проверки названий {in_review}, "
                     f"отброшено {dropped} (причины выше)." if in_review or dropped else "  Всё на месте.")
    return [line for line in lines if line]
