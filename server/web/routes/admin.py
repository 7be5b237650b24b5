"""Admin pages: users (create, role, active, password, teams) and teams.

The rules (password policy, name lengths, no self-demotion, membership sync, signing a user out
everywhere when their password, role or active flag changes) live in `server.accounts`; these
routes only read the form and report the outcome. Deactivated users are not listed on the teams
page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select

from server import accounts
from server.models import Role, Team, TeamMember, User
from server.web.deps import AdminDep, DbDep, NotFound, small_int
from server.web.templating import flash, render

router = APIRouter(prefix="/admin")


def _teams_by_user(db: DbDep) -> dict[int, list[str]]:
    rows = db.exec(select(TeamMember.user_id, Team.name).join(Team))
    out: dict[int, list[str]] = {}
    for user_id, name in rows:
        out.setdefault(user_id, []).append(name)
    return out


@router.get("/users")
def users_page(request: Request, db: DbDep, admin: AdminDep) -> Response:
    return render(
        request,
        "admin/users.html",
        {
            "users": accounts.list_users(db),
            "teams_by_user": _teams_by_user(db),
            "teams": list(db.exec(select(Team).order_by(Team.name))),
            "roles": list(Role),
        },
    )


@router.post("/users")
def create_user(
    request: Request,
    db: DbDep,
    admin: AdminDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()] = "agent",
    name: Annotated[str, Form()] = "",
    team_id: Annotated[str, Form()] = "",
) -> Response:
    try:
        user = accounts.create_user(db, email=email, password=password, role=role, name=name)
    except accounts.AccountError as exc:
        flash(request, f"User not created: {exc}.", "error")
        return RedirectResponse("/admin/users", status_code=303)
    team_number = small_int(team_id)
    if team_number is not None and (team := db.get(Team, team_number)) is not None:
        accounts.add_member(db, team=team, user=user)
    flash(request, f"Created {user.email} ({user.role.value}).")
    return RedirectResponse("/admin/users", status_code=303)


def _user_or_404(db: DbDep, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


@router.get("/users/{user_id}")
def user_page(request: Request, user_id: int, db: DbDep, admin: AdminDep) -> Response:
    user = _user_or_404(db, user_id)
    member_of = set(db.exec(select(TeamMember.team_id).where(TeamMember.user_id == user_id)))
    return render(
        request,
        "admin/user.html",
        {
            "target": user,
            "roles": list(Role),
            "member_of": member_of,
            "teams": list(db.exec(select(Team).order_by(Team.name))),
        },
    )


@router.post("/users/{user_id}")
def update_user(
    request: Request,
    user_id: int,
    db: DbDep,
    admin: AdminDep,
    role: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    team_ids: Annotated[list[str] | None, Form()] = None,
) -> Response:
    user = _user_or_404(db, user_id)
    teams = [number for t in team_ids or [] if (number := small_int(t)) is not None]
    try:
        accounts.update_user(
            db,
            actor=admin,
            user=user,
            role=role,
            name=name,
            active=bool(active),
            password=password,
            team_ids=teams,
        )
    except accounts.AccountError as exc:
        flash(request, f"Not saved: {exc}.", "error")
        return RedirectResponse(f"/admin/users/{user_id}", status_code=303)
    flash(request, f"Saved {user.email}.")
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


@router.get("/teams")
def teams_page(request: Request, db: DbDep, admin: AdminDep) -> Response:
    teams = list(db.exec(select(Team).order_by(Team.name)))
    members: dict[int, list[User]] = {}
    active_members = select(TeamMember.team_id, User).join(User).where(User.is_active == True)  # noqa: E712
    for team_id, user in db.exec(active_members.order_by(User.email)):
        members.setdefault(team_id, []).append(user)
    return render(request, "admin/teams.html", {"teams": teams, "members": members})


@router.post("/teams")
def create_team(
    request: Request, db: DbDep, admin: AdminDep, name: Annotated[str, Form()]
) -> Response:
    name = name.strip()
    if not name:
        flash(request, "Team not created: give it a name.", "error")
    elif len(name) > accounts.MAX_TEAM_NAME_CHARS:
        flash(
            request,
            f"Team not created: keep the name under {accounts.MAX_TEAM_NAME_CHARS} characters.",
            "error",
        )
    elif db.exec(select(Team).where(Team.name == name)).first() is not None:
        flash(request, f"Team not created: {name!r} already exists.", "error")
    else:
        accounts.get_or_create_team(db, name=name)
        flash(request, f"Created team {name}.")
    return RedirectResponse("/admin/teams", status_code=303)
