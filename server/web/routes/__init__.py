"""All page routers, collected in one place; `server.app.create_app` includes them."""

from fastapi import APIRouter

from server.web.routes import admin, auth, home

routers: list[APIRouter] = [auth.router, home.router, admin.router]
