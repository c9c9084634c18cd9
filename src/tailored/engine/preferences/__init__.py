"""What users chose: the preference schema a business defines (`schemas`, read from its
JSON form by `inputs`) and each user's answers to it (`service`)."""
