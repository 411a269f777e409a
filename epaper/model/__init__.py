"""Plain, frozen, hashable data: what the edition says, what templates say, what layout made."""
