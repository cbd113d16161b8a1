"""Rule packs: one YAML file per source document, each rule one clause with a condition."""
