"""`marketscout serve`: the web app (pages, JSON API, survey) on a local address."""

from __future__ import annotations

import typer

from marketscout.cli import app
from marketscout.commands._common import console


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (127.0.0.1: this machine "
                                               "only; 0.0.0.0: every network)."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
) -> None:
    """Start the web app: priority list, market profiles, data, downloads and survey."""
    import uvicorn

    from marketscout import access
    from marketscout.web.app import create_app

    web = create_app(host=host)
    console.print(f"marketscout on http://{host}:{port}/  (Ctrl+C to stop)", highlight=False)
    if not access.options.is_loopback(host):
        console.print("Listening on a network address: reading the list needs a login unless "
                      "an admin opens it (Admin > Settings); put a reverse proxy with HTTPS in "
                      "front (docs/web.md).", highlight=False)
    # One worker process: DuckDB lets one process write the store at a time (see web/deps.py),
    # and the login attempt limits are counted in this process.
    uvicorn.run(web, host=host, port=port, log_level="info")
