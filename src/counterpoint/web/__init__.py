"""The web app: an ASGI app (FastAPI) over the same API as the CLI (``counterpoint serve``)."""
