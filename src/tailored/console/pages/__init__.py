"""The console's pages, one module per section: `home` (login, dashboard, and the router
that includes the others), `catalog`, `users`, `models`, `configurators`."""
