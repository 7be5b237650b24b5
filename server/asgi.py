"""ASGI entry point for uvicorn workers: `uvicorn server.asgi:app`."""

from server.app import create_app

app = create_app()
