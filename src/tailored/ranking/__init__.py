"""Pure ranking: what serving does with scores once a model has given them.

The pipeline (`pipeline`: candidates -> filters -> boosts -> diversity -> top-n, its steps
in `steps`, assembled per placement from its strategy), the chain that fills a list with
what is popular (`chain`), the catalog index (filters and boosts as boolean masks over
the item vocabulary), trending, and the reasons shown with each item (`explain`). Plain
values in, plain values out: no database, no web framework, so experiments and campaigns
can vary one step and tests can check each step alone.
"""
