"""Work that drives the `Engine` facade from above: bulk imports of what the readers
read, offline evaluation of the models, and the background runner that refreshes models
and runs queued jobs. Used by the CLI and the server; the engine never imports these."""
