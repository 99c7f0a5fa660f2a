"""An example mpcheck plugin: the topic "norms".

It shows every piece a plugin author needs: a topic, a generator with a worked solution, hints
and a recognised mistake, a concept-question bank in TOML, and an extra CLI command.
Install it with `pip install examples/mpcheck-norms`, then try `mpcheck problems norms`.
"""

from importlib.resources import files

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("norms", "Vector norms", summary="L1, L2 and max norms of small vectors.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    # Import inside the hook: registering must stay cheap for `mpcheck --help`.
    from mpcheck.questions import load_bank
    from mpcheck_norms.generators import L2_NORM

    register(L2_NORM)
    for question in load_bank(files(__name__) / "questions.toml"):
        register(question)


@hookimpl
def register_commands(app):
    @app.command("norms-table")
    def norms_table() -> None:
        """Print the three norms of (3, −4) as a reminder."""
        print("‖(3, −4)‖₁ = 7   ‖(3, −4)‖₂ = 5   ‖(3, −4)‖∞ = 4")
