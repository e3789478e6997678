"""The demo company."""


def register_cli(app):
    pass
