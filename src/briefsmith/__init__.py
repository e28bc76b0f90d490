"""briefsmith: reviewed, version-controlled YAML content in, a typeset and fully cited PDF
policy brief out."""

__version__ = "0.1.0"
