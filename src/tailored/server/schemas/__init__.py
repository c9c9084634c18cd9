"""The HTTP shapes of the API (pydantic, the trust boundary): what a request may send and
what a response holds, one module per resource family (`common` holds items, users,
events, training and the shared batch result)."""
