"""`sparring users …`: manage accounts from the shell."""

from __future__ import annotations

import typer

from server import accounts
from server.cli import context
from server.models import Role

users_app = typer.Typer(help="Create and manage user accounts.", no_args_is_help=True)
ROLES = ", ".join(r.value for r in Role)


@users_app.command("create")
def create(
    email: str = typer.Argument(..., help="Login email."),
    role: str = typer.Option("agent", "--role", help=f"One of: {ROLES}."),
    name: str = typer.Option("", "--name", help="Display name (default: the email's local part)."),
    password: str = typer.Option(
        ...,
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="8 to 1,024 characters, not a common password nor the email; prompted for when "
        "omitted.",
    ),
    team: str = typer.Option("", "--team", help="Add the user to this team (created if new)."),
) -> None:
    """Create a user."""
    with context.db_session() as session:
        user = accounts.create_user(session, email=email, password=password, role=role, name=name)
        if team:
            accounts.add_member(
                session, team=accounts.get_or_create_team(session, name=team), user=user
            )
        typer.echo(f"created {user.email} ({user.role.value})")


@users_app.command("list")
def list_() -> None:
    """List users with their role and status."""
    with context.db_session() as session:
        for user in accounts.list_users(session):
            status = "active" if user.is_active else "disabled"
            typer.echo(f"{user.email:<32} {user.role.value:<8} {status:<8} {user.name}")


@users_app.command("set-role")
def set_role(
    email: str = typer.Argument(..., help="The user's email."),
    role: str = typer.Argument(..., help=f"One of: {ROLES}."),
) -> None:
    """Change a user's role (ends all their sessions)."""
    with context.db_session() as session:
        user = accounts.set_role(session, email=email, role=role)
        typer.echo(f"{user.email} is now {user.role.value}")


@users_app.command("reset-password")
def reset_password(
    email: str = typer.Argument(..., help="The user's email."),
    password: str = typer.Option(
        ...,
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="The new password (8 to 1,024 characters, not a common one); prompted for when "
        "omitted. Signs the user out everywhere.",
    ),
) -> None:
    """Set a new password for a user (ends all their sessions)."""
    with context.db_session() as session:
        user = accounts.reset_password(session, email=email, password=password)
        typer.echo(f"password reset for {user.email}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
