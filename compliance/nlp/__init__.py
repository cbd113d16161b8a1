"""The rule-based spaCy layer. The only package that imports spaCy, and only when called."""
