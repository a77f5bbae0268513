"""The explanation page of the upload site: ``/explain?ref=…`` (a figure's reference from a note) or
``/explain?school=…`` — the same explanation as ``shnor explain`` (``shnor.explain``), as a page or JSON.
Region staff see any row and every source; a municipal login sees its own municipality's rows, and of the sources
behind them only its own (the region's mean is explained by counts, never by another municipality's cells)."""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse

from shnor.explain import (
    ExplainError,
    NotYours,
    Resolver,
    explain_school,
    lines,
    load_manifest,
    school_lines,
)
from shnor.web.guards import Access, Routes, signed_in, wants_json
from shnor.web.pages import render
from shnor.web.store import Account
from shnor_core import warehouse
from shnor_core.settings import DataHome


def routes(home: DataHome) -> Routes:
    """The explanation page, for any signed-in account (its rows are limited to the account's municipality)."""
    routes = Routes()

    @routes.route("GET", "/explain", Access.SIGNED_IN)
    def explain_page(request: Request, ref: str = "", school: str = "", account: Account = Depends(signed_in)):
        municipality = None if account.is_region else account.municipality_oktmo
        result, text = None, []
        try:
            if (ref or school) and not home.warehouse.is_file():
                raise ExplainError("хранилище ещё не собрано: объяснять пока нечего")
            if ref or school:
                with warehouse.connect(home.warehouse, read_only=True, wait=0) as con:
                    if school:
                        result = explain_school(con, school, municipality)
                        text = school_lines(result)
                    else:
                        resolver = Resolver(con, load_manifest(home))
                        result = resolver.explain(*resolver.parse(ref), municipality)
                        text = lines(result)
        except NotYours as error:
            raise HTTPException(403, f"Нет доступа: {error}") from error
        except ExplainError as error:
            raise HTTPException(404, str(error)) from error
        except warehouse.WarehouseBusy as error:
            raise HTTPException(503, "Хранилище сейчас обновляется: повторите через несколько минут") from error
        if wants_json(request):
            return JSONResponse(result.as_dict() if result else {})
        return render(request, "explain.html", account=account, ref=ref, school=school, text=text)

    return routes
