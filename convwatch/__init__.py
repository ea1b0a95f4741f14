"""``convwatch``: start, inspect and list Conversion Watch watches of a deployed stack."""
