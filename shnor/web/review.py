"""The review page for region staff: the names the warehouse could not resolve with certainty, with candidates,
evidence and what is at stake, and a person's decision on each — through ``shnor.review``, the code path of
``shnor review`` (the decision goes to the data home's crosswalk with the account's login and the time, and applies
on the next build). Region staff only: a municipal account gets 403 and sees nothing of it."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from shnor.review import STATUS_RU, decide, items_json, review_items
from shnor.web.guards import Access, Routes, region_only
from shnor.web.pages import render
from shnor.web.store import Account
from shnor_core.settings import DataHome
from shnor_core.warehouse import WarehouseBusy

DECISIONS_RU = {"confirm": "подтвердить", "reject": "отклонить", "map": "сопоставить с кодом",
                "not_ours": "не наше (не школа или не МО региона)"}
_MESSAGE = "review_message"


def routes(home: DataHome) -> Routes:
    """The review routes (one access rule each: region staff)."""
    routes = Routes()
    route = routes.route

    @route("GET", "/review", Access.REGION)
    def review_page(request: Request, show_all: bool = False, account: Account = Depends(region_only)):
        try:
            items, busy = review_items(home, show_all=show_all), None
        except WarehouseBusy as held:
            items, busy = [], str(held)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(items_json(items))
        message = request.session.pop(_MESSAGE, None)
        return render(request, "review.html", account=account, items=items, show_all=show_all, busy=busy,
                      message=message, status_ru=STATUS_RU, decisions_ru=DECISIONS_RU)

    @route("POST", "/review/{name_id}", Access.REGION)
    async def review_decision(request: Request, name_id: str, account: Account = Depends(region_only)):
        form = await request.form()
        decision, code, note = (str(form.get(field, "")).strip() for field in ("decision", "code", "note"))
        try:
            if decision not in DECISIONS_RU:
                raise KeyError(f"Решение «{decision}» не из списка: подтвердить, отклонить, сопоставить, не наше")
            done = await run_in_threadpool(decide, home, name_id, decision, code or None, account.login, note)
            message = {"ok": True, "text": done}
        except (KeyError, WarehouseBusy) as refused:
            message = {"ok": False, "text": str(refused.args[0] if isinstance(refused, KeyError) else refused)}
        request.session[_MESSAGE] = message
        return RedirectResponse("/review", status_code=303)

    return routes
