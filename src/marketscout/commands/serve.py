"""`marketscout serve`: the web app (pages, JSON API, survey) on a local address."""

from __future__ import annotations

import typer

from marketscout.cli import app
from marketscout.commands._common import console


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (127.0.0.1: this machine)."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Start the web app: priority list, market profiles, data, downloads and survey."""
    import uvicorn

    from marketscout.web.app import create_app

    console.print(f"marketscout on http://{host}:{port}/  (Ctrl+C to stop)", highlight=False)
    # One worker process: DuckDB lets one process write the store at a time (see web/deps.py).
    uvicorn.run(create_app(), host=host, port=port, log_level="info")
