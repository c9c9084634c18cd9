"""Liveness and readiness probes (no API key)."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

import tailored
from tailored.server.auth import EngineDep
from tailored.server.input_checks import api_router

router = api_router(tags=["health"])


@router.get("/healthz", summary="The process is up (no database round trip)")
async def healthz() -> dict[str, str]:
    return {"status": "ok", "version": tailored.__version__}


@router.get("/readyz", summary="The database answers")
async def readyz(engine: EngineDep) -> JSONResponse:
    try:
        await run_in_threadpool(engine.items.count)
    except Exception as error:
        return JSONResponse(
            {"status": "unavailable", "database": str(error)[:200]}, status_code=503
        )
    return JSONResponse({"status": "ok", "database": engine.db.backend})
