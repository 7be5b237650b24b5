"""The start page sends each role to its own home."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from server.models import Role
from server.web.deps import UserDep

router = APIRouter()

HOME_BY_ROLE = {
    Role.agent: "/agent",
    Role.manager: "/manager",
    Role.trainer: "/trainer/scenarios",
    Role.admin: "/admin/users",
}


@router.get("/")
def home(user: UserDep) -> RedirectResponse:
    return RedirectResponse(HOME_BY_ROLE[user.role], status_code=303)
