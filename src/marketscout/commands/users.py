"""`marketscout users ...`: who may log in to the web app (admins and analysts)."""

from __future__ import annotations

import sys

import typer

from marketscout.cli import app
from marketscout.commands._common import console, user_store

users_app = typer.Typer(help="Manage who may log in to the web app (admins and analysts).",
                        no_args_is_help=True)
app.add_typer(users_app, name="users")
ROLE = typer.Option("analyst", help="admin (users, survey rounds, settings) or analyst "
                                    "(imports, weights, plans, activities).")
PASSWORD_STDIN = typer.Option(False, "--password-stdin",
                              help="Read the password from standard input (for scripts).")


def _password(from_stdin: bool) -> str:
    """The new password: from standard input, or asked twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def add(name: str = typer.Argument(..., help="The user name (2-40 letters, digits, . _ -)."),
        role: str = ROLE, password_stdin: bool = PASSWORD_STDIN) -> None:
    """Create a user who may log in (the password is asked for, not shown)."""
    from marketscout import access

    password = _password(password_stdin)
    with user_store() as store:
        made = access.add_user(store, name, role, password)
    console.print(f"Created {made.username} ({made.role}); they log in at /login.",
                  highlight=False)


@users_app.command("list")
def list_users() -> None:
    """List users and their roles (never their passwords)."""
    from marketscout import access
    from marketscout.commands._common import rich_table

    with user_store(read_only=True) as store:
        frame = access.users.users_frame(store)
    console.print(rich_table(frame, "Users") if len(frame) else
                  "No user yet: `marketscout users add NAME --role admin`.")


@users_app.command("set-password")
def set_password(name: str = typer.Argument(..., help="The user name."),
                 password_stdin: bool = PASSWORD_STDIN) -> None:
    """Give a user a new password; their open sessions end."""
    from marketscout import access

    password = _password(password_stdin)
    with user_store() as store:
        access.set_password(store, name, password)
    console.print(f"New password set for {name}; their sessions have ended.", highlight=False)


@users_app.command("set-role")
def set_role(name: str = typer.Argument(..., help="The user name."),
             role: str = typer.Argument(..., help="admin or analyst.")) -> None:
    """Change a user's role (it applies to their next request)."""
    from marketscout import access

    with user_store() as store:
        found = access.set_role(store, name, role)
    console.print(f"{found.username} is now {found.role}.", highlight=False)


@users_app.command("remove")
def remove(name: str = typer.Argument(..., help="The user name.")) -> None:
    """Remove a user; they are logged out at once."""
    from marketscout import access

    with user_store() as store:
        access.remove_user(store, name)
    console.print(f"Removed {name}.", highlight=False)
