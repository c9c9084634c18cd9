"""Pure ranking: what serving does with scores once a model has given them.

The catalog index (filters and boosts as boolean masks over the item vocabulary), the
chain of strategies that fills a list, trending, and the reasons shown with each item.
Plain values in, plain values out: no database, no web framework, so experiments and
campaigns can vary one step and tests can check each step alone.
"""
