"""The REST API: FastAPI app factory, routes, schemas, auth and the one error mapping."""

from tailored.server.app import create_app

__all__ = ["create_app"]
