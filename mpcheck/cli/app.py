"""The Typer application; command modules add themselves to ``app``."""

import typer

app = typer.Typer(
    name="mpcheck",
    help="Practise Machine Perception: generated problems with a trustworthy checker, "
    "machine-checked derivations, reference implementations, spaced review and mock exams.\n\n"
    "Start with [bold]mpcheck topics[/bold], then [bold]mpcheck quiz cnn[/bold].",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from mpcheck import __version__

        print(f"mpcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    pass
