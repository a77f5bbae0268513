"""Static documentation sites built by the pipeline: dbt docs (models, columns, tests, lineage) and
GX Data Docs (suites and every file's validation result), under ``$SHNOR_HOME/docs``.

GX Data Docs are rendered from the validation results the pipeline already saved as JSON
(``$SHNOR_HOME/validation/<suite>/<batch digest>.json``, one GX run per kind over many files): nothing
is validated twice. Each run's result is split into one result per file (``shnor.validation.split_by_file``),
so the site has a page per file — named by the file, its rows and failures its own — and every
expectation is shown by its Russian rule (the suites' ``meta.rule``, given to GX as the description).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from shnor.dbt_runner import dbt_command, dbt_environment
from shnor.validation import load_suite_definition, split_by_file
from shnor_core.settings import DataHome
from shnor_core.sources import SOURCE_KINDS


def docs_folder(home: DataHome):
    return home.root / "docs"


def build_dbt_docs(home: DataHome) -> str:
    target = docs_folder(home) / "dbt"
    completed = subprocess.run(dbt_command("docs", "generate", "--static", "--target-path", str(target)),
                               env=dbt_environment(home), capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"dbt docs generate failed:\n{completed.stdout[-3000:]}")
    return str(target / "static_index.html")


@dataclass
class FileValidation:
    """One file's validation, as the Data Docs show it."""

    suite: str
    source_file: str
    source_sha256: str
    rows: int
    validated_at: str
    result: dict  # its own GX result (shnor.validation.split_by_file)
    gx_page: str = ""  # its page in the GX site, relative to the docs folder

    @property
    def success(self) -> bool:
        return bool(self.result["success"])


def file_validations(home: DataHome) -> list[FileValidation]:
    """Every file's validation out of the saved GX runs, each expectation described by its Russian rule."""
    found = []
    for folder in sorted(p for p in home.validation.glob("*") if p.is_dir()):
        suite = {_expectation_key(e): e for e in load_suite_definition(folder.name)["expectations"]}
        for result_file in sorted(folder.glob("*.json")):
            batch = json.loads(result_file.read_text(encoding="utf-8"))
            validated_at = (batch.get("meta", {}).get("batch_markers") or {}).get("ge_load_time") or ""
            for entry, single in split_by_file(batch):
                for item in single["results"]:  # results saved before the suites had descriptions
                    known = suite.get(_expectation_key(item["expectation_config"]))
                    if known and not item["expectation_config"].get("description"):
                        item["expectation_config"]["description"] = known["description"]
                found.append(FileValidation(folder.name, entry.get("source_file") or result_file.stem[:16],
                                            entry.get("source_sha256") or result_file.stem, int(entry.get("rows") or 0),
                                            validated_at, single))
    return found


def _expectation_key(config: dict) -> str:
    kwargs = {k: v for k, v in config["kwargs"].items() if k != "batch_id"}
    return config["type"] + json.dumps(kwargs, sort_keys=True, ensure_ascii=False)


