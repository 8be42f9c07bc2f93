"""Routers: every non-underscore module here that defines `router` is included by the app.

To add pages or endpoints (e.g. the survey), create `routes/<topic>.py` with
`router = APIRouter()` and decorate handlers; use `marketscout.web.deps` for the store
(`StoreDep`), settings and `render(request, "template.html", {...})`.
"""
