"""Errors that are the user's to fix: the CLI prints their message in one line and exits 2."""


class UserError(Exception):
    """Something the user typed or asked for cannot be used; the message says why."""


class AnswerError(UserError):
    """An answer could not be read (format, size, unknown name, too complex)."""


class ParamsError(UserError):
    """Explicit problem parameters are invalid."""


class PluginError(Exception):
    """A plugin failed to load or to register; carries the plugin's name."""

    def __init__(self, plugin: str, message: str):
        super().__init__(f"plugin {plugin!r}: {message}")
        self.plugin = plugin
