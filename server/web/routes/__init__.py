"""All page routers, collected in one place; `server.app.create_app` includes them."""

from fastapi import APIRouter

from server.web.routes import admin, agent, auth, calls, home, manager, practice, trainer, voice

routers: list[APIRouter] = [auth.router, home.router, admin.router, trainer.router]
routers += [agent.router, practice.router, voice.router]
routers += [manager.router, calls.router]
