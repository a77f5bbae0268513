"""One upload: its verdict page (the checker's result by section, the version it is among the municipality's), the
file as sent and the workbook of its errors."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, Request
from fastapi.responses import FileResponse
from starlette.exceptions import HTTPException

from shnor.web.accounts import municipality_by_oktmo
from shnor.web.guards import Access, Routes, signed_in, upload_scope
from shnor.web.pages import XLSX, render
from shnor.web.settings import WebSettings
from shnor.web.status import find_window, municipal_status, published_status
from shnor.web.store import Account, Store, Upload
from shnor_core.settings import DataHome


def routes(home: DataHome, settings: WebSettings, store: Store) -> Routes:
    routes = Routes()
    route = routes.route

    @route("GET", "/uploads/{upload_id}", Access.UPLOAD)
    def verdict_page(request: Request, account: Account = Depends(signed_in), upload: Upload = Depends(upload_scope)):
        window = find_window(account, upload.monitoring_id, settings.current_date())
        if window is None:
            raise HTTPException(404, "Окно мониторинга этой загрузки недоступно")
        municipality = municipality_by_oktmo(upload.municipality_oktmo)
        status = municipal_status(window, municipality, store.uploads(upload.monitoring_id, upload.municipality_oktmo),
                                  published_status(home, upload.monitoring_id).get(upload.municipality_oktmo))
        version = next(v for v in status.versions if v.upload.id == upload.id)
        duplicate_of = store.upload(upload.duplicate_of) if upload.duplicate_of else None
        sections: dict[str, list[dict]] = {}
        for item in upload.indicators:
            sections.setdefault(item["section"], []).append(item)
        return render(request, "verdict.html", account=account, window=window, municipality=municipality,
                      upload=upload, version=version, sections=sections, duplicate_of=duplicate_of,
                      read_municipality=municipality_by_oktmo(upload.read_municipality_oktmo)
                      if upload.read_municipality_oktmo else None)

    @route("GET", "/uploads/{upload_id}/file", Access.UPLOAD)
    def upload_file(upload: Upload = Depends(upload_scope)):
        path = home.root / upload.stored_file
        if not path.is_file():
            raise HTTPException(404, "Файл не найден")
        return FileResponse(path, filename=upload.original_name, media_type="application/octet-stream")

    @route("GET", "/uploads/{upload_id}/feedback", Access.UPLOAD)
    def feedback_file(upload: Upload = Depends(upload_scope)):
        if not upload.feedback_file or not (home.root / upload.feedback_file).is_file():
            raise HTTPException(404, "Для этой загрузки нет книги с ошибками")
        return FileResponse(home.root / upload.feedback_file, media_type=XLSX,
                            filename=f"Ошибки - {Path(upload.original_name).stem}.xlsx")

    return routes
