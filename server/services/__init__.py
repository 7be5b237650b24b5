"""Plain functions holding the app's logic; routes, the CLI and tests call them."""
