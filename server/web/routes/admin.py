"""Admin pages: users (create, role, active, password, teams) and teams."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select

from server import accounts
from server.models import Role, Team, TeamMember, User
from server.web.deps import AdminDep, DbDep, NotFound
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
    if team_id.isdigit() and (team := db.get(Team, int(team_id))) is not None:
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
    try:
        new_role = accounts.parse_role(role)
        if password:
            accounts.check_password(password)
    except accounts.AccountError as exc:
        flash(request, f"Not saved: {exc}.", "error")
        return RedirectResponse(f"/admin/users/{user_id}", status_code=303)
    if user.id == admin.id and (new_role is not Role.admin or not active):
        flash(
            request,
            "Not saved: you cannot remove your own admin role or deactivate "
            "yourself; ask another admin.",
            "error",
        )
        return RedirectResponse(f"/admin/users/{user_id}", status_code=303)
    user.role, user.is_active = new_role, bool(active)
    user.name = name.strip() or user.name
    if password:
        accounts.reset_password(db, email=user.email, password=password)
    wanted = {int(t) for t in team_ids or [] if t.isdigit()}
    for membership in db.exec(select(TeamMember).where(TeamMember.user_id == user_id)):
        if membership.team_id not in wanted:
            db.delete(membership)
        wanted.discard(membership.team_id)
    for team_id in wanted:
        if (team := db.get(Team, team_id)) is not None:
            accounts.add_member(db, team=team, user=user)
    db.add(user)
    flash(request, f"Saved {user.email}.")
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


@router.get("/teams")
def teams_page(request: Request, db: DbDep, admin: AdminDep) -> Response:
    teams = list(db.exec(select(Team).order_by(Team.name)))
    members: dict[int, list[User]] = {}
    for team_id, user in db.exec(select(TeamMember.team_id, User).join(User)):
        members.setdefault(team_id, []).append(user)
    return render(request, "admin/teams.html", {"teams": teams, "members": members})


@router.post("/teams")
def create_team(
    request: Request, db: DbDep, admin: AdminDep, name: Annotated[str, Form()]
) -> Response:
    name = name.strip()
    if not name:
        flash(request, "Team not created: give it a name.", "error")
    elif db.exec(select(Team).where(Team.name == name)).first() is not None:
        flash(request, f"Team not created: {name!r} already exists.", "error")
    else:
        accounts.get_or_create_team(db, name=name)
        flash(request, f"Created team {name}.")
    return RedirectResponse("/admin/teams", status_code=303)
