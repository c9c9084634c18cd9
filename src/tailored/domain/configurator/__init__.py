"""Product configurators: templates of option groups with constraints and prices
(`template`, `fields`), the rules a design must satisfy (`rules`), the JSON form of a
template (`definition`), saved designs (`designs`) and what shoppers pick (`analytics`)."""
