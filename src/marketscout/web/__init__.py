"""The web app: FastAPI with server-rendered Jinja2 pages and a JSON API (`marketscout serve`)."""
