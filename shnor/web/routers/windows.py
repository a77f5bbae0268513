"""The windows an account sees, and a window as region staff see it: every municipality's status, the reminders
workbook of those that have not handed in, the files in the window's landing folder."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from shnor.web.accounts import municipality_by_oktmo
from shnor.web.guards import Access, Routes, region_only, signed_in, window_scope
from shnor.web.pages import XLSX, render
from shnor.web.settings import WebSettings
from shnor.web.status import (
    ACCEPTED,
    MISSING,
    REFUSED,
    Window,
    find_window,
    landing_files,
    municipal_status,
    published_status,
    reminder_workbook,
    visible_windows,
    window_statuses,
)
from shnor.web.store import Account, Store
from shnor_core.settings import DataHome


def routes(home: DataHome, settings: WebSettings, store: Store) -> Routes:
    routes = Routes()
    route = routes.route

    @route("GET", "/", Access.SIGNED_IN)
    def windows_page(request: Request, account: Account = Depends(signed_in)):
        windows = visible_windows(account, settings.current_date())
        rows = []
        for window in windows:
            if account.is_region:
                statuses = window_statuses(home, window, store.uploads(window.monitoring_id))
                counts = {state: sum(s.state == state for s in statuses) for state in (ACCEPTED, REFUSED, MISSING)}
                counts["late"] = sum(s.late for s in statuses)
                rows.append({"window": window, "counts": counts, "total": len(statuses)})
            else:
                status = municipal_status(window, municipality_by_oktmo(account.municipality_oktmo),
                                          store.uploads(window.monitoring_id, account.municipality_oktmo),
                                          published_status(home, window.monitoring_id).get(account.municipality_oktmo))
                rows.append({"window": window, "status": status})
        municipality = None if account.is_region else municipality_by_oktmo(account.municipality_oktmo)
        return render(request, "windows.html", account=account, rows=rows, municipality=municipality)

    @route("GET", "/windows/{monitoring_id}", Access.WINDOW)
    def window_page(request: Request, account: Account = Depends(signed_in), window: Window = Depends(window_scope)):
        if not account.is_region:
            return RedirectResponse(f"/windows/{window.monitoring_id}/municipalities/{account.municipality_oktmo}",
                                    status_code=303)
        statuses = window_statuses(home, window, store.uploads(window.monitoring_id))
        web_landed = {Path(u.landed_file).name for u in store.uploads(window.monitoring_id) if u.landed_file}
        files = [{"name": p.name, "size": p.stat().st_size,
                  "modified": datetime.fromtimestamp(p.stat().st_mtime, timezone.utc),
                  "from_page": p.name in web_landed} for p in landing_files(home, window.monitoring_id)]
        return render(request, "window_region.html", account=account, window=window, statuses=statuses,
                      reminders=[s for s in statuses if s.state != ACCEPTED], files=files)

    @route("GET", "/windows/{monitoring_id}/reminders.xlsx", Access.REGION)
    def reminders_workbook(request: Request, monitoring_id: str, account: Account = Depends(region_only)):
        window = find_window(account, monitoring_id, settings.current_date())
        if window is None:
            raise HTTPException(404, "Такого окна мониторинга нет")
        statuses = window_statuses(home, window, store.uploads(window.monitoring_id))
        content = reminder_workbook(window, [s for s in statuses if s.state != ACCEPTED])
        return Response(content, media_type=XLSX, headers={
            "Content-Disposition": f"attachment; filename*=utf-8''{quote(f'Не сдали {window.monitoring_id}.xlsx')}"})

    @route("GET", "/windows/{monitoring_id}/landing/{file_name}", Access.REGION)
    def landing_file(monitoring_id: str, file_name: str, account: Account = Depends(region_only)):
        if find_window(account, monitoring_id, settings.current_date()) is None:
            raise HTTPException(404, "Такого окна мониторинга нет")
        path = next((p for p in landing_files(home, monitoring_id) if p.name == file_name), None)
        if path is None:  # only a name the listing shows: never a path built from the request
            raise HTTPException(404, "Такого файла в папке приёма нет")
        return FileResponse(path, filename=path.name, media_type="application/octet-stream")

    return routes