def build_gx_data_docs(home: DataHome, rendered: set[str] = frozenset()) -> tuple[str, list[FileValidation]]:
    """The GX site: the suites and one validation result per file (run name: the file's name, batch: its
    sha256). Only the files not in ``rendered`` (their sha256) get new pages: the site's project is kept
    between cycles, and a page once written does not change. Returns the site's index and the files it shows."""
    # GX takes seconds to import: only the tasks that use it pay for it
    import great_expectations as gx  # noqa: PLC0415
    from great_expectations.core.run_identifier import RunIdentifier  # noqa: PLC0415
    from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: PLC0415
    from great_expectations.data_context.types.resource_identifiers import (  # noqa: PLC0415
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    project, target = home.root / "gx_project", docs_folder(home) / "gx"
    if not rendered or not target.is_dir():
        shutil.rmtree(project, ignore_errors=True)  # a whole site: rebuilt from the saved results
        rendered = frozenset()
    context = gx.get_context(mode="file", project_root_dir=str(project))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    validations = file_validations(home)
    for suite in sorted({v.suite for v in validations}):
        context.suites.add_or_update(gx.ExpectationSuite(**load_suite_definition(suite)))
    keys = []
    for validation in validations:
        if validation.source_sha256 in rendered:
            continue
        single = validation.result
        single["meta"]["run_id"] = {"run_name": validation.source_file, "run_time": validation.validated_at or None}
        single["meta"]["active_batch_definition"] = {
            **single["meta"].get("active_batch_definition", {}), "data_asset_name": validation.source_file,
            "batch_identifiers": {"sha256": validation.source_sha256[:12]}}
        result = context.validation_results_store.deserialize(json.dumps(single, ensure_ascii=False))
        run = RunIdentifier(run_name=_SAFE_NAME.sub("_", validation.source_file), run_time=validation.validated_at or None)
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(validation.suite), run, validation.source_sha256)
        context.validation_results_store.set(key, result)
        keys.append(key)
    if keys or not rendered:
        context.build_data_docs(resource_identifiers=keys or None)
    site = project / "gx" / "uncommitted" / "data_docs" / "local_site"
    if site.is_dir():
        shutil.copytree(site, target, dirs_exist_ok=True)
        for page in [*target.rglob("*.html"), *target.rglob("*.css")]:
            _offline(page)
    for validation in validations:
        page = next((target / "validations" / validation.suite).glob(f"*/*/{validation.source_sha256}.html"), None)
        validation.gx_page = str(page.relative_to(docs_folder(home))) if page else ""
    return str(target / "index.html"), validations


_REMOTE = re.compile(r'<link[^>]*href="(?:https?:)?//[^"]*"[^>]*>|<script[^>]*src="(?:https?:)?//[^"]*"[^>]*>\s*</script>'
                     r'|<img[^>]*src="(?:https?:)?//[^"]*"[^>]*>')
_REMOTE_CSS = re.compile(r"url\((?:['\"])?(?:https?:)?//[^)]*\)")
_OFFLINE_NOTE = ('<p style="padding:.5em;background:#ddebf7">Страница открывается без сети, поэтому без оформления '
                 'GX; все проверки по-русски — <a href="{up}proverki.html">«Проверки файлов»</a>.</p>')


def _offline(page: Path) -> None:
    """A GX page that loads nothing from the network (GX links its styles, scripts and logo from CDNs; the docs
    are read where there may be none): those are dropped, its own local styles stay, and a note points to
    «Проверки файлов», the site's self-contained Russian page."""
    text = page.read_text(encoding="utf-8")
    if page.suffix == ".css":
        page.write_text(_REMOTE_CSS.sub("none", text), encoding="utf-8")
        return
    if "proverki.html" in text:
        return
    docs = next(parent for parent in page.parents if parent.name == "gx").parent
    up = "../" * (len(page.relative_to(docs).parts) - 1)
    text = _REMOTE.sub("", text).replace("<body>", "<body>" + _OFFLINE_NOTE.format(up=up), 1)
    page.write_text(text, encoding="utf-8")


_SAFE_NAME = re.compile(r"[^\w .()-]")  # a file's name as a folder of the GX site: nothing a link would misread


