"""The API's operations, one module per area, each with its router (`base.Area`); `api.api`
mounts them. Every list is built from a fixed number of queries, whatever its size."""
