"""One municipality in one window: its page, its blank template, and the upload of its form (streamed to disk,
checked by the pipeline's checker, landed when accepted)."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from reports.templates import issue_template, template_path
from shnor.web import intake
from shnor.web.guards import (
    CSRF_MESSAGE,
    Access,
    Routes,
    csrf_valid,
    municipality_scope,
    signed_in,
    wants_json,
    window_scope,
)
from shnor.web.pages import XLSX, day, render
from shnor.web.settings import WebSettings, uploads_folder
from shnor.web.status import Window, municipal_status, published_status
from shnor.web.store import Account, Store
from shnor_core.names import display_name
from shnor_core.reference import Municipality
from shnor_core.settings import DataHome


def routes(home: DataHome, settings: WebSettings, store: Store) -> Routes:
    routes = Routes()
    route = routes.route

    @route("GET", "/windows/{monitoring_id}/municipalities/{oktmo}", Access.MUNICIPALITY)
    def municipality_page(request: Request, account: Account = Depends(signed_in),
                          window: Window = Depends(window_scope),
                          municipality: Municipality = Depends(municipality_scope)):
        status = municipal_status(window, municipality, store.uploads(window.monitoring_id, municipality.oktmo),
                                  published_status(home, window.monitoring_id).get(municipality.oktmo))
        return render(request, "municipality.html", account=account, window=window, municipality=municipality,
                      status=status, may_upload=not account.is_region and window.accepting,
                      max_upload_bytes=settings.max_upload_bytes)

    @route("GET", "/windows/{monitoring_id}/municipalities/{oktmo}/template", Access.MUNICIPALITY)
    def template(window: Window = Depends(window_scope), municipality: Municipality = Depends(municipality_scope)):
        path = template_path(home, window.monitoring_id, municipality.oktmo)
        if not path.exists():  # not issued yet by the window's open DAG: the same writer, for this one municipality
            path = issue_template(home, window.monitoring_id, municipality)
        return FileResponse(path, media_type=XLSX,
                            filename=f"Шаблон {window.monitoring_id} {display_name(municipality)}.xlsx")

    @route("POST", "/windows/{monitoring_id}/municipalities/{oktmo}/uploads", Access.MUNICIPALITY, csrf=False)
    async def upload(request: Request, account: Account = Depends(signed_in), window: Window = Depends(window_scope),
                     municipality: Municipality = Depends(municipality_scope)):
        # The CSRF token is checked here, not by csrf_checked: the body is a stream, read once, below.
        header_token = request.headers.get("x-csrf-token")
        if header_token is not None and not csrf_valid(request, header_token):
            raise HTTPException(403, CSRF_MESSAGE)
        if account.is_region:
            raise HTTPException(403, "Формы загружают пользователи муниципалитетов; файл, присланный по почте, "
                                     "положите в папку приёма окна")
        if not window.accepting:
            raise HTTPException(403, f"Приём форм в окне «{window.monitoring.title}» "
                                     + (f"откроется {day(window.opens)}" if window.phase == "upcoming"
                                        else f"завершён {day(window.grace_until)}"))
        limit = settings.max_upload_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit + intake.MULTIPART_OVERHEAD:
            raise intake.UploadRefused(413, intake.size_limit_message(limit))
        with intake.upload_slot(home, window.monitoring_id, municipality.oktmo):
            received = await intake.receive_workbook(request.headers.get("content-type", ""), request.stream(),
                                                     uploads_folder(home) / window.monitoring_id / municipality.oktmo,
                                                     limit)
            if header_token is None and not csrf_valid(request, received.fields.get("csrf_token")):
                received.path.unlink(missing_ok=True)
                raise HTTPException(403, CSRF_MESSAGE)
            upload_id = await run_in_threadpool(intake.take_in, home, store, account, window, received, settings.now())
        target = f"/uploads/{upload_id}"
        if wants_json(request):
            return JSONResponse({"redirect": target, "upload_id": upload_id})
        return RedirectResponse(target, status_code=303)

    return routes
