"""The demo: a generated store (catalog, shoppers, a coffee bar, example configurators,
trained models) and its storefront pages. Used by `tailored demo` only; nothing in the
engine or the server depends on it."""
