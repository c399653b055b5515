"""Help that reads as a manual: a parameter shows its metavar (``--db LOCATION``), never a type.

typer 0.29 prints a Python type beside every option and argument (``<str>``, ``<list[str]>``, and
``<bool>`` for flags, its own ``--help`` included) and has no setting to leave it out. These command
classes, handed to typer through its ``cls=`` hook, show an option's ``metavar`` instead (nothing
for a flag, which takes no value) and nothing beside an argument, whose name column already shows
its metavar.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


class _MetavarOption(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        return self.metavar


class _UntypedArgument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _without_types(params: list[Any]) -> list[Any]:
    # typer builds the parameters itself, from the function's signature, so they are re-classed
    # here rather than built as these classes; both only override how help shows their type.
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = _MetavarOption
        elif type(param) is TyperArgument:
            param.__class__ = _UntypedArgument
    return params


class PlainHelpGroup(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _without_types(super().get_params(ctx))


class PlainHelpCommand(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _without_types(super().get_params(ctx))