def write_validation_page(home: DataHome, validations: list[FileValidation]) -> Path:
    """«Проверки файлов»: one self-contained Russian page (no scripts, nothing from the network — GX's own
    site loads its styles from CDNs) listing every file's validation with each rule, its verdict, how many
    rows broke it and examples of their values, and a link to the file's GX page."""
    suites = {v.suite: load_suite_definition(v.suite) for v in validations}
    refused = sum(not v.success for v in validations)
    parts = [f"<h1>Проверки файлов</h1><p>Проверено файлов: {len(validations)}, из них не прошли проверку: "
             f"{refused}. Каждое правило — из набора проверок Great Expectations (<code>expectations/*.json</code>); "
             f"подробные страницы GX — <a href=\"gx/index.html\">Data Docs</a>.</p>"]
    for suite in sorted(suites):
        own = [v for v in validations if v.suite == suite]
        notes = (suites[suite].get("meta") or {}).get("notes", "")
        title = next((kind.title for kind in SOURCE_KINDS.values() if kind.suite == suite), suite)
        parts.append(f"<h2>{escape(title)} <small>({escape(suite)})</small></h2><p>{escape(notes)}</p>"
                     "<table><tr><th>Файл</th><th>SHA-256</th>"
                     "<th>Строк</th><th>Проверен (UTC)</th><th>Результат</th><th>Нарушенные правила</th></tr>")
        for v in sorted(own, key=lambda v: (v.success, v.source_file)):
            broken = [item for item in v.result["results"] if not item["success"]]
            anchor = f"f-{v.source_sha256[:16]}"
            parts.append(
                f"<tr class=\"{'ok' if v.success else 'bad'}\"><td><a href=\"#{anchor}\">{escape(v.source_file)}</a></td>"
                f"<td><code>{v.source_sha256[:12]}</code></td><td>{v.rows}</td><td>{escape(_when(v.validated_at))}</td>"
                f"<td>{'пройдена' if v.success else 'не пройдена'}</td>"
                f"<td>{'; '.join(escape(_rule(item)) for item in broken) or '—'}</td></tr>")
        parts.append("</table>")
    for v in validations:
        parts.append(f"<h3 id=\"f-{v.source_sha256[:16]}\">{escape(v.source_file)}</h3><p>Набор {escape(v.suite)}, "
                     f"строк {v.rows}, SHA-256 <code>{v.source_sha256}</code>"
                     + (f", <a href=\"{escape(quote(v.gx_page))}\">страница GX</a>" if v.gx_page else "")
                     + "</p><table><tr><th>Правило</th><th>Результат</th><th>Строк с нарушением</th><th>Примеры значений</th></tr>")
        for item in v.result["results"]:
            details = item.get("result") or {}
            examples = ", ".join(escape(json.dumps(value, ensure_ascii=False, default=str))
                                 for value in (details.get("partial_unexpected_list") or [])[:5])
            parts.append(f"<tr class=\"{'ok' if item['success'] else 'bad'}\"><td>{escape(_rule(item))}</td>"
                         f"<td>{'выполнено' if item['success'] else 'нарушено'}</td>"
                         f"<td>{details.get('unexpected_count', '—') if 'unexpected_count' in details else '—'}</td>"
                         f"<td>{examples or '—'}</td></tr>")
        parts.append("</table>")
    path = docs_folder(home) / "proverki.html"
    path.write_text(_PAGE.format(body="\n".join(parts)), encoding="utf-8")
    return path


def _rule(item: dict) -> str:
    config = item["expectation_config"]
    return config.get("description") or (config.get("meta") or {}).get("rule") or config["type"]


def _when(stamp: str) -> str:
    """GX's load time "20250611T101500.123456Z" as "11.06.2025 10:15"."""
    match = re.match(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)", stamp)
    return f"{match[3]}.{match[2]}.{match[1]} {match[4]}:{match[5]}" if match else stamp


_PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Проверки файлов</title><style>
body {{ font-family: sans-serif; margin: 2em; max-width: 75em; }}
table {{ border-collapse: collapse; margin-bottom: 1.5em; width: 100%; }}
th, td {{ border: 1px solid #bbb; padding: .3em .5em; text-align: left; vertical-align: top; }}
th {{ background: #ddebf7; }} tr.bad td {{ background: #fde2d8; }} code {{ font-size: .9em; }}
</style></head><body>
{body}
</body></html>
"""


def build_docs(home: DataHome, dbt_docs: bool = True, validations: bool = True,
               rendered: set[str] = frozenset()) -> dict:
    """The documentation sites: dbt docs (unless ``dbt_docs`` is False), and unless ``validations`` is False the
    GX site — new pages for the files not ``rendered`` yet (their sha256) — with «Проверки файлов»."""
    built = {"dbt_docs": build_dbt_docs(home) if dbt_docs else "без изменений: проект dbt тот же"}
    if validations:
        gx_site, shown = build_gx_data_docs(home, rendered)
        built |= {"gx_data_docs": gx_site, "validation_page": str(write_validation_page(home, shown)),
                  "validated_files": len(shown), "new_gx_pages": len({v.source_sha256 for v in shown} - rendered),
                  "shown_files": sorted({v.source_sha256 for v in shown})}
    return built
