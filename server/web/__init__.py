"""The browser-facing part of Sparring: server-rendered pages, sessions, CSRF and role checks."""
