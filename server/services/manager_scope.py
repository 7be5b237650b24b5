"""What a manager may see: the teams they are a member of (admins: every team), and the agents
and attempts of those teams. Every manager page goes through these functions."""

from __future__ import annotations

from sqlmodel import Session, select

from server.models import PracticeSession, Role, Team, TeamMember, User


class OutOfScope(Exception):
    """The thing exists but belongs to a team the user does not manage (a 403)."""


class Missing(Exception):
    """There is no such team, agent or attempt (a 404)."""


def managed_teams(session: Session, user: User) -> list[Team]:
    """The teams `user` manages, by name: every team for an admin, else the teams they are in."""
    query = select(Team).order_by(Team.name)
    if user.role is not Role.admin:
        query = query.join(TeamMember).where(TeamMember.user_id == user.id)
    return list(session.exec(query))


def choose_team(session: Session, user: User, team_id: int | None) -> Team | None:
    """The team a page is about: `team_id` when given (checked), else the first managed team;
    None when the user manages no team at all."""
    teams = managed_teams(session, user)
    if team_id is None:
        return teams[0] if teams else None
    for team in teams:
        if team.id == team_id:
            return team
    if session.get(Team, team_id) is None:
        raise Missing(f"There is no team with id {team_id}; pick one of your teams on /manager.")
    raise OutOfScope(
        f"You do not manage team {team_id}. Ask an admin to add you to it on /admin/teams."
    )


def team_agents(session: Session, team: Team) -> list[User]:
    """The active agents of a team, by name."""
    return list(
        session.exec(
            select(User)
            .join(TeamMember)
            .where(TeamMember.team_id == team.id, User.role == Role.agent)
            .order_by(User.name, User.email)
        )
    )


def agent_in_scope(session: Session, user: User, agent_id: int) -> tuple[User, Team]:
    """The agent and the (first) team of theirs that `user` manages."""
    agent = session.get(User, agent_id)
    if agent is None or agent.role is not Role.agent:
        raise Missing(f"There is no agent with id {agent_id}; open agents from the heatmap.")
    agent_teams = set(
        session.exec(select(TeamMember.team_id).where(TeamMember.user_id == agent_id))
    )
    for team in managed_teams(session, user):
        if team.id in agent_teams:
            return agent, team
    raise OutOfScope(f"{agent.name} is not in a team you manage.")


def attempt_in_scope(session: Session, user: User, attempt_id: int) -> PracticeSession:
    """A practice attempt (mode practice) by an agent of one of `user`'s teams."""
    attempt = session.get(PracticeSession, attempt_id)
    if attempt is None or attempt.mode != "practice":
        raise Missing(f"There is no practice attempt with id {attempt_id}.")
    agent_in_scope(session, user, attempt.user_id)
    return attempt
