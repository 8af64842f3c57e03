"""The `newsqa` command. Each area registers its commands from its own module."""

from __future__ import annotations

import importlib
import sys

import click
import typer

from index.errors import NewsQAError

COMMAND_MODULES = ("ui.cli_index", "ui.cli_ask", "ui.cli_serve", "ui.cli_eval", "ui.cli_eval_pages", "ui.cli_feedback")

#: exit codes: 0 done, 1 a user error (one sentence printed), 2 bad usage, 3 done but some inputs failed
EXIT_USER_ERROR = 1
EXIT_PARTIAL = 3


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="newsqa",
        help="Ask questions about a newspaper archive; answers quote the articles with their dates.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
    return app


def main(argv: list[str] | None = None) -> int:
    app = build_app()
    try:
        result = typer.main.get_command(app).main(args=argv, prog_name="newsqa", standalone_mode=False)
    except (typer.Exit, click.exceptions.Exit) as done:
        return done.exit_code
    except (typer.TyperException, click.ClickException) as usage:
        # typer runs its own copy of click: its usage errors derive from TyperException
        usage.show()
        return usage.exit_code
    except (typer.Abort, click.exceptions.Abort):
        click.echo("error: interrupted.", err=True)
        return 130
    except NewsQAError as error:
        click.echo(f"error: {error}", err=True)
        return EXIT_USER_ERROR
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
